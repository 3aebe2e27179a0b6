/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
export { createCrawlerKubernetesService } from './createCrawlerKubernetesService';
export type { CrawlerKubernetesServiceOptions } from './createCrawlerKubernetesService';
export type {
  CrawlerKubernetesLimits,
  CrawlerKubernetesService,
} from './types';
