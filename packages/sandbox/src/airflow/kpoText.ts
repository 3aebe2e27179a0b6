/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { TaskSpec } from './dagFile';
import { makeSafeLabelValue } from './labels';
import { pyRepr } from './logFormat';
import { RunRecord, TaskInstanceRecord } from './types';

/** Logger names shown in task logs (Airflow 3's structured `logger` field). */
export const KPO_LOGGER =
  'airflow.providers.cncf.kubernetes.operators.pod.KubernetesPodOperator';
export const POD_MANAGER_LOGGER =
  'airflow.providers.cncf.kubernetes.utils.pod_manager.PodManager';
export const TASK_LOGGER = 'airflow.task';

/** The random suffix of a pod name (8 lowercase letters and digits). */
export function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(8);
  return Array.from(bytes, b => alphabet[b % alphabet.length]).join('');
}

/** `<TaskInstance: dag.task run [state]>`, as Airflow prints a task instance. */
export function tiRepr(ti: TaskInstanceRecord): string {
  return `<TaskInstance: ${ti.dag_id}.${ti.task_id} ${ti.run_id} [${ti.state}]>`;
}

/** The labels the KubernetesPodOperator puts on its pod: the task's own plus Airflow's. */
export function podLabels(
  run: RunRecord,
  ti: TaskInstanceRecord,
  task: TaskSpec,
  airflowVersion: string,
): Record<string, string> {
  return {
    ...task.kpo.labels,
    dag_id: makeSafeLabelValue(ti.dag_id),
    task_id: makeSafeLabelValue(ti.task_id),
    run_id: makeSafeLabelValue(run.run_id),
    kubernetes_pod_operator: 'True',
    try_number: makeSafeLabelValue(String(ti.try_number)),
    airflow_version: makeSafeLabelValue(airflowVersion.replace('+', '-')),
    airflow_kpo_in_cluster: 'True',
  };
}

/** A dict of strings as Python's `repr()` prints it (insertion order). */
export function labelsText(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
    .join(', ')}}`;
}

/** The pod the operator creates for a task (container `base`). */
export function podManifest(
  task: TaskSpec,
  name: string,
  namespace: string,
  labels: Record<string, string>,
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, annotations: {} },
    spec: {
      affinity: {},
      containers: [
        {
          name: 'base',
          ...(task.kpo.image !== undefined ? { image: task.kpo.image } : {}),
          ...(task.kpo.cmds.length ? { command: task.kpo.cmds } : {}),
          ...(task.kpo.arguments.length ? { args: task.kpo.arguments } : {}),
          env: Object.entries(task.kpo.env_vars).map(([n, value]) => ({
            name: n,
            value,
          })),
          volumeMounts: [],
        },
      ],
      ...(task.kpo.image_pull_secrets.length
        ? {
            imagePullSecrets: task.kpo.image_pull_secrets.map(n => ({
              name: n,
            })),
          }
        : {}),
      ...(task.kpo.service_account_name
        ? { serviceAccountName: task.kpo.service_account_name }
        : {}),
      restartPolicy: 'Never',
      nodeSelector: {},
      tolerations: [],
      volumes: [],
    },
  };
}

/** The Python exception text of kubernetes.client.exceptions.ApiException for a Status body (`Reason:` is the HTTP phrase). */
export function apiExceptionText(
  status: {
    code?: number;
    reason?: string;
    message?: string;
    [k: string]: unknown;
  },
  now: Date,
): string {
  const body = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: status.message,
    reason: status.reason,
    details: (status as any).details ?? {},
    code: status.code,
  };
  return [
    `kubernetes.client.exceptions.ApiException: (${status.code})`,
    // The HTTP reason phrase (urllib3's response.reason), not the Status reason.
    `Reason: ${STATUS_CODES[status.code ?? 500] ?? status.reason}`,
    `HTTP response headers: HTTPHeaderDict({'Audit-Id': '${crypto.randomUUID()}', 'Cache-Control': 'no-cache, private', 'Content-Type': 'application/json', 'X-Kubernetes-Pf-Flowschema-Uid': '${crypto.randomUUID()}', 'X-Kubernetes-Pf-Prioritylevel-Uid': '${crypto.randomUUID()}', 'Date': '${new Date(
      now,
    ).toUTCString()}', 'Content-Length': '${JSON.stringify(body).length}'})`,
    `HTTP response body: ${JSON.stringify(body)}`,
  ].join('\n');
}

/** `Marking task as <STATE>. dag_id=…, task_id=…, …` (Airflow 2 names the date execution_date). */
export function markingLine(
  airflowMajor: 2 | 3,
  state: string,
  run: RunRecord,
  ti: TaskInstanceRecord,
  now: string,
): string {
  const compact = (iso: string) => iso.slice(0, 19).replace(/[-:]/g, '');
  const dateKey = airflowMajor === 2 ? 'execution_date' : 'logical_date';
  return `Marking task as ${state}. dag_id=${ti.dag_id}, task_id=${
    ti.task_id
  }, run_id=${run.run_id}, ${dateKey}=${compact(
    run.logical_date ?? run.run_after,
  )}, start_date=${compact(ti.start_date ?? now)}, end_date=${compact(now)}`;
}

/** `Executing <Task(KubernetesPodOperator): crawl> on 2026-06-01 12:30:00+00:00`. */
export function executingLine(ti: TaskInstanceRecord, run: RunRecord): string {
  return `Executing <Task(KubernetesPodOperator): ${ti.task_id}> on ${(
    run.logical_date ?? run.run_after
  )
    .replace('T', ' ')
    .replace(/\.000Z$|Z$/, '+00:00')}`;
}
