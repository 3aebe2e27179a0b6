/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DefaultAirflowInstanceClient } from './DefaultAirflowInstanceClient';
import { AirflowUnavailableError } from './errors';
import type { AirflowInstanceConfig } from './types';
import { fakeAirflow } from '../testing/fakeAirflow';
import * as airflowFixtures from '../testing/fixtures';

const BASE = 'http://airflow.test';
const server = setupServer();
registerMswTestHooks(server);

function client(
  overrides: Partial<AirflowInstanceConfig> = {},
  now?: () => number,
) {
  return DefaultAirflowInstanceClient.create({
    config: {
      name: 'main',
      baseUrl: BASE,
      uiUrl: BASE,
      apiVersion: 'auto',
      auth: { type: 'none' },
      timeoutMs: 1000,
      maxConcurrentRequests: 8,
      claims: 'tag',
      ...overrides,
    },
    logger: mockServices.logger.mock(),
    now,
  });
}

const creds = { username: 'admin', password: 's3cret-pw' };

describe.each(['v1', 'v2'] as const)(
  'DefaultAirflowInstanceClient (%s)',
  version => {
    const auth =
      version === 'v1'
        ? ({ type: 'basic', ...creds } as const)
        : ({ type: 'password', ...creds } as const);

    function setup(
      options: Parameters<typeof fakeAirflow>[0] extends infer O
        ? Partial<O>
        : never = {},
    ) {
      const fake = fakeAirflow({
        baseUrl: BASE,
        version,
        dags: ['shop-products'],
        credentials: creds,
        ...options,
      });
      server.use(...fake.handlers);
      return fake;
    }

    it('should detect the API version by probing', async () => {
      setup();
      await expect(client({ auth }).getApiVersion()).resolves.toBe(version);
    });

    it('should probe the version only once', async () => {
      const fake = setup();
      const c = client({ auth });
      await Promise.all([c.getDag('shop-products'), c.getDag('shop-products')]);
      await c.getDag('shop-products');
      const probes = fake.state.requests.filter(r =>
        r.url.pathname.endsWith('/version'),
      );
      expect(probes.length).toBeLessThanOrEqual(2);
      expect(
        probes.filter(r => r.url.pathname === `/api/${version}/version`),
      ).toHaveLength(1);
    });

    it('should not probe when the version is configured', async () => {
      const fake = setup();
      await client({ auth, apiVersion: version }).getDag('shop-products');
      expect(
        fake.state.requests.some(r => r.url.pathname.endsWith('/version')),
      ).toBe(false);
    });

    it('should map a DAG to the shared model', async () => {
      setup();
      const dag = await client({ auth }).getDag('shop-products');
      expect(dag).toEqual({
        dagId: 'shop-products',
        displayName: 'shop-products',
        description: 'Crawls the shop',
        isPaused: false,
        isActive: true,
        schedule: '0 * * * *',
        nextRunLogicalDate:
          version === 'v1'
            ? '2026-01-01T01:00:00+00:00'
            : '2026-01-01T01:00:00Z',
        nextRunAfter:
          version === 'v1'
            ? '2026-01-01T02:00:00+00:00'
            : '2026-01-01T02:00:00Z',
        owners: ['team-crawlers'],
        tags: ['crawler'],
        fileloc: '/opt/airflow/dags/repo/dags/shop-products.py',
        relativeFileloc: version === 'v1' ? null : 'dags/shop-products.py',
        bundleName: version === 'v1' ? null : 'dags-folder',
        hasImportErrors: false,
      });
    });

    it('should list runs newest first with one query key per state', async () => {
      const fake = setup({ runsPerDag: 30 });
      const page = await client({ auth }).listDagRuns('shop-products', {
        limit: 25,
        offset: 0,
        states: ['failed', 'running'],
      });
      expect(page.items).toHaveLength(25);
      expect(page.totalEntries).toBe(30);
      const request = fake.state.requests.find(r =>
        r.url.pathname.endsWith('/dagRuns'),
      )!;
      expect(request.url.searchParams.getAll('state')).toEqual([
        'failed',
        'running',
      ]);
      expect(request.url.searchParams.get('order_by')).toBe(
        version === 'v1' ? '-execution_date' : '-run_after',
      );
    });

    it('should list one page of DAGs ordered by DAG id with the total', async () => {
      const dags = Array.from({ length: 250 }, (_, i) => `dag_${1000 + i}`);
      const fake = setup({ dags: [...dags].reverse() });
      const page = await client({ auth }).listDags({ limit: 100, offset: 200 });
      expect(page.totalEntries).toBe(250);
      expect(page.items.map(d => d.dagId)).toEqual(dags.slice(200));
      const request = fake.state.requests.find(
        r => r.url.pathname === `/api/${version}/dags`,
      )!;
      expect(Object.fromEntries(request.url.searchParams)).toEqual({
        limit: '100',
        offset: '200',
        order_by: 'dag_id',
      });
    });

    it('should map listed DAGs like a single DAG', async () => {
      setup({
        dagTags: { 'shop-products': ['backstage:component:default/x'] },
      });
      const c = client({ auth });
      const { items } = await c.listDags({ limit: 10, offset: 0 });
      expect(items).toEqual([await c.getDag('shop-products')]);
      expect(items[0].tags).toEqual([
        'crawler',
        'backstage:component:default/x',
      ]);
    });

    it('should never ask for more than 100 DAGs a page', async () => {
      const fake = setup();
      await client({ auth }).listDags({ limit: 5000, offset: 0 });
      const request = fake.state.requests.find(
        r => r.url.pathname === `/api/${version}/dags`,
      )!;
      expect(request.url.searchParams.get('limit')).toBe('100');
    });

    it('should list the runs of every DAG newest first through the ~ DAG id', async () => {
      const fake = setup({
        dags: ['a', 'b'],
        dagRuns: {
          a: [{ state: 'failed' }, { state: 'success' }],
          b: [{ state: 'running' }, {}, {}],
        },
      });
      const page = await client({ auth }).listRecentDagRuns({
        limit: 3,
        offset: 0,
      });
      expect(page.totalEntries).toBe(5);
      expect(page.items.map(r => [r.dagId, r.state])).toEqual([
        ['b', 'running'],
        ['a', 'failed'],
        ['b', 'success'],
      ]);
      const request = fake.state.requests.find(r =>
        r.url.pathname.endsWith('/dags/~/dagRuns'),
      )!;
      expect(request.url.searchParams.get('order_by')).toBe(
        version === 'v1' ? '-execution_date' : '-run_after',
      );
    });

    it('should map run dates for the version', async () => {
      setup();
      const { items } = await client({ auth }).listDagRuns('shop-products', {
        limit: 1,
        offset: 0,
      });
      expect(items[0]).toMatchObject({
        runId: 'scheduled__2026-01-01T00:00:00+00:00',
        state: 'success',
        runType: 'scheduled',
        durationSeconds: 60,
        triggeredBy: version === 'v1' ? null : 'timetable',
      });
      expect(items[0].runAfter).toBe(items[0].logicalDate);
    });

    it('should follow pagination for task instances', async () => {
      const fake = setup({ taskInstancesPerRun: 150 });
      const { items: tis, truncated } = await client({
        auth,
      }).listTaskInstances('shop-products', 'manual__1');
      expect(truncated).toBe(false);
      expect(tis).toHaveLength(150);
      expect(tis[149]).toMatchObject({
        taskId: 'task_149',
        tryNumber: 1,
        maxTries: 2,
        durationSeconds: 30,
      });
      const pages = fake.state.requests.filter(r =>
        r.url.pathname.endsWith('/taskInstances'),
      );
      expect(pages.map(r => r.url.searchParams.get('offset'))).toEqual([
        '0',
        '100',
      ]);
    });

    it('should follow pagination for import errors', async () => {
      const files = Array.from({ length: 120 }, (_, i) => `/dags/f${i}.py`);
      setup({ importErrorFiles: files });
      const { items: errors, truncated } = await client({
        auth,
      }).listImportErrors();
      expect(truncated).toBe(false);
      expect(errors.map(e => e.filename)).toEqual(files);
      expect(errors[0].bundleName).toBe(
        version === 'v1' ? null : 'dags-folder',
      );
    });

    it('should read a log chunk with its continuation token', async () => {
      const fake = setup();
      const log = await client({ auth }).getTaskLog(
        'shop-products',
        'manual__1',
        'task_0',
        2,
        {
          token: 'abc',
          mapIndex: 3,
        },
      );
      expect(log.lines.map(l => l.message)).toEqual(['line one', 'line two']);
      expect(log.continuationToken).toBeTruthy();
      expect(log.lines[1]).toEqual(
        version === 'v2'
          ? {
              timestamp: '2026-01-01T00:00:06Z',
              level: 'error',
              message: 'line two',
            }
          : { timestamp: null, level: null, message: 'line two' },
      );
      const request = fake.state.requests.find(r =>
        r.url.pathname.includes('/logs/'),
      )!;
      expect(request.url.pathname).toBe(
        `/api/${version}/dags/shop-products/dagRuns/manual__1/taskInstances/task_0/logs/2`,
      );
      expect(Object.fromEntries(request.url.searchParams)).toEqual({
        token: 'abc',
        map_index: '3',
      });
    });

    it('should encode run ids as one path segment', async () => {
      const fake = setup();
      await client({ auth }).listTaskInstances(
        'shop-products',
        'manual__2026-01-01T00:00:00+00:00',
      );
      const request = fake.state.requests.find(r =>
        r.url.pathname.endsWith('/taskInstances'),
      )!;
      expect(request.url.pathname).toContain(
        '/dagRuns/manual__2026-01-01T00%3A00%3A00%2B00%3A00/',
      );
    });

    it('should trigger a run with the body the version expects', async () => {
      const fake = setup();
      const run = await client({ auth }).triggerDagRun('shop-products', {
        conf: { pages: 3 },
      });
      expect(run).toMatchObject({
        runType: 'manual',
        state: 'queued',
        conf: { pages: 3 },
      });
      expect(fake.state.triggered).toEqual([
        version === 'v1'
          ? { conf: { pages: 3 } }
          : { logical_date: null, conf: { pages: 3 } },
      ]);
    });

    it('should pause a DAG with update_mask=is_paused', async () => {
      const fake = setup();
      const dag = await client({ auth }).setDagPaused('shop-products', true);
      expect(dag.isPaused).toBe(true);
      const request = fake.state.requests.find(r => r.method === 'PATCH')!;
      expect(request.url.searchParams.getAll('update_mask')).toEqual([
        'is_paused',
      ]);
      expect(request.body).toEqual({ is_paused: true });
    });

    it.each([400, 401, 403, 404, 409, 422, 500, 502, 503])(
      'should throw a ResponseError carrying upstream status %s',
      async status => {
        server.use(
          http.all(`${BASE}/*`, () =>
            HttpResponse.json({ detail: 'nope' }, { status }),
          ),
        );
        const error = await client({ apiVersion: version })
          .getDag('shop-products')
          .catch(e => e);
        expect(ResponseError.is(error)).toBe(true);
        expect(error.statusCode).toBe(status);
      },
    );

    it('should throw a 504 AirflowUnavailableError when Airflow is too slow', async () => {
      server.use(
        http.all(`${BASE}/*`, async () => {
          await delay(500);
          return HttpResponse.json({});
        }),
      );
      const error = await client({ apiVersion: version, timeoutMs: 50 })
        .getDag('shop-products')
        .catch(e => e);
      expect(error).toBeInstanceOf(AirflowUnavailableError);
      expect(error.statusCode).toBe(504);
      expect(error.message).toContain('within 50 ms');
    });

    it('should throw a 502 AirflowUnavailableError when Airflow cannot be reached', async () => {
      server.use(http.all(`${BASE}/*`, () => HttpResponse.error()));
      const error = await client({ apiVersion: version })
        .getDag('x')
        .catch(e => e);
      expect(error).toBeInstanceOf(AirflowUnavailableError);
      expect(error.statusCode).toBe(502);
    });
  },
);

describe('DefaultAirflowInstanceClient authentication', () => {
  const auth = { type: 'password', ...creds } as const;

  it('should send Basic credentials to Airflow 2', async () => {
    const fake = fakeAirflow({
      baseUrl: BASE,
      version: 'v1',
      dags: ['d'],
      credentials: creds,
    });
    server.use(...fake.handlers);
    await client({
      apiVersion: 'v1',
      auth: { type: 'basic', ...creds },
    }).getDag('d');
    expect(fake.state.requests[0].headers.get('authorization')).toBe(
      `Basic ${Buffer.from('admin:s3cret-pw').toString('base64')}`,
    );
  });

  it('should send a static bearer token', async () => {
    const fake = fakeAirflow({ baseUrl: BASE, version: 'v2', dags: ['d'] });
    server.use(...fake.handlers);
    await client({
      apiVersion: 'v2',
      auth: { type: 'bearer', token: 'static-tok' },
    }).getDag('d');
    expect(fake.state.requests[0].headers.get('authorization')).toBe(
      'Bearer static-tok',
    );
  });

  it.each(['access_token', 'jwt_token'] as const)(
    'should accept a JWT answered as %s',
    async tokenKey => {
      const fake = fakeAirflow({
        baseUrl: BASE,
        version: 'v2',
        dags: ['d'],
        credentials: creds,
        tokenKey,
      });
      server.use(...fake.handlers);
      await client({ apiVersion: 'v2', auth }).getDag('d');
      const apiCall = fake.state.requests.find(
        r => r.url.pathname === '/api/v2/dags/d',
      )!;
      expect(apiCall.headers.get('authorization')).toBe(
        `Bearer ${fake.state.tokensIssued[0]}`,
      );
    },
  );

  it('should post the credentials as JSON to /auth/token', async () => {
    const fake = fakeAirflow({
      baseUrl: BASE,
      version: 'v2',
      dags: ['d'],
      credentials: creds,
    });
    server.use(...fake.handlers);
    await client({ apiVersion: 'v2', auth }).getDag('d');
    const tokenCall = fake.state.requests.find(
      r => r.url.pathname === '/auth/token',
    )!;
    expect(tokenCall.method).toBe('POST');
    expect(tokenCall.body).toEqual({
      username: 'admin',
      password: 's3cret-pw',
    });
  });

  it('should request a new JWT and retry once when Airflow answers 401', async () => {
    const fake = fakeAirflow({
      baseUrl: BASE,
      version: 'v2',
      dags: ['d'],
      credentials: creds,
    });
    server.use(...fake.handlers);
    const c = client({ apiVersion: 'v2', auth });
    await c.getDag('d');
    fake.state.validTokens.clear();
    await expect(c.getDag('d')).resolves.toMatchObject({ dagId: 'd' });
    expect(fake.state.tokensIssued).toHaveLength(2);
  });

  it('should give up with the 401 when a fresh JWT is rejected too', async () => {
    const fake = fakeAirflow({
      baseUrl: BASE,
      version: 'v2',
      dags: ['d'],
      credentials: creds,
    });
    server.use(
      http.all(`${BASE}/api/*`, () =>
        HttpResponse.json({ detail: 'no' }, { status: 401 }),
      ),
      ...fake.handlers,
    );
    const error = await client({ apiVersion: 'v2', auth })
      .getDag('d')
      .catch(e => e);
    expect(error.statusCode).toBe(401);
    expect(fake.state.tokensIssued).toHaveLength(2);
  });

  it('should refresh the JWT before it expires without waiting for a 401', async () => {
    const fake = fakeAirflow({
      baseUrl: BASE,
      version: 'v2',
      dags: ['d'],
      credentials: creds,
      tokenLifetimeSeconds: 600,
    });
    server.use(...fake.handlers);
    let now = Date.now();
    const c = client({ apiVersion: 'v2', auth }, () => now);
    await c.getDag('d');
    await c.getDag('d');
    expect(fake.state.tokensIssued).toHaveLength(1);
    now += 600_000;
    await c.getDag('d');
    expect(fake.state.tokensIssued).toHaveLength(2);
    expect(
      fake.state.requests.filter(r => r.url.pathname === '/api/v2/dags/d'),
    ).toHaveLength(3);
  });

  it('should share one token request between concurrent calls', async () => {
    const fake = fakeAirflow({
      baseUrl: BASE,
      version: 'v2',
      dags: ['d'],
      credentials: creds,
    });
    server.use(...fake.handlers);
    const c = client({ apiVersion: 'v2', auth });
    await Promise.all(Array.from({ length: 5 }, () => c.getDag('d')));
    expect(fake.state.tokensIssued).toHaveLength(1);
  });

  it('should fail clearly when /auth/token answers without a token', async () => {
    server.use(
      http.post(`${BASE}/auth/token`, () =>
        HttpResponse.json({}, { status: 201 }),
      ),
    );
    await expect(
      client({ apiVersion: 'v2', auth }).getDag('d'),
    ).rejects.toThrow(/without access_token or jwt_token/);
  });

  it('should obtain the JWT during warm-up', async () => {
    const fake = fakeAirflow({
      baseUrl: BASE,
      version: 'v2',
      dags: ['d'],
      credentials: creds,
    });
    server.use(...fake.handlers);
    await client({ auth }).warmUp();
    expect(fake.state.tokensIssued).toHaveLength(1);
  });
});

describe('DefaultAirflowInstanceClient version probe', () => {
  it('should fall back to v1 when /api/v2/version is missing', async () => {
    server.use(
      ...fakeAirflow({ baseUrl: BASE, version: 'v1', dags: [] }).handlers,
    );
    await expect(client().getApiVersion()).resolves.toBe('v1');
  });

  it('should count a 401 on /api/v2/version as v2 being present', async () => {
    server.use(
      http.get(`${BASE}/api/v2/version`, () =>
        HttpResponse.json({ detail: 'x' }, { status: 401 }),
      ),
    );
    await expect(client().getApiVersion()).resolves.toBe('v2');
  });

  it('should report an instance that serves neither version', async () => {
    server.use(
      http.get(`${BASE}/*`, () => new HttpResponse(null, { status: 404 })),
    );
    await expect(client().getApiVersion()).rejects.toThrow(
      /neither \/api\/v2\/version nor \/api\/v1\/version/,
    );
  });

  it('should probe again after a failed probe', async () => {
    server.use(
      http.get(`${BASE}/*`, () => HttpResponse.error(), { once: true }),
    );
    server.use(
      http.get(`${BASE}/api/v2/version`, () => HttpResponse.error(), {
        once: true,
      }),
    );
    const c = client();
    await expect(c.getApiVersion()).rejects.toBeInstanceOf(
      AirflowUnavailableError,
    );
    server.resetHandlers(
      ...fakeAirflow({ baseUrl: BASE, version: 'v2', dags: [] }).handlers,
    );
    await expect(c.getApiVersion()).resolves.toBe('v2');
  });
});

describe('DefaultAirflowInstanceClient limits and answer checks', () => {
  it('should say when paging stopped at its bound instead of stopping silently', async () => {
    const files = Array.from({ length: 5_050 }, (_, i) => `/dags/f${i}.py`);
    server.use(
      ...fakeAirflow({
        baseUrl: BASE,
        version: 'v2',
        dags: [],
        importErrorFiles: files,
      }).handlers,
    );
    const result = await client({ apiVersion: 'v2' }).listImportErrors();
    expect(result.truncated).toBe(true);
    expect(result.items).toHaveLength(5_000);
    expect(result.totalEntries).toBe(5_050);
  });

  it('should treat an answer about another DAG than requested as an upstream error', async () => {
    server.use(
      ...fakeAirflow({ baseUrl: BASE, version: 'v1', dags: ['other'] })
        .handlers,
    );
    server.use(
      http.get(`${BASE}/api/v1/dags/shop`, () =>
        HttpResponse.json(
          airflowFixtures.v1Dag('other', { tags: [{ name: 'x' }] }),
        ),
      ),
    );
    const error = await client({ apiVersion: 'v1' })
      .getDag('shop')
      .catch(e => e);
    expect(error).toBeInstanceOf(AirflowUnavailableError);
    expect(error.message).toContain('with data of DAG "other"');
  });

  it('should reject a run list that contains runs of another DAG', async () => {
    server.use(
      http.get(`${BASE}/api/v2/dags/shop/dagRuns`, () =>
        HttpResponse.json({
          dag_runs: [airflowFixtures.v2Run('other', 0)],
          total_entries: 1,
        }),
      ),
    );
    await expect(
      client({ apiVersion: 'v2' }).listDagRuns('shop', {
        limit: 10,
        offset: 0,
      }),
    ).rejects.toThrow(/with data of DAG "other"/);
  });

  it('should keep at most maxConcurrentRequests requests in flight per instance', async () => {
    let inFlight = 0;
    let most = 0;
    server.use(
      http.get(`${BASE}/api/v1/dags/:dagId`, async ({ params }) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await delay(20);
        inFlight--;
        return HttpResponse.json(airflowFixtures.v1Dag(String(params.dagId)));
      }),
    );
    const c = client({ apiVersion: 'v1', maxConcurrentRequests: 3 });
    const dags = await Promise.all(
      Array.from({ length: 12 }, (_, i) => c.getDag(`d${i}`)),
    );
    expect(dags.map(d => d.dagId)).toEqual(
      Array.from({ length: 12 }, (_, i) => `d${i}`),
    );
    expect(most).toBe(3);
  });

  it('should free the slot of a failed request', async () => {
    server.use(
      http.get(`${BASE}/api/v1/dags/:dagId`, () =>
        HttpResponse.json({ detail: 'nope' }, { status: 404 }),
      ),
    );
    const c = client({ apiVersion: 'v1', maxConcurrentRequests: 1 });
    for (let i = 0; i < 3; i++) {
      await expect(c.getDag('gone')).rejects.toBeInstanceOf(ResponseError);
    }
  });
});
