/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import AxeBuilder from '@axe-core/playwright';
import { APIRequestContext, expect, Page, test } from '@playwright/test';
import {
  crawlerApi,
  guestHeaders,
  signInAsGuest,
  waitForBackend,
} from './support';

const NEWS = crawlerApi('news-crawler');

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

/** The number of news_crawler runs in a state, from the backend the page reads. */
async function runCount(
  request: APIRequestContext,
  headers: Record<string, string>,
  state?: string,
) {
  const res = await request.get(
    `${NEWS}/dags/news_crawler/runs?limit=10${state ? `&state=${state}` : ''}`,
    { headers },
  );
  expect(res.status()).toBe(200);
  return (await res.json()).totalEntries as number;
}

/**
 * Makes sure news_crawler has a successful run: the sandbox's scheduler usually ran one at start-up; if not, one is
 * triggered (sandbox runs finish in seconds).
 */
async function ensureSuccessfulRun(request: APIRequestContext) {
  const headers = await guestHeaders(request);
  // the sandbox seeds its world while the portal boots: wait for the DAG
  await expect(async () => {
    const res = await request.get(`${NEWS}/airflow`, { headers });
    expect((await res.json()).dags[0].dag).not.toBeNull();
  }).toPass({ timeout: 120_000 });
  if ((await runCount(request, headers, 'success')) === 0) {
    const trigger = await request.post(`${NEWS}/dags/news_crawler/runs`, {
      headers,
      data: { note: 'e2e: a first run' },
    });
    expect(trigger.status()).toBe(201);
  }
  await expect
    .poll(() => runCount(request, headers, 'success'), {
      timeout: 120_000,
      intervals: [2000],
    })
    .toBeGreaterThan(0);
}

async function openCrawlerTab(page: Page, name: string) {
  await page.goto(`/catalog/default/component/${name}/crawler`);
}

const runsSection = (page: Page, dagId: string) =>
  page.getByRole('region', { name: `Runs of ${dagId}`, exact: true });

const diagnosisSection = (page: Page) =>
  page.getByRole('region', { name: 'Diagnosis', exact: true });

interface Finding {
  id: string;
  title: string;
  evidence: Array<{ object: string; where: string; text: string }>;
  fix: { text: string; snippet: { language: string; code: string } };
}

/** The diagnosis of a crawler, from the backend the page reads. */
async function diagnosisOf(
  request: APIRequestContext,
  headers: Record<string, string>,
  name: string,
): Promise<{ findings: Finding[] }> {
  const res = await request.get(`${crawlerApi(name)}/diagnosis`, { headers });
  expect(res.status()).toBe(200);
  return res.json();
}

/** price-crawler's seeded faults (packages/sandbox): `pods/log` forbidden, and the backfill file's import error. */
const PRICE_FINDINGS = ['pods-log-forbidden', 'import-error'];

/** Waits until the backend diagnoses price-crawler's seeded faults (the sandbox seeds them while the portal boots). */
async function waitForPriceFindings(
  request: APIRequestContext,
  headers: Record<string, string>,
) {
  await expect(async () => {
    const ids = (
      await diagnosisOf(request, headers, 'price-crawler')
    ).findings.map(f => f.id);
    expect(ids).toEqual(expect.arrayContaining(PRICE_FINDINGS));
  }).toPass({ timeout: 150_000, intervals: [2000] });
}

test('news-crawler shows a successful run, the duration chart and an in-sync git-sync', async ({
  page,
  request,
}) => {
  await ensureSuccessfulRun(request);
  await signInAsGuest(page);
  await openCrawlerTab(page, 'news-crawler');

  const runs = runsSection(page, 'news_crawler');
  const runList = runs.getByRole('region', {
    name: 'Run list of news_crawler',
  });
  await expect(
    runList.locator('.bui-Badge', { hasText: /^success$/ }).first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    runs.getByRole('img', {
      name: /Durations of the last \d+ runs of news_crawler/,
    }),
  ).toBeVisible();

  const gitSync = page.getByRole('region', { name: 'git-sync', exact: true });
  await expect(
    gitSync.locator('.bui-Badge', { hasText: /^in-sync$/ }).first(),
  ).toBeVisible({ timeout: 60_000 });

  await runs.screenshot({ path: 'test-results/crawler-runs.png' });
  await gitSync.screenshot({ path: 'test-results/crawler-git-sync.png' });
  await page
    .getByRole('region', { name: 'Fargate pods', exact: true })
    .screenshot({ path: 'test-results/crawler-pods.png' });
  await page.screenshot({
    path: 'test-results/crawler-tab-news.png',
    fullPage: true,
  });
});

test('the owner triggers a run of news-crawler and the new run appears', async ({
  page,
  request,
}) => {
  await ensureSuccessfulRun(request);
  await signInAsGuest(page);
  await openCrawlerTab(page, 'news-crawler');
  const runs = runsSection(page, 'news_crawler');

  await runs.getByRole('button', { name: 'Trigger run' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: /conf/ }).fill('{"source": "e2e"}');
  await dialog
    .getByRole('textbox', { name: /Note/ })
    .fill('triggered by the browser test');
  await dialog.screenshot({ path: 'test-results/crawler-trigger-dialog.png' });
  await dialog.getByRole('button', { name: 'Trigger', exact: true }).click();

  // the alert names the new run; the runs refresh and list it
  const alert = page.getByText(/^Triggered run (\S+) of news_crawler$/);
  await expect(alert).toBeVisible({ timeout: 30_000 });
  const runId = /^Triggered run (\S+) of/.exec(
    (await alert.textContent()) ?? '',
  )![1];
  await expect(runs.getByRole('link', { name: runId })).toBeVisible({
    timeout: 60_000,
  });
});

test('a task try of a news-crawler run opens its log', async ({
  page,
  request,
}) => {
  await ensureSuccessfulRun(request);
  await signInAsGuest(page);
  await openCrawlerTab(page, 'news-crawler');
  const runs = runsSection(page, 'news_crawler');

  const expand = runs
    .getByRole('button', { name: /^Show the task instances of / })
    .first();
  await expect(expand).toBeVisible({ timeout: 60_000 });
  await expand.click();
  const openLog = runs
    .getByRole('button', { name: /^Open the log of .*, try \d+$/ })
    .first();
  await expect(openLog).toBeVisible({ timeout: 60_000 });
  await openLog.click();

  const dialog = page.getByRole('dialog');
  await expect(
    dialog.getByRole('heading', { name: /^Log of .+, try \d+$/ }),
  ).toBeVisible();
  await expect(dialog.getByText(/\d+ lines in \d+ chunks?/)).toBeVisible({
    timeout: 60_000,
  });
  // the log viewer renders the lines it shows
  const log = dialog.getByRole('region', { name: /^Log of / });
  await expect(log).toContainText(/\S/);
  await dialog.screenshot({ path: 'test-results/crawler-task-log.png' });
});

test('price-crawler shows its import error with the stack trace and its problem pod', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  await expect(async () => {
    const price = await (
      await request.get(`${crawlerApi('price-crawler')}/airflow`, { headers })
    ).json();
    expect(price.importErrors).toHaveLength(1);
  }).toPass({ timeout: 120_000 });
  await signInAsGuest(page);
  await openCrawlerTab(page, 'price-crawler');

  const importErrors = page.getByRole('region', {
    name: 'Import errors',
    exact: true,
  });
  await expect(
    importErrors.getByRole('region', {
      name: /^Stack trace of .*price_crawler_backfill\.py$/,
    }),
  ).toContainText('SyntaxError', { timeout: 60_000 });
  await importErrors.screenshot({
    path: 'test-results/crawler-import-errors.png',
  });
  await page
    .getByRole('region', { name: 'Fargate pods', exact: true })
    .screenshot({ path: 'test-results/crawler-pods-price.png' });
});

test('impostor-crawler shows its refused claims with their fix on the Crawler tab', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openCrawlerTab(page, 'impostor-crawler');
  const runs = runsSection(page, 'news_crawler');
  await expect(runs.getByText('Claim refused: news_crawler')).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    runs.getByText(
      'add the tag "backstage:component:default/impostor-crawler"',
      {
        exact: false,
      },
    ),
  ).toBeVisible();
  await expect(runs.getByRole('button', { name: 'Trigger run' })).toHaveCount(
    0,
  );
  await expect(
    page
      .getByRole('region', { name: 'Fargate pods', exact: true })
      .getByText('Claim refused: namespace crawler-news'),
  ).toBeVisible({ timeout: 60_000 });
  // the diagnosis reads nothing the claims do not allow, and says why
  const diagnosis = diagnosisSection(page);
  await expect(diagnosis.getByText('Claim refused: news_crawler')).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    diagnosis.getByText('Claim refused: namespace crawler-news'),
  ).toBeVisible();
  await page.screenshot({
    path: 'test-results/crawler-tab-impostor.png',
    fullPage: true,
  });
});

test("price-crawler's Diagnosis section shows pods/log forbidden and the import error with their evidence and fixes", async ({
  page,
  request,
  context,
}) => {
  const headers = await guestHeaders(request);
  await waitForPriceFindings(request, headers);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInAsGuest(page);
  await openCrawlerTab(page, 'price-crawler');

  const diagnosis = diagnosisSection(page);
  for (const id of PRICE_FINDINGS) {
    await expect(
      diagnosis.locator(`article[data-finding="${id}"]`),
    ).toBeVisible({ timeout: 60_000 });
  }
  // what the page shows is what the backend found: title, every evidence line, the fix verbatim (compared again
  // if a refresh brought a newer answer in between)
  await expect(async () => {
    const { findings } = await diagnosisOf(request, headers, 'price-crawler');
    for (const id of PRICE_FINDINGS) {
      const finding = findings.find(f => f.id === id)!;
      const article = diagnosis.locator(`article[data-finding="${id}"]`);
      await expect(
        article.getByRole('heading', { name: finding.title, exact: true }),
      ).toBeVisible({ timeout: 1_000 });
      const evidence = article
        .getByRole('list', { name: `Evidence of ${id}` })
        .getByRole('listitem');
      await expect(evidence).toHaveCount(finding.evidence.length, {
        timeout: 1_000,
      });
      for (const [i, e] of finding.evidence.entries()) {
        await expect(evidence.nth(i)).toContainText(e.object, {
          timeout: 1_000,
        });
        await expect(evidence.nth(i).locator('pre')).toHaveText(e.text, {
          timeout: 1_000,
        });
      }
      await expect(article.getByText(finding.fix.text)).toBeVisible({
        timeout: 1_000,
      });
      const fix = article.getByRole('region', {
        name: `Fix of ${id} (${finding.fix.snippet.language})`,
      });
      expect(await fix.textContent()).toBe(finding.fix.snippet.code);
    }
  }).toPass({ timeout: 60_000 });
  const podsLog = diagnosis.locator(
    'article[data-finding="pods-log-forbidden"]',
  );
  await expect(
    podsLog.getByRole('region', { name: /^Fix of pods-log-forbidden/ }),
  ).toContainText('pods/log');

  // the copy button puts the fix on the clipboard
  const fixCode = await podsLog
    .getByRole('region', { name: /^Fix of pods-log-forbidden/ })
    .textContent();
  const copy = podsLog.getByRole('button', {
    name: 'Copy the fix of pods-log-forbidden',
  });
  await copy.click();
  await expect(copy).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    fixCode,
  );

  await diagnosis.screenshot({
    path: 'test-results/crawler-diagnosis-price.png',
  });
});

test("price-crawler's overview card counts the findings and links to the Diagnosis section", async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  await waitForPriceFindings(request, headers);
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/price-crawler');
  const findings = page
    .getByTestId('crawler-health')
    .getByRole('link', { name: /^\d+ findings?$/ });
  await expect(findings).toBeVisible({ timeout: 60_000 });
  const shown = Number((await findings.textContent())!.split(' ')[0]);
  expect(shown).toBeGreaterThanOrEqual(PRICE_FINDINGS.length);
  await page
    .getByRole('region', { name: 'Crawler', exact: true })
    .screenshot({ path: 'test-results/crawler-overview-card-price.png' });

  await findings.click();
  await expect(page).toHaveURL(/\/price-crawler\/crawler#diagnosis$/);
  await expect(
    diagnosisSection(page).locator('article[data-finding="import-error"]'),
  ).toBeVisible({ timeout: 60_000 });
});

test('the news-crawler overview card shows its one-line health and links', async ({
  page,
  request,
}) => {
  await ensureSuccessfulRun(request);
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/news-crawler');
  const health = page.getByTestId('crawler-health');
  await expect(health.getByText('in-sync')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('link', { name: /Airflow UI/ })).toHaveAttribute(
    'href',
    /\/dags\/news_crawler\/grid$/,
  );
  await expect(
    page.getByRole('link', { name: 'Namespace crawler-news' }),
  ).toBeVisible();
  await page
    .getByRole('region', { name: 'Crawler', exact: true })
    .screenshot({ path: 'test-results/crawler-overview-card.png' });

  // the namespace link leads to the pods of the Crawler tab
  await page.getByRole('link', { name: 'Namespace crawler-news' }).click();
  await expect(page).toHaveURL(/\/news-crawler\/crawler#pods$/);
  await expect(
    page.getByRole('region', { name: 'Fargate pods', exact: true }),
  ).toBeVisible();
});

/** Serious and critical axe violations of the page as it is, with the offending nodes. */
async function blockingViolations(page: Page, label: string) {
  // check the page at rest: no pointer hovering a row (the sign-in click leaves it somewhere on the page), and no
  // table (re)loading, which BUI draws at 60 % opacity
  await page.mouse.move(0, 0);
  await page.waitForLoadState('networkidle');
  await expect(
    page.locator('[data-stale="true"], [data-ispending="true"]'),
  ).toHaveCount(0, { timeout: 30_000 });
  const results = await new AxeBuilder({ page }).analyze();
  test.info().annotations.push({
    type: `axe ${label}`,
    description: `${results.violations.length} violations: ${
      results.violations
        .map(v => `${v.id} (${v.impact}, ${v.nodes.length})`)
        .join(', ') || 'none'
    }`,
  });
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map(
        n =>
          `${n.target.join(' ')}: ${n.html.slice(0, 120)} — ${
            n.failureSummary ?? ''
          }`,
      ),
    }));
}

test('the crawler tab has no serious or critical accessibility violations', async ({
  page,
  request,
}) => {
  await ensureSuccessfulRun(request);
  await signInAsGuest(page);

  // a healthy crawler: runs, chart, git-sync
  await openCrawlerTab(page, 'news-crawler');
  await expect(
    runsSection(page, 'news_crawler')
      .locator('.bui-Badge', { hasText: /^success$/ })
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    page
      .getByRole('region', { name: 'git-sync', exact: true })
      .locator('.bui-Badge')
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(diagnosisSection(page)).toContainText(
    /\d+ of \d+ checks passed/,
    {
      timeout: 60_000,
    },
  );
  expect(await blockingViolations(page, 'news-crawler')).toEqual([]);

  // a failing one: section errors, a problem pod, an import error
  await openCrawlerTab(page, 'price-crawler');
  await expect(
    page.getByRole('region', { name: /^Stack trace of / }).first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    diagnosisSection(page).locator('article[data-finding="import-error"]'),
  ).toBeVisible({ timeout: 60_000 });
  expect(await blockingViolations(page, 'price-crawler')).toEqual([]);
});
