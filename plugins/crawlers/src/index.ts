/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Frontend plugin `crawlers` of the Crawler Platform: a crawler's entity page (runs, task logs, git-sync, Fargate
 * pods, import errors, actions) and overview card. This entry point serves apps on the legacy frontend system; the
 * new frontend system's plugin is the default export of `/alpha`.
 *
 * @packageDocumentation
 */

export {
  crawlersPlugin,
  EntityCrawlersContent,
  EntityCrawlersOverviewCard,
} from './plugin';
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
