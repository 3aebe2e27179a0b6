/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../clock';
import { KubeStore } from '../kube/KubeStore';
import {
  AIRFLOW_INSTANCES,
  airflowPodTemplate,
  GIT_CREDENTIALS_SECRET,
} from '../seed/airflow';
import { waitFor } from '../testing/airflowFixtures';
import { jsonLines, tempGitRepo } from '../testing/gitRepo';
import { AirflowPods, podTemplateHash } from './airflowPods';
import { GitSync } from './GitSync';
import { startGitSyncServer } from './server';

type Env = Array<Record<string, any>>;

describe('AirflowPods (the Airflow pods kubelet and controller)', () => {
  const clock = new ManualClock('2026-05-01T10:00:00Z');
  let repo: ReturnType<typeof tempGitRepo>;
  let kube: KubeStore;
  let pods: AirflowPods;
  let sha: string;
  const [airflow2, airflow3] = AIRFLOW_INSTANCES;

  /** Creates the pod of a component, as the chart renders it, with `edit` applied to both git-sync envs. */
  function createPod(
    instance: (typeof AIRFLOW_INSTANCES)[number],
    componentName: string,
    edit: (env: Env) => Env = env => env,
    name?: string,
  ) {
    const component = instance.components.find(
      c => c.component === componentName,
    )!;
    const template = airflowPodTemplate(instance, component, repo.bare, '20ms');
    const spec = template.spec;
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      if (c.name.startsWith('git-sync')) c.env = edit(c.env);
    }
    const hash = podTemplateHash(template);
    return kube.create('pods', 'airflow', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: name ?? `${instance.name}-${componentName}-${hash}-abcde`,
        namespace: 'airflow',
        labels: { ...template.labels, 'pod-template-hash': hash },
      },
      spec,
    });
  }

  const setEnv = (name: string, value: string) => (env: Env) =>
    env.map(e => (e.name === name ? { name, value } : e));
  const podsOf = (release: string, component: string) =>
    kube.list('pods', 'airflow', {
      labelSelector: `release=${release},component=${component}`,
    }) as any[];
  /** The messages of a container log; none while the container has not started. */
  const msgs = (pod: string, container: string, previous = false) => {
    let text = '';
    try {
      text = kube.readLog('airflow', pod, container, { previous });
    } catch (e) {
      if (!/waiting to start/.test((e as Error).message)) throw e;
    }
    return jsonLines(text).map(l => l.msg);
  };

  beforeEach(() => {
    repo = tempGitRepo();
    sha = repo.commit('airflow2/news_crawler.py', 'print(1)\n');
    kube = new KubeStore({ clock });
    kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'airflow' },
    });
    kube.create('secrets', 'airflow', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: GIT_CREDENTIALS_SECRET, namespace: 'airflow' },
      stringData: { GITSYNC_USERNAME: 'u', GITSYNC_PASSWORD: 'p' },
    });
    pods = new AirflowPods({
      kube,
      clock,
      rootsDir: path.join(repo.dir, 'roots'),
      backoffMs: 20,
      workloads: AIRFLOW_INSTANCES.flatMap(i =>
        i.components.map(c => ({ release: i.name, component: c.component })),
      ),
    });
    pods.start();
  });

  afterEach(async () => {
    await pods.stop();
    repo.remove();
  });

  it('should run git-sync-init to completion, then the scheduler and the git-sync sidecar of the Airflow 2 scheduler pod, each git-sync logging its own update pair', async () => {
    const created = createPod(airflow2, 'scheduler');
    const name = created.metadata.name;
    const pod: any = await waitFor(() => {
      const p: any = kube.get('pods', 'airflow', name);
      return p.status?.phase === 'Running' && p;
    }, 'the pod to run');
    expect(pod.status.initContainerStatuses).toEqual([
      expect.objectContaining({
        name: 'git-sync-init',
        ready: true,
        restartCount: 0,
        state: {
          terminated: expect.objectContaining({
            exitCode: 0,
            reason: 'Completed',
          }),
        },
      }),
    ]);
    expect(
      pod.status.containerStatuses.map((s: any) => [
        s.name,
        Object.keys(s.state)[0],
        s.ready,
      ]),
    ).toEqual([
      ['scheduler', 'running', true],
      ['git-sync', 'running', true],
    ]);
    expect(pod.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Initialized', status: 'True' }),
    );
    expect(msgs(name, 'git-sync-init').slice(-3)).toEqual([
      'update required',
      'updated successfully',
      'exiting after one sync',
    ]);
    const sidecar = await waitFor(
      () =>
        jsonLines(kube.readLog('airflow', name, 'git-sync')).find(
          l => l.msg === 'updated successfully',
        ),
      'the sidecar sync',
    );
    expect(sidecar).toMatchObject({ remote: sha, syncCount: 1 });
    expect(
      jsonLines(kube.readLog('airflow', name, 'git-sync')).find(
        l => l.msg === 'update required',
      ),
    ).toMatchObject({ local: sha, remote: sha, syncCount: 0 });
    const sync = new GitSync(pods, {
      release: 'airflow2',
      component: 'scheduler',
    });
    expect(
      fs.existsSync(path.join(sync.linkPath()!, 'airflow2/news_crawler.py')),
    ).toBe(true);
    expect(sync.currentHash()).toBe(sha);
    await waitFor(() => sync.isReady(), 'the sidecar to be ready');
    expect((await sync.http('/'))?.status).toBe(200);
  });

  it('should run git-sync only in the dag-processor pod of Airflow 3, not in its scheduler pod', async () => {
    const scheduler = createPod(airflow3, 'scheduler');
    const processor = createPod(airflow3, 'dag-processor');
    expect((scheduler.spec as any).initContainers).toBeUndefined();
    expect((scheduler.spec as any).containers.map((c: any) => c.name)).toEqual([
      'scheduler',
    ]);
    expect(
      (processor.spec as any).initContainers.map((c: any) => c.name),
    ).toEqual(['git-sync-init']);
    expect((processor.spec as any).containers.map((c: any) => c.name)).toEqual([
      'dag-processor',
      'git-sync',
    ]);
    expect(processor.metadata.labels).toMatchObject({
      tier: 'airflow',
      component: 'dag-processor',
      release: 'airflow3',
    });
    await waitFor(
      () =>
        [scheduler, processor].every(
          p =>
            (kube.get('pods', 'airflow', p.metadata.name) as any).status
              ?.phase === 'Running',
        ),
      'both pods to run',
    );
    const sync = new GitSync(pods, {
      release: 'airflow3',
      component: 'dag-processor',
    });
    expect(sync.pod()?.name).toBe(processor.metadata.name);
    expect(sync.currentHash()).toBe(sha);
  });

  it('should leave a fresh pod in Init:CrashLoopBackOff with the evidence in git-sync-init when GIT_SYNC_BRANCH names a missing branch, and run a fixed pod', async () => {
    const broken = createPod(
      airflow2,
      'scheduler',
      setEnv('GIT_SYNC_BRANCH', 'v2-2-stable'),
    ).metadata.name;
    const pod: any = await waitFor(() => {
      const p: any = kube.get('pods', 'airflow', broken);
      const init = p.status?.initContainerStatuses?.[0];
      return init?.state?.waiting?.reason === 'CrashLoopBackOff' && p;
    }, 'Init:CrashLoopBackOff');
    const init = pod.status.initContainerStatuses[0];
    expect(init.restartCount).toBeGreaterThanOrEqual(1);
    expect(init.lastState.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(init.state.waiting.message).toMatch(
      new RegExp(
        `^back-off (10|20|40)s restarting failed container=git-sync-init pod=${broken}_airflow\\(`,
      ),
    );
    expect(pod.status.phase).toBe('Pending');
    expect(
      pod.status.containerStatuses.map((s: any) => s.state.waiting?.reason),
    ).toEqual(['PodInitializing', 'PodInitializing']);
    expect(pod.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'Initialized',
        status: 'False',
        reason: 'ContainersNotInitialized',
        message: 'containers with incomplete status: [git-sync-init]',
      }),
    );
    // The previous run's log (the first run also initialised the empty volume: those lines are left out).
    const lines = jsonLines(
      kube.readLog('airflow', broken, 'git-sync-init', { previous: true }),
    ).filter(l => !/^(repo directory|initializing)/.test(l.msg));
    expect(lines.map(l => l.msg)).toEqual([
      'setting --ref from deprecated --branch',
      'setting --link from deprecated --dest',
      'setting --max-failures from deprecated --max-sync-failures',
      'starting up',
      'serving HTTP',
      'error syncing repo, will retry',
      'error syncing repo, will retry',
      'too many failures, aborting',
    ]);
    expect(lines.pop()).toMatchObject({
      failCount: 3,
      error: `Run(git fetch ${repo.bare} v2-2-stable --verbose --no-progress --prune --no-auto-gc --depth 1): exit status 128: { stdout: "", stderr: "fatal: couldn't find remote ref v2-2-stable\\n" }`,
    });
    expect(() => kube.readLog('airflow', broken, 'git-sync')).toThrow(
      /container "git-sync" in pod ".*" is waiting to start: PodInitializing/,
    );
    const backOff = kube
      .list('events', 'airflow')
      .find((e: any) => e.reason === 'BackOff') as any;
    expect(backOff).toMatchObject({
      type: 'Warning',
      message: expect.stringMatching(
        /^Back-off restarting failed container git-sync-init in pod /,
      ),
      involvedObject: expect.objectContaining({
        name: broken,
        fieldPath: 'spec.initContainers{git-sync-init}',
      }),
    });

    // Heal: a pod of the fixed template takes over the workload; the broken one is deleted.
    const fixed = createPod(
      airflow2,
      'scheduler',
      env => env,
      'airflow2-scheduler-fixed',
    );
    await waitFor(
      () => !kube.exists('pods', 'airflow', broken),
      'the broken pod to go',
    );
    await waitFor(
      () =>
        (kube.get('pods', 'airflow', fixed.metadata.name) as any).status
          ?.phase === 'Running',
      'the fixed pod to run',
    );
    expect(podsOf('airflow2', 'scheduler')).toHaveLength(1);
  });

  it('should replace a deleted pod from its template under a new name with an empty dags volume', async () => {
    const first = createPod(airflow2, 'scheduler').metadata;
    await waitFor(
      () =>
        (kube.get('pods', 'airflow', first.name) as any).status?.phase ===
        'Running',
      'the pod to run',
    );
    kube.delete('pods', 'airflow', first.name);
    const second: any = await waitFor(() => {
      const list = podsOf('airflow2', 'scheduler');
      return list.length === 1 && list[0].metadata.uid !== first.uid && list[0];
    }, 'the replacement pod');
    const hash = first.labels!['pod-template-hash'];
    expect(second.metadata.name).toMatch(
      new RegExp(
        `^airflow2-scheduler-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`,
      ),
    );
    expect(second.metadata.labels).toEqual(first.labels);
    await waitFor(
      () =>
        msgs(second.metadata.name, 'git-sync-init').includes(
          'exiting after one sync',
        ),
      'the replacement to sync',
    );
    expect(msgs(second.metadata.name, 'git-sync-init')).toContain(
      'repo directory was empty or failed checks',
    );
  });

  it('should keep a container in CreateContainerConfigError while its Secret lacks a key, and start it once the key is back', async () => {
    kube.mergePatch('secrets', 'airflow', GIT_CREDENTIALS_SECRET, {
      data: { GITSYNC_PASSWORD: null },
    });
    const name = createPod(airflow2, 'scheduler').metadata.name;
    const message = `couldn't find key GITSYNC_PASSWORD in Secret airflow/${GIT_CREDENTIALS_SECRET}`;
    const init = await waitFor(() => {
      const s = (kube.get('pods', 'airflow', name) as any).status
        ?.initContainerStatuses?.[0];
      return s?.state?.waiting?.reason === 'CreateContainerConfigError' && s;
    }, 'CreateContainerConfigError');
    expect(init.state.waiting.message).toBe(message);
    expect(
      kube
        .list('events', 'airflow')
        .some(
          (e: any) =>
            e.reason === 'Failed' && e.message === `Error: ${message}`,
        ),
    ).toBe(true);
    kube.mergePatch('secrets', 'airflow', GIT_CREDENTIALS_SECRET, {
      stringData: { GITSYNC_PASSWORD: 'p' },
    });
    await waitFor(
      () =>
        (kube.get('pods', 'airflow', name) as any).status?.phase === 'Running',
      'the pod to run',
    );
  });

  it('should show the failures of an already synced pod in its git-sync sidecar, restart it with CrashLoopBackOff, and recover', async () => {
    const name = createPod(airflow2, 'scheduler').metadata.name;
    const sync = new GitSync(pods, {
      release: 'airflow2',
      component: 'scheduler',
    });
    await waitFor(() => sync.isReady(), 'the sidecar to be ready');
    repo.deleteBranch('main');
    const sidecar: any = await waitFor(() => {
      const s = (kube.get('pods', 'airflow', name) as any).status
        .containerStatuses[1];
      return s.state.waiting?.reason === 'CrashLoopBackOff' && s;
    }, 'the sidecar in CrashLoopBackOff');
    expect(sidecar.lastState.terminated.exitCode).toBe(1);
    expect(sidecar.restartCount).toBeGreaterThanOrEqual(1);
    const pod: any = kube.get('pods', 'airflow', name);
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.containerStatuses[0].state.running).toBeDefined();
    expect(pod.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'Ready',
        status: 'False',
        message: 'containers with unready status: [git-sync]',
      }),
    );
    expect(msgs(name, 'git-sync', true).slice(-3)).toEqual([
      'error syncing repo, will retry',
      'error syncing repo, will retry',
      'too many failures, aborting',
    ]);
    // The synced files stay where the scheduler reads them.
    expect(sync.currentHash()).toBe(sha);
    repo.pushHead('main');
    await waitFor(() => sync.isReady(), 'the sidecar to sync again');
    const healed = (kube.get('pods', 'airflow', name) as any).status
      .containerStatuses[1];
    expect(healed.state.running).toBeDefined();
    expect(healed.restartCount).toBeGreaterThanOrEqual(2);
  });

  it("should serve each instance's git-sync endpoint from the pod's running git-sync process", async () => {
    const broken = createPod(
      airflow2,
      'scheduler',
      setEnv('GIT_SYNC_BRANCH', 'nope'),
    ).metadata.name;
    const sync = new GitSync(pods, {
      release: 'airflow2',
      component: 'scheduler',
    });
    const server = await startGitSyncServer({ instances: { airflow2: sync } });
    try {
      const seen = new Map<number, string>();
      await waitFor(async () => {
        const res = await fetch(`${server.url}/airflow2/`);
        seen.set(res.status, await res.text());
        return seen.has(503) && seen.has(502);
      }, 'the init container answering, then nothing listening');
      expect(seen.get(503)).toBe('repo is not ready\n');
      expect(seen.get(502)).toContain(`pod airflow/${broken}`);
      expect((await fetch(`${server.url}/`)).status).toBe(503);

      createPod(airflow2, 'scheduler', env => env, 'airflow2-scheduler-good');
      await waitFor(async () => {
        const res = await fetch(`${server.url}/airflow2/`);
        return res.status === 200 && (await res.text()) === '';
      }, 'the healthy sidecar');
      expect((await fetch(`${server.url}/`)).status).toBe(200);
      const metrics = await fetch(`${server.url}/airflow2/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('# TYPE git_sync_count_total counter');
      expect(text).toContain('git_sync_count_total{status="success"} 1');
      expect(text).toContain('# TYPE git_sync_duration_seconds summary');
      expect(text).not.toContain('quantile');
      expect((await fetch(`${server.url}/nope/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('should leave pods of other Airflow components (KubernetesExecutor workers) alone', async () => {
    kube.create('pods', 'airflow', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'newscrawlercrawl-abc',
        namespace: 'airflow',
        labels: { tier: 'airflow', component: 'worker', release: 'airflow2' },
      },
      spec: { containers: [{ name: 'base', image: 'apache/airflow:2.10.0' }] },
    });
    createPod(airflow2, 'scheduler');
    await waitFor(
      () => podsOf('airflow2', 'scheduler')[0]?.status?.phase === 'Running',
      'the scheduler pod to run',
    );
    expect(
      (kube.get('pods', 'airflow', 'newscrawlercrawl-abc') as any).status
        ?.containerStatuses,
    ).toBeUndefined();
    kube.delete('pods', 'airflow', 'newscrawlercrawl-abc');
    await new Promise(r => setImmediate(r));
    expect(podsOf('airflow2', 'worker')).toEqual([]);
  });
});
