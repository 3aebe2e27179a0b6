/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  crawlersApiRef,
  crawlersPlugin,
  EntityCrawlersContent,
  EntityCrawlersOverviewCard,
  isCrawlersAvailable,
} from './index';

describe('crawlers plugin (legacy frontend system)', () => {
  it('should provide the crawlers API and its two entity extensions', () => {
    expect(crawlersPlugin.getId()).toBe('crawlers');
    expect(
      [...crawlersPlugin.getApis()].map(factory => factory.api.id),
    ).toEqual([crawlersApiRef.id]);
    expect(crawlersApiRef.id).toBe('plugin.crawlers.service');
    expect(EntityCrawlersOverviewCard).toBeDefined();
    expect(EntityCrawlersContent).toBeDefined();
  });

  it('should re-export the suite’s one rule for "is a crawler"', () => {
    expect(
      isCrawlersAvailable({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'x',
          annotations: { 'crawler-platform.io/dag-ids': 'x' },
        },
        spec: { type: 'crawler' },
      }),
    ).toBe(true);
  });
});
