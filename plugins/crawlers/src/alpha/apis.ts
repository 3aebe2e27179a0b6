/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { crawlersApiRef, CrawlersClient } from '../api';

/** The {@link CrawlersClient} behind `crawlersApiRef`. */
export const crawlersApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: crawlersApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CrawlersClient({ discoveryApi, fetchApi }),
    }),
});
