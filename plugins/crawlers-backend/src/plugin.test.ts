/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { crawlersPermissions } from '@crawler-platform/plugin-crawlers-common';
import { setupServer } from 'msw/node';
import { crawlersPlugin } from './plugin';
import {
  airflowConfig,
  entities,
  useFakeAirflows,
} from './__testUtils__/testBackend';

const server = setupServer();
registerMswTestHooks(server);

/** Waits for the startup warm-up (probe of both instances, Airflow 3 JWT) so that it ends inside the test. */
async function startupWarmUp(airflow: ReturnType<typeof useFakeAirflows>) {
  for (let i = 0; i < 100; i++) {
    if (airflow.v2.tokensIssued.length > 0 && airflow.v1.requests.length >= 2) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

describe('crawlersPlugin', () => {
  it('should register the crawlers permissions', async () => {
    const airflow = useFakeAirflows(server);
    const permissionsRegistry = mockServices.permissionsRegistry.mock();
    await startTestBackend({
      features: [
        crawlersPlugin,
        permissionsRegistry.factory,
        mockServices.rootConfig.factory({ data: airflowConfig() }),
        catalogServiceMock.factory({ entities }),
      ],
    });
    expect(permissionsRegistry.addPermissions).toHaveBeenCalledWith(
      crawlersPermissions,
    );
    await startupWarmUp(airflow);
  });

  it('should probe the instances and fetch the Airflow 3 JWT at startup', async () => {
    const airflow = useFakeAirflows(server);
    await startTestBackend({
      features: [
        crawlersPlugin,
        mockServices.rootConfig.factory({ data: airflowConfig() }),
        catalogServiceMock.factory({ entities }),
      ],
    });
    for (
      let i = 0;
      i < 100 &&
      (airflow.v2.tokensIssued.length === 0 || airflow.v1.requests.length < 2);
      i++
    ) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    expect(airflow.v2.tokensIssued).toHaveLength(1);
    expect(airflow.v1.requests.map(r => r.url.pathname)).toEqual([
      '/api/v2/version',
      '/api/v1/version',
    ]);
  });

  it('should refuse to start with an invalid cache TTL', async () => {
    await expect(
      startTestBackend({
        features: [
          crawlersPlugin,
          mockServices.rootConfig.factory({
            data: airflowConfig({ cache: { runsTtlMs: -5 } }),
          }),
          catalogServiceMock.factory({ entities }),
        ],
      }),
    ).rejects.toThrow(
      /crawlers.cache.runsTtlMs must be a positive whole number/,
    );
  });
});
