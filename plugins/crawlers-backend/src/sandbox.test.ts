/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_IDS,
} from '@crawler-platform/plugin-crawlers-common';
import { Sandbox, startSandbox } from '@crawler-platform/sandbox';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ALICE, startCrawlersBackend } from './__testUtils__/testBackend';

/*
 * Integration test against the sandbox's real-HTTP Airflow 2 (/api/v1, Basic auth) and Airflow 3 (/api/v2, JWT),
 * seeded with the news_crawler and price_crawler DAGs and a broken price_crawler_backfill.py. It has its own file
 * because it boots the whole sandbox (git, git-sync, Airflow schedulers) once for all its tests.
 */
jest.setTimeout(120_000);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);

const crawler = (instance: 'airflow2' | 'airflow3'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `news-${instance}`,
    namespace: 'default',
    annotations: {
      [ANNOTATION_CRAWLERS_DAG_IDS]: 'news_crawler,price_crawler_backfill',
      [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: instance,
    },
  },
  spec: { type: 'crawler', lifecycle: 'production', owner: ALICE },
});

describe('crawlers backend against the sandbox', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let app: any;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crawlers-sandbox-test-'));
    sandbox = await startSandbox({ dataDir });
    const credentials = { username: 'admin', password: 'admin' };
    const backend = await startCrawlersBackend({
      entities: [crawler('airflow2'), crawler('airflow3')],
      config: {
        crawlers: {
          airflow: {
            instances: [
              {
                name: 'airflow2',
                baseUrl: sandbox.urls.airflow2,
                auth: { type: 'basic', ...credentials },
              },
              {
                name: 'airflow3',
                baseUrl: sandbox.urls.airflow3,
                auth: { type: 'password', ...credentials },
              },
            ],
          },
          cache: { runsTtlMs: 1, dagTtlMs: 1, importErrorsTtlMs: 1 },
        },
      },
    });
    app = backend.server;
    // git-sync and the DAG processors need a moment after start: wait until both instances list news_crawler.
    for (const instance of ['airflow2', 'airflow3']) {
      for (let attempt = 0; attempt < 120; attempt++) {
        const res = await request(app)
          .get(`${API}/news-${instance}/airflow`)
          .set('Authorization', asAlice);
        if (
          res.status === 200 &&
          res.body.dags[0].dag &&
          res.body.importErrors.length > 0
        ) {
          break;
        }
        await new Promise(resolve => setTimeout(resolve, 500));
      }
    }
  });

  afterAll(async () => {
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each([
    ['airflow2', 'v1'],
    ['airflow3', 'v2'],
  ] as const)('%s', (instance, apiVersion) => {
    it(`should probe ${apiVersion} and show the DAG with its import error`, async () => {
      const res = await request(app)
        .get(`${API}/news-${instance}/airflow`)
        .set('Authorization', asAlice);
      expect(res.status).toBe(200);
      expect(res.body.instance).toMatchObject({ name: instance, apiVersion });
      const [news, backfill] = res.body.dags;
      expect(news.errors).toEqual([]);
      expect(news.dag).toMatchObject({
        dagId: 'news_crawler',
        owners: ['crawler-team'],
      });
      expect(backfill.errors[0]).toMatchObject({
        source: 'dag:price_crawler_backfill',
        status: 404,
      });
      // Airflow 3 reports file names relative to the DAG bundle.
      expect(res.body.importErrors.map((e: any) => e.filename)).toEqual([
        apiVersion === 'v1'
          ? '/opt/airflow/dags/repo/dags/price_crawler_backfill.py'
          : 'dags/price_crawler_backfill.py',
      ]);
    });

    it('should trigger a run that then shows in the runs list', async () => {
      const trigger = await request(app)
        .post(`${API}/news-${instance}/dags/news_crawler/runs`)
        .set('Authorization', asAlice)
        .send({ conf: { source: 'integration-test' } });
      expect(trigger.status).toBe(201);
      expect(trigger.body.run).toMatchObject({
        dagId: 'news_crawler',
        runType: 'manual',
      });
      const runs = await request(app)
        .get(`${API}/news-${instance}/dags/news_crawler/runs?limit=100`)
        .set('Authorization', asAlice);
      expect(runs.status).toBe(200);
      expect(runs.body.runs.map((r: any) => r.runId)).toContain(
        trigger.body.run.runId,
      );
    });

    it('should pause and unpause the DAG', async () => {
      const pause = await request(app)
        .patch(`${API}/news-${instance}/dags/news_crawler`)
        .set('Authorization', asAlice)
        .send({ isPaused: true });
      expect(pause.status).toBe(200);
      expect(pause.body.dag.isPaused).toBe(true);
      const unpause = await request(app)
        .patch(`${API}/news-${instance}/dags/news_crawler`)
        .set('Authorization', asAlice)
        .send({ isPaused: false });
      expect(unpause.body.dag.isPaused).toBe(false);
    });
  });
});
