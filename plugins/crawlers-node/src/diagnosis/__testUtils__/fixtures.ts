/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/*
 * Fixtures written from domain facts §4, §5.5, §8 and §9 (the texts the real kubelet, containerd, API server,
 * KubernetesPodOperator, Airflow 2/3 and git-sync write), not captured from the sandbox.
 */

import type {
  CrawlersContainerStatus,
  CrawlersGitSyncPod,
  CrawlersGitSyncResponse,
  CrawlersPodEvent,
} from '@crawler-platform/plugin-crawlers-common';
import type {
  DiagnosisFargateProfile,
  DiagnosisInput,
  DiagnosisNetwork,
  DiagnosisPod,
  DiagnosisRbac,
  DiagnosisRolePolicies,
} from '../types';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop-crawler:1.4`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/crawlers-fargate-pod-execution`;
export const NS = 'shop';
export const DAG = 'shop_products';

/** containerd 1.7+ (newer): the HEAD request's status. */
export const ECR_403_NEWER = `Failed to pull image "${IMAGE}": rpc error: code = Unknown desc = failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": unexpected status from HEAD request to https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/v2/shop-crawler/manifests/1.4: 403 Forbidden`;
/** Older containerd: `pulling from host <h> failed with status code [manifests <tag>]`. */
export const ECR_403_OLDER = `Failed to pull image "${IMAGE}": rpc error: code = Unknown desc = failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": pulling from host ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com failed with status code [manifests 1.4]: 403 Forbidden`;
export const NOT_FOUND = `Failed to pull image "${IMAGE}": rpc error: code = NotFound desc = failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": ${IMAGE}: not found`;
export const PULL_TIMEOUT = `Failed to pull image "${IMAGE}": rpc error: code = Unknown desc = failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": failed to do request: Head "https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/v2/shop-crawler/manifests/1.4": dial tcp 10.0.12.34:443: i/o timeout`;

/** The forbidden body of `pods/log` (§8), unescaped, and as it sits in the task log's JSON body. */
export const PODS_LOG_403 = `pods "shop-crawler-x7k2p" is forbidden: User "system:serviceaccount:airflow:airflow-worker" cannot get resource "pods/log" in API group "" in the namespace "${NS}"`;
export const PODS_LOG_403_BODY = `HTTP response body: {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":${JSON.stringify(
  PODS_LOG_403,
)},"reason":"Forbidden","details":{"name":"shop-crawler-x7k2p","kind":"pods"},"code":403}`;

export function container(
  overrides: Partial<CrawlersContainerStatus> = {},
): CrawlersContainerStatus {
  return {
    name: 'base',
    init: false,
    image: IMAGE,
    ready: false,
    restartCount: 0,
    state: 'running',
    reason: null,
    message: null,
    exitCode: null,
    startedAt: null,
    lastTermination: null,
    ...overrides,
  };
}

export function event(overrides: Partial<CrawlersPodEvent>): CrawlersPodEvent {
  return {
    type: 'Normal',
    reason: null,
    message: null,
    origin: 'kubelet',
    fieldPath: null,
    count: 1,
    lastSeen: '2026-06-01T12:00:00Z',
    ...overrides,
  };
}

/** A KubernetesPodOperator pod on Fargate, Running. */
export function pod(overrides: Partial<DiagnosisPod> = {}): DiagnosisPod {
  return {
    name: 'shop-crawler-x7k2p',
    namespace: NS,
    kind: 'operator',
    dagId: DAG,
    taskId: 'crawl',
    runId: 'manual__2026-06-01T12:00:00+00:00',
    tryNumber: 1,
    phase: 'Running',
    status: 'Running',
    containers: [container()],
    restarts: 0,
    createdAt: '2026-06-01T12:00:00Z',
    ageSeconds: 60,
    nodeName: 'fargate-ip-10-0-12-34.eu-west-1.compute.internal',
    capacityProvisioned: '0.25vCPU 0.5GB',
    fargateProfile: 'shop',
    schedulerName: 'fargate-scheduler',
    problem: false,
    problemReason: null,
    events: [],
    scheduled: { status: 'True', reason: null, message: null },
    volumes: [],
    volumeMounts: {},
    serviceAccountName: 'shop-crawler',
    imagePullSecrets: [],
    labels: { kubernetes_pod_operator: 'True', dag_id: DAG },
    baseLog: null,
    ...overrides,
  };
}

export function profile(
  overrides: Partial<DiagnosisFargateProfile> = {},
): DiagnosisFargateProfile {
  return {
    name: 'shop',
    status: 'ACTIVE',
    podExecutionRoleArn: ROLE_ARN,
    subnets: ['subnet-0private1', 'subnet-0private2'],
    selectors: [{ namespace: NS }],
    ...overrides,
  };
}

export function rolePolicies(
  overrides: Partial<DiagnosisRolePolicies> = {},
): DiagnosisRolePolicies {
  return {
    roleArn: ROLE_ARN,
    attached: [
      {
        arn: 'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy',
        name: 'AmazonEKSFargatePodExecutionRolePolicy',
      },
    ],
    inline: [],
    ...overrides,
  };
}

/** The Role the seed post's fix asks for: pods rules, pods/log get, events list. */
export function rbac(overrides: Partial<DiagnosisRbac> = {}): DiagnosisRbac {
  return {
    namespace: NS,
    roles: [
      {
        kind: 'Role',
        name: 'airflow-pod-runner',
        rules: [
          {
            apiGroups: [''],
            resources: ['pods'],
            verbs: ['create', 'get', 'list', 'watch', 'delete', 'patch'],
          },
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
          { apiGroups: [''], resources: ['events'], verbs: ['list'] },
        ],
      },
    ],
    bindings: [
      {
        name: 'airflow-pod-runner',
        roleRef: { kind: 'Role', name: 'airflow-pod-runner' },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'airflow-worker',
            namespace: 'airflow',
          },
        ],
      },
    ],
    unreadableClusterRoles: [],
    ...overrides,
  };
}

/** The chart's worker pod template with git-sync on (§3.3, §3.4). */
export function podTemplate(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'placeholder-name',
      labels: { tier: 'airflow', component: 'worker', release: 'airflow' },
    },
    spec: {
      initContainers: [
        {
          name: 'git-sync-init',
          image: 'registry.k8s.io/git-sync/git-sync:v4.4.2',
          volumeMounts: [{ name: 'dags', mountPath: '/git' }],
        },
      ],
      containers: [
        {
          name: 'base',
          image: 'apache/airflow:2.10.0',
          volumeMounts: [
            { name: 'dags', mountPath: '/opt/airflow/dags', readOnly: true },
          ],
        },
      ],
      restartPolicy: 'Never',
      serviceAccountName: 'airflow-worker',
      volumes: [{ name: 'dags', emptyDir: {} }],
    },
  };
}

export function network(
  overrides: Partial<DiagnosisNetwork> = {},
): DiagnosisNetwork {
  return {
    region: REGION,
    vpcId: 'vpc-0abc',
    subnetIds: ['subnet-0private1', 'subnet-0private2'],
    routeTables: [
      {
        id: 'rtb-0private',
        vpcId: 'vpc-0abc',
        main: false,
        subnetIds: ['subnet-0private1', 'subnet-0private2'],
        routes: [
          { destination: '10.0.0.0/16', gatewayId: 'local', state: 'active' },
          {
            destination: '0.0.0.0/0',
            natGatewayId: 'nat-0abc',
            state: 'active',
          },
        ],
      },
    ],
    vpcEndpoints: [],
    ...overrides,
  };
}

export function gitSyncPod(
  overrides: Partial<CrawlersGitSyncPod> = {},
): CrawlersGitSyncPod {
  return {
    name: 'airflow-scheduler-6d5f7c9b8-abcde',
    component: 'scheduler',
    phase: 'Running',
    status: 'Running',
    state: 'in-sync',
    reason: 'git-sync synced 0123456789ab, the head of main',
    containers: [
      container({
        name: 'git-sync-init',
        init: true,
        image: 'registry.k8s.io/git-sync/git-sync:v4.4.2',
        state: 'terminated',
        reason: 'Completed',
        exitCode: 0,
      }),
      container({
        name: 'git-sync',
        image: 'registry.k8s.io/git-sync/git-sync:v4.4.2',
        ready: true,
      }),
    ],
    logContainer: 'git-sync',
    logFormat: 'v4-json',
    syncedCommit: '0123456789abcdef0123456789abcdef01234567',
    syncedAt: '2026-06-01 12:00:00.000000',
    failCount: null,
    lastError: null,
    aborted: false,
    settings: {
      repo: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
      ref: 'main',
      requestedRef: 'main',
      periodSeconds: 10,
      maxFailures: 3,
      credentialKeys: [
        {
          env: 'GITSYNC_USERNAME',
          secretName: 'airflow-git-credentials',
          key: 'GITSYNC_USERNAME',
        },
        {
          env: 'GITSYNC_PASSWORD',
          secretName: 'airflow-git-credentials',
          key: 'GITSYNC_PASSWORD',
        },
      ],
    },
    ...overrides,
  };
}

export function gitSync(
  overrides: Partial<CrawlersGitSyncResponse> = {},
): CrawlersGitSyncResponse {
  const pods = overrides.pods ?? [gitSyncPod()];
  return {
    entityRef: 'component:default/shop-crawler',
    instance: 'airflow',
    cluster: 'eks',
    namespace: 'airflow',
    release: 'airflow',
    state: pods[0]?.state ?? 'unknown',
    reason: pods[0]?.reason ?? '',
    syncedCommit: null,
    syncedAt: null,
    head: null,
    behind: null,
    failCount: null,
    lastError: null,
    settings: pods[0]?.settings ?? null,
    pods,
    traps: [],
    dagFiles: [],
    fetchedAt: '2026-06-01T12:00:00Z',
    stale: false,
    errors: [],
    ...overrides,
  };
}

/** A healthy crawler: every part read, nothing wrong. */
export function healthyInput(
  overrides: Partial<DiagnosisInput> = {},
): DiagnosisInput {
  return {
    entityRef: 'component:default/shop-crawler',
    dagIds: [DAG],
    airflow: {
      instance: 'airflow',
      apiVersion: 'v1',
      namespace: 'airflow',
      release: 'airflow',
    },
    cluster: { name: 'crawlers', region: REGION },
    crawlerNamespace: NS,
    pods: [pod()],
    rbac: rbac(),
    podTemplate: {
      object: 'ConfigMap airflow/airflow-pod-template',
      key: 'pod_template_file.yaml',
      pod: podTemplate(),
    },
    schedulerLog: {
      pod: 'airflow-scheduler-6d5f7c9b8-abcde',
      container: 'scheduler',
      lines: [],
    },
    fargateProfiles: [profile()],
    network: network(),
    podExecutionRoles: [rolePolicies()],
    repositoryPolicies: [],
    gitSync: gitSync(),
    importErrors: [],
    dags: [{ dagId: DAG, hasImportErrors: false }],
    taskLogs: [],
    unavailable: {},
    ...overrides,
  };
}

/** A failed try's task log. */
export function taskLog(lines: string[], dagId = DAG) {
  return {
    dagId,
    runId: 'manual__2026-06-01T12:00:00+00:00',
    taskId: 'crawl',
    tryNumber: 1,
    lines,
  };
}
