/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import request from 'supertest';
import { ManualClock } from '../clock';
import { crawlerDagFiles } from '../seedContent';
import {
  finishPod,
  startTestAirflow,
  waitFor,
} from '../testing/airflowFixtures';
import { makeSafeLabelValue } from './labels';

const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`;

describe('Airflow 2 API (/api/v1)', () => {
  let env: Awaited<ReturnType<typeof startTestAirflow>>;
  const clock = new ManualClock('2026-06-01T12:30:00Z');
  const get = (url: string) =>
    request(env.url).get(url).set('Authorization', basic);

  beforeAll(async () => {
    env = await startTestAirflow({
      version: 'v1',
      clock,
      files: crawlerDagFiles(),
      generatedDags: 250,
    });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('should require Basic auth with the configured user', async () => {
    expect((await request(env.url).get('/api/v1/dags')).status).toBe(401);
    const wrong = await request(env.url)
      .get('/api/v1/dags')
      .set(
        'Authorization',
        `Basic ${Buffer.from('admin:nope').toString('base64')}`,
      );
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic');
    expect((await request(env.url).get('/api/v1/health')).status).toBe(200);
  });

  it('should page DAGs with limit/offset, capped at 100, with the total before paging', async () => {
    const page = await get('/api/v1/dags?limit=2&offset=1');
    expect(page.body.total_entries).toBe(252);
    expect(page.body.dags.map((d: any) => d.dag_id)).toEqual([
      'generated_dag_00002',
      'generated_dag_00003',
    ]);
    expect((await get('/api/v1/dags?limit=500')).body.dags).toHaveLength(100);
  });

  it('should filter DAGs by tags (comma-separated), dag_id_pattern and paused', async () => {
    const crawlers = await get('/api/v1/dags?tags=crawler,nothing');
    expect(crawlers.body.dags.map((d: any) => d.dag_id)).toEqual([
      'news_crawler',
      'price_crawler',
    ]);
    const news = await get('/api/v1/dags?dag_id_pattern=NEWS');
    expect(news.body.dags.map((d: any) => d.dag_id)).toEqual(['news_crawler']);
    const paused = await get('/api/v1/dags?paused=true&limit=1');
    expect(paused.body.total_entries).toBe(250);
  });

  it('should describe a DAG the Airflow 2 way', async () => {
    const dag = await get('/api/v1/dags/news_crawler');
    expect(dag.body).toMatchObject({
      dag_id: 'news_crawler',
      is_active: true,
      is_paused: false,
      owners: ['crawler-team'],
      tags: [
        { name: 'crawler' },
        { name: 'backstage:component:default/news-crawler' },
      ],
      schedule_interval: { __type: 'CronExpression', value: '@daily' },
      fileloc: '/opt/airflow/dags/repo/dags/news_crawler.py',
      has_import_errors: false,
    });
  });

  it('should list the KubernetesPodOperator tasks of a DAG', async () => {
    const res = await get('/api/v1/dags/news_crawler/tasks');
    expect(res.body.tasks).toEqual([
      expect.objectContaining({
        task_id: 'crawl',
        owner: 'crawler-team',
        class_ref: {
          class_name: 'KubernetesPodOperator',
          module_path: 'airflow.providers.cncf.kubernetes.operators.pod',
        },
        retry_delay: {
          __type: 'TimeDelta',
          days: 0,
          seconds: 300,
          microseconds: 0,
        },
      }),
    ]);
    expect((await get('/api/v1/dags/nope/tasks')).status).toBe(404);
  });

  it('should pause and unpause with update_mask and refuse other fields', async () => {
    const paused = await request(env.url)
      .patch('/api/v1/dags/price_crawler?update_mask=is_paused')
      .set('Authorization', basic)
      .send({ is_paused: true });
    expect(paused.body.is_paused).toBe(true);
    const other = await request(env.url)
      .patch('/api/v1/dags/price_crawler?update_mask=description')
      .set('Authorization', basic)
      .send({ is_paused: false });
    expect(other.status).toBe(400);
    expect(other.body.detail).toBe(
      'Only `is_paused` field can be updated through the REST API',
    );
    await request(env.url)
      .patch('/api/v1/dags/price_crawler')
      .set('Authorization', basic)
      .send({ is_paused: false });
    expect(env.instance.dags.get('price_crawler')!.isPaused).toBe(false);
  });

  it('should reject read-only fields in a trigger body with 400', async () => {
    const res = await request(env.url)
      .post('/api/v1/dags/news_crawler/dagRuns')
      .set('Authorization', basic)
      .send({ state: 'success' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe("Property is read-only - 'state'");
  });

  it('should trigger a run with conf and serve its log as repr text with a continuation token', async () => {
    const res = await request(env.url)
      .post('/api/v1/dags/news_crawler/dagRuns')
      .set('Authorization', basic)
      .send({ conf: { pages: 5 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dag_id: 'news_crawler',
      state: 'queued',
      conf: { pages: 5 },
      external_trigger: true,
      run_type: 'manual',
    });
    const runId = res.body.dag_run_id;
    const pod = await waitFor(
      () =>
        env.kube.list('pods', 'crawler-news', {
          labelSelector: `run_id=${makeSafeLabelValue(runId)}`,
        })[0],
      'the task pod',
    );
    finishPod(env.kube, 'crawler-news', pod.metadata.name, [
      'crawling https://example.com/news',
    ]);
    await waitFor(
      async () =>
        (
          await get(
            `/api/v1/dags/news_crawler/dagRuns/${encodeURIComponent(runId)}`,
          )
        ).body.state === 'success',
      'success',
    );

    const logUrl = `/api/v1/dags/news_crawler/dagRuns/${encodeURIComponent(
      runId,
    )}/taskInstances/crawl/logs/1`;
    const log = await get(logUrl);
    expect(log.body.content).toMatch(
      // The hostname is the KubernetesExecutor worker pod that ran the try.
      /^\[\('news-crawler-crawl-[a-z0-9]{8}', ["']\*\*\* Found local files:\\n/,
    );
    expect(log.body.content).toContain(
      'INFO - [base] crawling https://example.com/news\\n',
    );
    const more = await get(
      `${logUrl}?token=${encodeURIComponent(log.body.continuation_token)}`,
    );
    expect(more.body.content).toMatch(
      /^\[\('news-crawler-crawl-[a-z0-9]{8}', ''\)\]$/,
    );
    // werkzeug's best_match: Accept */* prefers text/plain, the first type Airflow 2 offers.
    const anyType = await get(logUrl).set('Accept', '*/*');
    expect(anyType.type).toBe('text/plain');
    const text = await get(logUrl).set('Accept', 'text/plain');
    expect(text.type).toBe('text/plain');
    expect(text.text).toContain(
      '{pod_manager.py:471} INFO - [base] crawling https://example.com/news',
    );
    const bad = await get(`${logUrl}?token=forged.token`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe(
      'Bad Signature. Please use only the tokens provided by the API.',
    );

    const tis = await get(
      `/api/v1/dags/news_crawler/dagRuns/${encodeURIComponent(
        runId,
      )}/taskInstances`,
    );
    expect(tis.body.task_instances[0]).toMatchObject({
      task_id: 'crawl',
      state: 'success',
      try_number: 1,
      operator: 'KubernetesPodOperator',
    });
  });

  it('should list runs with a state filter and order_by, and 404 unknown runs', async () => {
    const runs = await get('/api/v1/dags/~/dagRuns?state=success&order_by=-id');
    expect(runs.body.dag_runs.length).toBeGreaterThan(0);
    expect(runs.body.dag_runs.every((r: any) => r.state === 'success')).toBe(
      true,
    );
    const bad = await get('/api/v1/dags/~/dagRuns?order_by=nonsense');
    expect(bad.status).toBe(400);
    const missing = await get('/api/v1/dags/news_crawler/dagRuns/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.title).toBe('DAGRun not found');
  });

  it('should answer malformed JSON and unknown paths in the Airflow 2 error shape', async () => {
    const bad = await request(env.url)
      .post('/api/v1/dags/news_crawler/dagRuns')
      .set('Authorization', basic)
      .set('Content-Type', 'application/json')
      .send('{"conf": ');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, title: 'Bad Request' });
    const unknown = await get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toMatch(/Errors\/NotFound$/);
  });

  it('should list the broken DAG file as an import error', async () => {
    const res = await get('/api/v1/importErrors');
    expect(res.body.total_entries).toBe(1);
    expect(res.body.import_errors[0]).toMatchObject({
      filename: '/opt/airflow/dags/repo/dags/price_crawler_backfill.py',
      stack_trace: expect.stringContaining('SyntaxError'),
    });
  });
});

describe('Airflow 3 API (/api/v2)', () => {
  let env: Awaited<ReturnType<typeof startTestAirflow>>;
  const clock = new ManualClock('2026-06-01T12:30:00Z');
  let token: string;
  const get = (url: string) =>
    request(env.url).get(url).set('Authorization', `Bearer ${token}`);
  const post = (url: string, body: object) =>
    request(env.url)
      .post(url)
      .set('Authorization', `Bearer ${token}`)
      .send(body);

  beforeAll(async () => {
    env = await startTestAirflow({
      version: 'v2',
      clock,
      files: crawlerDagFiles(),
      tokenExpirySeconds: 3600,
    });
    const res = await request(env.url)
      .post('/auth/token')
      .send({ username: 'admin', password: 'admin' });
    token = res.body.access_token;
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('should issue JWTs with 201 and refuse wrong credentials, missing and expired tokens', async () => {
    const res = await request(env.url)
      .post('/auth/token')
      .type('form')
      .send({ username: 'admin', password: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body.access_token.split('.')).toHaveLength(3);
    expect(
      (
        await request(env.url)
          .post('/auth/token')
          .send({ username: 'admin', password: 'x' })
      ).status,
    ).toBe(401);
    const none = await request(env.url).get('/api/v2/dags');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ detail: 'Not authenticated' });
    expect(
      (
        await request(env.url)
          .get('/api/v2/dags')
          .set('Authorization', 'Bearer nonsense')
      ).status,
    ).toBe(401);

    const shortLived = (
      await request(env.url)
        .post('/auth/token')
        .send({ username: 'admin', password: 'admin' })
    ).body.access_token;
    clock.advance(3601_000);
    const expired = await request(env.url)
      .get('/api/v2/dags')
      .set('Authorization', `Bearer ${shortLived}`);
    expect(expired.status).toBe(401);
    token = (
      await request(env.url)
        .post('/auth/token')
        .send({ username: 'admin', password: 'admin' })
    ).body.access_token;
    expect((await get('/api/v2/dags')).status).toBe(200);
  });

  it('should describe DAGs the Airflow 3 way and filter with repeated tags and LIKE patterns', async () => {
    const list = await get(
      '/api/v2/dags?tags=crawler&tags=other&dag_id_pattern=price%25',
    );
    expect(list.body.dags.map((d: any) => d.dag_id)).toEqual(['price_crawler']);
    expect(list.body.dags[0]).toMatchObject({
      is_stale: false,
      timetable_summary: '@hourly',
      bundle_name: 'dags-folder',
      relative_fileloc: 'price_crawler.py',
      tags: [
        {
          name: 'crawler',
          dag_id: 'price_crawler',
          dag_display_name: 'price_crawler',
        },
        {
          name: 'backstage:component:default/price-crawler',
          dag_id: 'price_crawler',
          dag_display_name: 'price_crawler',
        },
      ],
    });
    expect(list.body.dags[0]).not.toHaveProperty('schedule_interval');
  });

  it('should require logical_date (nullable) and reject extra fields with 422', async () => {
    const missing = await post('/api/v2/dags/news_crawler/dagRuns', {
      conf: {},
    });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([
      {
        type: 'missing',
        loc: ['body', 'logical_date'],
        msg: 'Field required',
        input: { conf: {} },
      },
    ]);
    const extra = await post('/api/v2/dags/news_crawler/dagRuns', {
      logical_date: null,
      execution_date: null,
    });
    expect(extra.status).toBe(422);
    expect(extra.body.detail[0]).toMatchObject({
      type: 'extra_forbidden',
      loc: ['body', 'execution_date'],
    });
    const naive = await post('/api/v2/dags/news_crawler/dagRuns', {
      logical_date: '2026-06-01T00:00:00',
    });
    expect(naive.body.detail[0]).toMatchObject({ type: 'timezone_aware' });
  });

  it('should keep a run triggered on a paused DAG queued', async () => {
    await request(env.url)
      .patch('/api/v2/dags/news_crawler?update_mask=is_paused')
      .set('Authorization', `Bearer ${token}`)
      .send({ is_paused: true });
    const res = await post('/api/v2/dags/news_crawler/dagRuns', {
      logical_date: null,
      conf: { a: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'queued',
      logical_date: null,
      triggered_by: 'rest_api',
      run_type: 'manual',
    });
    await env.instance.tick();
    expect(
      (
        await get(
          `/api/v2/dags/news_crawler/dagRuns/${encodeURIComponent(
            res.body.dag_run_id,
          )}`,
        )
      ).body.state,
    ).toBe('queued');
    const patchExtra = await request(env.url)
      .patch('/api/v2/dags/news_crawler')
      .set('Authorization', `Bearer ${token}`)
      .send({ is_paused: false, description: 'x' });
    expect(patchExtra.status).toBe(422);
  });

  it('should fail price_crawler with the pods/log 403 in its structured log', async () => {
    const res = await post('/api/v2/dags/price_crawler/dagRuns', {
      logical_date: null,
    });
    const runId = res.body.dag_run_id;
    const pod = await waitFor(
      () =>
        env.kube.list('pods', 'crawler-price', {
          labelSelector: `run_id=${makeSafeLabelValue(runId)}`,
        })[0],
      'the task pod',
    );
    finishPod(env.kube, 'crawler-price', pod.metadata.name, ['crawling']);
    await waitFor(
      async () =>
        (
          await get(
            `/api/v2/dags/price_crawler/dagRuns/${encodeURIComponent(runId)}`,
          )
        ).body.state === 'failed',
      'failure',
    );
    const log = await get(
      `/api/v2/dags/price_crawler/dagRuns/${encodeURIComponent(
        runId,
      )}/taskInstances/crawl/logs/1`,
    );
    const events: string[] = log.body.content.map((m: any) => m.event);
    expect(events[0]).toBe('::group::Log message source details');
    expect(events.join('\n')).toContain(
      'cannot get resource \\"pods/log\\" in API group \\"\\" in the namespace \\"crawler-price\\"',
    );
    const first = await get(
      `/api/v2/dags/price_crawler/dagRuns/${encodeURIComponent(
        runId,
      )}/taskInstances/crawl/logs/1?token=${encodeURIComponent(
        log.body.continuation_token,
      )}`,
    );
    expect(first.body.content).toEqual([]);
    const ndjson = await get(
      `/api/v2/dags/price_crawler/dagRuns/${encodeURIComponent(
        runId,
      )}/taskInstances/crawl/logs/1`,
    ).set('Accept', 'application/x-ndjson');
    expect(ndjson.type).toBe('application/x-ndjson');
    expect(JSON.parse(ndjson.text.split('\n')[0]).event).toBe(
      '::group::Log message source details',
    );
    const tis = await get(
      `/api/v2/dags/price_crawler/dagRuns/${encodeURIComponent(
        runId,
      )}/taskInstances`,
    );
    expect(tis.body.task_instances[0]).toMatchObject({
      state: 'failed',
      operator_name: 'KubernetesPodOperator',
    });
  });

  it('should answer malformed JSON with a FastAPI 422', async () => {
    const bad = await request(env.url)
      .post('/api/v2/dags/news_crawler/dagRuns')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"logical_date": ');
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({
      type: 'json_invalid',
      loc: ['body', 0],
    });
  });

  it('should list import errors relative to the bundle and filter by filename_pattern', async () => {
    const all = await get('/api/v2/importErrors');
    expect(all.body.import_errors[0]).toMatchObject({
      filename: 'price_crawler_backfill.py',
      bundle_name: 'dags-folder',
    });
    expect(
      (await get('/api/v2/importErrors?filename_pattern=news')).body
        .total_entries,
    ).toBe(0);
  });
});
