/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';
import { crawlerEntityModule } from './modules/crawlers';

/**
 * The portal. Frontend plugins listed in package.json are discovered through
 * `app.packages: all` in app-config.yaml; the modules here add the sidebar and
 * the crawler section of the entity page.
 */
export default createApp({
  features: [navModule, crawlerEntityModule],
});
