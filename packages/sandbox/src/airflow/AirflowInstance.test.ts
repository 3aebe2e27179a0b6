/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../clock';
import { KubeStore } from '../kube/KubeStore';
import { crawlerDagFiles } from '../seedContent';
import {
  airflowNamespace,
  crawlerNamespace,
  finishPod,
  syncedFolder,
} from '../testing/airflowFixtures';
import { AirflowInstance } from './AirflowInstance';
import { makeSafeLabelValue } from './labels';
import { PyCompiler } from './pyCompile';
import { RunRecord } from './types';

async function until<T>(
  check: () => T | undefined | false,
  what: string,
): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = check();
    if (v) return v;
    await new Promise(r => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('AirflowInstance', () => {
  let kube: KubeStore;
  let clock: ManualClock;
  let folder: ReturnType<typeof syncedFolder>;
  let airflow: AirflowInstance;
  const compiler = new PyCompiler({
    pycachePrefix: path.join(os.tmpdir(), 'airflow-instance-test-pycache'),
  });
  const podOf = (namespace: string, run: RunRecord) => () =>
    kube.list('pods', namespace, {
      labelSelector: `run_id=${makeSafeLabelValue(run.run_id)}`,
    })[0];

  async function start(
    version: 'v1' | 'v2',
    extra: { generatedDags?: number; stateFile?: string } = {},
  ) {
    airflow = new AirflowInstance({
      name: version === 'v1' ? 'airflow2' : 'airflow3',
      apiVersion: version,
      kube,
      clock,
      dagsFolder: () => folder.dir,
      compiler,
      tickIntervalMs: 20,
      ...extra,
    });
    await airflow.start();
  }

  beforeEach(() => {
    clock = new ManualClock('2026-06-01T12:30:00Z');
    kube = new KubeStore({ clock });
    folder = syncedFolder(crawlerDagFiles());
    airflowNamespace(kube, ['airflow2', 'airflow3']);
    crawlerNamespace(kube, 'crawler-news');
    crawlerNamespace(kube, 'crawler-price', { podsLog: false });
  });

  afterEach(async () => {
    await airflow?.stop();
    folder.remove();
  });

  it('should load DAGs from the synced files and record the broken file as an import error with the compiler message', async () => {
    await start('v2');
    expect(airflow.sortedDagIds).toEqual(['news_crawler', 'price_crawler']);
    const [error] = [...airflow.importErrors.values()];
    expect(error.filename).toBe(
      '/opt/airflow/dags/repo/dags/price_crawler_backfill.py',
    );
    expect(error.stack_trace).toContain(
      'File "/opt/airflow/dags/repo/dags/price_crawler_backfill.py"',
    );
    expect(error.stack_trace).toMatch(/SyntaxError: '\{' was never closed/);
  });

  it('should not compile an unchanged file twice', async () => {
    await start('v1');
    const spawned = compiler.spawned;
    await airflow.refreshDags(true);
    expect(compiler.spawned).toBe(spawned);
  });

  it('should run a triggered task as a KubernetesPodOperator pod with Airflow labels and copy its log', async () => {
    await start('v2');
    const run = airflow.trigger('news_crawler', {
      logical_date: null,
      conf: { pages: 3 },
    });
    const pod = await until(podOf('crawler-news', run), 'the task pod');
    expect(pod.metadata.name).toMatch(/^news-crawler-[a-z0-9]{8}$/);
    expect(pod.metadata.labels).toMatchObject({
      dag_id: 'news_crawler',
      task_id: 'crawl',
      run_id: expect.stringMatching(
        /^manual__2026-06-01T123000\.0000000000-[0-9a-f]{9}$/,
      ),
      try_number: '1',
      kubernetes_pod_operator: 'True',
      airflow_version: '3.2.1',
      crawler: 'news-crawler',
    });
    expect((pod as any).spec.serviceAccountName).toBe('news-crawler');
    expect((pod as any).spec.containers[0]).toMatchObject({
      name: 'base',
      image: '000000000000.dkr.ecr.eu-west-1.amazonaws.com/news-crawler:latest',
      env: [{ name: 'TARGET_URL', value: 'https://example.com/news' }],
    });
    finishPod(kube, 'crawler-news', pod.metadata.name, [
      'crawling https://example.com/news',
      'done',
    ]);
    await until(() => run.state === 'success', 'the run to succeed');
    expect(run.conf).toEqual({ pages: 3 });
    const [ti] = airflow.taskInstancesOf(run);
    expect(ti.state).toBe('success');
    const events = ti.logs['1'].map(e => e.event);
    expect(events).toContain('[base] crawling https://example.com/news');
    expect(events).toContain(`Deleting pod: ${pod.metadata.name}`);
    expect(podOf('crawler-news', run)()).toBeUndefined();
  });

  it('should fail the task with the real 403 when the Role lacks pods/log', async () => {
    await start('v1');
    const run = airflow.trigger('price_crawler', {});
    const pod = await until(podOf('crawler-price', run), 'the task pod');
    finishPod(kube, 'crawler-price', pod.metadata.name, ['crawling']);
    await until(() => run.state === 'failed', 'the run to fail');
    const [ti] = airflow.taskInstancesOf(run);
    const text = ti.logs['1'].map(e => e.event).join('\n');
    expect(text).toContain('kubernetes.client.exceptions.ApiException: (403)');
    expect(text).toContain(
      `pods \\"${pod.metadata.name}\\" is forbidden: User \\"system:serviceaccount:airflow:airflow-worker\\" cannot get resource \\"pods/log\\" in API group \\"\\" in the namespace \\"crawler-price\\"`,
    );
    expect(text).not.toContain('[base] crawling');
  });

  it('should fail the task with the real 403 when the worker may not create pods', async () => {
    kube.delete('roles', 'crawler-news', 'airflow-pod-runner');
    await start('v1');
    const run = airflow.trigger('news_crawler', {});
    await until(() => run.state === 'failed', 'the run to fail');
    const text = airflow
      .taskInstancesOf(run)[0]
      .logs['1'].map(e => e.event)
      .join('\n');
    // find_pod lists the task's pods before creating one: without any Role that is the first 403.
    expect(text).toContain(
      'pods is forbidden: User \\"system:serviceaccount:airflow:airflow-worker\\" cannot list resource \\"pods\\" in API group \\"\\" in the namespace \\"crawler-news\\"',
    );
    expect(podOf('crawler-news', run)()).toBeUndefined();
  });

  it('should fail with the exit code when the crawler container fails', async () => {
    await start('v2');
    const run = airflow.trigger('news_crawler', { logical_date: null });
    const pod = await until(podOf('crawler-news', run), 'the task pod');
    finishPod(kube, 'crawler-news', pod.metadata.name, ['Traceback: boom'], 3);
    await until(() => run.state === 'failed', 'the run to fail');
    const text = airflow
      .taskInstancesOf(run)[0]
      .logs['1'].map(e => e.event)
      .join('\n');
    expect(text).toContain('[base] Traceback: boom');
    expect(text).toContain(`Pod ${pod.metadata.name} returned a failure.`);
    expect(text).toContain("'exit_code': 3,");
  });

  it('should retry a failed task after retry_delay on the clock with the next try_number', async () => {
    folder.write({
      'dags/news_crawler.py': fs
        .readFileSync(path.join(folder.dir, 'dags/news_crawler.py'), 'utf8')
        .replace(
          '"retries": 0',
          '"retries": 1, "retry_delay": timedelta(seconds=60)',
        )
        .replace(
          'from datetime import datetime',
          'from datetime import datetime, timedelta',
        ),
    });
    await start('v2');
    const run = airflow.trigger('news_crawler', { logical_date: null });
    const first = await until(podOf('crawler-news', run), 'the first pod');
    finishPod(kube, 'crawler-news', first.metadata.name, ['boom'], 1);
    const [ti] = airflow.taskInstancesOf(run);
    await until(() => ti.state === 'up_for_retry', 'up_for_retry');
    expect(run.state).toBe('running');
    clock.advance(61_000);
    const second = await until(
      () =>
        kube.list('pods', 'crawler-news', {
          labelSelector: `try_number=2,run_id=${makeSafeLabelValue(
            run.run_id,
          )}`,
        })[0],
      'the second try',
    );
    finishPod(kube, 'crawler-news', second.metadata.name, ['ok']);
    await until(() => run.state === 'success', 'the run to succeed');
    expect(ti).toMatchObject({ state: 'success', try_number: 2, max_tries: 1 });
    expect(ti.logs['1'].map(e => e.event).join('\n')).toContain(
      'Marking task as UP_FOR_RETRY',
    );
    expect(ti.logs['2'].map(e => e.event)).toContain('[base] ok');
  });

  it('should fail a pod that stays Pending past startup_timeout_seconds on the clock', async () => {
    await start('v2');
    const run = airflow.trigger('news_crawler', { logical_date: null });
    const pod = await until(podOf('crawler-news', run), 'the task pod');
    kube.updatePodStatus('crawler-news', pod.metadata.name, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True' }],
    });
    clock.advance(60_000);
    await airflow.tick();
    expect(run.state).toBe('running');
    clock.advance(61_000);
    await until(() => run.state === 'failed', 'the run to fail');
    const text = airflow
      .taskInstancesOf(run)[0]
      .logs['1'].map(e => e.event)
      .join('\n');
    expect(text).toContain(
      'Pod took too long to start. More than 120s. Check the pod events in kubernetes.',
    );
  });

  it('should fail when the image cannot be pulled', async () => {
    await start('v1');
    const run = airflow.trigger('news_crawler', {});
    const pod = await until(podOf('crawler-news', run), 'the task pod');
    kube.updatePodStatus('crawler-news', pod.metadata.name, {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'base',
          state: { waiting: { reason: 'ErrImagePull', message: 'not found' } },
        },
      ],
    });
    await until(() => run.state === 'failed', 'the run to fail');
    const text = airflow
      .taskInstancesOf(run)[0]
      .logs['1'].map(e => e.event)
      .join('\n');
    expect(text).toContain(
      'Pod docker image cannot be pulled, unable to start: ErrImagePull',
    );
  });

  it('should keep a manual run queued while the DAG is paused and run it after unpausing', async () => {
    await start('v2');
    airflow.setPaused('news_crawler', true);
    const run = airflow.trigger('news_crawler', { logical_date: null });
    await airflow.tick();
    expect(run.state).toBe('queued');
    expect(podOf('crawler-news', run)()).toBeUndefined();
    airflow.setPaused('news_crawler', false);
    await until(podOf('crawler-news', run), 'the task pod');
    expect(run.state).toBe('running');
  });

  it('should create scheduled runs as the clock passes cron times', async () => {
    await start('v2');
    const scheduled = () =>
      airflow.runs.filter(
        r => r.dag_id === 'price_crawler' && r.run_type === 'scheduled',
      );
    expect(scheduled().map(r => r.run_id)).toEqual([
      'scheduled__2026-06-01T12:00:00+00:00',
    ]);
    clock.advance(30 * 60_000);
    await until(() => scheduled().length === 2, 'a second scheduled run');
    expect(scheduled()[1]).toMatchObject({
      run_id: 'scheduled__2026-06-01T13:00:00+00:00',
      logical_date: '2026-06-01T13:00:00.000Z',
      triggered_by: 'timetable',
    });
  });

  it('should keep DAG flags and runs in its state file across restarts', async () => {
    const stateFile = path.join(
      folder.dir,
      '..',
      `${path.basename(folder.dir)}-state.json`,
    );
    await start('v1', { stateFile });
    airflow.setPaused('news_crawler', true);
    const run = airflow.trigger('news_crawler', {});
    await airflow.stop();
    await start('v1', { stateFile });
    expect(airflow.dags.get('news_crawler')!.isPaused).toBe(true);
    expect(airflow.getRun('news_crawler', run.run_id)).toMatchObject({
      state: 'queued',
    });
    fs.rmSync(stateFile, { force: true });
  });

  it('should hold generated DAGs in memory without compiling each one', async () => {
    const before = compiler.spawned;
    await start('v1', { generatedDags: 500 });
    expect(airflow.dags.size).toBe(502);
    expect(airflow.dags.get('generated_dag_00500')!.spec.tags).toEqual([
      'generated',
    ]);
    expect(compiler.spawned - before).toBeLessThanOrEqual(3);
  });
});
