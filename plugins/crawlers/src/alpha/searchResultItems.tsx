/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SearchResultListItemBlueprint } from '@backstage/plugin-search-react/alpha';
import { RiBugLine } from '@remixicon/react';
import { isCrawlerSearchResult } from '../components/CrawlerSearchResultListItem/predicate';

/**
 * Crawlers in the search page's results (`search-result-list-item:crawlers`): documents of type `crawler` and
 * `crawler-unclaimed` render with `CrawlerSearchResultListItem`.
 */
export const crawlerSearchResultListItem = SearchResultListItemBlueprint.make({
  params: {
    icon: <RiBugLine aria-hidden size={24} />,
    predicate: isCrawlerSearchResult,
    component: () =>
      import('../components/CrawlerSearchResultListItem').then(
        m => m.CrawlerSearchResultListItem,
      ),
  },
});
