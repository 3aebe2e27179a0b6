/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { APIRequestContext, expect, Page, test } from '@playwright/test';
import {
  BACKEND,
  guestHeaders,
  signInAsGuest,
  waitForBackend,
} from './support';

const NEWS_LOCATION =
  '/catalog/default/component/news-crawler?dag=news_crawler';

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

/** The locations of the `crawler` documents a search for `term` returns to the guest. */
async function crawlerHits(
  request: APIRequestContext,
  headers: Record<string, string>,
  term: string,
): Promise<string[]> {
  const res = await request.get(
    `${BACKEND}/api/search/query?term=${encodeURIComponent(
      term,
    )}&types%5B0%5D=crawler`,
    { headers },
  );
  // Lunr has no `crawler` index until a collation has indexed a document
  if (!res.ok()) return [];
  const body = await res.json();
  return body.results.map(
    (r: { document: { location: string } }) => r.document.location,
  );
}

/**
 * Waits until the crawler collator has indexed news-crawler: its first run, 10 s after the backend starts, can come
 * before the catalog or the sandbox is ready; app-config.yaml runs it every minute.
 */
async function waitForCrawlerIndex(request: APIRequestContext) {
  const headers = await guestHeaders(request);
  await expect
    .poll(() => crawlerHits(request, headers, 'news_crawler'), {
      timeout: 150_000,
      intervals: [2000],
    })
    .toContain(NEWS_LOCATION);
}

/** Opens the sidebar's search and types `term` into its search bar. */
async function searchFromSidebar(page: Page, term: string) {
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('button', { name: 'Search' })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Search' }).fill(term);
  return dialog;
}

test('typing news_crawler into the search bar finds the crawler, which opens its entity page', async ({
  page,
  request,
}) => {
  await waitForCrawlerIndex(request);
  await signInAsGuest(page);
  const dialog = await searchFromSidebar(page, 'news_crawler');

  // the crawler's result, rendered by CrawlerSearchResultListItem
  const result = dialog.getByRole('listitem').filter({
    has: page.getByRole('link', { name: 'News crawler · news_crawler' }),
  });
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(result).toContainText(
    /Last run\s*(success|failed|running|queued|none yet)/,
  );
  await expect(result).toContainText(/Owner\s*crawler-team/);
  await expect(result).toContainText(/Schedule\s*@daily/);
  await expect(result.locator('mark').first()).toBeVisible();
  await dialog.screenshot({ path: 'test-results/search-news-crawler.png' });

  await result
    .getByRole('link', { name: 'News crawler · news_crawler' })
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/news-crawler\?dag=news_crawler$/,
  );
  await expect(
    page.getByRole('region', { name: 'Crawler', exact: true }),
  ).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('news_crawler', { exact: true })).toBeVisible();
});

test('the search page lists crawlers by owner under the Crawlers result type', async ({
  page,
  request,
}) => {
  await waitForCrawlerIndex(request);
  await signInAsGuest(page);
  const dialog = await searchFromSidebar(page, 'crawler-team');
  await dialog.getByRole('button', { name: 'View Full Results' }).click();
  await expect(page).toHaveURL(/\/search\?query=crawler-team/);

  await page
    .getByRole('navigation', { name: 'filter by type' })
    .getByRole('button', { name: 'Crawlers' })
    .click();
  // the page keeps the chosen type in its URL (`types[]=crawler`)
  await expect(page).toHaveURL(/types(%5B%5D|\[\])=crawler/);
  const news = page.getByRole('link', { name: 'News crawler · news_crawler' });
  const price = page.getByRole('link', {
    name: 'Price crawler · price_crawler',
  });
  await expect(news).toBeVisible({ timeout: 30_000 });
  await expect(price).toBeVisible();
  // the page lists what the search backend returns for the owner under the crawler type
  const hits = await crawlerHits(
    request,
    await guestHeaders(request),
    'crawler-team',
  );
  expect(hits).toEqual(
    expect.arrayContaining([
      NEWS_LOCATION,
      '/catalog/default/component/price-crawler?dag=price_crawler',
    ]),
  );
  await expect(
    page.getByRole('listitem').filter({ hasText: 'Last run' }),
  ).toHaveCount(hits.length);
  await page.screenshot({
    path: 'test-results/search-page-crawlers.png',
    fullPage: true,
  });

  await price.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/price-crawler\?dag=price_crawler$/,
  );
});
