/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CodeCommitClient,
  GetBranchCommand,
  GetCommitCommand,
  GetDifferencesCommand,
} from '@aws-sdk/client-codecommit';
import {
  CacheService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { JsonValue } from '@backstage/types';
import { makeSafeLabelValue } from '@crawler-platform/plugin-crawlers-node';
import { mockClient } from 'aws-sdk-client-mock';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { startTestCluster, TestCluster } from './__testUtils__/kubeCluster';
import {
  kubeConfig,
  kubeEntities,
  seedShopPods,
  useKubeAirflows,
} from './__testUtils__/kubeFixtures';
import {
  AIRFLOW2,
  ALICE,
  localBackendPassthrough,
  startCrawlersBackend,
} from './__testUtils__/testBackend';

const server = setupServer(localBackendPassthrough);
registerMswTestHooks(server);
const codecommit = mockClient(CodeCommitClient);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);
const REPO_URL =
  'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags';
const SYNCED = '1'.repeat(40);
const MIDDLE = '2'.repeat(40);
const HEAD = '3'.repeat(40);
/** 2026-01-01T00:00:00Z and one hour later, as GetCommit writes committer dates. */
const SYNCED_AT = '1767225600 +0000';
const HEAD_AT = '1767229200 +0000';

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await startTestCluster();
  codecommit.reset();
});
afterEach(async () => {
  await cluster.stop();
});

const v4 = (fields: Record<string, unknown>) =>
  JSON.stringify({
    logger: '',
    ts: '2026-01-01 00:00:05.000000',
    caller: { file: 'main.go', line: 1 },
    level: 0,
    ...fields,
  });
const syncedLog = (sha: string) =>
  [
    v4({ msg: 'starting up', version: 'v4.4.0' }),
    v4({
      msg: 'update required',
      ref: 'main',
      local: '',
      remote: sha,
      syncCount: 0,
    }),
    v4({ msg: 'updated successfully', ref: 'main', remote: sha, syncCount: 1 }),
  ].join('\n');

function gitSyncEnv(
  options: { branch?: string; ref?: string; init?: boolean } = {},
) {
  const secret = (key: string) => ({
    name: key,
    valueFrom: {
      secretKeyRef: { name: 'airflow-git-credentials', key },
    },
  });
  return [
    secret('GITSYNC_USERNAME'),
    secret('GITSYNC_PASSWORD'),
    { name: 'GIT_SYNC_REV', value: 'HEAD' },
    { name: 'GITSYNC_REF', value: options.ref ?? 'main' },
    { name: 'GIT_SYNC_BRANCH', value: options.branch ?? 'main' },
    { name: 'GITSYNC_REPO', value: REPO_URL },
    { name: 'GITSYNC_PERIOD', value: '10s' },
    { name: 'GITSYNC_MAX_FAILURES', value: '3' },
    ...(options.init ? [{ name: 'GITSYNC_ONE_TIME', value: 'true' }] : []),
  ];
}

/** The scheduler pod of an Airflow 2 release with git-sync-init and the git-sync sidecar. */
function schedulerPod(
  options: {
    branch?: string;
    ref?: string;
    init?: Record<string, unknown>;
    sidecar?: Record<string, unknown> | null;
    phase?: string;
    component?: string;
  } = {},
) {
  const gitSync = (name: string, init: boolean) => ({
    name,
    image: 'registry.k8s.io/git-sync/git-sync:v4.4.0',
    env: gitSyncEnv({ ...options, init }),
  });
  const component = options.component ?? 'scheduler';
  return cluster.pod({
    name: `airflow-${component}-7d9f-abcde`,
    namespace: 'airflow',
    labels: { release: 'airflow', component, tier: 'airflow' },
    initContainers: [gitSync('git-sync-init', true)],
    containers: [
      { name: component, image: 'apache/airflow:2.10.5' },
      gitSync('git-sync', false),
    ],
    status: {
      phase: options.phase ?? 'Running',
      initContainerStatuses: [
        {
          name: 'git-sync-init',
          image: 'registry.k8s.io/git-sync/git-sync:v4.4.0',
          ready: true,
          restartCount: 0,
          state: options.init ?? {
            terminated: { exitCode: 0, reason: 'Completed' },
          },
        },
      ],
      containerStatuses: [
        {
          name: component,
          image: 'apache/airflow:2.10.5',
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
        },
        ...(options.sidecar === null
          ? []
          : [
              {
                name: 'git-sync',
                image: 'registry.k8s.io/git-sync/git-sync:v4.4.0',
                ready: true,
                restartCount: 0,
                state: options.sidecar ?? {
                  running: { startedAt: '2026-01-01T00:00:00Z' },
                },
              },
            ]),
      ],
    },
  });
}

/** CodeCommit: main is at HEAD; HEAD's parent MIDDLE's parent is SYNCED; `changed` paths differ between them. */
function codeCommitHistory(changed: string[]) {
  codecommit
    .on(GetBranchCommand)
    .resolves({ branch: { branchName: 'main', commitId: HEAD } });
  codecommit
    .on(GetCommitCommand, { commitId: HEAD })
    .resolves({
      commit: {
        commitId: HEAD,
        parents: [MIDDLE],
        committer: { date: HEAD_AT },
      },
    } as any)
    .on(GetCommitCommand, { commitId: MIDDLE })
    .resolves({
      commit: {
        commitId: MIDDLE,
        parents: [SYNCED],
        committer: { date: SYNCED_AT },
      },
    } as any);
  codecommit.on(GetDifferencesCommand).callsFake(input => ({
    differences: changed.includes(input.afterPath)
      ? [{ changeType: 'M', afterBlob: { path: input.afterPath } }]
      : [],
  }));
}

async function setup(
  options: { clusterName?: string; extraFeatures?: any[] } = {},
) {
  const airflow = useKubeAirflows(server);
  seedShopPods(cluster, makeSafeLabelValue);
  const backend = await startCrawlersBackend({
    config: kubeConfig(options.clusterName),
    entities: kubeEntities,
    extraFeatures: [cluster.factory, ...(options.extraFeatures ?? [])],
  });
  return { app: backend.server, airflow };
}

const gitSync = (app: any, entity = 'shop-crawler') =>
  request(app).get(`${API}/${entity}/git-sync`).set('Authorization', asAlice);

describe('GET /git-sync', () => {
  it('should be in-sync when the synced commit is the head of the followed branch', async () => {
    const pod = schedulerPod();
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      syncedLog(HEAD),
    );
    codeCommitHistory([]);
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'in-sync',
      syncedCommit: HEAD,
      syncedAt: '2026-01-01 00:00:05.000000',
      head: {
        repositoryName: 'airflow-dags',
        branch: 'main',
        commit: HEAD,
        committedAt: '2026-01-01T01:00:00.000Z',
      },
      behind: null,
      settings: {
        repo: REPO_URL,
        ref: 'main',
        requestedRef: 'main',
        periodSeconds: 10,
        maxFailures: 3,
      },
      traps: [],
    });
    expect(res.body.pods).toEqual([
      expect.objectContaining({
        component: 'scheduler',
        logContainer: 'git-sync',
        logFormat: 'v4-json',
        state: 'in-sync',
      }),
    ]);
    expect(res.body.pods[0].containers.map((c: any) => c.name)).toEqual([
      'git-sync-init',
      'git-sync',
    ]);
    expect(codecommit.commandCalls(GetBranchCommand)[0].args[0].input).toEqual({
      repositoryName: 'airflow-dags',
      branchName: 'main',
    });
  });

  it("should be behind with this crawler's DAG file affected when it changed after the synced commit", async () => {
    const pod = schedulerPod();
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      syncedLog(SYNCED),
    );
    codeCommitHistory(['dags/shop-products.py']);
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.state).toBe('behind');
    expect(res.body.behind).toMatchObject({
      since: '2026-01-01T00:00:00.000Z',
      commits: 2,
      dagFilesAffected: true,
      changedDagFiles: ['dags/shop-products.py'],
    });
    expect(res.body.behind.secondsPastPeriod).toBeGreaterThan(0);
    const paths = codecommit
      .commandCalls(GetDifferencesCommand)
      .map(c => c.args[0].input);
    expect(paths).toContainEqual(
      expect.objectContaining({
        beforeCommitSpecifier: SYNCED,
        afterCommitSpecifier: HEAD,
        beforePath: 'dags/shop-products.py',
        afterPath: 'dags/shop-products.py',
      }),
    );
    // Only the files of DAGs whose claim holds are compared (not other-dag's).
    expect(res.body.dagFiles).not.toContain('dags/other-dag.py');
  });

  it('should be behind with this DAG not affected when only another crawler file changed', async () => {
    const pod = schedulerPod();
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      syncedLog(SYNCED),
    );
    codeCommitHistory(['dags/other-dag.py']);
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.state).toBe('behind');
    expect(res.body.behind).toMatchObject({
      dagFilesAffected: false,
      changedDagFiles: [],
    });
  });

  it('should be failing with the failCount and last error of the git-sync log', async () => {
    const pod = schedulerPod();
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      [
        syncedLog(SYNCED),
        'not a log line',
        v4({
          msg: 'error syncing repo, will retry',
          error:
            'Run(git fetch https://user:secret@git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags main --verbose): exit status 128: { stdout: "", stderr: "fatal: Authentication failed" }',
          failCount: 2,
        }),
      ].join('\n'),
    );
    codeCommitHistory([]);
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.state).toBe('failing');
    expect(res.body.failCount).toBe(2);
    expect(res.body.lastError.message).toContain('Authentication failed');
    expect(JSON.stringify(res.body)).not.toContain('secret@');
    expect(res.body.reason).toContain('failCount 2');
  });

  it('should read the init container while the pod is stuck in Init', async () => {
    const pod = schedulerPod({
      phase: 'Pending',
      init: {
        waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' },
      },
      sidecar: null,
    });
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync-init',
      v4({
        msg: 'too many failures, aborting',
        error: 'Run(git fetch …): exit status 128',
        failCount: 3,
      }),
    );
    codeCommitHistory([]);
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.pods[0]).toMatchObject({
      status: 'Init:CrashLoopBackOff',
      logContainer: 'git-sync-init',
      aborted: true,
    });
    expect(res.body).toMatchObject({ state: 'failing', failCount: 3 });
  });

  it('should be unknown, saying which key to add, for an instance without Kubernetes settings', async () => {
    const { app } = await setup();
    const res = await gitSync(app, 'news-crawler');
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('unknown');
    expect(res.body.reason).toContain(
      'add crawlers.airflow.instances[].kubernetes',
    );
  });

  it('should be unknown when no pod of the release runs git-sync', async () => {
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.state).toBe('unknown');
    expect(res.body.reason).toBe(
      'No pod of release airflow in namespace airflow runs git-sync (label component scheduler or dag-processor, with a git-sync or git-sync-init container)',
    );
  });

  it('should find git-sync in the dag-processor of Airflow 3', async () => {
    const pod = schedulerPod({ component: 'dag-processor' });
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      syncedLog(HEAD),
    );
    codeCommitHistory([]);
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.state).toBe('in-sync');
    expect(res.body.pods[0].component).toBe('dag-processor');
  });

  it('should flag GIT_SYNC_BRANCH overriding GITSYNC_REF', async () => {
    const pod = schedulerPod({ branch: 'main', ref: 'release' });
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      [
        v4({ msg: 'setting --ref from deprecated --branch' }),
        syncedLog(HEAD),
      ].join('\n'),
    );
    codeCommitHistory([]);
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.traps).toEqual([
      expect.objectContaining({
        kind: 'branch-overrides-ref',
        pod: pod.metadata.name,
      }),
    ]);
    expect(res.body.traps[0].message).toContain(
      'GIT_SYNC_BRANCH "main" overrides GITSYNC_REF "release"',
    );
    expect(res.body.traps[0].message).toContain(
      'setting --ref from deprecated --branch',
    );
    expect(res.body.settings).toMatchObject({
      ref: 'main',
      requestedRef: 'release',
    });
  });

  it('should flag a credential key missing from the Secret, by name only', async () => {
    const message =
      "couldn't find key GITSYNC_USERNAME in Secret airflow/airflow-git-credentials";
    const pod = schedulerPod({
      phase: 'Pending',
      init: { waiting: { reason: 'CreateContainerConfigError', message } },
      sidecar: null,
    });
    cluster.event(pod, {
      type: 'Warning',
      reason: 'Failed',
      message: `Error: ${message}`,
      component: 'kubelet',
      fieldPath: 'spec.initContainers{git-sync-init}',
    });
    codeCommitHistory([]);
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.state).toBe('failing');
    expect(res.body.reason).toContain(
      'git-sync-init is CreateContainerConfigError',
    );
    expect(res.body.traps).toEqual([
      expect.objectContaining({
        kind: 'missing-credential-key',
        keys: ['GITSYNC_USERNAME'],
      }),
    ]);
    expect(res.body.traps[0].message).toContain(
      'Secret airflow/airflow-git-credentials has no key GITSYNC_USERNAME',
    );
    expect(res.body.settings.credentialKeys).toEqual([
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
    ]);
    // A container waiting to start has no log: that is its state, not an error of the route.
    expect(
      res.body.errors.filter((e: any) => e.source.startsWith('gitSync:log')),
    ).toEqual([]);
  });

  it('should report a cluster RBAC 403 as a section error and be unknown', async () => {
    schedulerPod();
    const { app } = await setup({ clusterName: 'limited' });
    const res = await gitSync(app);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('unknown');
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({
        source: 'gitSync:pods:airflow',
        status: 403,
        message: expect.stringContaining('cannot list resource "pods"'),
      }),
    );
  });

  it('should report a CodeCommit failure as a section error and be unknown', async () => {
    const pod = schedulerPod();
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      syncedLog(HEAD),
    );
    codecommit.on(GetBranchCommand).rejects(
      Object.assign(
        new Error('User is not authorized to perform codecommit:GetBranch'),
        {
          name: 'AccessDeniedException',
          $metadata: { httpStatusCode: 403 },
        },
      ),
    );
    const { app } = await setup();
    const res = await gitSync(app);
    expect(res.body.state).toBe('unknown');
    expect(res.body.errors).toContainEqual({
      source: 'codecommit:head',
      status: 403,
      message:
        'CodeCommit GetBranch of airflow-dags/main failed: AccessDeniedException: User is not authorized to perform codecommit:GetBranch',
    });
  });
});

describe('GET /overview', () => {
  it('should show the latest and next run, git-sync and pod problems, each in its own section', async () => {
    const pod = schedulerPod();
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      syncedLog(HEAD),
    );
    codeCommitHistory([]);
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/shop-crawler/overview`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    expect(res.body.entityRef).toBe('component:default/shop-crawler');
    const products = res.body.dags.data.find(
      (d: any) => d.dagId === 'shop-products',
    );
    expect(products).toMatchObject({
      claimHolds: true,
      isPaused: false,
      nextRunAfter: '2026-01-01T02:00:00+00:00',
    });
    expect(products.latestRun.runId).toBeTruthy();
    expect(res.body.gitSync.data).toMatchObject({
      state: 'in-sync',
      headCommit: HEAD,
    });
    expect(res.body.pods.data).toMatchObject({
      total: 5,
      finishedOperatorPods: 2,
    });
    expect(res.body.pods.data.problems.map((p: any) => p.name).sort()).toEqual([
      'shop-long-crawl-failed',
      'shop-prices-crawl-pending',
      'shop-products-worker-1',
    ]);
  });

  it('should read each cached answer once per request, sharing the reads of its git-sync and pods sections', async () => {
    const pod = schedulerPod();
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      syncedLog(HEAD),
    );
    codeCommitHistory([]);
    // The plugin's cache, in memory, counting the reads of each key.
    const entries = new Map<string, JsonValue>();
    const reads = new Map<string, number>();
    const cache: CacheService = {
      async get<T extends JsonValue>(key: string) {
        reads.set(key, (reads.get(key) ?? 0) + 1);
        return entries.get(key) as T | undefined;
      },
      async set(key: string, value: JsonValue) {
        entries.set(key, value);
      },
      async delete(key: string) {
        entries.delete(key);
      },
      withOptions: () => cache,
    };
    const { app } = await setup({
      extraFeatures: [
        createServiceFactory({
          service: coreServices.cache,
          deps: {},
          factory: () => cache,
        }),
      ],
    });
    const overview = () =>
      request(app)
        .get(`${API}/shop-crawler/overview`)
        .set('Authorization', asAlice);
    // A cold request: each answer is looked up in the shared cache once, however many sections need it.
    const cold = await overview();
    expect(cold.status).toBe(200);
    expect(cold.body.gitSync.data.state).toBe('in-sync');
    const count = (part: string) =>
      [...reads].filter(([key]) => key.includes(part)).map(([, n]) => n);
    // Both sections read the Airflow namespace's events; git-sync reads the head twice (before and after the pods
    // are known) and its commit: each once.
    expect(count('/airflow:pods:events')).toEqual([1]);
    expect(count(':repositoryHead:')).toEqual([1]);
    expect(count(':repositoryHistory:')).toEqual([1]);
    // The DAG's metadata: once for the DAGs section, once for the DAG claims both other sections check.
    expect(count(':dag:shop-products:dag:meta')).toEqual([2]);
    // Every other cached answer (pod lists, logs, namespaces, import errors, runs) is read once.
    expect(
      [...reads].filter(
        ([key, n]) => key.startsWith('v2:') && !key.endsWith(':meta') && n > 1,
      ),
    ).toEqual([]);
    // A warm request takes the answers this process decoded already: from the shared cache it reads only the
    // generation counters (one write there invalidates every replica).
    reads.clear();
    const warm = await overview();
    expect(warm.status).toBe(200);
    expect(warm.body).toEqual(cold.body);
    expect(
      [...reads].map(([key]) => key).filter(key => !key.startsWith('gen:')),
    ).toEqual([]);
  });

  it('should keep git-sync and pods when Airflow is down', async () => {
    const pod = schedulerPod();
    cluster.kube.appendLog(
      'airflow',
      pod.metadata.name,
      'git-sync',
      syncedLog(HEAD),
    );
    codeCommitHistory([]);
    const { app } = await setup();
    server.use(http.all(`${AIRFLOW2}/api/*`, () => HttpResponse.error()));
    const res = await request(app)
      .get(`${API}/shop-crawler/overview`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    expect(res.body.dags.errors).toContainEqual(
      expect.objectContaining({ source: 'dag:shop-products', status: 502 }),
    );
    expect(res.body.gitSync.data.state).toBe('in-sync');
    expect(res.body.gitSync.errors).toContainEqual(
      expect.objectContaining({ source: 'dag:shop-products', status: 502 }),
    );
    expect(res.body.pods.data).not.toBeNull();
  });

  it('should keep the DAGs when the cluster refuses every call', async () => {
    schedulerPod();
    const { app } = await setup({ clusterName: 'limited' });
    const res = await request(app)
      .get(`${API}/shop-crawler/overview`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    expect(
      res.body.dags.errors.filter(
        (e: any) => e.status !== 403 || !e.source.startsWith('claim:'),
      ),
    ).toEqual([]);
    expect(res.body.dags.data.map((d: any) => d.claimHolds)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(res.body.gitSync.data.state).toBe('unknown');
    expect(res.body.pods.errors).toContainEqual(
      expect.objectContaining({ source: 'pods:airflow', status: 403 }),
    );
  });
});
