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
import { screen } from '@testing-library/react';
import { crawlersApiRef } from '../api';
import { crawlerEntity, mockCrawlersApi } from '../__testUtils__/fixtures';
import crawlersPlugin from './plugin';
import { crawlersOverviewEntityCard } from './entityCards';
import { crawlersEntityContent } from './entityContents';

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
