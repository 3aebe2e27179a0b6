/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { airflowFixtures } from '@crawler-platform/plugin-crawlers-node/testUtils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  AIRFLOW2,
  airflowConfig,
  ALICE,
  BOB,
  captureLogger,
  claimTagOf,
  entities,
  localBackendPassthrough,
  startCrawlersBackend,
  useFakeAirflows,
} from './__testUtils__/testBackend';

const server = setupServer(localBackendPassthrough);
registerMswTestHooks(server);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);
const asBob = mockCredentials.user.header(BOB);
const IMPOSTOR_TAG = claimTagOf('impostor-crawler');

async function setup(options: Parameters<typeof startCrawlersBackend>[0] = {}) {
  const airflow = useFakeAirflows(server);
  const backend = await startCrawlersBackend(options);
  return { airflow, app: backend.server };
}

const dagRunRequests = (state: { requests: Array<{ url: URL }> }) =>
  state.requests.filter(r => /\/dagRuns|\/logs\//.test(r.url.pathname));

describe('claims confirmed by the DAG', () => {
  it('should show an entity nothing of a DAG that does not carry its claim tag, with the fix', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/impostor-crawler/airflow`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    const [other] = res.body.dags;
    expect(other).toMatchObject({
      dagId: 'other-dag',
      dag: null,
      recentRuns: [],
      claim: { holds: false, tag: IMPOSTOR_TAG, mode: 'tag' },
    });
    expect(other.errors).toEqual([
      expect.objectContaining({ source: 'claim:other-dag', status: 403 }),
    ]);
    expect(other.errors[0].message).toContain(
      `add the tag "${IMPOSTOR_TAG}" to the tags of its DAG(...)`,
    );
    expect(other.errors[0].message).toContain(
      `It carries "${claimTagOf('other-crawler')}"`,
    );
    // The file it names carries shop-crawler's tag: no import error, and a claim error saying what to add.
    expect(res.body.importErrors).toEqual([]);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        source: 'claim:dags/shop_prices.py',
        status: 403,
        message: expect.stringContaining(`add the tag "${IMPOSTOR_TAG}"`),
      }),
    ]);
  });

  it.each([
    ['runs', '/dags/other-dag/runs'],
    ['task instances', '/dags/other-dag/runs/manual__1/taskInstances'],
    ['a task log', '/dags/other-dag/runs/manual__1/taskInstances/t/logs/1'],
  ])(
    'should refuse %s of an unconfirmed DAG with 403 and the reason, without reading them',
    async (_what, path) => {
      const { app, airflow } = await setup();
      const res = await request(app)
        .get(`${API}/impostor-crawler${path}`)
        .set('Authorization', asAlice);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(`add the tag "${IMPOSTOR_TAG}"`);
      expect(dagRunRequests(airflow.v1)).toEqual([]);
    },
  );

  it('should answer 403 with the reason when the owner of the claiming entity triggers or pauses', async () => {
    const { app, airflow } = await setup();
    const trigger = await request(app)
      .post(`${API}/impostor-crawler/dags/other-dag/runs`)
      .set('Authorization', asAlice)
      .send({});
    expect(trigger.status).toBe(403);
    expect(trigger.body.error.message).toContain(
      `add the tag "${IMPOSTOR_TAG}"`,
    );
    const pause = await request(app)
      .patch(`${API}/impostor-crawler/dags/other-dag`)
      .set('Authorization', asAlice)
      .send({ isPaused: true });
    expect(pause.status).toBe(403);
    expect(pause.body.error.message).toContain(`add the tag "${IMPOSTOR_TAG}"`);
    expect(airflow.v1.triggered).toEqual([]);
    expect(airflow.v1.paused.get('other-dag')).toBeUndefined();
  });

  it('should check a write against the DAG as Airflow has it now, not a cached copy', async () => {
    const { app, airflow } = await setup();
    // The overview caches the DAG with its claim tag ...
    await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asAlice)
      .expect(200);
    // ... then the tag is removed from the DAG file.
    server.use(
      http.get(`${AIRFLOW2}/api/v1/dags/shop-products`, () =>
        HttpResponse.json(airflowFixtures.v1Dag('shop-products')),
      ),
    );
    const res = await request(app)
      .post(`${API}/shop-crawler/dags/shop-products/runs`)
      .set('Authorization', asAlice)
      .send({});
    expect(res.status).toBe(403);
    expect(airflow.v1.triggered).toEqual([]);
  });

  it('should show import errors of a named file whose source carries the claim tag, and of no other file', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asBob);
    expect(res.body.importErrors.map((e: any) => e.filename)).toEqual([
      '/opt/airflow/dags/repo/dags/shop_prices.py',
    ]);
    expect(res.body.errors).toEqual([]);
  });

  it('should trust the annotation alone on an instance with claims: annotation', async () => {
    const config = airflowConfig();
    (config.crawlers as any).airflow.instances[0].claims = 'annotation';
    const { app, airflow } = await setup({ config });
    const res = await request(app)
      .post(`${API}/impostor-crawler/dags/other-dag/runs`)
      .set('Authorization', asAlice)
      .send({});
    expect(res.status).toBe(201);
    expect(airflow.v1.triggered).toHaveLength(1);
  });
});

describe('service principals', () => {
  it('should let a service read but never trigger or pause, whatever the permission client allows', async () => {
    const { app, airflow } = await setup();
    const asService = mockCredentials.service.header();
    await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asService)
      .expect(200);
    const trigger = await request(app)
      .post(`${API}/shop-crawler/dags/shop-products/runs`)
      .set('Authorization', asService)
      .send({});
    expect(trigger.status).toBe(403);
    expect(trigger.body.error.message).toContain(
      'service credentials may only read',
    );
    const pause = await request(app)
      .patch(`${API}/shop-crawler/dags/shop-products`)
      .set('Authorization', asService)
      .send({ isPaused: true });
    expect(pause.status).toBe(403);
    expect(airflow.v1.triggered).toEqual([]);
  });
});

describe('one rule for "is a crawler"', () => {
  it('should answer 404 for an entity with the annotation that is not a Component of spec.type crawler', async () => {
    const service: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'shop-service',
        namespace: 'default',
        annotations: { 'crawler-platform.io/dag-ids': 'shop-products' },
      },
      spec: { type: 'service', lifecycle: 'production', owner: ALICE },
    };
    const { app, airflow } = await setup({ entities: [...entities, service] });
    const res = await request(app)
      .get(`${API}/shop-service/airflow`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('spec.type crawler');
    expect(
      airflow.v1.requests.filter(r => r.url.pathname.includes('/dags')),
    ).toEqual([]);
  });
});

describe('limits', () => {
  it('should answer 400 naming the limit for an entity with more DAG ids than allowed', async () => {
    const many: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'greedy-crawler',
        namespace: 'default',
        annotations: {
          'crawler-platform.io/dag-ids': Array.from(
            { length: 21 },
            (_, i) => `dag-${i}`,
          ).join(','),
        },
      },
      spec: { type: 'crawler', lifecycle: 'production', owner: ALICE },
    };
    const { app, airflow } = await setup({ entities: [...entities, many] });
    const res = await request(app)
      .get(`${API}/greedy-crawler/airflow`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'crawlers.limits.maxDagIdsPerEntity',
    );
    expect(dagRunRequests(airflow.v1)).toEqual([]);
  });

  it('should read deep run pages from Airflow without keeping them in the cache', async () => {
    const { app, airflow } = await setup();
    for (let i = 0; i < 2; i++) {
      await request(app)
        .get(`${API}/shop-crawler/dags/shop-products/runs?limit=10&offset=100`)
        .set('Authorization', asBob)
        .expect(200);
      await request(app)
        .get(`${API}/shop-crawler/dags/shop-products/runs?limit=10&offset=0`)
        .set('Authorization', asBob)
        .expect(200);
    }
    const offsets = airflow.v1.requests
      .filter(r => r.url.pathname.endsWith('/dagRuns'))
      .map(r => r.url.searchParams.get('offset'));
    expect(offsets).toEqual(['100', '0', '100']);
  });

  it('should normalise the order of states to one cache key', async () => {
    const { app, airflow } = await setup();
    await request(app)
      .get(
        `${API}/shop-crawler/dags/shop-products/runs?state=success&state=failed`,
      )
      .set('Authorization', asBob)
      .expect(200);
    await request(app)
      .get(`${API}/shop-crawler/dags/shop-products/runs?state=failed,success`)
      .set('Authorization', asBob)
      .expect(200);
    expect(
      airflow.v1.requests.filter(r => r.url.pathname.endsWith('/dagRuns')),
    ).toHaveLength(1);
  });

  it('should cut a log chunk at crawlers.limits.maxLogChunkBytes and say so', async () => {
    const config = airflowConfig();
    (config as any).crawlers.limits = { maxLogChunkBytes: 12 };
    const { app } = await setup({ config });
    const res = await request(app)
      .get(
        `${API}/news-crawler/dags/news-daily/runs/manual__1/taskInstances/task_0/logs/1`,
      )
      .set('Authorization', asBob);
    expect(res.status).toBe(200);
    const messages = res.body.log.lines.map((l: any) => l.message);
    expect(messages[0]).toBe('line one');
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatch(
      /log chunk cut at 12 bytes of \d+ \(crawlers.limits.maxLogChunkBytes\)/,
    );
  });
});

describe('upstream answers and cache failures', () => {
  it('should treat an answer about another DAG id as an upstream error of that section', async () => {
    const { app } = await setup();
    server.use(
      http.get(`${AIRFLOW2}/api/v1/dags/shop-products`, () =>
        HttpResponse.json(
          airflowFixtures.v1Dag('other-dag', {
            tags: [{ name: claimTagOf('shop-crawler') }],
          }),
        ),
      ),
    );
    const res = await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asBob);
    expect(res.status).toBe(200);
    expect(res.body.dags[0].dag).toBeNull();
    expect(res.body.dags[0].errors[0]).toMatchObject({
      source: 'dag:shop-products',
      status: 502,
    });
    expect(res.body.dags[0].errors[0].message).toContain(
      'with data of DAG "other-dag"',
    );
  });

  it('should report a failed version probe as a section error', async () => {
    useFakeAirflows(server);
    server.use(
      http.get(`${AIRFLOW2}/api/:version/version`, () => HttpResponse.error()),
    );
    const app = (await startCrawlersBackend()).server;
    const res = await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asBob);
    expect(res.status).toBe(200);
    expect(res.body.instance.apiVersion).toBeNull();
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ source: 'apiVersion', status: 502 }),
    );
  });

  function failingCache() {
    const fail = async () => {
      throw new Error('cache is down');
    };
    const cache = {
      get: fail,
      set: fail,
      delete: fail,
      withOptions: () => cache,
    };
    return createServiceFactory({
      service: coreServices.cache,
      deps: {},
      factory: () => cache as any,
    });
  }

  it('should read from Airflow when the cache fails, and log it once per interval', async () => {
    const logger = captureLogger();
    const { app } = await setup({
      extraFeatures: [failingCache()],
      logger,
    });
    for (let i = 0; i < 3; i++) {
      const res = await request(app)
        .get(`${API}/shop-crawler/airflow`)
        .set('Authorization', asBob);
      expect(res.status).toBe(200);
      expect(res.body.dags[0].dag.dagId).toBe('shop-products');
    }
    expect(
      logger.lines.filter(l => l.includes('The cache failed')),
    ).toHaveLength(1);
  });

  it('should report a trigger that Airflow accepted as a success even when cache invalidation fails', async () => {
    const logger = captureLogger();
    const { app, airflow } = await setup({
      extraFeatures: [failingCache()],
      logger,
    });
    const res = await request(app)
      .post(`${API}/shop-crawler/dags/shop-products/runs`)
      .set('Authorization', asAlice)
      .send({});
    expect(res.status).toBe(201);
    expect(airflow.v1.triggered).toHaveLength(1);
    expect(
      logger.lines.some(l => l.includes('Could not invalidate cached')),
    ).toBe(true);
  });
});
