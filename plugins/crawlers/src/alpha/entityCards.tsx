/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isCrawlersAvailable } from '@crawler-platform/plugin-crawlers-common';

/** The crawler's overview card (`entity-card:crawlers/overview`), on crawlers only. */
export const crawlersOverviewEntityCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    type: 'content',
    filter: isCrawlersAvailable,
    loader: () =>
      import('../components/CrawlersOverviewCard').then(m => (
        <m.CrawlersOverviewCard />
      )),
  },
});
