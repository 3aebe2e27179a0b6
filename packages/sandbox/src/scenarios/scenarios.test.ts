/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Break and heal, end to end: one sandbox (fresh data folder, ManualClock, short delays) for the whole file; each
 * scenario breaks a healthy crawler through the sandbox's APIs, the evidence is read where domain-facts §9 names it
 * (for both Airflow versions where it differs), then heal, and the evidence is gone.
 */

import { CodeCommitClient, GetFileCommand } from '@aws-sdk/client-codecommit';
import {
  DescribeRouteTablesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { ECRClient, GetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { DescribeFargateProfileCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  CoreV1Api,
  CoreV1Event,
  KubeConfig,
  RbacAuthorizationV1Api,
  V1Pod,
} from '@kubernetes/client-node';
import { ManualClock } from '../clock';
import { SANDBOX_CLUSTER_NAME } from '../constants';
import { parseCommand, runScenarioCommand } from '../bin';
import { Sandbox, startSandbox } from '../index';
import { dagRepositoryFiles } from '../seedContent';
import { awsClientConfig, tempDataDir } from '../testing/helpers';
import { AirflowApi } from './airflowApi';
import { scenarioCrawler, ScenarioSettings } from './context';
import { breakScenario, healScenario, SCENARIOS } from './registry';
import { ScenarioOptions } from './types';

jest.setTimeout(60_000);

describe('break and heal (end to end)', () => {
  const data = tempDataDir();
  const clock = new ManualClock('2026-06-01T12:30:00Z');
  let sandbox: Sandbox;
  let settings: ScenarioSettings;
  let api: Record<'airflow2' | 'airflow3', AirflowApi>;
  let core: CoreV1Api;
  let rbac: RbacAuthorizationV1Api;
  const aws = {} as {
    ec2: EC2Client;
    ecr: ECRClient;
    eks: EKSClient;
    codecommit: CodeCommitClient;
  };

  /** A moment passes (runs triggered at the same ManualClock time would share their logical date). */
  const later = () => clock.advance(1000);
  const brk = (id: string, crawler: string, options?: ScenarioOptions) => {
    later();
    return breakScenario(settings, id, crawler, options);
  };
  const heal = (id: string, crawler: string, options?: ScenarioOptions) =>
    healScenario(settings, id, crawler, options);
  const crawlerOf = (name: string) => scenarioCrawler(name)!;

  /** Polls until `check` gives a truthy value (every 25 ms, at most 20 s). */
  const until = async <T>(
    what: string,
    check: () => Promise<T | undefined | false> | T | undefined | false,
  ): Promise<T> => {
    for (let i = 0; i < 800; i++) {
      const v = await check();
      if (v) return v;
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error(`gave up waiting for ${what}`);
  };
  const runState = async (crawler: string, runId: string) => {
    const c = crawlerOf(crawler);
    const res = await api[c.airflow].request(
      'GET',
      `/dags/${c.dagId}/dagRuns/${encodeURIComponent(runId)}`,
    );
    return (res.body as { state: string }).state;
  };
  const runEnds = (crawler: string, runId: string, state: string) =>
    until(`run ${runId} of ${crawler} to be ${state}`, async () => {
      const now = await runState(crawler, runId);
      if (['success', 'failed'].includes(now) && now !== state) {
        throw new Error(`run ${runId} ended ${now}, not ${state}`);
      }
      return now === state;
    });
  const triggerRun = (crawler: string) => {
    later();
    const c = crawlerOf(crawler);
    return api[c.airflow].trigger(c.dagId);
  };
  /** The task log of try 1 as text: v1 `text/plain`, v2 the events of the structured messages. */
  const taskLog = async (crawler: string, runId: string) => {
    const c = crawlerOf(crawler);
    const path = `/dags/${c.dagId}/dagRuns/${encodeURIComponent(
      runId,
    )}/taskInstances/crawl/logs/1`;
    if (c.airflowMajor === 2) {
      const res = await fetch(`${api.airflow2.apiBase}${path}`, {
        headers: {
          Authorization: `Basic ${Buffer.from('admin:admin').toString(
            'base64',
          )}`,
          Accept: 'text/plain',
        },
      });
      return res.text();
    }
    const res = await api.airflow3.request('GET', path);
    return (res.body as { content: Array<{ event: string }> }).content
      .map(m => m.event)
      .join('\n');
  };
  const podEvents = async (namespace: string, pod: string) =>
    (await core.listNamespacedEvent({ namespace })).items.filter(
      (e: CoreV1Event) => e.involvedObject.name === pod,
    );
  const pods = async (namespace: string, labelSelector?: string) =>
    (await core.listNamespacedPod({ namespace, labelSelector })).items.filter(
      p => !p.metadata?.deletionTimestamp,
    );
  const airflowPod = async (release: string, component: string) =>
    (
      await pods(
        'airflow',
        `tier=airflow,release=${release},component=${component}`,
      )
    )[0];
  const containerLog = (
    pod: string,
    container: string,
    options: { namespace?: string; previous?: boolean } = {},
  ) =>
    core.readNamespacedPodLog({
      namespace: options.namespace ?? 'airflow',
      name: pod,
      container,
      previous: options.previous,
    });
  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter(l => l.startsWith('{'))
      .map(l => JSON.parse(l));
  /** Waits until the Airflow's git-sync sidecar answers its readiness with 200 (its first sync worked). */
  const gitSyncReady = (instance: string) =>
    until(
      `${instance}'s git-sync to be ready`,
      async () =>
        (await fetch(`${sandbox.urls.gitSync}/${instance}/`)).status === 200,
    );
  /** The worker pod of a run (KubernetesExecutor; the annotation carries the raw run id). */
  const workerPod = async (crawler: string, runId: string) => {
    const c = crawlerOf(crawler);
    return (
      await pods(
        'airflow',
        `component=worker,release=${c.airflow},dag_id=${c.dagId}`,
      )
    ).find(p => p.metadata?.annotations?.run_id === runId);
  };
  /** Records each state a container of the namespace's pods waits in (the pods may be gone when we look). */
  const recordWaiting = (namespace: string) => {
    const seen: Array<{ pod: string; reason: string; message: string }> = [];
    const stop = sandbox.kube.onChange((_type, resource, obj) => {
      if (resource !== 'pods' || obj.metadata.namespace !== namespace) return;
      for (const s of (obj.status as any)?.containerStatuses ?? []) {
        if (s.state?.waiting) {
          seen.push({
            pod: obj.metadata.name,
            reason: s.state.waiting.reason,
            message: s.state.waiting.message ?? '',
          });
        }
      }
    });
    return { seen, stop };
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
    settings = { urls: sandbox.urls, timeoutMs: 20_000, pollMs: 20 };
    api = {
      airflow2: new AirflowApi('airflow2', sandbox.urls.airflow2, 2),
      airflow3: new AirflowApi('airflow3', sandbox.urls.airflow3, 3),
    };
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 's', server: sandbox.urls.kube, skipTLSVerify: true }],
      users: [{ name: 'admin', token: 'sandbox-admin-token' }],
      contexts: [{ name: 'c', cluster: 's', user: 'admin' }],
      currentContext: 'c',
    });
    core = kc.makeApiClient(CoreV1Api);
    rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    aws.ec2 = new EC2Client(awsClientConfig(sandbox.urls.aws));
    aws.ecr = new ECRClient(awsClientConfig(sandbox.urls.aws));
    aws.eks = new EKSClient(awsClientConfig(sandbox.urls.aws));
    aws.codecommit = new CodeCommitClient(awsClientConfig(sandbox.urls.aws));
    await until(
      'both crawler images',
      () =>
        sandbox.world.ecr.images('news-crawler').length > 0 &&
        sandbox.world.ecr.images('price-crawler').length > 0,
    );
  });

  afterAll(async () => {
    aws.ec2?.destroy();
    aws.ecr?.destroy();
    aws.eks?.destroy();
    aws.codecommit?.destroy();
    await sandbox?.stop();
    data.remove();
  });

  it("should keep price-crawler's seeded faults: no pods/log in its Role and the backfill's import error", async () => {
    const role = await rbac.readNamespacedRole({
      namespace: 'crawler-price',
      name: 'airflow-pod-runner',
    });
    expect(role.rules!.flatMap(r => r.resources)).not.toContain('pods/log');
    expect((await api.airflow3.importErrors()).map(e => e.filename)).toEqual([
      'price_crawler_backfill.py',
    ]);
  });

  it('should change nothing when healing a healthy crawler', async () => {
    for (const scenario of SCENARIOS) {
      const result = await heal(scenario.id, 'news-crawler');
      expect([scenario.id, result.changed, result.notes]).toEqual([
        scenario.id,
        false,
        [],
      ]);
    }
    const price = await heal('import-error', 'price-crawler');
    expect(price.changed).toBe(false);
  });

  it('should refuse unknown scenarios, crawlers and options with the valid ones', async () => {
    await expect(brk('image-pull-404', 'news-crawler')).rejects.toThrow(
      'unknown scenario "image-pull-404"; valid scenarios: image-pull-403, pods-log-forbidden, worker-image-missing, worker-without-dags, no-fargate-profile, no-nat-egress, git-sync-auth, finished-pods, import-error',
    );
    await expect(heal('import-error', 'shop-crawler')).rejects.toThrow(
      'unknown crawler "shop-crawler"; valid crawlers: news-crawler, price-crawler',
    );
    await expect(
      brk('image-pull-403', 'news-crawler', { refTrap: true }),
    ).rejects.toThrow(
      'option --ref-trap does not apply to image-pull-403; it applies to: git-sync-auth',
    );
  });

  it('should break and heal through the CLI commands against the running sandbox', async () => {
    const urlFlags = [
      `--aws-url=${sandbox.urls.aws}`,
      `--kube-url=${sandbox.urls.kube}`,
      `--airflow2-url=${sandbox.urls.airflow2}`,
      `--airflow3-url=${sandbox.urls.airflow3}`,
    ];
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const cmd = parseCommand([...argv, ...urlFlags], {});
      if (cmd.command !== 'break' && cmd.command !== 'heal') {
        throw new Error(`not a scenario command: ${argv.join(' ')}`);
      }
      const code = await runScenarioCommand(
        cmd,
        t => out.push(t),
        t => err.push(t),
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    later();
    const broken = await cli(
      'break',
      'worker-image-missing',
      'news-crawler',
      '--json',
    );
    expect(broken.code).toBe(0);
    const result = JSON.parse(broken.out);
    expect(result).toMatchObject({
      scenario: 'worker-image-missing',
      crawler: 'news-crawler',
      action: 'break',
      changed: true,
      runId: expect.stringMatching(/^manual__/),
    });
    await runEnds('news-crawler', result.runId, 'failed');
    const healed = await cli('heal', 'worker-image-missing', 'news-crawler');
    expect(healed).toMatchObject({ code: 0, err: '' });
    expect(healed.out).toMatch(
      /^healed worker-image-missing for news-crawler \(airflow2, DAG news_crawler\)\n {2}- Kubernetes: replaced ConfigMap airflow\/airflow2-pod-template/,
    );
    const again = await cli('heal', 'worker-image-missing', 'news-crawler');
    expect(again.out).toContain('nothing to change, it was already healthy');
    const refused = await cli('heal', 'pods-log-forbidden', 'price-crawler');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--fix-seeded-fault');
  });

  it('image-pull-403: should deny the pull in the crawler’s ECR repository policy (ErrImagePull 403 in the pod, the kubelet events and the task log), then heal', async () => {
    const waiting = recordWaiting('crawler-news');
    const broken = await brk('image-pull-403', 'news-crawler');
    expect(broken).toMatchObject({
      changed: true,
      airflow: 'airflow2',
      dagId: 'news_crawler',
    });
    await runEnds('news-crawler', broken.runId!, 'failed');
    waiting.stop();
    const pull = waiting.seen.find(w => w.reason === 'ErrImagePull')!;
    expect(pull.message).toMatch(
      /^rpc error: code = Unknown desc = failed to pull and unpack image "000000000000\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/news-crawler:latest": failed to resolve reference .*: unexpected status from HEAD request to https:\/\/000000000000\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/v2\/news-crawler\/manifests\/latest: 403 Forbidden$/,
    );
    const events = await podEvents('crawler-news', pull.pod);
    expect(events).toContainEqual(
      expect.objectContaining({
        reason: 'Failed',
        message: expect.stringContaining('403 Forbidden'),
        involvedObject: expect.objectContaining({
          fieldPath: 'spec.containers{base}',
        }),
        source: expect.objectContaining({ component: 'kubelet' }),
      }),
    );
    expect(events.map(e => e.message)).toContain('Error: ErrImagePull');
    expect(await taskLog('news-crawler', broken.runId!)).toContain(
      'Pod docker image cannot be pulled, unable to start: ErrImagePull',
    );

    const again = await brk('image-pull-403', 'news-crawler');
    expect(again.changed).toBe(false);
    await runEnds('news-crawler', again.runId!, 'failed');
    const policy = await aws.ecr.send(
      new GetRepositoryPolicyCommand({ repositoryName: 'news-crawler' }),
    );
    expect(JSON.parse(policy.policyText!).Statement).toHaveLength(1);

    expect((await heal('image-pull-403', 'news-crawler')).changed).toBe(true);
    await expect(
      aws.ecr.send(
        new GetRepositoryPolicyCommand({ repositoryName: 'news-crawler' }),
      ),
    ).rejects.toMatchObject({ name: 'RepositoryPolicyNotFoundException' });
    await runEnds('news-crawler', await triggerRun('news-crawler'), 'success');
  });

  it('pods-log-forbidden: should drop pods/log from the crawler’s Role (403 traceback ending "returned a failure" in the task log), then heal; price-crawler’s seeded fault is healed only when asked', async () => {
    const seededRules = (
      await rbac.readNamespacedRole({
        namespace: 'crawler-news',
        name: 'airflow-pod-runner',
      })
    ).rules;
    const broken = await brk('pods-log-forbidden', 'news-crawler');
    expect(broken.changed).toBe(true);
    await runEnds('news-crawler', broken.runId!, 'failed');
    const log = await taskLog('news-crawler', broken.runId!);
    expect(log).toContain('kubernetes.client.exceptions.ApiException: (403)');
    expect(log).toContain('Reason: Forbidden');
    const pod = /pods \\"([^\\]+)\\" is forbidden/.exec(log)![1];
    expect(log).toContain(
      `pods \\"${pod}\\" is forbidden: User \\"system:serviceaccount:airflow:airflow-worker\\" cannot get resource \\"pods/log\\" in API group \\"\\" in the namespace \\"crawler-news\\"`,
    );
    const failure = log.lastIndexOf(`Pod ${pod} returned a failure.`);
    expect(failure).toBeGreaterThan(log.lastIndexOf('ApiException: (403)'));

    expect((await heal('pods-log-forbidden', 'news-crawler')).changed).toBe(
      true,
    );
    const healed = await rbac.readNamespacedRole({
      namespace: 'crawler-news',
      name: 'airflow-pod-runner',
    });
    expect(healed.rules).toEqual(seededRules);
    await runEnds('news-crawler', await triggerRun('news-crawler'), 'success');

    // price-crawler has the fault in the seeded world.
    await expect(heal('pods-log-forbidden', 'price-crawler')).rejects.toThrow(
      /lacks pods\/log in the seeded world .*Pass --fix-seeded-fault/,
    );
    const seeded = await brk('pods-log-forbidden', 'price-crawler');
    expect(seeded.changed).toBe(false);
    expect(seeded.notes[0]).toContain('has this fault in the seeded world');
    await runEnds('price-crawler', seeded.runId!, 'failed');
    const fixed = await heal('pods-log-forbidden', 'price-crawler', {
      fixSeededFault: true,
    });
    expect(fixed.changed).toBe(true);
    expect(
      (
        await rbac.readNamespacedRole({
          namespace: 'crawler-price',
          name: 'airflow-pod-runner',
        })
      ).rules!.flatMap(r => r.resources),
    ).toContain('pods/log');
    // Breaking it brings the seeded state back.
    const back = await brk('pods-log-forbidden', 'price-crawler');
    expect(back.changed).toBe(true);
    await runEnds('price-crawler', back.runId!, 'failed');
    expect(
      (
        await rbac.readNamespacedRole({
          namespace: 'crawler-price',
          name: 'airflow-pod-runner',
        })
      ).rules!.flatMap(r => r.resources),
    ).toEqual(['pods', 'events']);
  });

  it('worker-image-missing: should drop the base image from the Airflow 2 pod template (422 in the scheduler log, no worker pod), then heal', async () => {
    const cm = () =>
      core.readNamespacedConfigMap({
        namespace: 'airflow',
        name: 'airflow2-pod-template',
      });
    const healthy = (await cm()).data!['pod_template_file.yaml'];
    const broken = await brk('worker-image-missing', 'news-crawler');
    expect(broken.changed).toBe(true);
    await runEnds('news-crawler', broken.runId!, 'failed');
    const scheduler = (await airflowPod('airflow2', 'scheduler'))!;
    const log = await containerLog(scheduler.metadata!.name!, 'scheduler');
    expect(log).toContain(
      "Pod creation failed with reason 'Unprocessable Entity'. Failing task",
    );
    expect(log).toMatch(
      /Pod \\"news-crawler-crawl-[a-z0-9]+\\" is invalid: spec\.containers\[0\]\.image: Required value/,
    );
    expect(log).toContain('FieldValueRequired');
    expect(await workerPod('news-crawler', broken.runId!)).toBeUndefined();
    const again = await brk('worker-image-missing', 'news-crawler');
    expect(again.changed).toBe(false);
    await until('the second run to end', async () =>
      ['success', 'failed'].includes(
        await runState('news-crawler', again.runId!),
      ),
    );

    expect((await heal('worker-image-missing', 'news-crawler')).changed).toBe(
      true,
    );
    const restored = await cm();
    expect(restored.data!['pod_template_file.yaml']).toBe(healthy);
    expect(restored.metadata!.annotations ?? {}).toEqual({});
    const run = await triggerRun('news-crawler');
    await runEnds('news-crawler', run, 'success');
  });

  it('worker-without-dags: should make both Airflows’ workers fail with their own "Dag not found" (pod Failed, base exit 1, no git-sync-init), then heal', async () => {
    const news = await brk('worker-without-dags', 'news-crawler');
    const price = await brk('worker-without-dags', 'price-crawler');
    await runEnds('news-crawler', news.runId!, 'failed');
    await runEnds('price-crawler', price.runId!, 'failed');
    const check = async (crawler: string, runId: string) => {
      const pod = (await workerPod(crawler, runId))!;
      expect(pod.status!.phase).toBe('Failed');
      const base = pod.status!.containerStatuses!.find(s => s.name === 'base')!;
      expect(base.state!.terminated!.exitCode).toBe(1);
      expect(pod.spec!.initContainers ?? []).toEqual([]);
      expect((pod.spec!.volumes ?? []).map(v => v.name)).not.toContain('dags');
      return containerLog(pod.metadata!.name!, 'base');
    };
    expect(await check('news-crawler', news.runId!)).toContain(
      "airflow.exceptions.AirflowException: Dag 'news_crawler' could not be found; either it does not exist or it failed to parse.",
    );
    const v3 = jsonLines(await check('price-crawler', price.runId!));
    expect(v3).toContainEqual(
      expect.objectContaining({
        level: 'error',
        event: 'Dag not found during start up',
        dag_id: 'price_crawler',
        bundle: expect.objectContaining({ name: 'dags-folder' }),
        path: expect.any(String),
      }),
    );
    // The scheduler and UI still show the DAG.
    expect(await api.airflow2.dag('news_crawler')).toBeDefined();

    const healedNews = await heal('worker-without-dags', 'news-crawler');
    expect(healedNews.notes.join('\n')).toContain(
      'deleted 1 failed worker pod',
    );
    await heal('worker-without-dags', 'price-crawler');
    expect(await workerPod('news-crawler', news.runId!)).toBeUndefined();
    expect(await workerPod('price-crawler', price.runId!)).toBeUndefined();
    await runEnds('news-crawler', await triggerRun('news-crawler'), 'success');
    // price_crawler's worker has its DAG again: the task runs and meets the seeded pods/log 403.
    const priceRun = await triggerRun('price-crawler');
    await runEnds('price-crawler', priceRun, 'failed');
    expect(
      (await workerPod('price-crawler', priceRun))!.spec!.initContainers!.map(
        c => c.name,
      ),
    ).toEqual(['git-sync-init']);
    expect(await taskLog('price-crawler', priceRun)).toContain(
      'ApiException: (403)',
    );
  });

  it('no-fargate-profile: should leave the crawler’s pods Pending for default-scheduler (FailedScheduling, the schedule timeout in the task log), then heal and delete the stuck pods', async () => {
    const broken = await brk('no-fargate-profile', 'news-crawler');
    expect(broken.changed).toBe(true);
    await expect(
      aws.eks.send(
        new DescribeFargateProfileCommand({
          clusterName: SANDBOX_CLUSTER_NAME,
          fargateProfileName: 'news-crawler',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const event = await until('a FailedScheduling event', async () =>
      (
        await core.listNamespacedEvent({ namespace: 'crawler-news' })
      ).items.find(
        e =>
          e.reason === 'FailedScheduling' &&
          e.reportingComponent === 'default-scheduler' &&
          e.involvedObject.name?.startsWith('news-crawler-'),
      ),
    );
    expect(event.source?.component).toBeUndefined();
    expect(event.eventTime).toBeTruthy();
    expect(event.message).toContain(
      'node(s) had untolerated taint {dedicated: airflow}',
    );
    const pod: V1Pod = await core.readNamespacedPod({
      namespace: 'crawler-news',
      name: event.involvedObject.name!,
    });
    expect(pod.spec!.schedulerName).toBe('default-scheduler');
    expect(pod.spec!.nodeName).toBeUndefined();
    expect(pod.metadata!.labels).not.toHaveProperty(
      'eks.amazonaws.com/fargate-profile',
    );
    expect(pod.metadata!.annotations ?? {}).not.toHaveProperty(
      'CapacityProvisioned',
    );
    expect(pod.status!.phase).toBe('Pending');
    expect(pod.status!.conditions).toContainEqual(
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
      }),
    );
    clock.advance(121_000);
    await runEnds('news-crawler', broken.runId!, 'failed');
    expect(await taskLog('news-crawler', broken.runId!)).toContain(
      'Pod took too long to be scheduled on the cluster, giving up. More than 120s.',
    );

    // A second break changes nothing; its run's pod stays Pending until heal deletes it.
    const again = await brk('no-fargate-profile', 'news-crawler');
    expect(again.changed).toBe(false);
    const stuck = await until('the second run’s Pending pod', async () =>
      (await pods('crawler-news')).find(p => p.status?.phase === 'Pending'),
    );
    const healed = await heal('no-fargate-profile', 'news-crawler');
    expect(healed.changed).toBe(true);
    expect(healed.notes.join('\n')).toContain(stuck.metadata!.name!);
    const profile = await aws.eks.send(
      new DescribeFargateProfileCommand({
        clusterName: SANDBOX_CLUSTER_NAME,
        fargateProfileName: 'news-crawler',
      }),
    );
    expect(profile.fargateProfile).toMatchObject({
      status: 'ACTIVE',
      selectors: [{ namespace: 'crawler-news' }],
    });
    await runEnds('news-crawler', again.runId!, 'failed');
    await runEnds('news-crawler', await triggerRun('news-crawler'), 'success');
  });

  it('no-nat-egress: should drop the NAT route (pull i/o timeout, git-sync fetch timing out, route table without NAT), then heal', async () => {
    const waiting = recordWaiting('crawler-news');
    const broken = await brk('no-nat-egress', 'news-crawler');
    expect(broken.changed).toBe(true);
    await runEnds('news-crawler', broken.runId!, 'failed');
    waiting.stop();
    expect(
      waiting.seen.find(w => w.reason === 'ErrImagePull')!.message,
    ).toMatch(
      /failed to do request: Head "https:\/\/000000000000\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/v2\/news-crawler\/manifests\/latest": dial tcp [\d.]+:443: i\/o timeout$/,
    );
    expect(await taskLog('news-crawler', broken.runId!)).toContain(
      'Pod docker image cannot be pulled, unable to start: ErrImagePull',
    );
    const tables = await aws.ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: 'route.nat-gateway-id', Values: ['*'] }],
      }),
    );
    expect(tables.RouteTables).toEqual([]);
    const endpoints = await aws.ec2.send(new DescribeVpcEndpointsCommand({}));
    expect(endpoints.VpcEndpoints).toEqual([]);
    const scheduler = (await airflowPod('airflow2', 'scheduler'))!;
    const error = await until('git-sync to fail its fetch', async () =>
      jsonLines(await containerLog(scheduler.metadata!.name!, 'git-sync')).find(
        l => l.msg === 'error syncing repo, will retry',
      ),
    );
    expect(error.error).toMatch(
      /^Run\(git fetch http:\/\/127\.0\.0\.1:\d+\/v1\/repos\/airflow-dags main --verbose --no-progress --prune --no-auto-gc --depth 1\): context deadline exceeded: \{ stdout: "", stderr: "" \}$/,
    );

    expect((await heal('no-nat-egress', 'news-crawler')).changed).toBe(true);
    const restored = await aws.ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: 'route.nat-gateway-id', Values: ['nat-0sandbox0000000000'] },
        ],
      }),
    );
    expect(restored.RouteTables!.map(t => t.RouteTableId)).toEqual([
      'rtb-0private0000000000',
    ]);
    await gitSyncReady('airflow2');
    await gitSyncReady('airflow3');
    await runEnds('news-crawler', await triggerRun('news-crawler'), 'success');
  });

  it('git-sync-auth: should stick the git-sync pod of each Airflow (scheduler on 2, dag-processor on 3) in Init:CrashLoopBackOff with the 403 in git-sync-init, then heal', async () => {
    const before = {
      airflow2: (await airflowPod('airflow2', 'scheduler'))!.metadata!.uid,
      airflow3: (await airflowPod('airflow3', 'dag-processor'))!.metadata!.uid,
    };
    const scheduler3 = (await airflowPod('airflow3', 'scheduler'))!;
    expect((await brk('git-sync-auth', 'news-crawler')).changed).toBe(true);
    expect((await brk('git-sync-auth', 'price-crawler')).changed).toBe(true);
    const stuck = async (
      release: 'airflow2' | 'airflow3',
      component: string,
    ) => {
      const pod = await until(
        `${release} ${component} in Init:CrashLoopBackOff`,
        async () => {
          const p = await airflowPod(release, component);
          const init = p?.status?.initContainerStatuses?.[0];
          return (
            p?.metadata?.uid !== before[release] &&
            init?.state?.waiting?.reason === 'CrashLoopBackOff' &&
            p
          );
        },
      );
      expect(pod.status!.phase).toBe('Pending');
      const init = pod.status!.initContainerStatuses![0];
      expect(init.name).toBe('git-sync-init');
      expect(init.lastState!.terminated!.exitCode).toBe(1);
      const lines = jsonLines(
        await containerLog(pod.metadata!.name!, 'git-sync-init', {
          previous: true,
        }),
      );
      expect(
        lines.find(l => l.msg === 'too many failures, aborting'),
      ).toMatchObject({
        failCount: 3,
        error: expect.stringMatching(
          /^Run\(git fetch .* main --verbose --no-progress --prune --no-auto-gc --depth 1\): exit status 128: \{ stdout: "", stderr: ".*The requested URL returned error: 403\\n" \}$/,
        ),
      });
      const backOff = (await podEvents('airflow', pod.metadata!.name!)).find(
        e => e.reason === 'BackOff',
      );
      expect(backOff?.involvedObject.fieldPath).toBe(
        'spec.initContainers{git-sync-init}',
      );
      return pod;
    };
    await stuck('airflow2', 'scheduler');
    await stuck('airflow3', 'dag-processor');
    // Airflow 3's scheduler has no git-sync and keeps running.
    expect((await airflowPod('airflow3', 'scheduler'))!.metadata!.uid).toBe(
      scheduler3.metadata!.uid,
    );
    const metrics = await until('an error count in the metrics', async () => {
      const res = await fetch(`${sandbox.urls.gitSync}/airflow2/metrics`);
      const text = await res.text();
      return (
        res.status === 200 &&
        /git_sync_count_total\{status="error"\} [1-9]/.test(text) &&
        text
      );
    });
    expect(metrics).not.toContain('status="success"');
    expect([502, 503]).toContain(
      (await fetch(`${sandbox.urls.gitSync}/airflow2/`)).status,
    );
    expect((await brk('git-sync-auth', 'news-crawler')).changed).toBe(false);

    expect((await heal('git-sync-auth', 'news-crawler')).changed).toBe(true);
    expect((await heal('git-sync-auth', 'price-crawler')).changed).toBe(true);
    await gitSyncReady('airflow2');
    await gitSyncReady('airflow3');
    expect((await heal('git-sync-auth', 'news-crawler')).changed).toBe(false);
  });

  it('git-sync-auth --ref-trap: should roll out a stale GIT_SYNC_BRANCH that overrides GITSYNC_REF (missing remote ref), then roll the seeded template back', async () => {
    const seeded = (await airflowPod('airflow2', 'scheduler'))!;
    const broken = await brk('git-sync-auth', 'news-crawler', {
      refTrap: true,
    });
    expect(broken.changed).toBe(true);
    const pod = await until('the trapped pod to crash', async () => {
      const p = await airflowPod('airflow2', 'scheduler');
      return (
        (p?.status?.initContainerStatuses?.[0]?.restartCount ?? 0) > 0 && p
      );
    });
    const lines = jsonLines(
      await containerLog(pod.metadata!.name!, 'git-sync-init', {
        previous: true,
      }),
    );
    expect(lines.map(l => l.msg)).toContain(
      'setting --ref from deprecated --branch',
    );
    expect(
      lines.find(l => l.msg === 'too many failures, aborting').error,
    ).toContain("fatal: couldn't find remote ref v2-2-stable");

    expect((await heal('git-sync-auth', 'news-crawler')).changed).toBe(true);
    const healed = (await airflowPod('airflow2', 'scheduler'))!;
    expect(healed.metadata!.labels!['pod-template-hash']).toBe(
      seeded.metadata!.labels!['pod-template-hash'],
    );
    const branch = healed.spec!.initContainers![0].env!.find(
      e => e.name === 'GIT_SYNC_BRANCH',
    );
    expect(branch?.value).toBe('main');
  });

  it('finished-pods: should keep the operator pods (Succeeded, each on its own Fargate node, "Skipping deleting pod"), then heal and delete them by label', async () => {
    const broken = await brk('finished-pods', 'news-crawler');
    expect(broken.changed).toBe(true);
    await runEnds('news-crawler', broken.runId!, 'success');
    const kept = await pods(
      'crawler-news',
      'kubernetes_pod_operator=True,dag_id=news_crawler',
    );
    expect(kept).toHaveLength(1);
    expect(kept[0].status!.phase).toBe('Succeeded');
    expect(kept[0].spec!.nodeName).toMatch(/^fargate-ip-10-0-/);
    expect(kept[0].metadata!.labels).toMatchObject({ task_id: 'crawl' });
    expect(await taskLog('news-crawler', broken.runId!)).toContain(
      `Skipping deleting pod: ${kept[0].metadata!.name}`,
    );

    const healed = await heal('finished-pods', 'news-crawler');
    expect(healed.changed).toBe(true);
    expect(
      await pods(
        'crawler-news',
        'kubernetes_pod_operator=True,dag_id=news_crawler',
      ),
    ).toEqual([]);
    const file = await aws.codecommit.send(
      new GetFileCommand({
        repositoryName: 'airflow-dags',
        commitSpecifier: 'main',
        filePath: 'airflow2/news_crawler.py',
      }),
    );
    expect(Buffer.from(file.fileContent!).toString('utf8')).toBe(
      dagRepositoryFiles()['airflow2/news_crawler.py'],
    );
    const run = await triggerRun('news-crawler');
    await runEnds('news-crawler', run, 'success');
    expect(await taskLog('news-crawler', run)).toContain('Deleting pod:');
  });

  it('import-error: should list the broken DAG file with a Traceback in each Airflow’s importErrors (v1 full path, v2 bundle path and bundle_name), then heal', async () => {
    const news = await brk('import-error', 'news-crawler');
    expect(news).toMatchObject({ changed: true });
    expect(news.runId).toBeUndefined();
    const v1 = (await api.airflow2.importErrors()).find(e =>
      e.filename.endsWith('news_crawler.py'),
    )!;
    expect(v1.filename).toBe('/opt/airflow/dags/repo/airflow2/news_crawler.py');
    expect(v1.stack_trace).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(v1.stack_trace).toContain('SyntaxError');
    expect(v1.timestamp).toBeTruthy();
    expect(v1).not.toHaveProperty('bundle_name');
    expect((await api.airflow2.dag('news_crawler'))!.has_import_errors).toBe(
      true,
    );

    const price = await brk('import-error', 'price-crawler');
    expect(price.changed).toBe(true);
    const v2 = (await api.airflow3.importErrors()).find(
      e => e.filename === 'price_crawler.py',
    )!;
    expect(v2).toMatchObject({
      bundle_name: 'dags-folder',
      stack_trace: expect.stringMatching(
        /^Traceback \(most recent call last\):\n/,
      ),
    });
    expect((await api.airflow3.dag('price_crawler'))!.has_import_errors).toBe(
      true,
    );
    expect((await brk('import-error', 'news-crawler')).changed).toBe(false);

    expect((await heal('import-error', 'news-crawler')).changed).toBe(true);
    const healedPrice = await heal('import-error', 'price-crawler');
    expect(healedPrice.notes.join('\n')).toContain(
      'the seeded import error of airflow3/price_crawler_backfill.py stays',
    );
    expect((await api.airflow2.importErrors()).length).toBe(0);
    expect((await api.airflow2.dag('news_crawler'))!.has_import_errors).toBe(
      false,
    );
    expect((await api.airflow3.importErrors()).map(e => e.filename)).toEqual([
      'price_crawler_backfill.py',
    ]);
    await runEnds('news-crawler', await triggerRun('news-crawler'), 'success');
  });
});
