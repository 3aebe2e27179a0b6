/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isCrawlersAvailable } from '@crawler-platform/plugin-crawlers-common';
import { rootRouteRef } from '../routes';

/** The "Crawler" tab of the entity page (`entity-content:crawlers/crawler`), on crawlers only. */
export const crawlersEntityContent = EntityContentBlueprint.make({
  name: 'crawler',
  params: {
    path: '/crawler',
    title: 'Crawler',
    routeRef: rootRouteRef,
    filter: isCrawlersAvailable,
    loader: () =>
      import('../components/CrawlersContent').then(m => <m.CrawlersContent />),
  },
});
