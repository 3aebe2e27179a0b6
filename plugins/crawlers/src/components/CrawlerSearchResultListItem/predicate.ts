/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { SearchResult } from '@backstage/plugin-search-common';
import type { CrawlersSearchType } from '@crawler-platform/plugin-crawlers-common';

const TYPES: readonly string[] = [
  'crawler',
  'crawler-unclaimed',
] satisfies CrawlersSearchType[];

/** Whether a search result is a Crawler Platform document (a claimed or an unclaimed DAG). */
export function isCrawlerSearchResult(result: SearchResult): boolean {
  return TYPES.includes(result.type);
}
