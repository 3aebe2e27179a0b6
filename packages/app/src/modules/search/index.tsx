/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SearchFilterResultTypeBlueprint } from '@backstage/plugin-search-react/alpha';
import BugReportIcon from '@material-ui/icons/BugReport';

/**
 * "Crawlers" among the result types of the search page: the documents of
 * `@crawler-platform/plugin-search-backend-module-crawlers` (type `crawler`),
 * which the crawlers plugin's list item renders.
 */
export const crawlersResultType = SearchFilterResultTypeBlueprint.make({
  name: 'crawlers',
  params: {
    value: 'crawler',
    name: 'Crawlers',
    icon: <BugReportIcon />,
  },
});

/** The portal's additions to the search page. */
export const searchModule = createFrontendModule({
  pluginId: 'search',
  extensions: [crawlersResultType],
});
