/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  AIRFLOW2,
  ALICE,
  BOB,
  claimTagOf,
  localBackendPassthrough,
  startCrawlersBackend,
  useFakeAirflows,
} from './__testUtils__/testBackend';

const server = setupServer(localBackendPassthrough);
registerMswTestHooks(server);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);
const asBob = mockCredentials.user.header(BOB);

async function setup() {
  const airflow = useFakeAirflows(server);
  const backend = await startCrawlersBackend();
  return { airflow, app: backend.server, backend };
}

/** Requests the fakes received for DAG data (not the startup probe or token). */
function apiRequests(state: { requests: Array<{ url: URL }> }) {
  return state.requests.filter(
    r =>
      r.url.pathname.includes('/dags') ||
      r.url.pathname.includes('/importErrors'),
  );
}

describe('crawlers router', () => {
  describe('GET /airflow', () => {
    it('should show a reader the DAGs, recent runs and own import errors of an Airflow 2 crawler', async () => {
      const { app } = await setup();
      const res = await request(app)
        .get(`${API}/shop-crawler/airflow`)
        .set('Authorization', asBob);
      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe('component:default/shop-crawler');
      expect(res.body.instance).toEqual({
        name: 'airflow2',
        apiVersion: 'v1',
        uiUrl: AIRFLOW2,
      });
      const [products, prices] = res.body.dags;
      expect(products.dagId).toBe('shop-products');
      expect(products.dag).toMatchObject({
        isPaused: false,
        schedule: '0 * * * *',
        owners: ['team-crawlers'],
        tags: ['crawler', claimTagOf('shop-crawler')],
      });
      expect(products.claim).toEqual({
        holds: true,
        tag: claimTagOf('shop-crawler'),
        mode: 'tag',
      });
      expect(products.recentRuns).toHaveLength(25);
      expect(products.recentRuns[0]).toMatchObject({
        state: 'success',
        runType: 'scheduled',
        durationSeconds: 60,
      });
      expect(products.errors).toEqual([]);
      expect(res.body.importErrors.map((e: any) => e.filename)).toEqual([
        '/opt/airflow/dags/repo/dags/shop_prices.py',
      ]);
      expect(prices.dag).toBeNull();
    });

    it('should report a failing DAG in its own section and still answer 200', async () => {
      const { app } = await setup();
      const res = await request(app)
        .get(`${API}/shop-crawler/airflow`)
        .set('Authorization', asBob);
      expect(res.status).toBe(200);
      const prices = res.body.dags[1];
      expect(prices.errors).toEqual([
        expect.objectContaining({ source: 'dag:shop-prices', status: 404 }),
      ]);
      expect(prices.claim).toBeNull();
      expect(prices.errors[0].message).toContain(
        "DAG with dag_id: 'shop-prices' not found",
      );
    });

    it('should map an Airflow 3 crawler through the v2 API', async () => {
      const { app } = await setup();
      const res = await request(app)
        .get(`${API}/news-crawler/airflow`)
        .set('Authorization', asBob);
      expect(res.status).toBe(200);
      expect(res.body.instance).toEqual({
        name: 'airflow3',
        apiVersion: 'v2',
        uiUrl: 'https://airflow3.example.com',
      });
      expect(res.body.dags[0].dag).toMatchObject({
        dagId: 'news-daily',
        isActive: true,
        schedule: '0 * * * *',
      });
      expect(res.body.dags[0].recentRuns).toHaveLength(5);
      expect(res.body.dags[0].recentRuns[0].triggeredBy).toBe('timetable');
    });

    it('should report an unreachable instance per section', async () => {
      const { app } = await setup();
      server.use(http.all(`${AIRFLOW2}/api/*`, () => HttpResponse.error()));
      const res = await request(app)
        .get(`${API}/shop-crawler/airflow`)
        .set('Authorization', asBob);
      expect(res.status).toBe(200);
      expect(res.body.dags[0].errors[0]).toMatchObject({
        source: 'dag:shop-products',
        status: 502,
      });
      // Whether the version probe is among them depends on whether it had finished at start-up.
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source: 'importErrors', status: 502 }),
        ]),
      );
    });

    it('should answer 404 for an unknown entity', async () => {
      const { app } = await setup();
      const res = await request(app)
        .get(`${API}/no-such-crawler/airflow`)
        .set('Authorization', asBob);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain(
        'component:default/no-such-crawler',
      );
    });

    it('should answer 404 for an entity without the DAG annotation', async () => {
      const { app } = await setup();
      const res = await request(app)
        .get(`${API}/plain-service/airflow`)
        .set('Authorization', asBob);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('crawler-platform.io/dag-ids');
    });

    it('should answer 404 naming the instance when the annotation names an unconfigured one', async () => {
      const { app } = await setup();
      const res = await request(app)
        .get(`${API}/ghost-crawler/airflow`)
        .set('Authorization', asBob);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('"airflow9"');
    });
  });

  describe('GET runs, task instances and logs', () => {
    it('should pass paging and state filters to Airflow', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .get(
          `${API}/shop-crawler/dags/shop-products/runs?limit=10&offset=10&state=success&state=failed`,
        )
        .set('Authorization', asBob);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        dagId: 'shop-products',
        totalEntries: 30,
        limit: 10,
        offset: 10,
      });
      expect(res.body.runs).toHaveLength(10);
      const upstream = airflow.v1.requests.find(r =>
        r.url.pathname.endsWith('/dagRuns'),
      )!;
      expect(Object.fromEntries(upstream.url.searchParams)).toMatchObject({
        limit: '10',
        offset: '10',
      });
      // States are sorted (one cache key per set of states).
      expect(upstream.url.searchParams.getAll('state')).toEqual([
        'failed',
        'success',
      ]);
    });

    it('should list the task instances of a run', async () => {
      const { app } = await setup();
      const res = await request(app)
        .get(
          `${API}/news-crawler/dags/news-daily/runs/${encodeURIComponent(
            'manual__2026-01-01T00:00:00+00:00',
          )}/taskInstances`,
        )
        .set('Authorization', asBob);
      expect(res.status).toBe(200);
      expect(res.body.taskInstances.map((t: any) => t.taskId)).toEqual([
        'task_0',
        'task_1',
      ]);
    });

    it('should return a log chunk with structured lines and a continuation token', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .get(
          `${API}/news-crawler/dags/news-daily/runs/manual__1/taskInstances/task_0/logs/1?token=abc&mapIndex=-1`,
        )
        .set('Authorization', asBob);
      expect(res.status).toBe(200);
      expect(res.body.log.lines[0]).toEqual({
        timestamp: '2026-01-01T00:00:05Z',
        level: 'info',
        message: 'line one',
      });
      expect(res.body.log.continuationToken).toBe('eyJlbmRfb2ZfbG9nIjp0cnVlfQ');
      const upstream = airflow.v2.requests.find(r =>
        r.url.pathname.includes('/logs/'),
      )!;
      expect(upstream.url.searchParams.get('token')).toBe('abc');
    });

    it('should turn an upstream 404 for a log into our 404', async () => {
      const { app } = await setup();
      server.use(
        http.get(
          `${AIRFLOW2}/api/v1/dags/shop-products/dagRuns/r1/taskInstances/t/logs/3`,
          () =>
            HttpResponse.json(
              {
                title: 'Not Found',
                status: 404,
                type: 'about:blank',
                detail: 'TaskInstance not found',
              },
              { status: 404 },
            ),
        ),
      );
      const res = await request(app)
        .get(
          `${API}/shop-crawler/dags/shop-products/runs/r1/taskInstances/t/logs/3`,
        )
        .set('Authorization', asBob);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('Airflow answered 404');
    });
  });

  describe('POST trigger and PATCH pause', () => {
    it('should let the owner trigger a run with conf', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asAlice)
        .send({ conf: { pages: 2 } });
      expect(res.status).toBe(201);
      expect(res.body.run).toMatchObject({
        dagId: 'shop-products',
        runType: 'manual',
        state: 'queued',
        conf: { pages: 2 },
      });
      expect(airflow.v1.triggered).toEqual([{ conf: { pages: 2 } }]);
    });

    it('should send logical_date null when triggering on Airflow 3', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .post(`${API}/news-crawler/dags/news-daily/runs`)
        .set('Authorization', asAlice)
        .send({});
      expect(res.status).toBe(201);
      expect(airflow.v2.triggered).toEqual([{ logical_date: null, conf: {} }]);
    });

    it('should record audit events for a trigger and for a refused pause', async () => {
      useFakeAirflows(server);
      const event = { success: jest.fn(), fail: jest.fn() };
      const auditor = mockServices.auditor.mock({
        createEvent: jest.fn().mockResolvedValue(event),
      });
      const { server: app } = await startCrawlersBackend({
        extraFeatures: [auditor.factory],
      });
      await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asAlice)
        .send({})
        .expect(201);
      await request(app)
        .patch(`${API}/shop-crawler/dags/shop-products`)
        .set('Authorization', asBob)
        .send({ isPaused: true })
        .expect(403);
      expect(
        auditor.createEvent.mock.calls.map(([o]) => [o.eventId, o.meta]),
      ).toEqual([
        [
          'dag-trigger',
          {
            entityRef: 'component:default/shop-crawler',
            dagId: 'shop-products',
          },
        ],
        [
          'dag-pause',
          {
            entityRef: 'component:default/shop-crawler',
            dagId: 'shop-products',
            isPaused: true,
          },
        ],
      ]);
      expect(event.success).toHaveBeenCalledWith({
        meta: { runId: 'manual__2026-01-02T00:00:00+00:00' },
      });
      expect(event.fail).toHaveBeenCalledWith({
        error: expect.objectContaining({ name: 'NotAllowedError' }),
      });
    });

    it('should forbid a non-owner to trigger a run', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asBob)
        .send({});
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('crawlers.dag.trigger');
      expect(airflow.v1.triggered).toEqual([]);
    });

    it('should let the owner pause a DAG', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .patch(`${API}/shop-crawler/dags/shop-products`)
        .set('Authorization', asAlice)
        .send({ isPaused: true });
      expect(res.status).toBe(200);
      expect(res.body.dag.isPaused).toBe(true);
      expect(airflow.v1.paused.get('shop-products')).toBe(true);
    });

    it('should forbid a non-owner to pause a DAG', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .patch(`${API}/shop-crawler/dags/shop-products`)
        .set('Authorization', asBob)
        .send({ isPaused: true });
      expect(res.status).toBe(403);
      expect(airflow.v1.paused.size).toBe(0);
    });

    it('should answer 409 when Airflow reports a conflicting run', async () => {
      const { app } = await setup();
      server.use(
        http.post(`${AIRFLOW2}/api/v1/dags/shop-products/dagRuns`, () =>
          HttpResponse.json(
            {
              title: 'Conflict',
              status: 409,
              type: 'about:blank',
              detail: 'DAGRun exists',
            },
            { status: 409 },
          ),
        ),
      );
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asAlice)
        .send({});
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('DAGRun exists');
    });

    it('should answer 502 when Airflow fails a trigger with 500', async () => {
      const { app } = await setup();
      server.use(
        http.post(`${AIRFLOW2}/api/v1/dags/shop-products/dagRuns`, () =>
          HttpResponse.json({ detail: 'boom' }, { status: 500 }),
        ),
      );
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asAlice)
        .send({});
      expect(res.status).toBe(502);
      expect(res.body.error.message).toContain('Airflow answered 500');
    });
  });

  describe('bad parameters', () => {
    it.each([
      ['a zero limit', `${API}/shop-crawler/dags/shop-products/runs?limit=0`],
      [
        'a limit over 100',
        `${API}/shop-crawler/dags/shop-products/runs?limit=101`,
      ],
      [
        'a limit outside the fixed page sizes',
        `${API}/shop-crawler/dags/shop-products/runs?limit=5`,
      ],
      [
        'an offset that is not a multiple of the limit',
        `${API}/shop-crawler/dags/shop-products/runs?limit=10&offset=5`,
      ],
      [
        'an offset over crawlers.limits.maxRunsOffset',
        `${API}/shop-crawler/dags/shop-products/runs?limit=100&offset=10100`,
      ],
      [
        'a non-numeric offset',
        `${API}/shop-crawler/dags/shop-products/runs?offset=abc`,
      ],
      [
        'an unknown state',
        `${API}/shop-crawler/dags/shop-products/runs?state=exploded`,
      ],
      [
        'a negative try number',
        `${API}/shop-crawler/dags/shop-products/runs/r1/taskInstances/t/logs/-1`,
      ],
      [
        'a map index below -1',
        `${API}/shop-crawler/dags/shop-products/runs/r1/taskInstances/t/logs/1?mapIndex=-2`,
      ],
      [
        'an invalid entity kind',
        '/api/crawlers/entities/comp%20onent/default/shop-crawler/airflow',
      ],
    ])('should answer 400 for %s', async (_name, url) => {
      const { app } = await setup();
      const res = await request(app).get(url).set('Authorization', asBob);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    });

    it('should answer 400 for a pause body without a boolean', async () => {
      const { app } = await setup();
      const res = await request(app)
        .patch(`${API}/shop-crawler/dags/shop-products`)
        .set('Authorization', asAlice)
        .send({ isPaused: 'yes' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('isPaused');
    });

    it('should answer 400 for a conf that is not an object', async () => {
      const { app } = await setup();
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asAlice)
        .send({ conf: [1, 2] });
      expect(res.status).toBe(400);
    });
  });

  describe('crafted inputs', () => {
    it.each([
      [
        'a DAG id with ../',
        `${API}/shop-crawler/dags/..%2F..%2Fadmin/runs`,
        400,
      ],
      ['a DAG id of two dots', `${API}/shop-crawler/dags/%2E%2E/runs`, 400],
      [
        'an encoded slash in a DAG id',
        `${API}/shop-crawler/dags/shop-products%2F..%2Fother-dag/runs`,
        400,
      ],
      [
        'an absolute URL as DAG id',
        `${API}/shop-crawler/dags/${encodeURIComponent(
          'http://evil.example.com/x',
        )}/runs`,
        400,
      ],
      [
        'an encoded slash in a run id',
        `${API}/shop-crawler/dags/shop-products/runs/..%2F..%2Fconfig/taskInstances`,
        400,
      ],
      [
        'the all-runs wildcard as run id',
        `${API}/shop-crawler/dags/shop-products/runs/~/taskInstances`,
        400,
      ],
      [
        'a task id of two dots',
        `${API}/shop-crawler/dags/shop-products/runs/r1/taskInstances/%2e%2e/logs/1`,
        400,
      ],
      [
        'an entity name with ../',
        '/api/crawlers/entities/component/default/..%2Fshop-crawler/airflow',
        400,
      ],
      [
        'a URL in the query',
        `${API}/shop-crawler/airflow?baseUrl=http://evil.example.com`,
        400,
      ],
      [
        'a host in the query of runs',
        `${API}/shop-crawler/dags/shop-products/runs?host=evil.example.com`,
        400,
      ],
      [
        'a DAG id of another entity',
        `${API}/shop-crawler/dags/other-dag/runs`,
        404,
      ],
      [
        'a raw ../ path',
        `${API}/shop-crawler/dags/../../../../../etc/passwd`,
        404,
      ],
    ])(
      'should reject %s without calling Airflow',
      async (_name, url, status) => {
        const { app, airflow } = await setup();
        const res = await request(app).get(url).set('Authorization', asAlice);
        expect(res.status).toBe(status);
        expect(apiRequests(airflow.v1)).toEqual([]);
        expect(apiRequests(airflow.v2)).toEqual([]);
      },
    );

    it('should reject triggering a DAG of another entity', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/other-dag/runs`)
        .set('Authorization', asAlice)
        .send({});
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain(
        'not one of the DAGs of component:default/shop-crawler',
      );
      expect(airflow.v1.triggered).toEqual([]);
    });

    it('should reject a conf over the size limit with a message naming the limit', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asAlice)
        .send({ conf: { blob: 'x'.repeat(20_000) } });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('crawlers.trigger.maxConfBytes');
      expect(airflow.v1.triggered).toEqual([]);
    });

    it('should reject a body over crawlers.limits.maxRequestBodyBytes (64 KiB)', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asAlice)
        .send({ conf: { blob: 'x'.repeat(70_000) } });
      expect(res.status).toBe(413);
      expect(airflow.v1.triggered).toEqual([]);
    });

    it('should reject extra body fields such as a target URL', async () => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .post(`${API}/shop-crawler/dags/shop-products/runs`)
        .set('Authorization', asAlice)
        .send({ conf: {}, url: 'http://evil.example.com' });
      expect(res.status).toBe(400);
      expect(airflow.v1.triggered).toEqual([]);
    });
  });
});
