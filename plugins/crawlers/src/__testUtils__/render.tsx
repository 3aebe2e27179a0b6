/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Entity } from '@backstage/catalog-model';
import type { RouteRef } from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { act } from '@testing-library/react';
import type { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { CrawlersApi, crawlersApiRef } from '../api';
import { crawlerEntity, mockCrawlersApi } from './fixtures';

/** A permission decision, or one per permission name. */
export type PermissionDecision =
  | AuthorizeResult.ALLOW
  | AuthorizeResult.DENY
  | ((name: string) => AuthorizeResult.ALLOW | AuthorizeResult.DENY);

/** What {@link renderCrawler} renders with. */
export interface RenderCrawlerOptions {
  api?: Partial<CrawlersApi>;
  entity?: Entity;
  permission?: PermissionDecision;
  /** Routes the app mounts, e.g. `{ '/crawler': rootRouteRef }` for the links to the crawler tab. */
  mountedRoutes?: Record<string, RouteRef>;
}

/**
 * Renders a component of the plugin inside a test app, for an entity, with a mock crawlers API, a permission API
 * (allowing everything unless `permission` says otherwise) and an alert API whose alerts the test can read.
 */
export async function renderCrawler(
  element: ReactElement,
  options: RenderCrawlerOptions = {},
): Promise<{
  api: jest.Mocked<CrawlersApi>;
  alertApi: ReturnType<typeof mockApis.alert>;
  rendered: ReturnType<typeof renderInTestApp>;
}> {
  const api = mockCrawlersApi(options.api);
  const alertApi = mockApis.alert();
  const decide = options.permission ?? AuthorizeResult.ALLOW;
  const permissionApi = mockApis.permission({
    authorize:
      typeof decide === 'function'
        ? request => decide(request.permission.name)
        : decide,
  });
  // usePermission caches decisions in SWR: a fresh cache per test keeps one test's decision out of the next
  const rendered = renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider apis={[[crawlersApiRef, api], alertApi, permissionApi]}>
        <EntityProvider entity={options.entity ?? crawlerEntity}>
          {element}
        </EntityProvider>
      </TestApiProvider>
    </SWRConfig>,
    { mountedRoutes: options.mountedRoutes },
  );
  // the mock API answers at once: let the first loads land inside act()
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
  return { api, alertApi, rendered };
}
