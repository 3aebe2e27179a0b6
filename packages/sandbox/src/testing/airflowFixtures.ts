/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AirflowInstance } from '../airflow/AirflowInstance';
import { PyCompiler } from '../airflow/pyCompile';
import { startAirflowServer } from '../airflow/server';
import { KubeStore } from '../kube/KubeStore';
import { AIRFLOW_NODE } from '../seed/airflow';

/** A folder standing in for git-sync's `<root>/<link>`, with the given repository files. */
export function syncedFolder(files: Record<string, string>): {
  dir: string;
  write(files: Record<string, string>): void;
  remove(): void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-dags-'));
  const write = (more: Record<string, string>) => {
    for (const [file, content] of Object.entries(more)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
  };
  write(files);
  return {
    dir,
    write,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A crawler namespace with the seed's Role for Airflow's worker service account (pods, `events` list, `pods/log`),
 * optionally without `pods/log`, `create pods` or `list events`.
 */
export function crawlerNamespace(
  kube: KubeStore,
  namespace: string,
  options: {
    podsLog?: boolean;
    createPods?: boolean;
    events?: boolean;
    patchPods?: boolean;
  } = {},
) {
  kube.create('namespaces', undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  const rules: Array<Record<string, unknown>> = [
    {
      apiGroups: [''],
      resources: ['pods'],
      verbs: [
        'get',
        'list',
        'watch',
        'delete',
        ...(options.patchPods === false ? [] : ['patch']),
        ...(options.createPods === false ? [] : ['create']),
      ],
    },
  ];
  if (options.events !== false) {
    rules.push({ apiGroups: [''], resources: ['events'], verbs: ['list'] });
  }
  if (options.podsLog !== false) {
    rules.push({
      apiGroups: [''],
      resources: ['pods/log'],
      verbs: ['get', 'list'],
    });
  }
  kube.create('roles', namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'airflow-pod-runner', namespace },
    rules,
  });
  kube.create('rolebindings', namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'airflow-pod-runner', namespace },
    subjects: [
      { kind: 'ServiceAccount', name: 'airflow-worker', namespace: 'airflow' },
    ],
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'airflow-pod-runner',
    },
  });
}

/**
 * Namespace `airflow` as the chart and the seed leave it: the worker service account `airflow-worker` and, per
 * release, a scheduler pod `<release>-scheduler-0` (container `scheduler`, labels `component=scheduler,
 * release=<release>`) on the node-group node.
 */
export function airflowNamespace(kube: KubeStore, releases: string[]) {
  kube.create('namespaces', undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'airflow' },
  });
  kube.create('serviceaccounts', 'airflow', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'airflow-worker' },
  });
  for (const release of releases) {
    kube.create('pods', 'airflow', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${release}-scheduler-0`,
        labels: { tier: 'airflow', component: 'scheduler', release },
      },
      spec: {
        nodeName: AIRFLOW_NODE,
        containers: [{ name: 'scheduler', image: 'apache/airflow:3.2.1' }],
      },
    });
  }
}

/** The scheduler's own log (`kubectl logs <release>-scheduler-0 -c scheduler`). */
export function schedulerLog(kube: KubeStore, release: string): string {
  return kube.readLog('airflow', `${release}-scheduler-0`, 'scheduler');
}

/**
 * Plays kubelet for one pod: Running, log lines, then Succeeded or Failed with the exit code. Stops when the pod is
 * gone once Running (the operator deletes it at once when it may not read its log).
 */
export function finishPod(
  kube: KubeStore,
  namespace: string,
  name: string,
  lines: string[],
  exitCode = 0,
) {
  const startedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  kube.updatePodStatus(namespace, name, {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: startedAt },
    ],
    containerStatuses: [
      {
        name: 'base',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt } },
      },
    ],
  });
  if (!kube.exists('pods', namespace, name)) return;
  if (lines.length > 0)
    kube.appendLog(namespace, name, 'base', `${lines.join('\n')}\n`);
  kube.updatePodStatus(namespace, name, {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    containerStatuses: [
      {
        name: 'base',
        ready: false,
        restartCount: 0,
        state: {
          terminated: {
            exitCode,
            reason: exitCode === 0 ? 'Completed' : 'Error',
            startedAt,
            finishedAt: startedAt,
          },
        },
      },
    ],
  });
}

/** Starts one Airflow instance and its API server over a synced folder holding the seeded DAG repository. */
export async function startTestAirflow(options: {
  version: 'v1' | 'v2';
  clock: { now(): Date; onAdvance?(l: (d: Date) => void): () => void };
  files: Record<string, string>;
  generatedDags?: number;
  tokenExpirySeconds?: number;
}) {
  const kube = new KubeStore({ clock: options.clock });
  airflowNamespace(kube, [options.version === 'v1' ? 'airflow2' : 'airflow3']);
  crawlerNamespace(kube, 'crawler-news');
  crawlerNamespace(kube, 'crawler-price', { podsLog: false });
  const folder = syncedFolder(options.files);
  const instance = new AirflowInstance({
    name: options.version === 'v1' ? 'airflow2' : 'airflow3',
    apiVersion: options.version,
    kube,
    clock: options.clock,
    dagsFolder: () => folder.dir,
    compiler: new PyCompiler({
      pycachePrefix: path.join(os.tmpdir(), 'sandbox-airflow-test-pycache'),
    }),
    tickIntervalMs: 20,
    generatedDags: options.generatedDags,
  });
  await instance.start();
  const server = await startAirflowServer({
    instance,
    tokenExpirySeconds: options.tokenExpirySeconds,
  });
  return {
    kube,
    instance,
    url: server.url,
    folder,
    async stop() {
      await server.close();
      await instance.stop();
      folder.remove();
    },
  };
}

/** Waits until `check` gives a truthy value (polling every 10 ms, up to 5 s). */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await check();
    if (v) return v;
    await new Promise(r => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A DAG file with one KubernetesPodOperator task `crawl` in `namespace` (no schedule); `kpo` adds keyword arguments. */
export function jobDag(options: {
  dagId: string;
  namespace: string;
  kpo?: string;
}): string {
  return `from datetime import datetime

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

with DAG(
    dag_id="${options.dagId}",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    is_paused_upon_creation=False,
    default_args={"owner": "crawler-team", "retries": 0},
) as dag:
    crawl = KubernetesPodOperator(
        task_id="crawl",
        name="job",
        namespace="${options.namespace}",
        image="000000000000.dkr.ecr.eu-west-1.amazonaws.com/job:latest",
        ${options.kpo ?? ''}
    )
`;
}

/**
 * One Airflow instance (no API server) over a KubeStore with namespace `airflow` (its scheduler pod) and the given
 * DAG files, for tests of task execution.
 */
export async function startAirflowInstance(options: {
  version: 'v1' | 'v2';
  clock: { now(): Date; onAdvance?(l: (d: Date) => void): () => void };
  files: Record<string, string>;
  kube?: KubeStore;
  kpoProviderVersion?: string;
  workerContainerRepository?: string;
  workerContainerTag?: string;
}) {
  const release = options.version === 'v1' ? 'airflow2' : 'airflow3';
  const kube = options.kube ?? new KubeStore({ clock: options.clock });
  if (!kube.exists('namespaces', undefined, 'airflow')) {
    airflowNamespace(kube, [release]);
  }
  const synced: { folder?: ReturnType<typeof syncedFolder> } = {};
  const instance = new AirflowInstance({
    name: release,
    apiVersion: options.version,
    kube,
    clock: options.clock,
    dagsFolder: () => synced.folder?.dir,
    compiler: new PyCompiler({
      pycachePrefix: path.join(os.tmpdir(), 'sandbox-airflow-test-pycache'),
    }),
    tickIntervalMs: 20,
    kpoProviderVersion: options.kpoProviderVersion,
    workerContainerRepository: options.workerContainerRepository,
    workerContainerTag: options.workerContainerTag,
  });
  const folder = syncedFolder(options.files);
  synced.folder = folder;
  await instance.start();
  return {
    kube,
    instance,
    release,
    folder,
    async stop() {
      await instance.stop();
      folder.remove();
    },
  };
}
