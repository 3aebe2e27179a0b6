/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { SearchResultListItemBlueprint } from '@backstage/plugin-search-react/alpha';
import { screen } from '@testing-library/react';
import { crawlersApiRef } from '../api';
import { crawlerEntity, mockCrawlersApi } from '../__testUtils__/fixtures';
import crawlersPlugin from './plugin';
import { crawlersOverviewEntityCard } from './entityCards';
import { crawlersEntityContent } from './entityContents';
import { crawlerSearchResultListItem } from './searchResultItems';

const notACrawler = { ...crawlerEntity, spec: { type: 'service' } };

describe('crawlers plugin (new frontend system)', () => {
  it('should be the crawlers plugin with its API, card and tab', () => {
    expect(crawlersPlugin.pluginId).toBe('crawlers');
    expect(crawlersPlugin.getExtension('api:crawlers')).toBeDefined();
    expect(
      crawlersPlugin.getExtension('entity-card:crawlers/overview'),
    ).toBeDefined();
    expect(
      crawlersPlugin.getExtension('entity-content:crawlers/crawler'),
    ).toBeDefined();
    expect(
      crawlersPlugin.getExtension('search-result-list-item:crawlers'),
    ).toBeDefined();
  });

  it('should render crawler search results, and only those, with its list item', async () => {
    const tester = createExtensionTester(crawlerSearchResultListItem);
    const item = tester.get(SearchResultListItemBlueprint.dataRefs.item);
    const result = (type: string) => ({
      type,
      document: {
        title: 'News crawler · news_crawler',
        text: '',
        location: '/catalog/default/component/news-crawler?dag=news_crawler',
        entityRef: 'component:default/news-crawler',
        owner: 'group:default/crawler-team',
        schedule: '@hourly',
        lastRunState: 'success',
        lastRunAt: null,
      },
    });
    expect(item.predicate?.(result('crawler'))).toBe(true);
    expect(item.predicate?.(result('software-catalog'))).toBe(false);

    const Item = item.component;
    renderInTestApp(<Item result={result('crawler').document} rank={1} />);
    expect(
      await screen.findByRole('link', { name: 'News crawler · news_crawler' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/news-crawler?dag=news_crawler',
    );
    expect(screen.getByText('crawler-team')).toBeInTheDocument();
  });

  it('should attach the overview card to crawlers only', () => {
    const tester = createExtensionTester(crawlersOverviewEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(crawlerEntity)).toBe(true);
    expect(filter?.(notACrawler)).toBe(false);
  });

  it('should add the Crawler tab at /crawler for crawlers only', () => {
    const tester = createExtensionTester(crawlersEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Crawler');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(crawlerEntity)).toBe(true);
    expect(filter?.(notACrawler)).toBe(false);
  });

  it('should render the overview card from its extension', async () => {
    const tester = createExtensionTester(crawlersOverviewEntityCard);
    renderInTestApp(
      <TestApiProvider
        apis={[[crawlersApiRef, mockCrawlersApi()], mockApis.permission()]}
      >
        <EntityProvider entity={crawlerEntity}>
          {tester.reactElement()}
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByRole('heading', { name: 'Crawler' }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('crawler-health')).toBeInTheDocument();
  });
});
