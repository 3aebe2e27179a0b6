/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { KubeObject } from '../kube';
import { AIRFLOW_NODE } from '../seed/airflow';
import { makeSafeLabelValue } from './labels';
import { randomSuffix } from './kpoText';
import { AIRFLOW_NAMESPACE } from './podTemplate';
import { DagRecord, RunRecord, TaskInstanceRecord } from './types';

/** python-slugify + `add_unique_suffix`: the KubernetesExecutor's pod name `<dag-id>-<task-id>-<8 random chars>`. */
export function workerPodName(dagId: string, taskId: string): string {
  const base = `${dagId}-${taskId}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/^[.-]+|[.-]+$/g, '');
  return `${base
    .slice(0, 63 - 9)
    .replace(/^[.-]+|[.-]+$/g, '')}-${randomSuffix()}`;
}

/** Python's `datetime.isoformat()` of a UTC instant (`…+00:00`, microseconds only when non-zero). */
function pyIsoformat(iso: string): string {
  const d = new Date(iso);
  const base = d.toISOString().slice(0, 19);
  const ms = d.getUTCMilliseconds();
  return `${base}${ms ? `.${String(ms * 1000).padStart(6, '0')}` : ''}+00:00`;
}

/** What the executor puts into each worker pod. */
export type WorkerPodInput = {
  template: KubeObject | undefined;
  release: string;
  airflowMajor: 2 | 3;
  airflowVersion: string;
  run: RunRecord;
  ti: TaskInstanceRecord;
  dag: DagRecord | undefined;
  /** The scheduler job id (`airflow-worker` label). */
  jobId: number;
  /** `[kubernetes_executor] worker_container_repository:worker_container_tag` when both are set. */
  kubeImage?: string;
};

/** `build_labels_for_k8s_executor_pod` and the annotations of `construct_pod` (§3.5). */
function identity(input: WorkerPodInput) {
  const { ti, run, airflowMajor, airflowVersion, jobId } = input;
  const dateKey = airflowMajor === 3 ? 'logical_date' : 'execution_date';
  const date = run.logical_date ? pyIsoformat(run.logical_date) : undefined;
  const labels: Record<string, string> = {
    dag_id: makeSafeLabelValue(ti.dag_id),
    task_id: makeSafeLabelValue(ti.task_id),
    try_number: String(ti.try_number),
    kubernetes_executor: 'True',
    airflow_version: airflowVersion.replace('+', '-'),
    'airflow-worker': makeSafeLabelValue(String(jobId)),
    run_id: makeSafeLabelValue(run.run_id),
  };
  const annotations: Record<string, string> = {
    dag_id: ti.dag_id,
    task_id: ti.task_id,
    try_number: String(ti.try_number),
    run_id: run.run_id,
  };
  if (date) {
    labels[dateKey] = date.replace(/:/g, '_').replace(/\+/g, '_plus_');
    annotations[dateKey] = date;
  }
  return { labels, annotations };
}

/** The command of the `base` container: Airflow 2's `airflow tasks run … --local`, Airflow 3's workload runner. */
function workerArgs(input: WorkerPodInput): string[] {
  const { ti, run, dag } = input;
  if (input.airflowMajor === 3) {
    return [
      'python',
      '-m',
      'airflow.sdk.execution_time.execute_workload',
      '--json-path',
      '/run/secrets/airflow-workload/workload.json',
    ];
  }
  return [
    'airflow',
    'tasks',
    'run',
    ti.dag_id,
    ti.task_id,
    run.run_id,
    '--local',
    '--subdir',
    `DAGS_FOLDER/${dag?.relativeFileloc ?? `${ti.dag_id}.py`}`,
  ];
}

/**
 * `PodGenerator.construct_pod` reconciled with the pod template: the template's metadata and spec, name
 * `<dag>-<task>-<random>` in namespace `airflow`, the executor's labels and annotations, and its `base` container
 * (args, `AIRFLOW_IS_K8S_EXECUTOR_POD`, the default image when configured) merged into the template's first
 * container. Bound to the node-group node by the sandbox (`spec.nodeName`).
 */
export function buildWorkerPod(input: WorkerPodInput): KubeObject {
  const template = structuredClone(input.template ?? {}) as any;
  const spec = template.spec ?? {};
  const { labels, annotations } = identity(input);
  const containers: any[] = Array.isArray(spec.containers)
    ? spec.containers
    : [];
  const index = Math.max(
    0,
    containers.findIndex(c => c?.name === 'base'),
  );
  const templateBase = containers[index] ?? {};
  const base = {
    ...templateBase,
    name: 'base',
    args: workerArgs(input),
    env: [
      ...(Array.isArray(templateBase.env) ? templateBase.env : []),
      { name: 'AIRFLOW_IS_K8S_EXECUTOR_POD', value: 'True' },
    ],
    ...(input.kubeImage ? { image: input.kubeImage } : {}),
  };
  const merged = [...containers];
  merged[index] = base;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: workerPodName(input.ti.dag_id, input.ti.task_id),
      namespace: AIRFLOW_NAMESPACE,
      labels: { ...(template.metadata?.labels ?? {}), ...labels },
      annotations: {
        ...(template.metadata?.annotations ?? {}),
        ...annotations,
      },
    },
    spec: { ...spec, containers: merged, nodeName: AIRFLOW_NODE },
  } as KubeObject;
}

/** Whether the worker gets the DAG files: `git-sync-init` fills the `dags` volume that `base` mounts. */
export function workerHasDags(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as any;
  const init = (spec.initContainers ?? []).some(
    (c: any) => c?.name === 'git-sync-init',
  );
  const volume = (spec.volumes ?? []).some((v: any) => v?.name === 'dags');
  const base = (spec.containers ?? []).find((c: any) => c?.name === 'base');
  const mounted = (base?.volumeMounts ?? []).some(
    (m: any) => m?.name === 'dags',
  );
  return init && volume && mounted;
}

const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const containerId = () =>
  `containerd://${crypto.randomBytes(32).toString('hex')}`;

/** The status the node's kubelet writes when the worker starts: init containers done, `base` running. */
export function runningStatus(pod: KubeObject, now: Date) {
  const spec = pod.spec as any;
  const t = stamp(now);
  return {
    phase: 'Running',
    startTime: t,
    hostIP: '10.0.1.23',
    podIP: `10.0.1.${100 + crypto.randomInt(150)}`,
    conditions: [
      {
        type: 'PodReadyToStartContainers',
        status: 'True',
        lastTransitionTime: t,
      },
      { type: 'Initialized', status: 'True', lastTransitionTime: t },
      { type: 'Ready', status: 'True', lastTransitionTime: t },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
    ],
    initContainerStatuses: (spec.initContainers ?? []).map((c: any) => ({
      name: c.name,
      image: c.image,
      ready: true,
      restartCount: 0,
      started: false,
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: t,
          finishedAt: t,
          containerID: containerId(),
        },
      },
    })),
    containerStatuses: (spec.containers ?? []).map((c: any) => ({
      name: c.name,
      image: c.image,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: t } },
      containerID: containerId(),
    })),
  };
}

/** The status once `base` exited with `exitCode`: Succeeded or Failed, the container terminated. */
export function terminatedStatus(pod: KubeObject, exitCode: number, now: Date) {
  const status = (pod.status ?? {}) as any;
  const t = stamp(now);
  const ready = exitCode === 0 ? 'PodCompleted' : 'PodFailed';
  return {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    conditions: (status.conditions ?? []).map((c: any) =>
      c.type === 'Ready' || c.type === 'ContainersReady'
        ? { ...c, status: 'False', reason: ready, lastTransitionTime: t }
        : c,
    ),
    containerStatuses: (status.containerStatuses ?? []).map((c: any) => ({
      ...c,
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode,
          reason: exitCode === 0 ? 'Completed' : 'Error',
          startedAt: c.state?.running?.startedAt ?? t,
          finishedAt: t,
          containerID: c.containerID,
        },
      },
    })),
  };
}
