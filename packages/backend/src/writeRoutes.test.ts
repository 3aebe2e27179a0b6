/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The crawlers write routes through the portal's real permission stack: the
// permission backend with the portal's policy (src/permissions), whose
// conditional isEntityOwner decision is applied by the real catalog to the
// example entities it ingested from examples/. Airflow is an in-memory fake.

import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { catalogUserInfo, onBehalfOfAuth } from './__testUtils__/auth';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { fakeAirflow } from '@crawler-platform/plugin-crawlers-node/testUtils';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { features } from './features';

const repoRoot = path.resolve(__dirname, '../../..');
const appConfig = parse(
  fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
);
const AIRFLOW = 'http://airflow2.portal.test';

const server = setupServer(
  http.all(/^http:\/\/(127\.0\.0\.1|localhost):\d+\//, () => passthrough()),
);
registerMswTestHooks(server);

const API = '/api/crawlers/entities/component/default/news-crawler';
const asGuest = mockCredentials.user.header('user:default/guest');
const asAlex = mockCredentials.user.header('user:default/alex');
const asService = mockCredentials.service.header();

describe('crawler write routes through the portal permission policy', () => {
  let app: any;
  let airflow: ReturnType<typeof fakeAirflow>['state'];
  let stop: () => Promise<void>;
  let fake: ReturnType<typeof fakeAirflow>;

  // registerMswTestHooks resets handlers after each test.
  beforeEach(() => server.use(...fake.handlers));

  beforeAll(async () => {
    fake = fakeAirflow({
      baseUrl: AIRFLOW,
      version: 'v1',
      dags: ['news_crawler'],
      dagTags: { news_crawler: ['backstage:component:default/news-crawler'] },
      credentials: { username: 'admin', password: 'admin' },
    });
    server.use(...fake.handlers);
    airflow = fake.state;

    const backend = await startTestBackend({
      features: [
        ...features,
        onBehalfOfAuth,
        // The real HTTP auth service, so that it authenticates through the auth service above.
        httpAuthServiceFactory,
        catalogUserInfo,
        mockServices.rootConfig.factory({
          data: {
            ...appConfig,
            backend: { ...appConfig.backend, listen: { port: 0 } },
            catalog: {
              ...appConfig.catalog,
              locations: ['org.yaml', 'entities.yaml'].map(file => ({
                type: 'file',
                target: path.join(repoRoot, 'examples', file),
              })),
            },
            crawlers: {
              airflow: {
                instances: [
                  {
                    name: 'airflow2',
                    baseUrl: AIRFLOW,
                    apiVersion: 'v1',
                    auth: {
                      type: 'basic',
                      username: 'admin',
                      password: 'admin',
                    },
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    app = backend.server;
    stop = () => backend.stop();
    // Wait until the catalog has ingested the examples with their relations.
    for (let i = 0; i < 240; i++) {
      const res = await request(app)
        .get('/api/catalog/entities/by-name/user/default/guest')
        .set('Authorization', asService);
      if (res.status === 200 && res.body.relations?.length) {
        const news = await request(app)
          .get('/api/catalog/entities/by-name/component/default/news-crawler')
          .set('Authorization', asService);
        if (news.status === 200 && news.body.relations?.length) break;
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }, 180_000);

  afterAll(async () => {
    await stop?.();
  });

  it('should let a member of the owning group trigger and pause', async () => {
    const trigger = await request(app)
      .post(`${API}/dags/news_crawler/runs`)
      .set('Authorization', asGuest)
      .send({});
    expect(trigger.status).toBe(201);
    const pause = await request(app)
      .patch(`${API}/dags/news_crawler`)
      .set('Authorization', asGuest)
      .send({ isPaused: true });
    expect(pause.status).toBe(200);
    expect(pause.body.dag.isPaused).toBe(true);
    expect(airflow.triggered).toHaveLength(1);
  });

  it('should refuse a member of another group with 403', async () => {
    const before = airflow.triggered.length;
    const trigger = await request(app)
      .post(`${API}/dags/news_crawler/runs`)
      .set('Authorization', asAlex)
      .send({});
    expect(trigger.status).toBe(403);
    expect(trigger.body.error.message).toContain('crawlers.dag.trigger');
    const pause = await request(app)
      .patch(`${API}/dags/news_crawler`)
      .set('Authorization', asAlex)
      .send({ isPaused: false });
    expect(pause.status).toBe(403);
    expect(airflow.triggered).toHaveLength(before);
  });

  it('should refuse a service principal with 403', async () => {
    const before = airflow.triggered.length;
    const trigger = await request(app)
      .post(`${API}/dags/news_crawler/runs`)
      .set('Authorization', asService)
      .send({});
    expect(trigger.status).toBe(403);
    expect(airflow.triggered).toHaveLength(before);
  });

  it('should still let a member of another group read', async () => {
    const res = await request(app)
      .get(`${API}/airflow`)
      .set('Authorization', asAlex);
    expect(res.status).toBe(200);
    expect(res.body.dags[0].dag.dagId).toBe('news_crawler');
    expect(
      stringifyEntityRef({ kind: 'component', name: 'news-crawler' }),
    ).toBe(res.body.entityRef);
  });
});
