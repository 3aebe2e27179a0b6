/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_FILES,
  ANNOTATION_CRAWLERS_DAG_IDS,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from '@crawler-platform/plugin-crawlers-common';
import {
  breakScenario,
  healScenario,
  Sandbox,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
  startSandbox,
} from '@crawler-platform/sandbox';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeCommitClient,
  CreateCommitCommand,
  GetBranchCommand,
  GetFileCommand,
} from '@aws-sdk/client-codecommit';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import request from 'supertest';
import { ALICE, BOB, startCrawlersBackend } from './__testUtils__/testBackend';

/*
 * Integration test against the sandbox's real-HTTP Airflow 2 (/api/v1, Basic auth) and Airflow 3 (/api/v2, JWT),
 * seeded with the news_crawler and price_crawler DAGs and a broken price_crawler_backfill.py. It has its own file
 * because it boots the whole sandbox (git, git-sync, Airflow schedulers) once for all its tests.
 */
jest.setTimeout(120_000);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);

type Instance = 'airflow2' | 'airflow3';

const crawler = (
  name: string,
  instance: Instance | 'airflow2-limited',
  dagIds: string,
  dagFiles?: string,
  namespace?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      [ANNOTATION_CRAWLERS_DAG_IDS]: dagIds,
      [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: instance,
      ...(dagFiles ? { [ANNOTATION_CRAWLERS_DAG_FILES]: dagFiles } : {}),
      ...(namespace ? { [ANNOTATION_KUBERNETES_NAMESPACE]: namespace } : {}),
    },
  },
  spec: { type: 'crawler', lifecycle: 'production', owner: ALICE },
});
/**
 * One Airflow, one folder of the DAG repository (the chart's subPath): news_crawler runs on Airflow 2 (`airflow2/`),
 * price_crawler and the broken price_crawler_backfill.py on Airflow 3 (`airflow3/`). The files' claim tags name the
 * entities news-crawler and price-crawler.
 */
const BACKFILL_FILE = 'airflow3/price_crawler_backfill.py';
const entities = [
  crawler(
    'news-crawler',
    'airflow2',
    'news_crawler',
    undefined,
    'crawler-news',
  ),
  /** The seeded price_crawler runs in crawler-price, whose Role for Airflow's worker lacks `pods/log`. */
  crawler(
    'price-crawler',
    'airflow3',
    'price_crawler,price_crawler_backfill',
    BACKFILL_FILE,
    'crawler-price',
  ),
  // Owned by the same user: only the claim tags keep it from the other crawlers' DAGs and files.
  crawler(
    'impostor-crawler',
    'airflow2',
    'news_crawler,price_crawler_backfill',
    BACKFILL_FILE,
    'crawler-news',
  ),
  // Reaches the cluster as a service account without cluster-wide rights: the RBAC 403 becomes a section error.
  crawler(
    'rbac-probe',
    'airflow2-limited',
    'news_crawler',
    undefined,
    'crawler-news',
  ),
];

const FINISHED_RUN_STATES = ['success', 'failed'];

const awsConfig = (endpoint: string) => ({
  endpoint,
  region: SANDBOX_REGION,
  credentials: {
    accessKeyId: SANDBOX_ACCESS_KEY_ID,
    secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
  },
});

describe('crawlers backend against the sandbox', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let app: any;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crawlers-sandbox-test-'));
    // Short delays and scheduler ticks so a triggered run goes through the pod lifecycle (schedule, pull, run)
    // in well under a second of wall-clock time.
    sandbox = await startSandbox({
      dataDir,
      // git-sync syncs at start; afterwards only when its pod restarts, so "behind" stays until the test heals it.
      gitSyncPeriod: '1h',
      schedulerTickMs: 100,
      delays: {
        buildMs: 10,
        fargateProfileMs: 10,
        scheduleMs: 10,
        pullMs: 10,
        backoffMs: 10,
        runMs: 20,
      },
    });
    await sandbox.ready;
    const credentials = { username: 'admin', password: 'admin' };
    const dagRepository = (subPath: string) => ({
      repositoryName: 'airflow-dags',
      region: SANDBOX_REGION,
      endpoint: sandbox.urls.aws,
      subPath,
    });
    // A kubeconfig whose user is Airflow's worker service account: no rights outside its Roles.
    const kubeconfig = path.join(dataDir, 'limited.kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'limited',
            // plain HTTP: @kubernetes/client-node wants TLS verification off for it
            cluster: {
              server: sandbox.urls.kube,
              'insecure-skip-tls-verify': true,
            },
          },
        ],
        users: [
          { name: 'worker', user: { token: 'sandbox-airflow-worker-token' } },
        ],
        contexts: [
          { name: 'limited', context: { cluster: 'limited', user: 'worker' } },
        ],
        'current-context': 'limited',
      }),
    );
    const backend = await startCrawlersBackend({
      entities,
      realClaimService: true,
      config: {
        aws: {
          mainAccount: {
            accessKeyId: SANDBOX_ACCESS_KEY_ID,
            secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
          },
        },
        crawlers: {
          airflow: {
            instances: [
              {
                name: 'airflow2',
                baseUrl: sandbox.urls.airflow2,
                auth: { type: 'basic', ...credentials },
                dagRepository: dagRepository('airflow2'),
                kubernetes: { cluster: 'sandbox', release: 'airflow2' },
              },
              {
                name: 'airflow3',
                baseUrl: sandbox.urls.airflow3,
                auth: { type: 'password', ...credentials },
                dagRepository: dagRepository('airflow3'),
                kubernetes: { cluster: 'sandbox', release: 'airflow3' },
              },
              {
                name: 'airflow2-limited',
                baseUrl: sandbox.urls.airflow2,
                auth: { type: 'basic', ...credentials },
                claims: 'annotation',
                kubernetes: { cluster: 'limited', release: 'airflow2' },
              },
            ],
          },
          // The real token path: DescribeCluster at the sandbox's AWS endpoint, then a presigned STS token.
          clusters: [
            {
              type: 'eks',
              name: 'sandbox',
              region: SANDBOX_REGION,
              clusterName: SANDBOX_CLUSTER_NAME,
              endpoint: sandbox.urls.aws,
            },
            { type: 'kubeconfig', name: 'limited', file: kubeconfig },
          ],
          cache: {
            runsTtlMs: 1,
            dagTtlMs: 1,
            importErrorsTtlMs: 1,
            taskInstancesTtlMs: 1,
            podsTtlMs: 1,
            namespacesTtlMs: 1,
            gitSyncTtlMs: 1,
            repositoryHeadTtlMs: 1,
          },
        },
      },
    });
    app = backend.server;
  });

  /** Triggers a run through our POST route and polls our runs route until the run has finished. */
  async function runToCompletion(entity: string, dagId: string) {
    const trigger = await request(app)
      .post(`${API}/${entity}/dags/${dagId}/runs`)
      .set('Authorization', asAlice)
      .send({ conf: { source: 'log-test' } });
    expect(trigger.status).toBe(201);
    const runId: string = trigger.body.run.runId;
    let run: any;
    for (let attempt = 0; attempt < 600; attempt++) {
      const runs = await request(app)
        .get(`${API}/${entity}/dags/${dagId}/runs?limit=100`)
        .set('Authorization', asAlice);
      expect(runs.status).toBe(200);
      run = runs.body.runs.find((r: any) => r.runId === runId);
      if (run && FINISHED_RUN_STATES.includes(run.state)) break;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    return { runId, run };
  }

  /** Reads the `crawl` task's log of a run through our task instance and log routes. */
  async function readCrawlLog(entity: string, dagId: string, runId: string) {
    const tis = await request(app)
      .get(
        `${API}/${entity}/dags/${dagId}/runs/${encodeURIComponent(
          runId,
        )}/taskInstances`,
      )
      .set('Authorization', asAlice);
    expect(tis.status).toBe(200);
    expect(tis.body.errors).toEqual([]);
    const crawl = tis.body.taskInstances.find((t: any) => t.taskId === 'crawl');
    expect(crawl).toBeDefined();
    const logPath = `${API}/${entity}/dags/${dagId}/runs/${encodeURIComponent(
      runId,
    )}/taskInstances/crawl/logs/${crawl.tryNumber}`;
    const log = await request(app).get(logPath).set('Authorization', asAlice);
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({
      dagId,
      runId,
      taskId: 'crawl',
      log: { tryNumber: crawl.tryNumber },
    });
    return {
      logPath,
      taskInstance: crawl,
      messages: log.body.log.lines.map((l: any) => l.message as string),
      continuationToken: log.body.log.continuationToken as string | null,
    };
  }

  afterAll(async () => {
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should probe v1 on Airflow 2 and show news_crawler, whose tag confirms the claim', async () => {
    const res = await request(app)
      .get(`${API}/news-crawler/airflow`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    expect(res.body.instance).toMatchObject({
      name: 'airflow2',
      apiVersion: 'v1',
    });
    const [news] = res.body.dags;
    expect(news.errors).toEqual([]);
    expect(news.claim).toMatchObject({ holds: true });
    expect(news.dag).toMatchObject({
      dagId: 'news_crawler',
      owners: ['crawler-team'],
      fileloc: '/opt/airflow/dags/repo/airflow2/news_crawler.py',
    });
    expect(res.body.importErrors).toEqual([]);
  });

  it('should probe v2 on Airflow 3 and show the import error of a file that never parsed through the file claim read from CodeCommit', async () => {
    const res = await request(app)
      .get(`${API}/price-crawler/airflow`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    expect(res.body.instance).toMatchObject({
      name: 'airflow3',
      apiVersion: 'v2',
    });
    const [price, backfill] = res.body.dags;
    expect(price.claim).toMatchObject({ holds: true });
    expect(backfill.errors[0]).toMatchObject({
      source: 'dag:price_crawler_backfill',
      status: 404,
    });
    expect(res.body.errors).toEqual([]);
    // Airflow 3 names files relative to the DAG bundle (the airflow3/ folder).
    const [importError] = res.body.importErrors;
    expect(res.body.importErrors).toHaveLength(1);
    expect(importError.filename).toBe('price_crawler_backfill.py');
    expect(importError.stackTrace).toMatch(
      /^Traceback \(most recent call last\):/,
    );
  });

  it('should give an impostor entity no runs, logs or import errors of DAGs and files that name other entities', async () => {
    const res = await request(app)
      .get(`${API}/impostor-crawler/airflow`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    const [news] = res.body.dags;
    expect(news).toMatchObject({ dag: null, recentRuns: [] });
    expect(news.errors[0].message).toContain(
      'add the tag "backstage:component:default/impostor-crawler"',
    );
    expect(res.body.importErrors).toEqual([]);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        source: `claim:${BACKFILL_FILE}`,
        status: 403,
      }),
    ]);
    const runs = await request(app)
      .get(`${API}/impostor-crawler/dags/news_crawler/runs`)
      .set('Authorization', asAlice);
    expect(runs.status).toBe(403);
    const trigger = await request(app)
      .post(`${API}/impostor-crawler/dags/news_crawler/runs`)
      .set('Authorization', asAlice)
      .send({});
    expect(trigger.status).toBe(403);
    expect(trigger.body.error.message).toContain(
      'add the tag "backstage:component:default/impostor-crawler"',
    );
    const pause = await request(app)
      .patch(`${API}/impostor-crawler/dags/news_crawler`)
      .set('Authorization', asAlice)
      .send({ isPaused: true });
    expect(pause.status).toBe(403);
  });

  it.each([
    ['news-crawler', 'news_crawler'],
    ['price-crawler', 'price_crawler'],
  ])(
    'should trigger a run of %s that then shows in the runs list',
    async (entity, dagId) => {
      const trigger = await request(app)
        .post(`${API}/${entity}/dags/${dagId}/runs`)
        .set('Authorization', asAlice)
        .send({ conf: { source: 'integration-test' } });
      expect(trigger.status).toBe(201);
      expect(trigger.body.run).toMatchObject({ dagId, runType: 'manual' });
      const runs = await request(app)
        .get(`${API}/${entity}/dags/${dagId}/runs?limit=100`)
        .set('Authorization', asAlice);
      expect(runs.status).toBe(200);
      expect(runs.body.runs.map((r: any) => r.runId)).toContain(
        trigger.body.run.runId,
      );
    },
  );

  it("should read a finished news_crawler task's Airflow 2 log as separate lines with the pod's output", async () => {
    const { runId, run } = await runToCompletion(
      'news-crawler',
      'news_crawler',
    );
    expect(run).toMatchObject({ state: 'success', runType: 'manual' });
    const { logPath, taskInstance, messages, continuationToken } =
      await readCrawlLog('news-crawler', 'news_crawler', runId);
    expect(taskInstance.state).toBe('success');
    // The crawler image's run rule writes these lines; the operator copies them with the container name.
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /\[base\] Starting python crawler\.py from .*news-crawler:[0-9a-f]{7}$/,
        ),
        expect.stringMatching(/\[base\] crawler\.py ran to completion$/),
      ]),
    );
    expect(messages.length).toBeGreaterThan(3);
    // Airflow 2 sends the repr of (host, text) tuples: its escapes must be decoded and the text split into
    // one entry per line, never shown as one blob with literal \n sequences.
    for (const message of messages) {
      expect(message).not.toContain('\\n');
      expect(message).not.toMatch(/[\r\n]/);
      expect(message).not.toMatch(/^\[\('/);
    }
    // The log is complete: reading on from Airflow's continuation token yields no further lines.
    expect(continuationToken).toEqual(expect.any(String));
    const rest = await request(app)
      .get(logPath)
      .query({ token: continuationToken })
      .set('Authorization', asAlice);
    expect(rest.status).toBe(200);
    expect(rest.body.log.lines).toEqual([]);
  });

  it("should read a failed price_crawler task's Airflow 3 log with Kubernetes' pods/log 403", async () => {
    const { runId, run } = await runToCompletion(
      'price-crawler',
      'price_crawler',
    );
    expect(run).toMatchObject({ state: 'failed', runType: 'manual' });
    const { taskInstance, messages } = await readCrawlLog(
      'price-crawler',
      'price_crawler',
      runId,
    );
    expect(taskInstance.state).toBe('failed');
    // Airflow 3's structured messages keep a traceback in one event; look at it line by line.
    const lines = messages.flatMap((m: string) => m.split('\n'));
    expect(lines).toContain('kubernetes.client.exceptions.ApiException: (403)');
    expect(lines).toContain('Reason: Forbidden');
    const body = lines.find((l: string) =>
      l.startsWith('HTTP response body: '),
    );
    expect(body).toBeDefined();
    const status = JSON.parse(body!.slice('HTTP response body: '.length));
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
    });
    expect(status.message).toMatch(
      /^pods "price-crawler-[a-z0-9]+" is forbidden: User "system:serviceaccount:airflow:airflow-worker" cannot get resource "pods\/log" in API group "" in the namespace "crawler-price"$/,
    );
    expect(
      lines.some((l: string) =>
        /Pod price-crawler-[a-z0-9]+ returned a failure\./.test(l),
      ),
    ).toBe(true);
    for (const message of messages) {
      expect(message).not.toContain('\\n');
    }
  });

  it.each([
    ['news-crawler', 'news_crawler'],
    ['price-crawler', 'price_crawler'],
  ])('should pause and unpause %s', async (entity, dagId) => {
    const pause = await request(app)
      .patch(`${API}/${entity}/dags/${dagId}`)
      .set('Authorization', asAlice)
      .send({ isPaused: true });
    expect(pause.status).toBe(200);
    expect(pause.body.dag.isPaused).toBe(true);
    const unpause = await request(app)
      .patch(`${API}/${entity}/dags/${dagId}`)
      .set('Authorization', asAlice)
      .send({ isPaused: false });
    expect(unpause.body.dag.isPaused).toBe(false);
  });

  describe('pods, git-sync and overview (part 2)', () => {
    const asBob = mockCredentials.user.header(BOB);

    const gitSync = async (entity = 'news-crawler') => {
      const res = await request(app)
        .get(`${API}/${entity}/git-sync`)
        .set('Authorization', asAlice);
      expect(res.status).toBe(200);
      return res.body;
    };

    async function waitForGitSync(
      entity: string,
      accept: (body: any) => boolean,
      what: string,
    ) {
      let last: any;
      for (let attempt = 0; attempt < 150; attempt++) {
        last = await gitSync(entity);
        if (accept(last)) return last;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      throw new Error(`git-sync never became ${what}: ${JSON.stringify(last)}`);
    }

    /** Commits one file to the DAG repository's main branch through CodeCommit, as a developer's push would. */
    async function commitDagFile(
      filePath: string,
      change: (s: string) => string,
    ) {
      const codecommit = new CodeCommitClient(awsConfig(sandbox.urls.aws));
      try {
        const head = await codecommit.send(
          new GetBranchCommand({
            repositoryName: 'airflow-dags',
            branchName: 'main',
          }),
        );
        const file = await codecommit.send(
          new GetFileCommand({ repositoryName: 'airflow-dags', filePath }),
        );
        const text = change(Buffer.from(file.fileContent!).toString('utf8'));
        const commit = await codecommit.send(
          new CreateCommitCommand({
            repositoryName: 'airflow-dags',
            branchName: 'main',
            parentCommitId: head.branch!.commitId,
            authorName: 'crawlers test',
            putFiles: [{ filePath, fileContent: Buffer.from(text) }],
          }),
        );
        return commit.commitId!;
      } finally {
        codecommit.destroy();
      }
    }

    /** Restarts the Airflow 2 scheduler pod (git-sync syncs at every start), as `kubectl delete pod` would. */
    async function restartGitSyncPod() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [
          { name: 's', server: sandbox.urls.kube, skipTLSVerify: true },
        ],
        users: [{ name: 'admin', token: 'sandbox-admin-token' }],
        contexts: [{ name: 's', cluster: 's', user: 'admin' }],
        currentContext: 's',
      });
      const core = kc.makeApiClient(CoreV1Api);
      const pods = await core.listNamespacedPod({
        namespace: 'airflow',
        labelSelector: 'component=scheduler,release=airflow2',
      });
      for (const pod of pods.items) {
        await core.deleteNamespacedPod({
          namespace: 'airflow',
          name: pod.metadata!.name!,
        });
      }
    }

    it('should show the healthy crawler in-sync with the head of main, through the EKS token path', async () => {
      const body = await waitForGitSync(
        'news-crawler',
        b => b.state === 'in-sync',
        'in-sync',
      );
      expect(body).toMatchObject({
        instance: 'airflow2',
        cluster: 'sandbox',
        release: 'airflow2',
        errors: [],
      });
      expect(body.syncedCommit).toBe(body.head.commit);
      expect(body.head).toMatchObject({
        repositoryName: 'airflow-dags',
        branch: 'main',
      });
      expect(body.pods[0].name).toMatch(/^airflow2-scheduler-/);
    });

    it('should turn behind (this DAG affected) after a push of its DAG file, then in-sync once git-sync syncs', async () => {
      const commit = await commitDagFile('airflow2/news_crawler.py', text =>
        text.replace('Crawls news sites every day', 'Crawls news sites daily'),
      );
      const behind = await gitSync();
      expect(behind.state).toBe('behind');
      expect(behind.head.commit).toBe(commit);
      expect(behind.behind).toMatchObject({
        dagFilesAffected: true,
        changedDagFiles: ['airflow2/news_crawler.py'],
        commits: 1,
      });
      await restartGitSyncPod();
      const synced = await waitForGitSync(
        'news-crawler',
        b => b.state === 'in-sync' && b.syncedCommit === commit,
        'in-sync with the new commit',
      );
      expect(synced.behind).toBeNull();
    });

    it("should show behind with this DAG not affected when a commit touches only another crawler's file", async () => {
      const commit = await commitDagFile('airflow3/price_crawler.py', text =>
        text.replace(
          'Crawls shop prices every hour',
          'Crawls shop prices hourly',
        ),
      );
      const body = await gitSync('news-crawler');
      expect(body.state).toBe('behind');
      expect(body.head.commit).toBe(commit);
      expect(body.behind).toMatchObject({
        dagFilesAffected: false,
        changedDagFiles: [],
      });
      await restartGitSyncPod();
      await waitForGitSync(
        'news-crawler',
        b => b.state === 'in-sync' && b.syncedCommit === commit,
        'in-sync again',
      );
    });

    it("should list the crawler's pods in its claimed namespace, and refuse a namespace that names another entity", async () => {
      const { runId } = await runToCompletion('news-crawler', 'news_crawler');
      expect(runId).toBeTruthy();
      const pods = await request(app)
        .get(`${API}/news-crawler/pods`)
        .set('Authorization', asAlice);
      expect(pods.status).toBe(200);
      expect(pods.body.namespaceClaim).toMatchObject({ holds: true });
      expect(pods.body.errors).toEqual([]);
      const impostor = await request(app)
        .get(`${API}/impostor-crawler/pods`)
        .set('Authorization', asAlice);
      expect(impostor.status).toBe(200);
      expect(impostor.body.pods).toEqual([]);
      expect(impostor.body.namespaceClaim).toMatchObject({ holds: false });
      expect(impostor.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source: 'claim:namespace', status: 403 }),
        ]),
      );
    });

    it('should report failing with failCount while git-sync cannot authenticate (the git-sync-auth scenario), and in-sync after heal', async () => {
      await breakScenario(
        { urls: sandbox.urls },
        'git-sync-auth',
        'news-crawler',
      );
      try {
        const failing = await waitForGitSync(
          'news-crawler',
          b => b.state === 'failing' && (b.failCount ?? 0) >= 1,
          'failing',
        );
        expect(failing.lastError.message).toMatch(/^Run\(git fetch /);
        expect(failing.lastError.message).toContain('403');
      } finally {
        await healScenario(
          { urls: sandbox.urls },
          'git-sync-auth',
          'news-crawler',
        );
      }
      await waitForGitSync(
        'news-crawler',
        b => b.state === 'in-sync',
        'in-sync after heal',
      );
    });

    it('should refuse a non-owner the pod cleanup with 403', async () => {
      const res = await request(app)
        .post(`${API}/news-crawler/pods/cleanup`)
        .set('Authorization', asBob)
        .send({});
      expect(res.status).toBe(403);
    });

    it("should report the cluster's RBAC 403 as a section error, not a crash", async () => {
      const pods = await request(app)
        .get(`${API}/rbac-probe/pods`)
        .set('Authorization', asAlice);
      expect(pods.status).toBe(200);
      expect(pods.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ status: 403 })]),
      );
      const sync = await gitSync('rbac-probe');
      expect(sync.state).toBe('unknown');
      expect(sync.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ status: 403 })]),
      );
      expect(JSON.stringify(sync.errors)).toContain('is forbidden');
    });

    it('should answer the overview with each section on its own', async () => {
      const res = await request(app)
        .get(`${API}/news-crawler/overview`)
        .set('Authorization', asAlice);
      expect(res.status).toBe(200);
      expect(res.body.dags.data).not.toBeNull();
      expect(res.body.gitSync.data).toMatchObject({ state: 'in-sync' });
      expect(res.body.pods.data).not.toBeNull();
      const probe = await request(app)
        .get(`${API}/rbac-probe/overview`)
        .set('Authorization', asAlice);
      expect(probe.status).toBe(200);
      expect(probe.body.dags.data).not.toBeNull();
    });
  });
});
