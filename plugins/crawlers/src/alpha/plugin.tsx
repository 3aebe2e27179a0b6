/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { rootRouteRef } from '../routes';
import { crawlersApi } from './apis';
import { crawlersOverviewEntityCard } from './entityCards';
import { crawlersEntityContent } from './entityContents';
import { crawlerSearchResultListItem } from './searchResultItems';

/**
 * The crawlers plugin for the new frontend system: the API client, the crawler's overview card and the "Crawler" tab
 * of the entity page, both shown only where `isCrawlersAvailable` holds, and the search page's list item for crawler
 * results.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'crawlers',
  title: 'Crawlers',
  info: { packageJson: () => import('../../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    crawlersApi,
    crawlersOverviewEntityCard,
    crawlersEntityContent,
    crawlerSearchResultListItem,
  ],
});
