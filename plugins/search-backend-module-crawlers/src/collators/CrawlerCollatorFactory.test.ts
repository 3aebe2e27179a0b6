/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { crawlersUnclaimedReadPermission } from '@crawler-platform/plugin-crawlers-common';
import { dagClaimTag } from '@crawler-platform/plugin-crawlers-node';
import { fakeAirflow } from '@crawler-platform/plugin-crawlers-node/testUtils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { CrawlerCollatorFactory } from './CrawlerCollatorFactory';
import { UnclaimedDagCollatorFactory } from './UnclaimedDagCollatorFactory';
import {
  collate,
  collatorConfig,
  collatorOptions,
  crawlerEntity,
  instanceConfig,
} from './__testUtils__/setup';

const server = setupServer();
registerMswTestHooks(server);

const NEWS = 'component:default/news-crawler';
const SHOP = 'component:default/shop-crawler';

describe.each([
  ['v1', 'Airflow 2'],
  ['v2', 'Airflow 3'],
] as const)('crawler collators over API %s (%s)', (version, _airflow) => {
  const BASE = `http://airflow-${version}.test`;
  const INSTANCE = `airflow-${version}`;

  /** One fake Airflow of this version and the collator dependencies over it. */
  function setup(
    airflow: Omit<Parameters<typeof fakeAirflow>[0], 'baseUrl' | 'version'>,
    entities: ReturnType<typeof crawlerEntity>[],
    overrides: Parameters<typeof instanceConfig>[3] = {},
  ) {
    const fake = fakeAirflow({ baseUrl: BASE, version, ...airflow });
    server.use(...fake.handlers);
    const { deps, logger } = collatorOptions({
      instances: [instanceConfig(INSTANCE, BASE, version, overrides)],
      entities,
    });
    return { fake, deps, logger };
  }

  const dagListRequests = (fake: ReturnType<typeof fakeAirflow>) =>
    fake.state.requests.filter(r => r.url.pathname === `/api/${version}/dags`);

  it('should index the claimed DAGs of every page, asking for at most 100 DAGs a page', async () => {
    const dags = Array.from(
      { length: 250 },
      (_, i) => `dag_${String(i).padStart(3, '0')}`,
    );
    const claimed = ['dag_000', 'dag_150', 'dag_249'];
    const { fake, deps } = setup(
      {
        dags,
        dagTags: Object.fromEntries(
          claimed.map(id => [id, [dagClaimTag(SHOP)]]),
        ),
      },
      [crawlerEntity('shop-crawler', { dagIds: claimed.join(',') })],
    );
    const { documents, error } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(error).toBeUndefined();
    expect(documents.map(d => (d as any).dagId)).toEqual(claimed);
    expect(
      dagListRequests(fake).map(r => [
        r.url.searchParams.get('limit'),
        r.url.searchParams.get('offset'),
      ]),
    ).toEqual([
      ['100', '0'],
      ['100', '100'],
      ['100', '200'],
    ]);
  });

  it('should enrich a claimed DAG with its entity and link to the entity page', async () => {
    const { deps } = setup(
      {
        dags: ['shop_prices'],
        dagTags: { shop_prices: ['prices', dagClaimTag(SHOP)] },
        dagOverrides: {
          shop_prices: {
            has_import_errors: true,
            ...(version === 'v1'
              ? {
                  schedule_interval: {
                    __type: 'CronExpression',
                    value: '@daily',
                  },
                }
              : { timetable_summary: '@daily' }),
          },
        },
        dagRuns: {
          shop_prices: [
            {
              state: 'failed',
              start_date:
                version === 'v1'
                  ? '2026-01-01T09:00:05+00:00'
                  : '2026-01-01T09:00:05Z',
            },
            {},
          ],
        },
      },
      [
        crawlerEntity('shop-crawler', {
          dagIds: 'shop_prices',
          title: 'Shop crawler',
          description: 'Crawls shop prices.',
          system: 'crawlers',
          links: [
            { url: 'https://example.com/shop', type: 'crawl-target' },
            { url: 'https://wiki.example.com/shop', type: 'docs' },
          ],
        }),
      ],
    );
    const { documents } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(documents).toEqual([
      {
        title: 'Shop crawler · shop_prices',
        text: 'Crawls shop prices.',
        location: '/catalog/default/component/shop-crawler?dag=shop_prices',
        authorization: { resourceRef: SHOP },
        instance: INSTANCE,
        dagId: 'shop_prices',
        dagDisplayName: 'shop_prices',
        airflowUrl:
          version === 'v1'
            ? `${BASE}/ui/dags/shop_prices/grid`
            : `${BASE}/ui/dags/shop_prices`,
        entityRef: SHOP,
        entityTitle: 'Shop crawler',
        owner: 'group:default/crawler-team',
        system: 'system:default/crawlers',
        targets: ['https://example.com/shop'],
        dagOwners: ['team-crawlers'],
        tags: ['crawler', 'prices', dagClaimTag(SHOP)],
        schedule: '@daily',
        paused: false,
        lastRunState: 'failed',
        lastRunAt:
          version === 'v1'
            ? '2026-01-01T09:00:05+00:00'
            : '2026-01-01T09:00:05Z',
        hasImportErrors: true,
      },
    ]);
  });

  it('should report a paused DAG as paused', async () => {
    const { fake, deps } = setup(
      { dags: ['shop_prices'], dagTags: { shop_prices: [dagClaimTag(SHOP)] } },
      [crawlerEntity('shop-crawler', { dagIds: 'shop_prices' })],
    );
    fake.state.paused.set('shop_prices', true);
    const { documents } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(documents[0]).toMatchObject({ dagId: 'shop_prices', paused: true });
  });

  it('should not enrich a DAG with an entity whose claim it refuses', async () => {
    const { deps } = setup(
      {
        dags: ['news', 'orphan'],
        dagTags: { news: [dagClaimTag(NEWS)], orphan: ['crawler'] },
      },
      [
        crawlerEntity('news-crawler', { dagIds: 'news' }),
        // Claims both; "news" names news-crawler and "orphan" names nobody.
        crawlerEntity('impostor-crawler', { dagIds: 'news,orphan' }),
      ],
    );
    const claimed = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(
      claimed.documents.map(d => [(d as any).dagId, (d as any).entityRef]),
    ).toEqual([['news', NEWS]]);
    const unclaimed = await collate(
      UnclaimedDagCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(unclaimed.documents.map(d => (d as any).dagId)).toEqual(['orphan']);
  });

  it('should leave unclaimed DAGs out of the crawler type', async () => {
    const { deps } = setup({ dags: ['orphan_a', 'orphan_b'] }, []);
    const { documents, error } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(error).toBeUndefined();
    expect(documents).toEqual([]);
  });

  it('should index unclaimed DAGs as their own type that links to the Airflow UI without an entity', async () => {
    const { deps } = setup(
      {
        dags: ['news', 'orphan'],
        dagTags: { news: [dagClaimTag(NEWS)] },
        dagRuns: { orphan: [{ state: 'running' }] },
      },
      [crawlerEntity('news-crawler', { dagIds: 'news' })],
    );
    const factory = UnclaimedDagCollatorFactory.fromConfig(
      collatorConfig({ includeUnclaimed: true }),
      deps,
    );
    const { documents } = await collate(factory);
    expect(documents).toEqual([
      expect.objectContaining({
        title: 'orphan',
        location:
          version === 'v1'
            ? `${BASE}/ui/dags/orphan/grid`
            : `${BASE}/ui/dags/orphan`,
        dagId: 'orphan',
        entityRef: null,
        owner: null,
        targets: [],
        lastRunState: 'running',
      }),
    ]);
    expect(documents[0]).not.toHaveProperty('authorization');
  });

  it('should read last runs from the newest runs of the instance without a request per DAG', async () => {
    const dags = ['a', 'b', 'c'];
    const { fake, deps } = setup(
      {
        dags,
        dagTags: Object.fromEntries(dags.map(id => [id, [dagClaimTag(SHOP)]])),
        dagRuns: { a: [{ state: 'success' }], b: [{ state: 'failed' }], c: [] },
      },
      [crawlerEntity('shop-crawler', { dagIds: 'a,b,c' })],
    );
    const { documents } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(
      documents.map(d => [(d as any).dagId, (d as any).lastRunState]),
    ).toEqual([
      ['a', 'success'],
      ['b', 'failed'],
      ['c', null],
    ]);
    expect(
      fake.state.requests.filter(r =>
        /\/dags\/[abc]\/dagRuns$/.test(r.url.pathname),
      ),
    ).toEqual([]);
  });

  it('should ask a claimed DAG for its last run when it is not among the recent runs read', async () => {
    const { fake, deps } = setup(
      {
        dags: ['busy', 'quiet'],
        dagTags: {
          busy: [dagClaimTag(SHOP)],
          quiet: [dagClaimTag(SHOP)],
        },
        dagRuns: {
          busy: [{ state: 'running' }, {}, {}],
          quiet: [{ state: 'failed', start_date: null }],
        },
      },
      [crawlerEntity('shop-crawler', { dagIds: 'busy,quiet' })],
    );
    const { documents } = await collate(
      CrawlerCollatorFactory.fromConfig(
        collatorConfig({ recentRuns: 2 }),
        deps,
      ),
    );
    expect(
      documents.map(d => [(d as any).dagId, (d as any).lastRunState]),
    ).toEqual([
      ['busy', 'running'],
      ['quiet', 'failed'],
    ]);
    expect(
      fake.state.requests
        .filter(r => /\/dags\/\w+\/dagRuns$/.test(r.url.pathname))
        .map(r => r.url.pathname),
    ).toEqual([`/api/${version}/dags/quiet/dagRuns`]);
  });

  it('should not ask an unclaimed DAG for its last run', async () => {
    const { fake, deps } = setup(
      {
        dags: ['busy', 'quiet'],
        dagRuns: { busy: [{}, {}, {}], quiet: [{ state: 'failed' }] },
      },
      [],
    );
    const { documents } = await collate(
      UnclaimedDagCollatorFactory.fromConfig(
        collatorConfig({ recentRuns: 2 }),
        deps,
      ),
    );
    expect(
      documents.map(d => [(d as any).dagId, (d as any).lastRunState]),
    ).toEqual([
      ['busy', 'success'],
      ['quiet', null],
    ]);
    expect(
      fake.state.requests.filter(r =>
        /\/dags\/(busy|quiet)\/dagRuns$/.test(r.url.pathname),
      ),
    ).toEqual([]);
  });

  it('should stream documents while later pages are still unread', async () => {
    const dags = Array.from(
      { length: 1000 },
      (_, i) => `dag_${String(i).padStart(4, '0')}`,
    );
    const { fake, deps } = setup({ dags }, []);
    const collator = await UnclaimedDagCollatorFactory.fromConfig(
      collatorConfig(),
      deps,
    ).getCollator();
    const first = await new Promise(resolve => collator.once('data', resolve));
    collator.pause();
    expect(first).toMatchObject({ dagId: 'dag_0000' });
    // The page being read and the one fetched ahead, of ten.
    expect(dagListRequests(fake).length).toBeLessThanOrEqual(2);
    collator.destroy();
  });

  it('should not index a DAG twice when the list shifts between pages', async () => {
    const dags = Array.from(
      { length: 150 },
      (_, i) => `dag_${String(i).padStart(3, '0')}`,
    );
    const { deps } = setup({ dags }, []);
    // A DAG added before the second page: the list moves on by one, so the second page repeats dag_099.
    server.use(
      http.get(`${BASE}/api/${version}/dags`, ({ request }) => {
        const offset = Number(new URL(request.url).searchParams.get('offset'));
        const all = ['dag_000a', ...dags];
        const ids = offset === 0 ? dags.slice(0, 100) : all.slice(offset);
        return HttpResponse.json({
          dags: ids.map(id => ({
            dag_id: id,
            dag_display_name: id,
            is_paused: false,
            tags: [],
            owners: [],
          })),
          total_entries: offset === 0 ? dags.length : all.length,
        });
      }),
    );
    const { documents } = await collate(
      UnclaimedDagCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    const ids = documents.map(d => (d as any).dagId);
    expect(ids).toHaveLength(150);
    expect(new Set(ids).size).toBe(150);
  });
});

describe('crawler collators over several instances', () => {
  it('should log and skip an unreachable instance and index the others', async () => {
    const up = fakeAirflow({
      baseUrl: 'http://up.test',
      version: 'v2',
      dags: ['news'],
      dagTags: { news: [dagClaimTag(NEWS)] },
    });
    server.use(
      ...up.handlers,
      http.all('http://down.test/*', () => HttpResponse.error()),
    );
    const { deps, logger } = collatorOptions({
      instances: [
        instanceConfig('down', 'http://down.test', 'v1'),
        instanceConfig('up', 'http://up.test', 'v2'),
      ],
      entities: [
        crawlerEntity('old-crawler', { dagIds: 'old', instance: 'down' }),
        crawlerEntity('news-crawler', { dagIds: 'news', instance: 'up' }),
      ],
    });
    const { documents, error } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(error).toBeUndefined();
    expect(documents.map(d => [(d as any).instance, (d as any).dagId])).toEqual(
      [['up', 'news']],
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Skipped an Airflow instance'),
      expect.objectContaining({
        instance: 'down',
        error: expect.stringContaining('could not be reached'),
      }),
    );
  });

  it('should look a DAG up on the instance its entity names, the first by default', async () => {
    const first = fakeAirflow({
      baseUrl: 'http://first.test',
      version: 'v1',
      dags: ['shared'],
      dagTags: { shared: [dagClaimTag(NEWS)] },
    });
    const second = fakeAirflow({
      baseUrl: 'http://second.test',
      version: 'v2',
      dags: ['shared'],
      dagTags: { shared: [dagClaimTag(SHOP)] },
    });
    server.use(...first.handlers, ...second.handlers);
    const { deps } = collatorOptions({
      instances: [
        instanceConfig('first', 'http://first.test', 'v1'),
        instanceConfig('second', 'http://second.test', 'v2'),
      ],
      entities: [
        crawlerEntity('news-crawler', { dagIds: 'shared' }),
        crawlerEntity('shop-crawler', { dagIds: 'shared', instance: 'second' }),
      ],
    });
    const { documents } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(
      documents.map(d => [(d as any).instance, (d as any).entityRef]),
    ).toEqual([
      ['first', NEWS],
      ['second', SHOP],
    ]);
  });

  it('should name the first entity and warn when a DAG confirms several claims', async () => {
    const fake = fakeAirflow({
      baseUrl: 'http://one.test',
      version: 'v2',
      dags: ['shared'],
      dagTags: { shared: [dagClaimTag(SHOP), dagClaimTag(NEWS)] },
    });
    server.use(...fake.handlers);
    const { deps, logger } = collatorOptions({
      instances: [instanceConfig('one', 'http://one.test', 'v2')],
      entities: [
        crawlerEntity('shop-crawler', { dagIds: 'shared' }),
        crawlerEntity('news-crawler', { dagIds: 'shared' }),
      ],
    });
    const { documents } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(documents.map(d => (d as any).entityRef)).toEqual([NEWS]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('several entities'),
      expect.objectContaining({ entities: `${NEWS}, ${SHOP}` }),
    );
  });

  it('should skip, with a warning, a crawler whose Airflow instance is not configured', async () => {
    const fake = fakeAirflow({
      baseUrl: 'http://one.test',
      version: 'v2',
      dags: ['news'],
      dagTags: { news: [dagClaimTag(NEWS)] },
    });
    server.use(...fake.handlers);
    const { deps, logger } = collatorOptions({
      instances: [instanceConfig('one', 'http://one.test', 'v2')],
      entities: [
        crawlerEntity('news-crawler', { dagIds: 'news', instance: 'gone' }),
      ],
    });
    const { documents } = await collate(
      CrawlerCollatorFactory.fromConfig(collatorConfig(), deps),
    );
    expect(documents).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('instance is not configured'),
      expect.objectContaining({ entity: NEWS, instance: 'gone' }),
    );
  });

  it('should read the crawler entities with the module service credentials, in pages', async () => {
    const { deps } = collatorOptions({ instances: [], entities: [] });
    const streamEntities = jest.spyOn(deps.catalog, 'streamEntities');
    await collate(CrawlerCollatorFactory.fromConfig(collatorConfig(), deps));
    expect(streamEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        filter: { kind: 'Component', 'spec.type': 'crawler' },
        pageSize: 500,
      }),
      {
        credentials: expect.objectContaining({
          principal: { type: 'service', subject: 'plugin:test' },
        }),
      },
    );
  });

  it('should guard the crawler type with the catalog read permission and the unclaimed type with its own', () => {
    const { deps } = collatorOptions({ instances: [], entities: [] });
    const claimed = CrawlerCollatorFactory.fromConfig(collatorConfig(), deps);
    const unclaimed = UnclaimedDagCollatorFactory.fromConfig(
      collatorConfig(),
      deps,
    );
    expect([claimed.type, claimed.visibilityPermission]).toEqual([
      'crawler',
      catalogEntityReadPermission,
    ]);
    expect([unclaimed.type, unclaimed.visibilityPermission]).toEqual([
      'crawler-unclaimed',
      crawlersUnclaimedReadPermission,
    ]);
  });
});
