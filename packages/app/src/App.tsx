/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';
import { searchModule } from './modules/search';

/**
 * The portal. Frontend plugins listed in package.json are discovered through
 * `app.packages: all` in app-config.yaml: among them
 * `@crawler-platform/plugin-crawlers` (the default export of its `/alpha`),
 * which adds the crawler's overview card and "Crawler" tab to crawler entities
 * and renders crawler results on the search page. The modules here add the
 * sidebar and the search page's "Crawlers" result type.
 */
export default createApp({
  features: [navModule, searchModule],
});
