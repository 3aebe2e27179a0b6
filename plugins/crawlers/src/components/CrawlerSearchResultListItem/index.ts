/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { CrawlerSearchResultListItem } from './CrawlerSearchResultListItem';
export type { CrawlerSearchResultListItemProps } from './CrawlerSearchResultListItem';
export { isCrawlerSearchResult } from './predicate';
