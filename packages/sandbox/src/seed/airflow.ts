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
import {
  AIRFLOW_NAMESPACE,
  deploymentPodName,
  podTemplateHash,
} from '../gitsync/airflowPods';
import { GIT_SYNC_IMAGE } from '../gitsync/config';

/** One Deployment of an Airflow release (chart label `component`) and its main container. */
type AirflowComponent = {
  component: string;
  /** The Airflow command the main container (named like the component) runs. */
  command: string;
  /** Whether its pod runs git-sync (`git-sync-init` + the `git-sync` sidecar). */
  gitSync: boolean;
};

/**
 * The Airflow instances of the sandbox: the chart release name (`release` label, pod name prefix), the image, the
 * folder of the shared DAG repository the instance loads (`dags.gitSync.subPath`) and its Deployments. Airflow 2
 * syncs DAGs in the scheduler pod; Airflow 3 runs the standalone DAG processor, which alone syncs and parses them
 * (domain-facts §3.3).
 */
export const AIRFLOW_INSTANCES = [
  {
    name: 'airflow2',
    image: 'apache/airflow:2.10.0',
    subPath: 'airflow2',
    gitSyncComponent: 'scheduler',
    components: [
      { component: 'scheduler', command: 'airflow scheduler', gitSync: true },
    ],
  },
  {
    name: 'airflow3',
    image: 'apache/airflow:3.2.1',
    subPath: 'airflow3',
    gitSyncComponent: 'dag-processor',
    components: [
      { component: 'scheduler', command: 'airflow scheduler', gitSync: false },
      {
        component: 'dag-processor',
        command: 'airflow dag-processor',
        gitSync: true,
      },
    ],
  },
] as const;

/** A sandbox Airflow instance. */
export type AirflowInstanceSeed = (typeof AIRFLOW_INSTANCES)[number];

/** The node the Airflow pods are bound to (a managed node group, not Fargate). */
export const AIRFLOW_NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

/** The Secret holding git-sync's credentials (chart `dags.gitSync.credentialsSecret`; keys per domain-facts §3.2). */
export const GIT_CREDENTIALS_SECRET = 'airflow-git-credentials';

/** Where the DAG repository is mounted in the Airflow containers (the chart's `airflow_dags` is this + subPath). */
export const DAGS_REPO_MOUNT = '/opt/airflow/dags/repo';

/** The chart's `dags.gitSync` values the sandbox renders. */
const GIT_SYNC_VALUES = {
  depth: '1',
  /** `dags.gitSync.maxFailures`: two retries, then "too many failures, aborting" and exit 1. */
  maxFailures: '3',
  /** `dags.gitSync.env`: the HTTP endpoint with metrics (the chart sets no `--http-bind` by itself). */
  extraEnv: [
    { name: 'GITSYNC_HTTP_BIND', value: ':8000' },
    { name: 'GITSYNC_HTTP_METRICS', value: 'true' },
  ],
};

/**
 * The git-sync container env the official chart renders for `gitSync.branch = ref = main`, `rev = HEAD`,
 * `credentialsSecret` (git-sync ≥ 4: keys `GITSYNC_USERNAME` / `GITSYNC_PASSWORD`) and the values above; the init
 * container also gets `GIT_SYNC_ONE_TIME` / `GITSYNC_ONE_TIME`.
 */
export function gitSyncEnv(
  repoUrl: string,
  period: string,
  options: { init?: boolean } = {},
): Array<Record<string, unknown>> {
  const secret = (key: string) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: GIT_CREDENTIALS_SECRET, key } },
  });
  return [
    secret('GITSYNC_USERNAME'),
    secret('GITSYNC_PASSWORD'),
    { name: 'GIT_SYNC_REV', value: 'HEAD' },
    { name: 'GITSYNC_REF', value: SANDBOX_DAG_BRANCH },
    { name: 'GIT_SYNC_BRANCH', value: SANDBOX_DAG_BRANCH },
    { name: 'GIT_SYNC_REPO', value: repoUrl },
    { name: 'GITSYNC_REPO', value: repoUrl },
    { name: 'GIT_SYNC_DEPTH', value: GIT_SYNC_VALUES.depth },
    { name: 'GITSYNC_DEPTH', value: GIT_SYNC_VALUES.depth },
    { name: 'GIT_SYNC_ROOT', value: '/git' },
    { name: 'GITSYNC_ROOT', value: '/git' },
    { name: 'GIT_SYNC_DEST', value: 'repo' },
    { name: 'GITSYNC_LINK', value: 'repo' },
    { name: 'GIT_SYNC_ADD_USER', value: 'true' },
    { name: 'GITSYNC_ADD_USER', value: 'true' },
    { name: 'GITSYNC_PERIOD', value: period },
    { name: 'GIT_SYNC_MAX_SYNC_FAILURES', value: GIT_SYNC_VALUES.maxFailures },
    { name: 'GITSYNC_MAX_FAILURES', value: GIT_SYNC_VALUES.maxFailures },
    ...(options.init
      ? [
          { name: 'GIT_SYNC_ONE_TIME', value: 'true' },
          { name: 'GITSYNC_ONE_TIME', value: 'true' },
        ]
      : []),
    ...GIT_SYNC_VALUES.extraEnv,
  ];
}

/** A git-sync container of the chart (`git-sync-init` or the `git-sync` sidecar) on the `dags` volume. */
function gitSyncContainer(
  name: string,
  repoUrl: string,
  period: string,
  init: boolean,
) {
  return {
    name,
    image: GIT_SYNC_IMAGE,
    securityContext: { runAsUser: 65533 },
    env: gitSyncEnv(repoUrl, period, { init }),
    volumeMounts: [{ name: 'dags', mountPath: '/git' }],
  };
}

/** The labels and spec of one Airflow component's pods, as the chart's Deployment template renders them. */
export function airflowPodTemplate(
  instance: AirflowInstanceSeed,
  component: AirflowComponent,
  repoUrl: string,
  period: string,
): { labels: Record<string, string>; spec: any } {
  const main = {
    name: component.component,
    image: instance.image,
    args: ['bash', '-c', `exec ${component.command}`],
    env: [
      {
        name: 'AIRFLOW__CORE__DAGS_FOLDER',
        value: `${DAGS_REPO_MOUNT}/${instance.subPath}`,
      },
    ],
    ...(component.gitSync
      ? {
          volumeMounts: [
            { name: 'dags', mountPath: '/opt/airflow/dags', readOnly: true },
          ],
        }
      : {}),
  };
  const spec = {
    nodeName: AIRFLOW_NODE,
    serviceAccountName: 'airflow-worker',
    restartPolicy: 'Always',
    ...(component.gitSync
      ? {
          volumes: [{ name: 'dags', emptyDir: {} }],
          initContainers: [
            gitSyncContainer('git-sync-init', repoUrl, period, true),
          ],
          containers: [
            main,
            gitSyncContainer('git-sync', repoUrl, period, false),
          ],
        }
      : { containers: [main] }),
  };
  return {
    labels: {
      tier: 'airflow',
      component: component.component,
      release: instance.name,
    },
    spec,
  };
}

/** Namespace `airflow` with Airflow's worker service account and git-sync's credentials secret. */
export async function seedAirflowNamespace(core: CoreV1Api): Promise<void> {
  await core.createNamespace({
    body: { metadata: { name: AIRFLOW_NAMESPACE } },
  });
  await Promise.all([
    core.createNamespacedServiceAccount({
      namespace: AIRFLOW_NAMESPACE,
      body: { metadata: { name: 'airflow-worker' } },
    }),
    core.createNamespacedSecret({
      namespace: AIRFLOW_NAMESPACE,
      body: {
        metadata: { name: GIT_CREDENTIALS_SECRET },
        type: 'Opaque',
        stringData: {
          GITSYNC_USERNAME: SANDBOX_GIT_USERNAME,
          GITSYNC_PASSWORD: SANDBOX_GIT_PASSWORD,
        },
      },
    }),
  ]);
}

/**
 * Creates the pods of both Airflows' Deployments (one pod each, named `<release>-<component>-<hash>-<id>`), as the
 * ReplicaSets of a fresh `helm install` would; the sandbox's controller keeps them (see AirflowPods).
 */
export async function seedAirflowPods(
  core: CoreV1Api,
  dagRepoUrl: string,
  period: string,
): Promise<void> {
  const creations: Array<Promise<unknown>> = [];
  for (const instance of AIRFLOW_INSTANCES) {
    for (const component of instance.components) {
      const template = airflowPodTemplate(
        instance,
        component,
        dagRepoUrl,
        period,
      );
      const hash = podTemplateHash(template);
      creations.push(
        core.createNamespacedPod({
          namespace: AIRFLOW_NAMESPACE,
          body: {
            metadata: {
              name: deploymentPodName(
                { release: instance.name, component: component.component },
                hash,
              ),
              labels: { ...template.labels, 'pod-template-hash': hash },
            },
            spec: template.spec,
          },
        }),
      );
    }
  }
  await Promise.all(creations);
}
