/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { setupServer } from 'msw/node';
import { DefaultAirflowInstanceClient } from './DefaultAirflowInstanceClient';
import { fakeAirflow } from '../testing/fakeAirflow';
import {
  airflowSpecPaths,
  OpenApiContract,
} from './__testUtils__/openApiContract';

/*
 * Contract tests: every request the client sends (method, path, path and query parameters, JSON body) and every
 * response body it parses must validate against the official Airflow specs in ../shared/specs/airflow.
 * POST /auth/token is not part of the v2 REST spec (it belongs to the auth manager), so it is left out here and
 * covered by the unit tests.
 */
const specPaths = airflowSpecPaths();
const specsPresent = fs.existsSync(specPaths.v1) && fs.existsSync(specPaths.v2);
if (!specsPresent) {
  const reason = `Airflow specs not found at ${specPaths.v1} and ${specPaths.v2}`;
  if (process.env.CI) {
    throw new Error(`${reason}: the contract tests must run in CI`);
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipping the Airflow contract tests: ${reason}`);
}
const describeWithSpecs = specsPresent ? describe : describe.skip;

const BASE = 'http://airflow.contract.test';
const server = setupServer();
registerMswTestHooks(server);

describeWithSpecs.each(['v1', 'v2'] as const)(
  'Airflow %s contract',
  version => {
    let specs: Record<'v1' | 'v2', OpenApiContract>;
    let spec: OpenApiContract;
    beforeAll(() => {
      specs = {
        v1: new OpenApiContract(specPaths.v1, '/api/v1'),
        v2: new OpenApiContract(specPaths.v2, ''),
      };
      spec = specs[version];
    });
    /** The version probe also asks the other API; each request is checked against the spec of its own API. */
    const specFor = (pathname: string) =>
      pathname.startsWith('/api/v1/') ? specs.v1 : specs.v2;

    async function exercise() {
      const creds = { username: 'admin', password: 'pw' };
      const fake = fakeAirflow({
        baseUrl: BASE,
        version,
        dags: ['shop-products'],
        runsPerDag: 3,
        taskInstancesPerRun: 120,
        importErrorFiles: Array.from(
          { length: 105 },
          (_, i) => `/dags/f${i}.py`,
        ),
        credentials: creds,
      });
      const responses: Array<{
        method: string;
        pathname: string;
        status: number;
        body: unknown;
      }> = [];
      const onResponse = async ({
        request,
        response,
      }: {
        request: Request;
        response: Response;
      }) => {
        const type = response.headers.get('content-type') ?? '';
        if (type.includes('json')) {
          responses.push({
            method: request.method,
            pathname: new URL(request.url).pathname,
            status: response.status,
            body: await response.clone().json(),
          });
        }
      };
      server.events.on('response:mocked', onResponse);
      server.use(...fake.handlers);
      const client = DefaultAirflowInstanceClient.create({
        config: {
          name: 'contract',
          baseUrl: BASE,
          uiUrl: BASE,
          apiVersion: 'auto',
          auth:
            version === 'v1'
              ? { type: 'basic', ...creds }
              : { type: 'password', ...creds },
          timeoutMs: 2000,
          maxConcurrentRequests: 8,
          claims: 'tag',
        },
        logger: mockServices.logger.mock(),
      });
      await client.getApiVersion();
      await client.getDag('shop-products');
      await client.listDags({ limit: 100, offset: 0 });
      await client.listRecentDagRuns({ limit: 100, offset: 0 });
      await client.listDagRuns('shop-products', { limit: 25, offset: 0 });
      await client.listDagRuns('shop-products', {
        limit: 10,
        offset: 10,
        states: ['failed', 'running'],
      });
      await client.listTaskInstances(
        'shop-products',
        'manual__2026-01-01T00:00:00+00:00',
      );
      await client.getTaskLog('shop-products', 'manual__1', 'task_0', 1);
      await client.getTaskLog('shop-products', 'manual__1', 'task_0', 2, {
        token: 'tok',
        mapIndex: 0,
      });
      await client.listImportErrors();
      await client.triggerDagRun('shop-products');
      await client.triggerDagRun('shop-products', {
        conf: { pages: 2 },
        note: 'from Backstage',
      });
      await client.setDagPaused('shop-products', true);
      await client.setDagPaused('shop-products', false);
      // Let the response listeners finish reading bodies.
      await new Promise(resolve => setImmediate(resolve));
      server.events.removeListener('response:mocked', onResponse);
      return {
        requests: fake.state.requests.filter(
          r => r.url.pathname !== '/auth/token',
        ),
        responses: responses.filter(r => r.pathname !== '/auth/token'),
      };
    }

    it('should send only requests that the spec declares, with valid parameters and bodies', async () => {
      const { requests } = await exercise();
      expect(requests.length).toBeGreaterThan(12);
      const errors = requests.flatMap(r =>
        specFor(r.url.pathname).validateRequest(r),
      );
      expect(errors).toEqual([]);
    });

    it('should parse only response bodies that match the spec', async () => {
      const { responses } = await exercise();
      expect(responses.length).toBeGreaterThan(12);
      const errors = responses.flatMap(r =>
        specFor(r.pathname).validateResponse(r),
      );
      expect(errors).toEqual([]);
    });

    it('should detect a request the spec does not allow', () => {
      const errors = spec.validateRequest({
        method: 'GET',
        url: new URL(`${BASE}/api/${version}/dags/x/dagRuns?bogus=1&limit=abc`),
        body: undefined,
      });
      expect(errors).toEqual(
        expect.arrayContaining([
          expect.stringContaining('has no query parameter bogus'),
          expect.stringContaining('query limit must be integer'),
        ]),
      );
    });

    it('should detect a response body the spec does not allow', () => {
      const errors = spec.validateResponse({
        method: 'GET',
        pathname: `/api/${version}/dags/x`,
        status: 200,
        body: { dag_id: 42, is_paused: 'no' },
      });
      expect(errors.length).toBeGreaterThan(0);
    });
  },
);
