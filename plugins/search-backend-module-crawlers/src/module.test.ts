/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { searchModuleCrawlersCollator } from './module';
import { CrawlerCollatorFactory } from './collators/CrawlerCollatorFactory';
import { UnclaimedDagCollatorFactory } from './collators/UnclaimedDagCollatorFactory';

function start(crawler?: JsonObject) {
  const extensionPoint = { addCollator: jest.fn(), addDecorator: jest.fn() };
  const scheduler = mockServices.scheduler.mock();
  const backend = startTestBackend({
    extensionPoints: [[searchIndexRegistryExtensionPoint, extensionPoint]],
    features: [
      searchModuleCrawlersCollator,
      scheduler.factory,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({
        data: {
          ...(crawler ? { search: { collators: { crawler } } } : {}),
          crawlers: {
            airflow: {
              instances: [{ name: 'airflow2', baseUrl: 'http://a.test' }],
            },
          },
        },
      }),
    ],
  });
  return { backend, extensionPoint, scheduler };
}

describe('searchModuleCrawlersCollator', () => {
  it('should register the crawler collator on the configured schedule', async () => {
    const schedule = {
      frequency: { minutes: 5 },
      timeout: { minutes: 4 },
      initialDelay: { seconds: 5 },
    };
    const { backend, extensionPoint, scheduler } = start({ schedule });
    await backend;
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith(schedule);
    expect(extensionPoint.addCollator).toHaveBeenCalledTimes(1);
    expect(extensionPoint.addCollator).toHaveBeenCalledWith({
      schedule: scheduler.createScheduledTaskRunner.mock.results[0].value,
      factory: expect.any(CrawlerCollatorFactory),
    });
  });

  it('should register the unclaimed-DAG collator too when includeUnclaimed is on', async () => {
    const { backend, extensionPoint } = start({ includeUnclaimed: true });
    await backend;
    expect(
      extensionPoint.addCollator.mock.calls.map(([c]) => c.factory.type),
    ).toEqual(['crawler', 'crawler-unclaimed']);
    expect(extensionPoint.addCollator.mock.calls[1][0].factory).toBeInstanceOf(
      UnclaimedDagCollatorFactory,
    );
  });

  it('should fail start-up naming the key when the schedule is invalid', async () => {
    const { backend } = start({ schedule: { frequency: 'often' } });
    await expect(backend).rejects.toThrow(
      /Invalid schedule at search\.collators\.crawler\.schedule/,
    );
  });
});
