/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * End to end: startSandbox on a fresh data folder with a ManualClock, then the seeded world through its HTTP APIs
 * and real clients. Part A's servers, pod lifecycle and image builds are real here; only the delays are short.
 */

import { execFileSync } from 'node:child_process';
import {
  CreateFargateProfileCommand,
  DeleteFargateProfileCommand,
  DescribeFargateProfileCommand,
  EKSClient,
} from '@aws-sdk/client-eks';
import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { ManualClock } from './clock';
import { SANDBOX_CLUSTER_NAME, SANDBOX_DAG_REPOSITORY } from './constants';
import { startSandbox, Sandbox } from './index';
import { crawlerDag, imageUri } from './seedContent';
import { pushFiles } from './seed';
import { awsClientConfig, tempDataDir } from './testing/helpers';
import { waitFor } from './testing/airflowFixtures';

jest.setTimeout(60_000);

const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`;

describe('startSandbox (end to end)', () => {
  const data = tempDataDir();
  const clock = new ManualClock('2026-06-01T12:30:00Z');
  let sandbox: Sandbox;
  let v2Token: string;

  const v1 = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${sandbox.urls.airflow2}/api/v1${path}`, {
      ...init,
      headers: {
        Authorization: basic,
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(init.headers ?? {}),
      },
    });
    return { status: res.status, body: await res.json() };
  };
  const v2 = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${sandbox.urls.airflow3}/api/v2${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${v2Token}`,
        'Content-Type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
    return { status: res.status, body: await res.json() };
  };
  const v1Log = async (dagId: string, runId: string) =>
    (
      await v1(
        `/dags/${dagId}/dagRuns/${encodeURIComponent(
          runId,
        )}/taskInstances/crawl/logs/1`,
      )
    ).body.content as string;
  const v2Log = async (dagId: string, runId: string) =>
    (
      (
        await v2(
          `/dags/${dagId}/dagRuns/${encodeURIComponent(
            runId,
          )}/taskInstances/crawl/logs/1`,
        )
      ).body.content as Array<{ event: string }>
    )
      .map(m => m.event)
      .join('\n');
  const runState = async (api: 'v1' | 'v2', dagId: string, runId: string) =>
    (
      await (api === 'v1' ? v1 : v2)(
        `/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}`,
      )
    ).body.state;

  const core = () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        { name: 'sandbox', server: sandbox.urls.kube, skipTLSVerify: true },
      ],
      users: [{ name: 'admin', token: 'sandbox-admin-token' }],
      contexts: [{ name: 'c', cluster: 'sandbox', user: 'admin' }],
      currentContext: 'c',
    });
    return kc.makeApiClient(CoreV1Api);
  };
  /** What a StatefulSet rollout does: delete the pod, create it again from the (changed) template. */
  const replaceSchedulerPod = async (
    name: string,
    env: (env: any[]) => any[],
  ) => {
    const api = core();
    const pod = await api.readNamespacedPod({ namespace: 'airflow', name });
    await api.deleteNamespacedPod({ namespace: 'airflow', name });
    const containers = pod.spec!.containers.map(c =>
      c.name === 'git-sync' ? { ...c, env: env(c.env ?? []) } : c,
    );
    await api.createNamespacedPod({
      namespace: 'airflow',
      body: {
        metadata: { name, labels: pod.metadata!.labels },
        spec: { ...pod.spec!, containers },
      },
    });
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      dataDir: data.dir,
      clock,
      gitSyncPeriod: '100ms',
      schedulerTickMs: 20,
      delays: {
        buildMs: 10,
        fargateProfileMs: 10,
        scheduleMs: 5,
        pullMs: 5,
        backoffMs: 50,
        runMs: 20,
      },
    });
    await sandbox.ready;
    const token = await fetch(`${sandbox.urls.airflow3}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    });
    v2Token = (await token.json()).access_token;
  });

  afterAll(async () => {
    await sandbox?.stop();
    data.remove();
  });

  it('should seed a fresh data folder and sync the DAG repository with git-sync', async () => {
    expect(sandbox.seeded).toBe(true);
    const sha = execFileSync(
      'git',
      [
        '--git-dir',
        sandbox.world.codecommit.repoPath(SANDBOX_DAG_REPOSITORY),
        'rev-parse',
        'main',
      ],
      {
        encoding: 'utf8',
      },
    ).trim();
    const lines = sandbox.kube
      .readLog('airflow', 'airflow2-scheduler-0', 'git-sync')
      .split('\n')
      .filter(l => l.startsWith('{'))
      .map(l => JSON.parse(l));
    expect(lines.map(l => l.error ?? l.msg)).toContain('updated successfully');
    expect(lines.find(l => l.msg === 'updated successfully')).toMatchObject({
      ref: 'main',
      remote: sha,
      syncCount: 1,
    });
    expect(lines.map(l => l.msg)).toContain(
      'setting --ref from deprecated --branch',
    );
    const ready = await fetch(`${sandbox.urls.gitSync}/airflow3/`);
    expect(ready.status).toBe(200);
    const metrics = await (
      await fetch(`${sandbox.urls.gitSync}/airflow2/metrics`)
    ).text();
    expect(metrics).toMatch(/git_sync_count_total\{status="success"\} 1/);
  });

  it('should list both crawler DAGs in both Airflows and the broken file as an import error', async () => {
    const dags2 = await v1('/dags?tags=crawler');
    expect(dags2.body.dags.map((d: any) => [d.dag_id, d.owners])).toEqual([
      ['news_crawler', ['crawler-team']],
      ['price_crawler', ['crawler-team']],
    ]);
    const dags3 = await v2('/dags?tags=crawler');
    expect(dags3.body.dags.map((d: any) => d.dag_id)).toEqual([
      'news_crawler',
      'price_crawler',
    ]);
    const errors = await v2('/importErrors');
    expect(errors.body.import_errors).toEqual([
      expect.objectContaining({
        filename: 'dags/price_crawler_backfill.py',
        stack_trace: expect.stringContaining('SyntaxError'),
      }),
    ]);
    expect((await v1('/importErrors')).body.total_entries).toBe(1);
  });

  it('should run a triggered news_crawler to success with the crawler pod log in the task log', async () => {
    const images = await waitFor(
      () => sandbox.world.ecr.images('news-crawler').length > 0,
      'the news-crawler image build',
    );
    expect(images).toBe(true);
    const run = await v1('/dags/news_crawler/dagRuns', {
      method: 'POST',
      body: JSON.stringify({ conf: { pages: 2 } }),
    });
    expect(run.status).toBe(200);
    await waitFor(
      async () =>
        (await runState('v1', 'news_crawler', run.body.dag_run_id)) ===
        'success',
      'news_crawler to succeed',
    );
    const log = await v1Log('news_crawler', run.body.dag_run_id);
    expect(log).toContain(
      `[base] Starting python crawler.py from ${imageUri(
        'news-crawler',
      ).replace(':latest', '')}`,
    );
    expect(log).toContain('Marking task as SUCCESS');
  });

  it('should fail a triggered price_crawler with the pods/log 403 in its task log', async () => {
    await waitFor(
      () => sandbox.world.ecr.images('price-crawler').length > 0,
      'the price-crawler image build',
    );
    const run = await v2('/dags/price_crawler/dagRuns', {
      method: 'POST',
      body: JSON.stringify({ logical_date: null }),
    });
    expect(run.status).toBe(200);
    await waitFor(
      async () =>
        (await runState('v2', 'price_crawler', run.body.dag_run_id)) ===
        'failed',
      'price_crawler to fail',
    );
    const log = await v2Log('price_crawler', run.body.dag_run_id);
    expect(log).toContain('kubernetes.client.exceptions.ApiException: (403)');
    expect(log).toContain(
      'cannot get resource \\"pods/log\\" in API group \\"\\" in the namespace \\"crawler-price\\"',
    );
  });

  it('should fail with ErrImagePull when a pushed DAG names an image missing from ECR', async () => {
    await pushFiles(
      sandbox.world.codecommit.cloneUrlHttp(SANDBOX_DAG_REPOSITORY),
      'canary',
      {
        'dags/news_crawler_canary.py': crawlerDag({
          dagId: 'news_crawler_canary',
          crawler: 'news-crawler',
          namespace: 'crawler-news',
          serviceAccount: 'news-crawler',
          schedule: '@daily',
          targetUrl: 'https://example.com/news',
          description: 'Canary build',
        }).replace(imageUri('news-crawler'), imageUri('news-crawler', 'v999')),
      },
      'Canary DAG',
    );
    // The canary lives on its own branch: roll the Airflow 2 scheduler pod with git-sync pointed at it.
    await replaceSchedulerPod('airflow2-scheduler-0', env =>
      env.map((e: any) =>
        ['GIT_SYNC_BRANCH', 'GITSYNC_REF'].includes(e.name)
          ? { ...e, value: 'canary' }
          : e,
      ),
    );
    await waitFor(
      async () => (await v1('/dags/news_crawler_canary')).status === 200,
      'the canary DAG',
    );
    expect((await v1('/dags/news_crawler')).body.is_active).toBe(false);
    const run = await v1('/dags/news_crawler_canary/dagRuns', {
      method: 'POST',
      body: JSON.stringify({}),
    });
    await waitFor(
      async () =>
        (await runState('v1', 'news_crawler_canary', run.body.dag_run_id)) ===
        'failed',
      'the canary run to fail',
    );
    expect(await v1Log('news_crawler_canary', run.body.dag_run_id)).toContain(
      'Pod docker image cannot be pulled, unable to start: ErrImagePull',
    );
  });

  it('should leave a pod Pending with a fargate-scheduler event when no Fargate profile matches', async () => {
    const eks = new EKSClient(awsClientConfig(sandbox.urls.aws));
    try {
      await eks.send(
        new DeleteFargateProfileCommand({
          clusterName: SANDBOX_CLUSTER_NAME,
          fargateProfileName: 'news-crawler',
        }),
      );
      await waitFor(async () => {
        try {
          await eks.send(
            new DescribeFargateProfileCommand({
              clusterName: SANDBOX_CLUSTER_NAME,
              fargateProfileName: 'news-crawler',
            }),
          );
          return false;
        } catch (e) {
          return (e as Error).name === 'ResourceNotFoundException';
        }
      }, 'the profile to be deleted');

      const run = await v2('/dags/news_crawler/dagRuns', {
        method: 'POST',
        body: JSON.stringify({ logical_date: null }),
      });
      const api = core();
      const event = await waitFor(async () => {
        const events = await api.listNamespacedEvent({
          namespace: 'crawler-news',
        });
        return events.items.find(
          e =>
            e.source?.component === 'fargate-scheduler' &&
            e.reason === 'FailedScheduling',
        );
      }, 'the fargate-scheduler event');
      const pod = await api.readNamespacedPod({
        namespace: 'crawler-news',
        name: event.involvedObject.name!,
      });
      expect(pod.status?.phase).toBe('Pending');
      expect(await runState('v2', 'news_crawler', run.body.dag_run_id)).toBe(
        'running',
      );

      clock.advance(121_000);
      await waitFor(
        async () =>
          (await runState('v2', 'news_crawler', run.body.dag_run_id)) ===
          'failed',
        'the startup timeout',
      );
      expect(await v2Log('news_crawler', run.body.dag_run_id)).toContain(
        'Pod took too long to start',
      );
      await eks.send(
        new CreateFargateProfileCommand({
          clusterName: SANDBOX_CLUSTER_NAME,
          fargateProfileName: 'news-crawler-2',
          podExecutionRoleArn:
            'arn:aws:iam::000000000000:role/crawlers-fargate-pod-execution',
          selectors: [{ namespace: 'crawler-news' }],
        }),
      );
    } finally {
      eks.destroy();
    }
  });

  it('should log git-sync errors with a growing failCount when the credentials are wrong', async () => {
    // A rotated Secret reaches git-sync when its pod restarts (env is read at container start).
    await core().patchNamespacedSecret(
      {
        namespace: 'airflow',
        name: 'airflow-git-credentials',
        body: { stringData: { GITSYNC_PASSWORD: 'wrong-password' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await replaceSchedulerPod('airflow3-scheduler-0', env => env);
    const errors = await waitFor(() => {
      const lines = sandbox.kube
        .readLog('airflow', 'airflow3-scheduler-0', 'git-sync')
        .split('\n')
        .filter(l => l.includes('error syncing repo, will retry'))
        .map(l => JSON.parse(l));
      return lines.length >= 2 && lines;
    }, 'two git-sync errors');
    expect(errors.slice(0, 2).map((e: any) => e.failCount)).toEqual([1, 2]);
    expect(errors[0].error).toMatch(
      /^Run\(git ls-remote -q http:\/\/127\.0\.0\.1:\d+\/v1\/repos\/airflow-dags main main\^\{\}\): exit status 128/,
    );
    expect(
      sandbox.kube.readLog('airflow', 'airflow3-scheduler-0', 'git-sync'),
    ).not.toContain('wrong-password');
  });

  it('should keep its world on a second start of the same data folder without seeding again', async () => {
    const runsBefore = sandbox.airflow.airflow2.runs.map(r => r.run_id);
    await sandbox.stop();
    sandbox = await startSandbox({
      dataDir: data.dir,
      clock,
      gitSyncPeriod: '100ms',
      schedulerTickMs: 20,
    });
    await sandbox.ready;
    expect(sandbox.seeded).toBe(false);
    expect(sandbox.airflow.airflow2.runs.map(r => r.run_id)).toEqual(
      expect.arrayContaining(runsBefore),
    );
    expect(
      sandbox.kube.get('namespaces', undefined, 'crawler-news').metadata.name,
    ).toBe('crawler-news');
    expect(sandbox.world.ecr.images('news-crawler').length).toBeGreaterThan(0);
  });
});
