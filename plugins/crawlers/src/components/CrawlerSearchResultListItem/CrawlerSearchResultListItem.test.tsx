/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { CrawlersSearchDocument } from '@crawler-platform/plugin-crawlers-common';
import { screen } from '@testing-library/react';
import { minutesAgo } from '../../__testUtils__/fixtures';
import { CrawlerSearchResultListItem } from './CrawlerSearchResultListItem';
import { isCrawlerSearchResult } from './predicate';

function crawlerDocument(
  overrides: Partial<CrawlersSearchDocument> = {},
): CrawlersSearchDocument {
  return {
    title: 'News crawler · news_crawler',
    text: 'Crawls the news sites every hour',
    location: '/catalog/default/component/news-crawler?dag=news_crawler',
    instance: 'airflow2',
    dagId: 'news_crawler',
    dagDisplayName: 'news_crawler',
    airflowUrl: 'http://127.0.0.1:7181/dags/news_crawler/grid',
    entityRef: 'component:default/news-crawler',
    entityTitle: 'News crawler',
    owner: 'group:default/crawler-team',
    system: 'system:default/crawlers',
    targets: ['https://news.example.com'],
    dagOwners: ['crawler-team'],
    tags: ['news', 'backstage:component:default/news-crawler'],
    schedule: '@hourly',
    paused: false,
    lastRunState: 'success',
    lastRunAt: minutesAgo(5),
    hasImportErrors: false,
    ...overrides,
  };
}

describe('CrawlerSearchResultListItem', () => {
  it('should link the title to the entity page and show state, last run, owner and schedule', async () => {
    renderInTestApp(<CrawlerSearchResultListItem result={crawlerDocument()} />);
    const link = await screen.findByRole('link', {
      name: 'News crawler · news_crawler',
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/news-crawler?dag=news_crawler',
    );
    expect(
      screen.getByText('Crawls the news sites every hour'),
    ).toBeInTheDocument();
    expect(screen.getByText('success')).toBeInTheDocument();
    expect(screen.getByText('5 min ago')).toBeInTheDocument();
    expect(screen.getByText('crawler-team')).toBeInTheDocument();
    expect(screen.getByText('@hourly')).toBeInTheDocument();
    expect(screen.getByText('news_crawler')).toBeInTheDocument();
    expect(screen.getByText('on airflow2')).toBeInTheDocument();
    expect(screen.queryByText('paused')).not.toBeInTheDocument();
    expect(screen.queryByText('import error')).not.toBeInTheDocument();
  });

  it("should mark the engine's highlights in the title and the text", async () => {
    renderInTestApp(
      <CrawlerSearchResultListItem
        result={crawlerDocument()}
        highlight={{
          preTag: '<em>',
          postTag: '</em>',
          fields: {
            title: 'News crawler · <em>news_crawler</em>',
            text: 'Crawls the <em>news</em> sites every hour',
          },
        }}
      />,
    );
    const link = await screen.findByRole('link', {
      name: 'News crawler · news_crawler',
    });
    const marks = Array.from(document.querySelectorAll('mark')).map(
      m => m.textContent,
    );
    expect(marks).toEqual(['news_crawler', 'news']);
    expect(link.querySelector('mark')).toHaveTextContent('news_crawler');
  });

  it('should show a failed last run, a paused DAG, an import error and no schedule', async () => {
    renderInTestApp(
      <CrawlerSearchResultListItem
        result={crawlerDocument({
          lastRunState: 'failed',
          paused: true,
          hasImportErrors: true,
          schedule: null,
          owner: 'group:crawlers/price-team',
        })}
      />,
    );
    expect(await screen.findByText('failed')).toBeInTheDocument();
    expect(screen.getByText('paused')).toBeInTheDocument();
    expect(screen.getByText('import error')).toBeInTheDocument();
    expect(screen.getByText('none')).toBeInTheDocument();
    expect(screen.getByText('crawlers/price-team')).toBeInTheDocument();
  });

  it('should say when a DAG has not run yet', async () => {
    renderInTestApp(
      <CrawlerSearchResultListItem
        result={crawlerDocument({ lastRunState: null, lastRunAt: null })}
      />,
    );
    expect(await screen.findByText('none yet')).toBeInTheDocument();
  });

  it('should link an unclaimed DAG to the Airflow UI in a new tab', async () => {
    renderInTestApp(
      <CrawlerSearchResultListItem
        result={crawlerDocument({
          title: 'orphan_dag',
          location: 'http://127.0.0.1:7181/dags/orphan_dag/grid',
          entityRef: null,
          entityTitle: null,
          owner: null,
          system: null,
        })}
      />,
    );
    const link = await screen.findByRole('link', {
      name: 'orphan_dag (opens the Airflow UI)',
    });
    expect(link).toHaveAttribute(
      'href',
      'http://127.0.0.1:7181/dags/orphan_dag/grid',
    );
    expect(link).toHaveAttribute('target', '_blank');
    expect(screen.getByText('unclaimed')).toBeInTheDocument();
  });

  it('should render nothing without a result', async () => {
    renderInTestApp(
      <div data-testid="host">
        <CrawlerSearchResultListItem />
      </div>,
    );
    expect(await screen.findByTestId('host')).toBeEmptyDOMElement();
  });

  it('should claim crawler documents only', () => {
    const result = (type: string) => ({ type, document: crawlerDocument() });
    expect(isCrawlerSearchResult(result('crawler'))).toBe(true);
    expect(isCrawlerSearchResult(result('crawler-unclaimed'))).toBe(true);
    expect(isCrawlerSearchResult(result('software-catalog'))).toBe(false);
  });
});
