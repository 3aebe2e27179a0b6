/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  AIRFLOW2,
  ALICE,
  airflowConfig,
  localBackendPassthrough,
  startCrawlersBackend,
  useFakeAirflows,
} from './__testUtils__/testBackend';

const server = setupServer(localBackendPassthrough);
registerMswTestHooks(server);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);

const count = (
  requests: Array<{ method: string; url: URL }>,
  method: string,
  suffix: string,
) =>
  requests.filter(r => r.method === method && r.url.pathname.endsWith(suffix))
    .length;

describe('crawlers route caching', () => {
  it('should serve repeated reads from cache', async () => {
    const airflow = useFakeAirflows(server);
    const { server: app } = await startCrawlersBackend();
    for (let i = 0; i < 5; i++) {
      await request(app)
        .get(`${API}/shop-crawler/airflow`)
        .set('Authorization', asAlice)
        .expect(200);
    }
    expect(count(airflow.v1.requests, 'GET', '/dags/shop-products')).toBe(1);
    expect(
      count(airflow.v1.requests, 'GET', '/dags/shop-products/dagRuns'),
    ).toBe(1);
    expect(count(airflow.v1.requests, 'GET', '/importErrors')).toBe(1);
  });

  it('should send one upstream request for many concurrent identical client requests', async () => {
    const airflow = useFakeAirflows(server);
    server.use(
      http.get(`${AIRFLOW2}/api/v1/dags/shop-products`, async () => {
        await delay(100);
        return undefined;
      }),
    );
    const { server: app } = await startCrawlersBackend();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(app)
          .get(`${API}/shop-crawler/airflow`)
          .set('Authorization', asAlice),
      ),
    );
    expect(
      responses.every(
        r => r.status === 200 && r.body.dags[0].dag?.dagId === 'shop-products',
      ),
    ).toBe(true);
    expect(count(airflow.v1.requests, 'GET', '/dags/shop-products')).toBe(1);
  });

  it('should fetch runs again after a trigger', async () => {
    const airflow = useFakeAirflows(server);
    const { server: app } = await startCrawlersBackend();
    await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asAlice)
      .expect(200);
    await request(app)
      .post(`${API}/shop-crawler/dags/shop-products/runs`)
      .set('Authorization', asAlice)
      .send({})
      .expect(201);
    await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asAlice)
      .expect(200);
    expect(
      count(airflow.v1.requests, 'GET', '/dags/shop-products/dagRuns'),
    ).toBe(2);
    expect(count(airflow.v1.requests, 'GET', '/importErrors')).toBe(1);
  });

  it('should fetch DAG metadata again after a pause', async () => {
    const airflow = useFakeAirflows(server);
    const { server: app } = await startCrawlersBackend();
    await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asAlice)
      .expect(200);
    await request(app)
      .patch(`${API}/shop-crawler/dags/shop-products`)
      .set('Authorization', asAlice)
      .send({ isPaused: true })
      .expect(200);
    const res = await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asAlice)
      .expect(200);
    expect(res.body.dags[0].dag.isPaused).toBe(true);
    // The overview, the pause's fresh claim check (a write never trusts a cached copy), the overview again.
    expect(count(airflow.v1.requests, 'GET', '/dags/shop-products')).toBe(3);
  });

  it('should serve the last good answer marked stale, with fetchedAt and the error, when Airflow fails', async () => {
    useFakeAirflows(server);
    const { server: app } = await startCrawlersBackend({
      config: airflowConfig({
        cache: { dagTtlMs: 1, runsTtlMs: 1, importErrorsTtlMs: 1 },
      }),
    });
    const first = await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asAlice)
      .expect(200);
    await new Promise(resolve => setTimeout(resolve, 20));
    server.use(
      http.all(`${AIRFLOW2}/api/v1/*`, () =>
        HttpResponse.json({ detail: 'down' }, { status: 503 }),
      ),
    );
    const second = await request(app)
      .get(`${API}/shop-crawler/airflow`)
      .set('Authorization', asAlice)
      .expect(200);
    const [before, after] = [first.body.dags[0], second.body.dags[0]];
    expect(after.stale).toBe(true);
    expect(after.dag).toEqual(before.dag);
    expect(after.recentRuns).toEqual(before.recentRuns);
    expect(after.fetchedAt).toBe(before.fetchedAt);
    expect(after.errors).toEqual([
      expect.objectContaining({ source: 'dag:shop-products', status: 503 }),
      expect.objectContaining({ source: 'runs:shop-products', status: 503 }),
    ]);
    expect(second.body.importErrorsStale).toBe(true);
  });
});
