/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createSearchResultListItemExtension } from '@backstage/plugin-search-react';
import type { JSX } from 'react';
import { crawlersApiRef, CrawlersClient } from './api';
import type { CrawlerSearchResultListItemProps } from './components/CrawlerSearchResultListItem';
import { isCrawlerSearchResult } from './components/CrawlerSearchResultListItem/predicate';
import { legacyRootRouteRef } from './routes';

/**
 * The crawlers frontend plugin for apps on the legacy frontend system (`createApp` from `@backstage/app-defaults`).
 * Apps on the new frontend system use the default export of `@crawler-platform/plugin-crawlers/alpha`.
 *
 * @public
 */
export const crawlersPlugin = createPlugin({
  id: 'crawlers',
  apis: [
    createApiFactory({
      api: crawlersApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CrawlersClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: legacyRootRouteRef,
  },
});

/**
 * The crawler's card for the entity overview: one-line health and links. Show it for entities where
 * `isCrawlersAvailable` holds.
 *
 * @public
 */
export const EntityCrawlersOverviewCard: () => JSX.Element =
  crawlersPlugin.provide(
    createComponentExtension({
      name: 'EntityCrawlersOverviewCard',
      component: {
        lazy: () =>
          import('./components/CrawlersOverviewCard').then(
            m => m.CrawlersOverviewCard,
          ),
      },
    }),
  );

/**
 * The crawler tab of the entity page: runs, task logs, git-sync, Fargate pods, import errors and actions. Mount it
 * with `<EntityLayout.Route path="/crawler" title="Crawler" if={isCrawlersAvailable}>`.
 *
 * @public
 */
export const EntityCrawlersContent: () => JSX.Element = crawlersPlugin.provide(
  createRoutableExtension({
    name: 'EntityCrawlersContent',
    component: () =>
      import('./components/CrawlersContent').then(m => m.CrawlersContent),
    mountPoint: legacyRootRouteRef,
  }),
);

/**
 * A crawler in the search results (documents of type `crawler` and `crawler-unclaimed` from
 * `@crawler-platform/plugin-search-backend-module-crawlers`): title and description with the engine's highlights,
 * state of the last run, when it ran, owner and schedule. Put it among the children of the search page's
 * `<SearchResult>`; it renders only crawler results.
 *
 * @public
 */
export const CrawlerSearchResultListItem: (
  props: CrawlerSearchResultListItemProps,
) => JSX.Element | null = crawlersPlugin.provide(
  createSearchResultListItemExtension({
    name: 'CrawlerSearchResultListItem',
    component: () =>
      import('./components/CrawlerSearchResultListItem').then(
        m => m.CrawlerSearchResultListItem,
      ),
    predicate: isCrawlerSearchResult,
  }),
);
