/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { crawlersApiRef } from './CrawlersApi';
export type {
  CrawlersApi,
  CrawlersDagRequest,
  CrawlersEntityRequest,
  CrawlersListRunsRequest,
  CrawlersSetPausedRequest,
  CrawlersTaskInstancesRequest,
  CrawlersTaskLogRequest,
  CrawlersTriggerRunRequest,
} from './CrawlersApi';
export { CrawlersClient } from './CrawlersClient';
