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
  AIRFLOW3,
  AIRFLOW_PASSWORD,
  AIRFLOW_USER,
  ALICE,
  airflowConfig,
  captureLogger,
  localBackendPassthrough,
  startCrawlersBackend,
  useFakeAirflows,
} from './__testUtils__/testBackend';

const server = setupServer(localBackendPassthrough);
registerMswTestHooks(server);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);

describe('secrets', () => {
  it('should never put the Airflow password, Basic credentials or a JWT into logs or responses', async () => {
    const airflow = useFakeAirflows(server);
    const logger = captureLogger();
    const config = airflowConfig();
    (config as any).crawlers.airflow.instances[0].timeoutMs = 100;
    const { server: app } = await startCrawlersBackend({ config, logger });
    const bodies: string[] = [];
    const call = async (req: request.Test) => {
      const res = await req.set('Authorization', asAlice);
      bodies.push(res.text, JSON.stringify(res.headers));
      return res;
    };

    // Normal reads and actions on both versions.
    await call(request(app).get(`${API}/shop-crawler/airflow`));
    await call(request(app).get(`${API}/news-crawler/airflow`));
    await call(
      request(app)
        .post(`${API}/news-crawler/dags/news-daily/runs`)
        .send({ conf: { a: 1 } }),
    );
    // JWT refresh after Airflow revokes the token.
    airflow.v2.validTokens.clear();
    await call(
      request(app)
        .patch(`${API}/news-crawler/dags/news-daily`)
        .send({ isPaused: true }),
    );
    await call(
      request(app).get(
        `${API}/news-crawler/dags/news-daily/runs/r1/taskInstances/t/logs/1`,
      ),
    );
    // Failures: rejected credentials, upstream errors and a timeout.
    server.use(
      http.post(`${AIRFLOW3}/auth/token`, () =>
        HttpResponse.json({ detail: 'Invalid credentials' }, { status: 401 }),
      ),
      http.all(`${AIRFLOW3}/api/v2/*`, () =>
        HttpResponse.json({ detail: 'Not authenticated' }, { status: 401 }),
      ),
      http.post(`${AIRFLOW2}/api/v1/dags/shop-products/dagRuns`, () =>
        HttpResponse.json({ detail: 'boom' }, { status: 500 }),
      ),
      http.patch(`${AIRFLOW2}/api/v1/dags/shop-products`, async () => {
        await delay(500);
        return HttpResponse.json({});
      }),
    );
    await call(
      request(app).post(`${API}/news-crawler/dags/news-daily/runs`).send({}),
    );
    await call(request(app).get(`${API}/news-crawler/dags/news-daily/runs`));
    await call(
      request(app).post(`${API}/shop-crawler/dags/shop-products/runs`).send({}),
    );
    await call(
      request(app)
        .patch(`${API}/shop-crawler/dags/shop-products`)
        .send({ isPaused: true }),
    );

    expect(airflow.v2.tokensIssued.length).toBeGreaterThanOrEqual(2);
    expect(logger.lines.length).toBeGreaterThan(0);
    const haystack = [...logger.lines, ...bodies].join('\n');
    const secrets = [
      AIRFLOW_PASSWORD,
      Buffer.from(`${AIRFLOW_USER}:${AIRFLOW_PASSWORD}`).toString('base64'),
      ...airflow.v2.tokensIssued,
      ...airflow.v2.tokensIssued.map(t => t.split('.')[1]),
    ];
    for (const secret of secrets) {
      expect(haystack).not.toContain(secret);
    }
  });
});
