/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_FILES,
  ANNOTATION_CRAWLERS_DAG_IDS,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from '@crawler-platform/plugin-crawlers-common';
import {
  breakScenario,
  healScenario,
  Sandbox,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
  ScenarioId,
  ScenarioOptions,
  startSandbox,
} from '@crawler-platform/sandbox';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ALICE, startCrawlersBackend } from './__testUtils__/testBackend';

/*
 * The diagnosis against the sandbox: every failure switched on with the sandbox's own break/heal scenarios (real AWS,
 * Kubernetes, git and Airflow APIs over HTTP) and read back through GET /diagnosis, as the portal reads it. Its own
 * file because it boots the whole sandbox once for all its tests (the config follows src/sandbox.test.ts).
 */
jest.setTimeout(240_000);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);

const crawler = (
  name: string,
  instance: 'airflow2' | 'airflow3',
  dagIds: string,
  namespace: string,
  dagFiles?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      [ANNOTATION_CRAWLERS_DAG_IDS]: dagIds,
      [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: instance,
      [ANNOTATION_KUBERNETES_NAMESPACE]: namespace,
      ...(dagFiles ? { [ANNOTATION_CRAWLERS_DAG_FILES]: dagFiles } : {}),
    },
  },
  spec: { type: 'crawler', lifecycle: 'production', owner: ALICE },
});

const entities = [
  crawler('news-crawler', 'airflow2', 'news_crawler', 'crawler-news'),
  crawler(
    'price-crawler',
    'airflow3',
    'price_crawler,price_crawler_backfill',
    'crawler-price',
    'airflow3/price_crawler_backfill.py',
  ),
];

/**
 * Each scenario of the sandbox with the variants its finding may show (a predicted failure turns into a refused one
 * once the triggered run has failed), in an order that keeps the shared ones (git-sync, egress) for last.
 */
const SCENARIOS: Array<
  [ScenarioId, ScenarioOptions | undefined, Array<string | undefined>]
> = [
  ['pods-log-forbidden', undefined, ['predicted', 'refused']],
  ['worker-image-missing', undefined, [undefined]],
  ['worker-without-dags', undefined, [undefined]],
  ['image-pull-403', undefined, ['ecr-repository-policy']],
  ['import-error', undefined, [undefined]],
  ['finished-pods', undefined, [undefined]],
  ['no-fargate-profile', undefined, ['no-profile']],
  ['git-sync-auth', undefined, ['credentials']],
  ['git-sync-auth', { refTrap: true }, ['ref-trap']],
  ['no-nat-egress', undefined, ['no-route']],
];

describe('diagnosis against the sandbox', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let app: any;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'crawlers-diagnosis-test-'),
    );
    sandbox = await startSandbox({
      dataDir,
      // Breaks and heals that change DAG files wait for git-sync to pick the commit up.
      gitSyncPeriod: '2s',
      schedulerTickMs: 100,
      delays: {
        buildMs: 10,
        fargateProfileMs: 10,
        scheduleMs: 10,
        pullMs: 10,
        backoffMs: 10,
        runMs: 20,
      },
    });
    await sandbox.ready;
    const credentials = { username: 'admin', password: 'admin' };
    const dagRepository = (subPath: string) => ({
      repositoryName: 'airflow-dags',
      region: SANDBOX_REGION,
      endpoint: sandbox.urls.aws,
      subPath,
    });
    const backend = await startCrawlersBackend({
      entities,
      realClaimService: true,
      config: {
        aws: {
          mainAccount: {
            accessKeyId: SANDBOX_ACCESS_KEY_ID,
            secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
          },
        },
        crawlers: {
          airflow: {
            instances: [
              {
                name: 'airflow2',
                baseUrl: sandbox.urls.airflow2,
                auth: { type: 'basic', ...credentials },
                dagRepository: dagRepository('airflow2'),
                kubernetes: { cluster: 'sandbox', release: 'airflow2' },
              },
              {
                name: 'airflow3',
                baseUrl: sandbox.urls.airflow3,
                auth: { type: 'password', ...credentials },
                dagRepository: dagRepository('airflow3'),
                kubernetes: { cluster: 'sandbox', release: 'airflow3' },
              },
            ],
          },
          // EKS (DescribeCluster, the presigned STS token) and, for the diagnosis, EKS, EC2, IAM and ECR at the
          // sandbox's AWS endpoint with the same credentials.
          clusters: [
            {
              type: 'eks',
              name: 'sandbox',
              region: SANDBOX_REGION,
              clusterName: SANDBOX_CLUSTER_NAME,
              endpoint: sandbox.urls.aws,
            },
          ],
          cache: {
            runsTtlMs: 1,
            dagTtlMs: 1,
            importErrorsTtlMs: 1,
            taskInstancesTtlMs: 1,
            podsTtlMs: 1,
            namespacesTtlMs: 1,
            gitSyncTtlMs: 1,
            repositoryHeadTtlMs: 1,
            clusterConfigTtlMs: 1,
            logsTtlMs: 1,
            awsTtlMs: 1,
          },
        },
      },
    });
    app = backend.server;
  });

  afterAll(async () => {
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const diagnose = async (entity: string) => {
    const res = await request(app)
      .get(`${API}/${entity}/diagnosis`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    return res.body;
  };
  const ids = (body: any) =>
    body.findings.map((f: any) => f.id as string).sort();

  /** Polls the diagnosis until its finding ids are exactly `expected` (every 250 ms, at most 60 s). */
  async function until(entity: string, expected: string[]) {
    let last: any;
    for (let attempt = 0; attempt < 240; attempt++) {
      last = await diagnose(entity);
      if (JSON.stringify(ids(last)) === JSON.stringify([...expected].sort())) {
        return last;
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    throw new Error(
      `the findings of ${entity} never became [${expected.join(
        ', ',
      )}]: ${JSON.stringify({
        findings: last.findings.map((f: any) => [f.id, f.title]),
        checks: last.checks,
        errors: last.errors,
      })}`,
    );
  }

  const settings = () => ({ urls: sandbox.urls, timeoutMs: 60_000 });

  it('should find nothing wrong with news-crawler, every check having read its state', async () => {
    const body = await until('news-crawler', []);
    expect(body.checks.filter((c: any) => c.status !== 'ok')).toEqual([]);
  });

  it("should show price-crawler's seeded faults: pods/log forbidden and the backfill's import error", async () => {
    const body = await until('price-crawler', [
      'import-error',
      'pods-log-forbidden',
    ]);
    const byId = Object.fromEntries(body.findings.map((f: any) => [f.id, f]));
    expect(byId['pods-log-forbidden'].title).toBe(
      'ServiceAccount airflow/airflow-worker may not get pods/log in namespace crawler-price',
    );
    expect(byId['import-error'].evidence[0].object).toBe(
      'Import error price_crawler_backfill.py (bundle dags-folder)',
    );
  });

  it.each(SCENARIOS)(
    'should raise exactly %s when the scenario breaks news-crawler (%j), and clear it on heal',
    async (id, options, variants) => {
      await breakScenario(settings(), id, 'news-crawler', options);
      const broken = await until('news-crawler', [id]);
      const [finding] = broken.findings;
      expect(finding.evidence.length).toBeGreaterThan(0);
      expect(finding.fix.snippet.code).not.toBe('');
      expect(variants).toContain(finding.variant);
      await healScenario(settings(), id, 'news-crawler', options);
      await until('news-crawler', []);
    },
  );
});
