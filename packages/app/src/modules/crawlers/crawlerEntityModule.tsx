/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isCrawlersAvailable } from '@crawler-platform/plugin-crawlers-common';

/**
 * Whether an entity is a crawler: the suite's one rule, `isCrawlersAvailable`
 * (a Component of `spec.type: crawler` with the DAG ids annotation), the same
 * the backend applies. The crawler cards of the entity page attach with it.
 */
export const isCrawlerEntity = isCrawlersAvailable;

const crawlerOverviewCard = EntityCardBlueprint.make({
  name: 'crawler-overview',
  params: {
    filter: isCrawlerEntity,
    loader: async () => {
      const { CrawlerOverviewCard } = await import('./CrawlerOverviewCard');
      return <CrawlerOverviewCard />;
    },
  },
});

/** The crawler section of the catalog's entity page. */
export const crawlerEntityModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [crawlerOverviewCard],
});
