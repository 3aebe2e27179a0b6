/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Portal search over the crawlers, against the sandbox: the portal's backend
// features (catalog of examples/, search with the in-memory Lunr engine, the
// crawler collators, the permission backend) index the DAGs of the sandbox's
// Airflow 2 (/api/v1) and Airflow 3 (/api/v2). It has its own file because it
// boots the whole sandbox once for all its tests. Its permission policy is the
// portal's, except that users may read only the catalog entities they own, so
// that a user who may not read an entity exists to be tested.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { isPermission } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  Sandbox,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_SECRET_ACCESS_KEY,
  SEED_CRAWLERS,
  startSandbox,
} from '@crawler-platform/sandbox';
import { features } from './features';
import crawlersPermissionPolicy from './permissions/module';
import { CrawlersPermissionPolicy } from './permissions/CrawlersPermissionPolicy';
import { catalogUserInfo, onBehalfOfAuth } from './__testUtils__/auth';

jest.setTimeout(180_000);

const repoRoot = path.resolve(__dirname, '../../..');
const appConfig = parse(
  fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
);
const asGuest = mockCredentials.user.header('user:default/guest');
const asAlex = mockCredentials.user.header('user:default/alex');

/** The portal's policy, except that a user may read only the catalog entities they (or their groups) own. */
const ownersReadPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'owners-read-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
      },
      async init({ policy, userInfo, config }) {
        const portal = CrawlersPermissionPolicy.fromConfig(config, {
          userInfo,
        });
        policy.setPolicy({
          async handle(query, user) {
            if (
              user &&
              isPermission(query.permission, catalogEntityReadPermission)
            ) {
              const { ownershipEntityRefs } = await userInfo.getUserInfo(
                user.credentials,
              );
              return createCatalogConditionalDecision(
                query.permission,
                catalogConditions.isEntityOwner({
                  claims: ownershipEntityRefs,
                }),
              );
            }
            return portal.handle(query, user);
          },
        });
      },
    });
  },
});

/** The search plugin's scheduler, to run the collations when the catalog is ready. */
let searchScheduler: SchedulerService;
const captureScheduler = createBackendModule({
  pluginId: 'search',
  moduleId: 'test-scheduler',
  register(reg) {
    reg.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init({ scheduler }) {
        searchScheduler = scheduler;
      },
    });
  },
});

type Result = { type: string; document: Record<string, any> };

describe('portal search over the crawlers against the sandbox', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let app: any;
  let stop: () => Promise<void>;

  const query = (auth: string, term: string, types: string[]) =>
    request(app)
      .get('/api/search/query')
      .query({ term, types })
      .set('Authorization', auth);

  async function search(
    auth: string,
    term: string,
    types: string[] = ['crawler'],
  ): Promise<Result[]> {
    const res = await query(auth, term, types);
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 200,
      error: undefined,
    });
    return res.body.results;
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-search-test-'));
    sandbox = await startSandbox({
      dataDir,
      // DAGs that no crawler claims, on each Airflow.
      generatedDags: 2,
      gitSyncPeriod: '1h',
      schedulerTickMs: 100,
      delays: { buildMs: 10, fargateProfileMs: 10 },
    });
    await sandbox.ready;
    const [airflow2, airflow3] = appConfig.crawlers.airflow.instances;
    const atSandbox = (instance: any, baseUrl: string) => ({
      ...instance,
      baseUrl,
      dagRepository: { ...instance.dagRepository, endpoint: sandbox.urls.aws },
    });
    const backend = await startTestBackend({
      features: [
        ...features.filter(feature => feature !== crawlersPermissionPolicy),
        ownersReadPolicy,
        onBehalfOfAuth,
        // The real HTTP auth service, so that it authenticates through the auth service above.
        httpAuthServiceFactory,
        catalogUserInfo,
        captureScheduler,
        mockServices.rootConfig.factory({
          data: {
            ...appConfig,
            backend: { ...appConfig.backend, listen: { port: 0 } },
            aws: {
              mainAccount: {
                accessKeyId: SANDBOX_ACCESS_KEY_ID,
                secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
              },
            },
            catalog: {
              ...appConfig.catalog,
              locations: ['org.yaml', 'entities.yaml'].map(file => ({
                type: 'file',
                target: path.join(repoRoot, 'examples', file),
              })),
            },
            search: {
              collators: {
                ...appConfig.search.collators,
                crawler: {
                  ...appConfig.search.collators.crawler,
                  includeUnclaimed: true,
                },
              },
            },
            crawlers: {
              ...appConfig.crawlers,
              // The guest's team runs the platform; alex's does not.
              platformAdmins: ['group:default/crawler-team'],
              airflow: {
                instances: [
                  atSandbox(airflow2, sandbox.urls.airflow2),
                  atSandbox(airflow3, sandbox.urls.airflow3),
                ],
              },
              clusters: appConfig.crawlers.clusters.map((c: any) => ({
                ...c,
                endpoint: sandbox.urls.aws,
              })),
            },
          },
        }),
      ],
    });
    app = backend.server;
    stop = () => backend.stop();
    // Wait until the catalog has ingested the examples with their relations,
    // then run the collations now instead of after their initial delay (the
    // test backend's scheduler runs a task to its end when triggered).
    const ingested = async (ref: string) => {
      const res = await request(backend.server)
        .get(`/api/catalog/entities/by-name/${ref}`)
        .set('Authorization', mockCredentials.service.header());
      return res.status === 200 && res.body.relations?.length > 0;
    };
    const refs = [
      'user/default/guest',
      'component/default/news-crawler',
      'component/default/price-crawler',
    ];
    for (let i = 0; i < 240; i++) {
      if ((await Promise.all(refs.map(ingested))).every(Boolean)) {
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    await searchScheduler.triggerTask('search_index_crawler');
    await searchScheduler.triggerTask('search_index_crawler_unclaimed');
  });

  /** The Authorization header of the sandbox's Airflow 2 (Basic) or Airflow 3 (a JWT from /auth/token). */
  async function airflowAuth(instance: 'airflow2' | 'airflow3') {
    if (instance === 'airflow2') {
      return `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    }
    const res = await fetch(`${sandbox.urls.airflow3}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    });
    return `Bearer ${(await res.json()).access_token}`;
  }

  afterAll(async () => {
    await stop?.();
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should find news_crawler by its DAG id, linking to the news-crawler page', async () => {
    const [first] = await search(asGuest, 'news_crawler');
    expect(first.type).toBe('crawler');
    expect(first.document).toMatchObject({
      dagId: 'news_crawler',
      instance: 'airflow2',
      entityRef: 'component:default/news-crawler',
      entityTitle: 'News crawler',
      owner: 'group:default/crawler-team',
      system: 'system:default/crawlers',
      targets: ['https://example.com/news'],
      paused: expect.any(Boolean),
      hasImportErrors: false,
    });
    const location = new URL(first.document.location, 'http://portal');
    expect(location.pathname).toBe('/catalog/default/component/news-crawler');
    expect(location.searchParams.get('dag')).toBe('news_crawler');
  });

  it('should enrich the DAG with the entity whose claim holds, not with an impostor that names it', async () => {
    const found = await search(asGuest, 'news_crawler');
    const news = found.filter(r => r.document.dagId === 'news_crawler');
    expect(news.map(r => r.document.entityRef)).toEqual([
      'component:default/news-crawler',
    ]);
    expect(
      found.some(
        r => r.document.entityRef === 'component:default/impostor-crawler',
      ),
    ).toBe(false);
  });

  it('should find the price crawler by its target site', async () => {
    const [first] = await search(asGuest, 'example.com/shop');
    expect(first.document).toMatchObject({
      dagId: 'price_crawler',
      instance: 'airflow3',
      entityRef: 'component:default/price-crawler',
      targets: ['https://example.com/shop'],
    });
    expect(new URL(first.document.location, 'http://portal').pathname).toBe(
      '/catalog/default/component/price-crawler',
    );
  });

  it('should find the price crawler by a tag of its DAG', async () => {
    const tag = 'backstage:component:default/price-crawler';
    const [first] = await search(asGuest, tag);
    expect(first.document.tags).toContain(tag);
    expect(first.document.dagId).toBe('price_crawler');
    expect(new URL(first.document.location, 'http://portal').pathname).toBe(
      '/catalog/default/component/price-crawler',
    );
  });

  it("should find the crawlers of an owner, each linking to its entity's page", async () => {
    const found = await search(asGuest, 'crawler-team');
    expect(
      found
        .map(r => [
          r.document.dagId,
          r.document.owner,
          new URL(r.document.location, 'http://portal').pathname,
        ])
        .sort(),
    ).toEqual([
      [
        'news_crawler',
        'group:default/crawler-team',
        '/catalog/default/component/news-crawler',
      ],
      [
        'price_crawler',
        'group:default/crawler-team',
        '/catalog/default/component/price-crawler',
      ],
    ]);
  });

  it('should carry the DAG schedules and last runs as the two Airflows report them', async () => {
    const found = await search(asGuest, 'crawler');
    for (const seeded of SEED_CRAWLERS) {
      const doc = found.find(r => r.document.dagId === seeded.dagId)!.document;
      expect(doc.schedule).toBe(seeded.schedule);
      // The indexed last run is one of the DAG's runs, as Airflow's own API lists them.
      const v1 = seeded.airflow === 'airflow2';
      const runs = await fetch(
        `${sandbox.urls[seeded.airflow]}/api/${v1 ? 'v1' : 'v2'}/dags/${
          seeded.dagId
        }/dagRuns?limit=100`,
        { headers: { authorization: await airflowAuth(seeded.airflow) } },
      ).then(res => res.json());
      expect(
        runs.dag_runs.map((run: any) => Date.parse(run.start_date ?? '')),
      ).toContain(Date.parse(doc.lastRunAt));
      expect(['queued', 'running', 'success', 'failed']).toContain(
        doc.lastRunState,
      );
    }
  });

  it('should not show a user the documents of entities they may not read', async () => {
    expect(await search(asAlex, 'news_crawler')).toEqual([]);
    expect(await search(asAlex, 'example.com/shop')).toEqual([]);
  });

  it('should show the DAGs no crawler claims only to platform admins, linking to the Airflow UI', async () => {
    const found = await search(asGuest, 'generated', ['crawler-unclaimed']);
    expect(found.length).toBeGreaterThanOrEqual(4);
    for (const result of found) {
      expect(result.type).toBe('crawler-unclaimed');
      expect(result.document.entityRef).toBeNull();
      expect(result.document.location).toMatch(
        new RegExp(
          `^(${sandbox.urls.airflow2}/dags/generated_dag_\\d+/grid|${sandbox.urls.airflow3}/dags/generated_dag_\\d+)$`,
        ),
      );
    }
    expect(await search(asAlex, 'generated', ['crawler-unclaimed'])).toEqual(
      [],
    );
  });
});
