/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { crawlersApiRef } from './CrawlersApi';
export type { CrawlersApi } from './CrawlersApi';
export type {
  CrawlersDagRequest,
  CrawlersEntityRequest,
  CrawlersListRunsRequest,
  CrawlersSetPausedRequest,
  CrawlersTaskInstancesRequest,
  CrawlersTaskLogRequest,
  CrawlersTriggerRunRequest,
} from '@crawler-platform/plugin-crawlers-common';
export { CrawlersClient } from './CrawlersClient';
