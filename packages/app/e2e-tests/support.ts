/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { APIRequestContext, expect, Page } from '@playwright/test';

/** The portal's backend, as `make start` serves it. */
export const BACKEND = 'http://localhost:7007';

/** The crawlers routes of an example crawler. */
export const crawlerApi = (name: string) =>
  `${BACKEND}/api/crawlers/entities/component/default/${name}`;

/** Waits until the backend answers its readiness check (the frontend dev server can be up first). */
export async function waitForBackend(request: APIRequestContext) {
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
}

/** A guest's Backstage token, for the API calls a test makes besides the browser. */
export async function guestHeaders(request: APIRequestContext) {
  const refresh = await request.get(
    `${BACKEND}/api/auth/guest/refresh?env=development`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  expect(refresh.status()).toBe(200);
  const token: string = (await refresh.json()).backstageIdentity.token;
  return { authorization: `Bearer ${token}` };
}

/** Signs the browser in as the guest (a member of crawler-team, which owns the example crawlers). */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}
