/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { useRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The crawler tab of the entity page (the overview card links to its sections). */
export const rootRouteRef = createRouteRef();

/** The same route for the legacy frontend system. */
export const legacyRootRouteRef = convertLegacyRouteRef(rootRouteRef);

/**
 * The path of the crawler tab, or undefined where the app has not mounted it. Works in both frontend systems
 * (`@backstage/core-plugin-api`'s `useRouteRef` asks the new system's route resolution, else the legacy routing
 * context), and never throws: an app without the tab simply gets no link.
 */
export function useCrawlerTabPath(): string | undefined {
  try {
    // the hook calls its own hooks before it can throw, so their order is stable
    return useRouteRef(legacyRootRouteRef)();
  } catch {
    return undefined;
  }
}
