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
import {
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
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
  /** The current pod of an Airflow component (chart labels), through the Kubernetes API. */
  const airflowPod = async (release: string, component: string) => {
    const list = await core().listNamespacedPod({
      namespace: 'airflow',
      labelSelector: `tier=airflow,release=${release},component=${component}`,
    });
    return list.items.find(p => !p.metadata?.deletionTimestamp);
  };
  /**
   * A rollout of a changed pod template, the sandbox way (it has no Deployment API): a pod with the workload's
   * labels and the new spec takes over; the controller deletes the older pod.
   */
  const rollOut = async (
    release: string,
    component: string,
    env: (env: any[]) => any[],
  ) => {
    const api = core();
    const pod = (await airflowPod(release, component))!;
    const edit = (c: any) =>
      c.name.startsWith('git-sync') ? { ...c, env: env(c.env ?? []) } : c;
    const created = await api.createNamespacedPod({
      namespace: 'airflow',
      body: {
        metadata: {
          name: `${release}-${component}-rollout-${Date.now() % 100000}`,
          labels: pod.metadata!.labels,
        },
        spec: {
          ...pod.spec!,
          initContainers: pod.spec!.initContainers?.map(edit),
          containers: pod.spec!.containers.map(edit),
        },
      },
    });
    await waitFor(async () => {
      const list = await api.listNamespacedPod({
        namespace: 'airflow',
        labelSelector: `release=${release},component=${component}`,
      });
      return list.items.length === 1;
    }, 'the rollout');
    return created.metadata!.name!;
  };
  const logLines = (pod: string, container: string, previous = false) =>
    sandbox.kube
      .readLog('airflow', pod, container, { previous })
      .split('\n')
      .filter(l => l.startsWith('{'))
      .map(l => JSON.parse(l));

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
    const scheduler = (await airflowPod('airflow2', 'scheduler'))!;
    expect(scheduler.metadata!.name).toMatch(
      /^airflow2-scheduler-[a-z0-9]{10}-[a-z0-9]{5}$/,
    );
    expect(scheduler.status!.initContainerStatuses).toEqual([
      expect.objectContaining({
        name: 'git-sync-init',
        state: {
          terminated: expect.objectContaining({
            exitCode: 0,
            reason: 'Completed',
          }),
        },
      }),
    ]);
    const name = scheduler.metadata!.name!;
    const init = logLines(name, 'git-sync-init');
    expect(init.find(l => l.msg === 'updated successfully')).toMatchObject({
      ref: 'main',
      remote: sha,
      syncCount: 1,
    });
    expect(init.map(l => l.msg)).toContain(
      'setting --ref from deprecated --branch',
    );
    const sidecar = await waitFor(
      () =>
        logLines(name, 'git-sync').find(l => l.msg === 'updated successfully'),
      'the sidecar sync',
    );
    expect(sidecar).toMatchObject({ remote: sha, syncCount: 1 });
    // Airflow 3: git-sync runs in the dag-processor pod only.
    const scheduler3 = (await airflowPod('airflow3', 'scheduler'))!;
    expect(scheduler3.spec!.initContainers ?? []).toEqual([]);
    expect(scheduler3.spec!.containers.map(c => c.name)).toEqual(['scheduler']);
    const processor = (await airflowPod('airflow3', 'dag-processor'))!;
    expect(processor.spec!.initContainers!.map(c => c.name)).toEqual([
      'git-sync-init',
    ]);
    expect(processor.spec!.containers.map(c => c.name)).toEqual([
      'dag-processor',
      'git-sync',
    ]);
    await waitFor(async () => {
      const ready = await fetch(`${sandbox.urls.gitSync}/airflow3/`);
      return ready.status === 200;
    }, 'the Airflow 3 sidecar to be ready');
    const metrics = await (
      await fetch(`${sandbox.urls.gitSync}/airflow2/metrics`)
    ).text();
    expect(metrics).toMatch(/git_sync_count_total\{status="success"\} 1/);
    expect(metrics).not.toContain('quantile');
  });

  it('should attach AmazonEKSFargatePodExecutionRolePolicy to the seeded Fargate pod execution role', async () => {
    const iam = new IAMClient(awsClientConfig(sandbox.urls.aws));
    try {
      const attached = await iam.send(
        new ListAttachedRolePoliciesCommand({
          RoleName: 'crawlers-fargate-pod-execution',
        }),
      );
      expect(attached.AttachedPolicies).toEqual([
        {
          PolicyName: 'AmazonEKSFargatePodExecutionRolePolicy',
          PolicyArn:
            'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy',
        },
      ]);
    } finally {
      iam.destroy();
    }
  });

  it("should load each Airflow's own folder of the DAG repository, with file locations and import errors per version", async () => {
    const dags2 = await v1('/dags?tags=crawler');
    expect(
      dags2.body.dags.map((d: any) => [d.dag_id, d.owners, d.fileloc]),
    ).toEqual([
      [
        'news_crawler',
        ['crawler-team'],
        '/opt/airflow/dags/repo/airflow2/news_crawler.py',
      ],
    ]);
    expect(dags2.body.dags[0].tags).toContainEqual({
      name: 'backstage:component:default/news-crawler',
    });
    const dags3 = await v2('/dags?tags=crawler');
    expect(
      dags3.body.dags.map((d: any) => [d.dag_id, d.relative_fileloc]),
    ).toEqual([['price_crawler', 'price_crawler.py']]);
    expect((await v2('/dags/price_crawler/details')).body.fileloc).toBe(
      '/opt/airflow/dags/repo/airflow3/price_crawler.py',
    );
    const errors = await v2('/importErrors');
    expect(errors.body.import_errors).toEqual([
      expect.objectContaining({
        filename: 'price_crawler_backfill.py',
        bundle_name: 'dags-folder',
        stack_trace: expect.stringMatching(
          /^Traceback \(most recent call last\):\n {2}File "<frozen importlib\._bootstrap_external>", line \d+, in source_to_code\n {2}File "<frozen importlib\._bootstrap>", line \d+, in _call_with_frames_removed\n {2}File "\/opt\/airflow\/dags\/repo\/airflow3\/price_crawler_backfill\.py", line \d+\n .*\n +\^\nSyntaxError: '\{' was never closed\n$/,
        ),
      }),
    ]);
    expect((await v1('/importErrors')).body.total_entries).toBe(0);
    expect((await v1('/dags/price_crawler')).status).toBe(404);
    expect((await v2('/dags/news_crawler')).status).toBe(404);
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
        'airflow2/news_crawler_canary.py': crawlerDag({
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
    // The canary lives on its own branch: roll the Airflow 2 scheduler out with git-sync pointed at it.
    const toBranch = (branch: string) => (env: any[]) =>
      env.map((e: any) =>
        ['GIT_SYNC_BRANCH', 'GITSYNC_REF'].includes(e.name)
          ? { ...e, value: branch }
          : e,
      );
    await rollOut('airflow2', 'scheduler', toBranch('canary'));
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
    await rollOut('airflow2', 'scheduler', toBranch('main'));
    await waitFor(
      async () => (await v1('/dags/news_crawler')).body.is_active === true,
      'news_crawler back on main',
    );
  });

  it('should leave a pod Pending with a default-scheduler event when no Fargate profile matches', async () => {
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

      // Its own run id and logical date: an earlier test triggered news_crawler at the same (manual) clock time.
      const run = await v1('/dags/news_crawler/dagRuns', {
        method: 'POST',
        body: JSON.stringify({
          dag_run_id: 'manual__unmatched-pod',
          logical_date: new Date(
            clock.now().getTime() - 3_600_000,
          ).toISOString(),
        }),
      });
      expect(run.status).toBe(200);
      const api = core();
      const event = await waitFor(async () => {
        const events = await api.listNamespacedEvent({
          namespace: 'crawler-news',
        });
        return events.items.find(
          e =>
            e.reportingComponent === 'default-scheduler' &&
            e.reason === 'FailedScheduling',
        );
      }, 'the default-scheduler event');
      expect(event.message).toContain(
        'node(s) had untolerated taint {dedicated: airflow}',
      );
      const pod = await api.readNamespacedPod({
        namespace: 'crawler-news',
        name: event.involvedObject.name!,
      });
      expect(pod.spec?.schedulerName).toBe('default-scheduler');
      expect(pod.status?.phase).toBe('Pending');
      expect(await runState('v1', 'news_crawler', run.body.dag_run_id)).toBe(
        'running',
      );

      clock.advance(121_000);
      await waitFor(
        async () =>
          (await runState('v1', 'news_crawler', run.body.dag_run_id)) ===
          'failed',
        'the startup timeout',
      );
      // Never scheduled: provider 10.8.0's schedule timeout (schedule_timeout_seconds defaults to the startup one).
      expect(await v1Log('news_crawler', run.body.dag_run_id)).toContain(
        'PodLaunchTimeoutException: Pod took too long to be scheduled on the cluster, giving up. More than 120s. Check the pod events in kubernetes.',
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

  it('should stick a recreated Airflow 3 dag-processor pod in Init:CrashLoopBackOff with the 403 in git-sync-init while the credentials are wrong, and heal', async () => {
    const api = core();
    const setPassword = (password: string) =>
      api.patchNamespacedSecret(
        {
          namespace: 'airflow',
          name: 'airflow-git-credentials',
          body: { stringData: { GITSYNC_PASSWORD: password } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const scheduler3 = (await airflowPod('airflow3', 'scheduler'))!.metadata!
      .name;
    // Break: a wrong password reaches git-sync when the pod is recreated (env is read at container start).
    await setPassword('wrong-password');
    const old = (await airflowPod('airflow3', 'dag-processor'))!.metadata!;
    await api.deleteNamespacedPod({ namespace: 'airflow', name: old.name! });
    const broken = await waitFor(async () => {
      const pod = await airflowPod('airflow3', 'dag-processor');
      const init = pod?.status?.initContainerStatuses?.[0];
      return (
        pod?.metadata?.uid !== old.uid &&
        init?.state?.waiting?.reason === 'CrashLoopBackOff' &&
        pod
      );
    }, 'Init:CrashLoopBackOff');
    const name = broken.metadata!.name!;
    expect(name).toMatch(/^airflow3-dag-processor-/);
    expect(broken.status!.phase).toBe('Pending');
    const init = broken.status!.initContainerStatuses![0];
    expect(init.lastState!.terminated!.exitCode).toBe(1);
    expect(init.restartCount).toBeGreaterThanOrEqual(1);
    const lines = logLines(name, 'git-sync-init', true);
    const abort = lines.find(l => l.msg === 'too many failures, aborting');
    expect(abort.failCount).toBe(3);
    expect(abort.error).toMatch(
      /^Run\(git fetch http:\/\/127\.0\.0\.1:\d+\/v1\/repos\/airflow-dags main --verbose --no-progress --prune --no-auto-gc --depth 1\): exit status 128: \{ stdout: "", stderr: "(remote: [^"\\]*\\n)?fatal: unable to access 'http:\/\/127\.0\.0\.1:\d+\/v1\/repos\/airflow-dags\/': The requested URL returned error: 403\\n" \}$/,
    );
    expect(
      lines
        .filter(l => l.msg === 'error syncing repo, will retry')
        .map(l => l.failCount),
    ).toEqual([1, 2]);
    expect(
      sandbox.kube.readLog('airflow', name, 'git-sync-init', {
        previous: true,
      }),
    ).not.toContain('wrong-password');
    // The scheduler pod has no git-sync and keeps running; the DAGs stay as last parsed.
    expect((await airflowPod('airflow3', 'scheduler'))!.metadata!.name).toBe(
      scheduler3,
    );
    expect((await v2('/dags/price_crawler')).status).toBe(200);
    // No sidecar runs yet: its endpoint does not answer.
    expect([502, 503]).toContain(
      (await fetch(`${sandbox.urls.gitSync}/airflow3/`)).status,
    );

    // Heal: the right password, and the pod recreated once more.
    await setPassword('sandbox-git-password');
    await api.deleteNamespacedPod({ namespace: 'airflow', name });
    await waitFor(async () => {
      const pod = await airflowPod('airflow3', 'dag-processor');
      return (
        pod?.metadata?.name !== name && pod?.status?.phase === 'Running' && pod
      );
    }, 'the healed dag-processor pod');
    await waitFor(
      async () =>
        (await fetch(`${sandbox.urls.gitSync}/airflow3/`)).status === 200,
      'the healed sidecar',
    );
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
