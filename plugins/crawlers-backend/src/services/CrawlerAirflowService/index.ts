/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
export { createCrawlerAirflowService } from './createCrawlerAirflowService';
export type {
  CrawlerAirflowService,
  CrawlerDagClaimResult,
  CrawlerTarget,
} from './types';
