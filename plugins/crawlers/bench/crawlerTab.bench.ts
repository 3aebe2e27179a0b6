/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/* eslint-disable no-console */

/**
 * Frontend benchmark of the crawler tab (`yarn bench:frontend`).
 *
 * 1. The plugin's production chunks: the app is built with bundle stats (`yarn workspace app build --stats`, skipped
 *    when packages/app/dist/bundle-stats.json exists and BENCH_REBUILD is unset) and every chunk holding modules of
 *    plugins/crawlers/src is gzipped and printed. The backend serves that build at http://localhost:7007, so
 *    BENCH_BASE_URL=http://localhost:7007 measures the production bundle below.
 * 2. Headless Debian Chromium, signed in as the guest, opens news-crawler's entity page; after one warm-up, it
 *    measures 5 times (a) the in-app navigation from the Overview tab to the Crawler tab until the runs table shows a
 *    run, and (b) a full load of the Crawler tab's URL until the same, and prints the medians (target: ≤ 1.0 s).
 *
 * The portal must be running (`make start`); when nothing answers on BENCH_BASE_URL the script starts
 * scripts/portal.sh itself and stops it at the end.
 *
 * Environment: BENCH_BASE_URL (http://localhost:3000), BENCH_BACKEND_URL (http://localhost:7007), BENCH_ENTITY
 * (news-crawler), BENCH_DAG (news_crawler), BENCH_SAMPLES (5), BENCH_SKIP_BROWSER, BENCH_SKIP_CHUNKS, BENCH_REBUILD.
 */

import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { chromium, Page } from 'playwright-core';
import { measurePluginChunks } from './chunkSize';
import { kib, median, ms } from './stats';

const ROOT = path.resolve(__dirname, '../../..');
const BASE = process.env.BENCH_BASE_URL ?? 'http://localhost:3000';
const BACKEND = process.env.BENCH_BACKEND_URL ?? 'http://localhost:7007';
const ENTITY = process.env.BENCH_ENTITY ?? 'news-crawler';
const DAG = process.env.BENCH_DAG ?? 'news_crawler';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const TARGET_MS = 1000;

/** The flags Debian's Chromium needs on our machines (no sandbox as root, no background networking). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    return res.ok;
  } catch {
    return false;
  }
}

async function ensurePortal(): Promise<ChildProcess | undefined> {
  if (
    (await answers(BASE)) &&
    (await answers(`${BACKEND}/.backstage/health/v1/readiness`))
  ) {
    return undefined;
  }
  console.log('No portal answers: starting scripts/portal.sh…');
  const child = spawn('scripts/portal.sh', [], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
  });
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (
      (await answers(BASE)) &&
      (await answers(`${BACKEND}/.backstage/health/v1/readiness`))
    ) {
      return child;
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  process.kill(-child.pid!, 'SIGTERM');
  throw new Error('The portal did not start within 5 minutes');
}

/** Waits until the runs table of the DAG shows a run (a state badge in a data row). */
async function runsShown(page: Page) {
  await page
    .locator(
      `[role="region"][aria-label="Run list of ${DAG}"] [role="row"] .bui-Badge`,
    )
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 });
}

async function inAppNavigation(page: Page): Promise<number> {
  await page.goto(`${BASE}/catalog/default/component/${ENTITY}`);
  const tab = page
    .getByRole('tab', { name: 'Crawler' })
    .or(page.getByRole('link', { name: 'Crawler', exact: true }));
  await tab.first().waitFor({ state: 'visible', timeout: 60_000 });
  // let the overview settle so that only the tab switch is timed
  await page.waitForLoadState('networkidle');
  const start = performance.now();
  await tab.first().click();
  await runsShown(page);
  return performance.now() - start;
}

async function fullLoad(page: Page): Promise<number> {
  const start = performance.now();
  await page.goto(`${BASE}/catalog/default/component/${ENTITY}/crawler`, {
    waitUntil: 'commit',
  });
  await runsShown(page);
  return performance.now() - start;
}

async function measureBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    await page.goto(BASE);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true })
      .waitFor({ timeout: 60_000 });

    // warm-up: JavaScript chunks in the browser cache, backend caches filled
    await inAppNavigation(page);
    await fullLoad(page);

    const tab: number[] = [];
    const load: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      tab.push(await inAppNavigation(page));
      load.push(await fullLoad(page));
    }
    return { tab, load };
  } finally {
    await browser.close();
  }
}

async function main() {
  let portal: ChildProcess | undefined;
  try {
    if (!process.env.BENCH_SKIP_CHUNKS) {
      const chunks = measurePluginChunks({
        root: ROOT,
        rebuild: !!process.env.BENCH_REBUILD,
      });
      console.log('\nProduction chunks with code of plugins/crawlers/src:');
      for (const c of chunks) {
        console.log(
          `  ${c.file}: ${kib(c.gzipBytes)} gzip (${kib(c.bytes)} minified; ${
            c.lazy ? 'lazy' : 'initial'
          }; plugin modules ${kib(c.pluginModuleBytes)} of ${kib(
            c.moduleBytes,
          )} before minification)`,
        );
      }
      const lazy = chunks.filter(c => c.lazy);
      console.log(
        `  total: ${kib(chunks.reduce((n, c) => n + c.gzipBytes, 0))} gzip in ${
          chunks.length
        } chunks, ${kib(lazy.reduce((n, c) => n + c.gzipBytes, 0))} of it lazy`,
      );
    }
    if (!process.env.BENCH_SKIP_BROWSER) {
      portal = await ensurePortal();
      const { tab, load } = await measureBrowser();
      const verdict = (v: number) => (v <= TARGET_MS ? 'ok' : 'over target');
      console.log(
        `\nCrawler tab of ${ENTITY} until the runs table shows data (warm, ${SAMPLES} samples, target ≤ ${ms(
          TARGET_MS,
        )}):`,
      );
      console.log(
        `  in-app navigation Overview → Crawler: median ${ms(
          median(tab),
        )} (${verdict(median(tab))}); samples ${tab.map(ms).join(', ')}`,
      );
      console.log(
        `  full load of /catalog/default/component/${ENTITY}/crawler: median ${ms(
          median(load),
        )} (${verdict(median(load))}); samples ${load.map(ms).join(', ')}`,
      );
    }
  } finally {
    if (portal?.pid) {
      process.kill(-portal.pid, 'SIGTERM');
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
