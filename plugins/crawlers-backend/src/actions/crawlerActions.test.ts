/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { setupServer } from 'msw/node';
import {
  BOB,
  denyReadTo,
  localBackendPassthrough,
  startCrawlersBackend,
  useFakeAirflows,
} from '../__testUtils__/testBackend';

const server = setupServer(localBackendPassthrough);
registerMswTestHooks(server);

async function setup(options: { permissions?: any } = {}) {
  const airflow = useFakeAirflows(server);
  const registry = actionsRegistryServiceMock({
    logger: mockServices.logger.mock(),
  });
  await startCrawlersBackend({
    permissions: options.permissions,
    extraFeatures: [
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => registry,
      }),
    ],
  });
  return { registry, airflow };
}

describe('crawlers AI tools', () => {
  it('should register two read-only, idempotent tools whose descriptions say when to call them', async () => {
    const { registry } = await setup();
    const { actions } = await registry.list();
    expect(actions.map(a => a.name)).toEqual([
      'get-crawler-status',
      'diagnose-crawler',
    ]);
    for (const action of actions) {
      expect(action.attributes).toEqual({
        readOnly: true,
        idempotent: true,
        destructive: false,
      });
      expect(action.description).toMatch(/Call it (first )?when/);
      expect(action.schema.input).toMatchObject({
        type: 'object',
        required: ['entityRef'],
      });
    }
  });

  it("should answer get-crawler-status with the crawler's overview", async () => {
    const { registry } = await setup();
    const { output } = await registry.invoke({
      id: 'test:get-crawler-status',
      input: { entityRef: 'shop-crawler' },
      credentials: mockCredentials.user(BOB),
    });
    expect(output).toMatchObject({
      entityRef: 'component:default/shop-crawler',
      instance: 'airflow2',
      dags: {
        data: [
          expect.objectContaining({ dagId: 'shop-products', claimHolds: true }),
          expect.objectContaining({ dagId: 'shop-prices' }),
        ],
      },
      diagnosis: {
        data: expect.objectContaining({ counts: expect.any(Object) }),
      },
    });
  });

  it('should answer diagnose-crawler with findings and one outcome per check', async () => {
    const { registry } = await setup();
    const { output } = (await registry.invoke({
      id: 'test:diagnose-crawler',
      input: { entityRef: 'component:default/shop-crawler' },
      credentials: mockCredentials.user(BOB),
    })) as { output: any };
    expect(output.entityRef).toBe('component:default/shop-crawler');
    expect(output.checks).toHaveLength(9);
    // This instance has no Kubernetes settings: the cluster checks say so instead of guessing.
    expect(
      output.checks.find((c: any) => c.id === 'no-fargate-profile'),
    ).toMatchObject({ status: 'unknown' });
    expect(output.errors).toContainEqual(
      expect.objectContaining({ source: 'kubernetes:config' }),
    );
  });

  it('should give a caller who may not read the crawler an error and no data', async () => {
    const { registry, airflow } = await setup({
      permissions: denyReadTo(BOB).factory,
    });
    const before = airflow.v1.requests.length;
    await expect(
      registry.invoke({
        id: 'test:diagnose-crawler',
        input: { entityRef: 'shop-crawler' },
        credentials: mockCredentials.user(BOB),
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('crawlers.airflow.read'),
    });
    await expect(
      registry.invoke({
        id: 'test:get-crawler-status',
        input: { entityRef: 'shop-crawler' },
        credentials: mockCredentials.user(BOB),
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(airflow.v1.requests.length).toBe(before);
  });

  it('should refuse an entity that is not a crawler, an unknown one and a malformed ref', async () => {
    const { registry } = await setup();
    const invoke = (entityRef: string) =>
      registry.invoke({
        id: 'test:get-crawler-status',
        input: { entityRef },
        credentials: mockCredentials.user(BOB),
      });
    await expect(invoke('plain-service')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await expect(invoke('component:default/nobody')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await expect(invoke('component:default/a/b')).rejects.toMatchObject({
      name: 'InputError',
    });
  });
});
