/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { CoreV1Api } from '@kubernetes/client-node';
import {
  SANDBOX_DAG_BRANCH,
  SANDBOX_GIT_PASSWORD,
  SANDBOX_GIT_USERNAME,
} from '../constants';

/** The Airflow instances of the sandbox and their scheduler pods in namespace `airflow`. */
export const AIRFLOW_INSTANCES = [
  {
    name: 'airflow2',
    podName: 'airflow2-scheduler-0',
    image: 'apache/airflow:2.10.0',
  },
  {
    name: 'airflow3',
    podName: 'airflow3-scheduler-0',
    image: 'apache/airflow:3.2.1',
  },
] as const;

/** The node the Airflow pods are bound to (a managed node group, not Fargate). */
export const AIRFLOW_NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

/** The git-sync container env the official chart renders (gitSync.branch = ref = main, credentialsSecret set). */
export function gitSyncEnv(
  repoUrl: string,
  period: string,
): Array<Record<string, unknown>> {
  return [
    { name: 'GIT_SYNC_REV', value: 'HEAD' },
    { name: 'GITSYNC_REF', value: SANDBOX_DAG_BRANCH },
    { name: 'GIT_SYNC_BRANCH', value: SANDBOX_DAG_BRANCH },
    { name: 'GIT_SYNC_REPO', value: repoUrl },
    { name: 'GITSYNC_REPO', value: repoUrl },
    { name: 'GIT_SYNC_DEPTH', value: '1' },
    { name: 'GITSYNC_DEPTH', value: '1' },
    { name: 'GIT_SYNC_ROOT', value: '/git' },
    { name: 'GITSYNC_ROOT', value: '/git' },
    { name: 'GIT_SYNC_DEST', value: 'repo' },
    { name: 'GITSYNC_LINK', value: 'repo' },
    { name: 'GIT_SYNC_ADD_USER', value: 'true' },
    { name: 'GITSYNC_ADD_USER', value: 'true' },
    { name: 'GITSYNC_PERIOD', value: period },
    // dags.gitSync.maxFailures: -1 (retry forever), so a bad credential shows a growing failCount.
    { name: 'GIT_SYNC_MAX_SYNC_FAILURES', value: '-1' },
    { name: 'GITSYNC_MAX_FAILURES', value: '-1' },
    {
      name: 'GITSYNC_USERNAME',
      valueFrom: {
        secretKeyRef: {
          name: 'airflow-git-credentials',
          key: 'GITSYNC_USERNAME',
        },
      },
    },
    {
      name: 'GITSYNC_PASSWORD',
      valueFrom: {
        secretKeyRef: {
          name: 'airflow-git-credentials',
          key: 'GITSYNC_PASSWORD',
        },
      },
    },
  ];
}

/** Namespace `airflow` with Airflow's worker service account and git-sync's credentials secret. */
export async function seedAirflowNamespace(core: CoreV1Api): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: 'airflow' } } });
  await Promise.all([
    core.createNamespacedServiceAccount({
      namespace: 'airflow',
      body: { metadata: { name: 'airflow-worker' } },
    }),
    core.createNamespacedSecret({
      namespace: 'airflow',
      body: {
        metadata: { name: 'airflow-git-credentials' },
        type: 'Opaque',
        stringData: {
          GITSYNC_USERNAME: SANDBOX_GIT_USERNAME,
          GITSYNC_PASSWORD: SANDBOX_GIT_PASSWORD,
        },
      },
    }),
  ]);
}

/** Starts creating the scheduler pods of both Airflows, each with its git-sync sidecar syncing the DAG repository. */
export function seedAirflowPods(
  core: CoreV1Api,
  dagRepoUrl: string,
  period: string,
): Array<Promise<unknown>> {
  return AIRFLOW_INSTANCES.map(instance =>
    core.createNamespacedPod({
      namespace: 'airflow',
      body: {
        metadata: {
          name: instance.podName,
          labels: {
            tier: 'airflow',
            component: 'scheduler',
            release: instance.name,
          },
        },
        spec: {
          nodeName: AIRFLOW_NODE,
          serviceAccountName: 'airflow-worker',
          restartPolicy: 'Always',
          containers: [
            {
              name: 'scheduler',
              image: instance.image,
              args: ['bash', '-c', 'exec airflow scheduler'],
            },
            {
              name: 'git-sync',
              image: 'registry.k8s.io/git-sync/git-sync:v4.7.1',
              env: gitSyncEnv(dagRepoUrl, period) as any,
            },
          ],
        },
      },
    }),
  );
}
