/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { expect, test } from '@playwright/test';
import { signInAsGuest } from './support';

const BACKEND = 'http://localhost:7007';

test.beforeAll(async ({ request }) => {
  // the frontend dev server can be up before the backend listens
  const readiness = async () => {
    try {
      return (
        await request.get(`${BACKEND}/.backstage/health/v1/readiness`)
      ).status();
    } catch {
      return 0; // not listening yet
    }
  };
  await expect
    .poll(readiness, { timeout: 240_000, intervals: [1000] })
    .toBe(200);
});

test('should sign in as guest, list the example crawlers and open one', async ({
  page,
}) => {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // the catalog lists both example crawlers (processing can take a moment)
  await expect(async () => {
    await page.goto('/');
    await expect(page.getByRole('link', { name: 'News crawler' })).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 120_000 });
  await expect(page.getByRole('link', { name: 'Price crawler' })).toBeVisible();
  await page.screenshot({ path: 'test-results/catalog.png', fullPage: true });

  await page.getByRole('link', { name: 'Price crawler' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/price-crawler/);
  // the crawler's overview card names its DAGs and Airflow instance
  await expect(
    page.getByText('price_crawler_backfill', { exact: true }).first(),
  ).toBeVisible();
  await expect(
    page.getByText('airflow3', { exact: true }).first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'test-results/price-crawler.png',
    fullPage: true,
  });
});

test('should serve the crawlers plugin Airflow data from the sandbox to a signed-in guest', async ({
  request,
}) => {
  const refresh = await request.get(
    `${BACKEND}/api/auth/guest/refresh?env=development`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  expect(refresh.status()).toBe(200);
  const token: string = (await refresh.json()).backstageIdentity.token;
  const headers = { authorization: `Bearer ${token}` };

  const airflow = async (name: string) => {
    const res = await request.get(
      `${BACKEND}/api/crawlers/entities/component/default/${name}/airflow`,
      { headers },
    );
    expect(res.status()).toBe(200);
    return res.json();
  };
  // the sandbox seeds its world while the portal boots: wait for git-sync
  await expect(async () => {
    const news = await airflow('news-crawler');
    expect(news.dags[0]).toMatchObject({
      dagId: 'news_crawler',
      dag: { dagId: 'news_crawler', owners: ['crawler-team'] },
    });
    const price = await airflow('price-crawler');
    // the broken DAG file of price-crawler shows up as its import error
    expect(
      price.importErrors.map((e: { filename: string }) => e.filename),
    ).toEqual([expect.stringContaining('price_crawler_backfill.py')]);
  }).toPass({ timeout: 120_000 });

  // the crawlers plugin is no open proxy: an entity without our annotations
  // or an unknown entity yields no Airflow data
  const unknown = await request.get(
    `${BACKEND}/api/crawlers/entities/component/default/no-such-crawler/airflow`,
    { headers },
  );
  expect(unknown.status()).toBe(404);
});

test('should refuse the impostor crawler the DAGs and files that name other crawlers', async ({
  page,
  request,
}) => {
  const refresh = await request.get(
    `${BACKEND}/api/auth/guest/refresh?env=development`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  const token: string = (await refresh.json()).backstageIdentity.token;
  const headers = { authorization: `Bearer ${token}` };
  const api = `${BACKEND}/api/crawlers/entities/component/default`;
  const tag = 'backstage:component:default/impostor-crawler';

  // wait for the sandbox's first git-sync: price-crawler sees its import error
  await expect(async () => {
    const price = await (
      await request.get(`${api}/price-crawler/airflow`, { headers })
    ).json();
    expect(price.importErrors).toHaveLength(1);
  }).toPass({ timeout: 120_000 });

  const impostor = await (
    await request.get(`${api}/impostor-crawler/airflow`, { headers })
  ).json();
  expect(impostor.importErrors).toEqual([]);
  const [news, backfill] = impostor.dags;
  expect(news).toMatchObject({ dag: null, recentRuns: [] });
  expect(news.errors[0].message).toContain(`add the tag "${tag}"`);
  expect(backfill.dag).toBeNull();
  expect(impostor.errors[0]).toMatchObject({
    source: 'claim:airflow3/price_crawler_backfill.py',
    status: 403,
  });

  // the guest owns impostor-crawler (crawler-team), yet writes are refused
  const runs = await request.get(
    `${api}/impostor-crawler/dags/news_crawler/runs`,
    {
      headers,
    },
  );
  expect(runs.status()).toBe(403);
  const trigger = await request.post(
    `${api}/impostor-crawler/dags/news_crawler/runs`,
    { headers, data: {} },
  );
  expect(trigger.status()).toBe(403);
  expect((await trigger.json()).error.message).toContain(
    `add the tag "${tag}"`,
  );
  const pause = await request.patch(
    `${api}/impostor-crawler/dags/news_crawler`,
    {
      headers,
      data: { isPaused: true },
    },
  );
  expect(pause.status()).toBe(403);
  expect((await pause.json()).error.message).toContain(`add the tag "${tag}"`);

  // the entity page shows the refused claim with its fix (in the crawler's overview card; the Crawler tab shows it
  // too, see crawlerTab.test.ts). Sign-in completes before the next navigation.
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/impostor-crawler');
  await expect(page.getByText('Claim refused: news_crawler')).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByText(`add the tag "${tag}"`, { exact: false }).first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'test-results/impostor-crawler.png',
    fullPage: true,
  });
});
