/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type {
  CrawlersDagRun,
  CrawlersOverviewDag,
} from '@crawler-platform/plugin-crawlers-common';

function runTime(run: CrawlersDagRun): number {
  const t = run.startDate ?? run.runAfter ?? run.logicalDate;
  return t ? new Date(t).getTime() : 0;
}

/** The most recent run among the DAGs whose claim holds. */
export function latestRun(
  dags: CrawlersOverviewDag[],
): CrawlersDagRun | undefined {
  return dags
    .filter(d => d.claimHolds && d.latestRun)
    .map(d => d.latestRun!)
    .sort((a, b) => runTime(b) - runTime(a))[0];
}

/** The next scheduled run among the unpaused DAGs whose claim holds. */
export function nextRun(
  dags: CrawlersOverviewDag[],
): { dagId: string; at: string } | undefined {
  return dags
    .filter(d => d.claimHolds && d.isPaused === false && d.nextRunAfter)
    .map(d => ({ dagId: d.dagId, at: d.nextRunAfter! }))
    .sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime())[0];
}
