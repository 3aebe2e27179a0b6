/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SearchResultListItemExtensions } from '@backstage/plugin-search-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { crawlersApiRef } from './api';
import { crawlerEntity, mockCrawlersApi } from './__testUtils__/fixtures';
import {
  CrawlerSearchResultListItem,
  EntityCrawlersContent,
  EntityCrawlersOverviewCard,
} from './plugin';
import { legacyRootRouteRef } from './routes';

// The legacy exports in a legacy test app (`@backstage/test-utils`, the core-app-api of apps on the old frontend
// system): the same components must work there.
const apis = [
  [crawlersApiRef, mockCrawlersApi()],
  [
    permissionApiRef,
    { authorize: async () => ({ result: AuthorizeResult.ALLOW }) },
  ],
] as const;

describe('legacy extensions', () => {
  it('should render the overview card in a legacy app', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <EntityProvider entity={crawlerEntity}>
          <EntityCrawlersOverviewCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/crawler': legacyRootRouteRef } },
    );
    expect(
      await screen.findByRole('heading', { name: 'Crawler' }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('crawler-health')).toBeInTheDocument();
    // the card links to the tab where the app mounted it
    expect(screen.getByRole('link', { name: 'Crawler tab' })).toHaveAttribute(
      'href',
      '/crawler',
    );
    expect(
      screen.getByRole('link', { name: 'Namespace crawler-news' }),
    ).toHaveAttribute('href', '/crawler#pods');
  });

  it('should render the crawler tab in a legacy app', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <EntityProvider entity={crawlerEntity}>
          <Routes>
            <Route path="/crawler" element={<EntityCrawlersContent />} />
          </Routes>
        </EntityProvider>
      </TestApiProvider>,
      { routeEntries: ['/crawler'] },
    );
    expect(
      await screen.findByRole('heading', { name: 'Runs of news_crawler' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Trigger run' }),
    ).toBeInTheDocument();
  });

  it('should render crawler search results with its list item and leave the others to the default', async () => {
    // a crawler document carries more fields than SearchDocument names
    const crawlerDocument = {
      title: 'News crawler · news_crawler',
      text: 'Crawls the news',
      location: '/catalog/default/component/news-crawler?dag=news_crawler',
      entityRef: 'component:default/news-crawler',
      owner: 'group:default/crawler-team',
      schedule: '@hourly',
      lastRunState: 'failed',
      lastRunAt: null,
    };
    await renderInTestApp(
      <SearchResultListItemExtensions
        results={[
          {
            type: 'crawler',
            document: crawlerDocument,
          },
          {
            type: 'software-catalog',
            document: {
              title: 'news-crawler',
              text: 'The catalog entity',
              location: '/catalog/default/component/news-crawler',
            },
          },
        ]}
      >
        <CrawlerSearchResultListItem />
      </SearchResultListItemExtensions>,
    );
    expect(
      await screen.findByRole('link', { name: 'News crawler · news_crawler' }),
    ).toBeInTheDocument();
    // the crawler item's facts, for the crawler result only
    expect(screen.getByText('failed')).toBeInTheDocument();
    expect(screen.getAllByText('Schedule')).toHaveLength(1);
    expect(screen.getByText('The catalog entity')).toBeInTheDocument();
  });
});
