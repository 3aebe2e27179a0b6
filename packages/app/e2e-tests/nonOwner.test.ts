/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { expect, test } from '@playwright/test';
import { BACKEND, crawlerApi, signInAsGuest, waitForBackend } from './support';

/**
 * alex (examples/org.yaml) is in data-analysts, which owns no crawler. The portal's guest provider signs the browser
 * (and this file's API requests) in as him, because they send `x-crawler-platform-user`
 * (auth.providers.guest.sandboxUsers in app-config.yaml).
 */
test.use({
  extraHTTPHeaders: { 'x-crawler-platform-user': 'user:default/alex' },
});

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

test('a non-owner sees news-crawler’s runs but no trigger or pause button, with the permission it lacks', async ({
  page,
  request,
}) => {
  const refresh = await request.get(
    `${BACKEND}/api/auth/guest/refresh?env=development`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  expect(refresh.status()).toBe(200);
  const { identity, token } = (await refresh.json()).backstageIdentity;
  expect(identity.userEntityRef).toBe('user:default/alex');
  expect(identity.ownershipEntityRefs).not.toContain(
    'group:default/crawler-team',
  );
  // The sandbox's scheduler runs news_crawler at start-up; alex may read its runs.
  await expect
    .poll(
      async () => {
        const res = await request.get(
          `${crawlerApi('news-crawler')}/dags/news_crawler/runs?limit=10`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        // a refused read fails the poll: its status, negated
        return res.ok() ? (await res.json()).totalEntries : -res.status();
      },
      { timeout: 120_000, intervals: [1000] },
    )
    .toBeGreaterThan(0);

  await signInAsGuest(page);
  await page.goto('/catalog/default/component/news-crawler/crawler');
  const runs = page.getByRole('region', {
    name: 'Runs of news_crawler',
    exact: true,
  });
  await expect(
    runs
      .getByRole('region', { name: 'Run list of news_crawler' })
      .locator('.bui-Badge')
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    runs.getByRole('button', {
      name: /^You are not allowed to trigger or pause news_crawler \(crawlers\.dag\.trigger, crawlers\.dag\.pause/,
    }),
  ).toBeVisible();
  await expect(runs.getByRole('button', { name: 'Trigger run' })).toHaveCount(
    0,
  );
  await expect(
    runs.getByRole('button', { name: /^(Pause|Unpause)$/ }),
  ).toHaveCount(0);
  await runs.screenshot({ path: 'test-results/crawler-runs-non-owner.png' });
});
