/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Frontend plugin `crawlers` of the Crawler Platform: a crawler's entity page (runs, task logs, git-sync, Fargate
 * pods, import errors, diagnosis, actions), overview card and search result list item. This entry point serves apps on the legacy frontend system; the
 * new frontend system's plugin is the default export of `/alpha`.
 *
 * @packageDocumentation
 */

export {
  CrawlerSearchResultListItem,
  crawlersPlugin,
  EntityCrawlersContent,
  EntityCrawlersOverviewCard,
} from './plugin';
export type { CrawlerSearchResultListItemProps } from './components/CrawlerSearchResultListItem';
export { crawlersApiRef, CrawlersClient } from './api';
export type {
  CrawlersApi,
  CrawlersDagRequest,
  CrawlersEntityRequest,
  CrawlersListRunsRequest,
  CrawlersSetPausedRequest,
  CrawlersTaskInstancesRequest,
  CrawlersTaskLogRequest,
  CrawlersTriggerRunRequest,
} from './api';
export { isCrawlersAvailable } from '@crawler-platform/plugin-crawlers-common';
