/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Counter, Registry, Summary } from 'prom-client';

/** The outcome of a sync as git-sync's metrics label it. */
export type SyncStatus = 'success' | 'error' | 'noop';

/**
 * git-sync's Prometheus metrics of one process (a container start gets a fresh set: the counters reset on restart).
 * The duration summary has no objectives, so only `_sum` and `_count` are exported, as the Go client does;
 * families are sorted by name, without blank lines, and families without samples (label sets never observed) are
 * left out, as promhttp does. The Go client's own `go_*`,
 * `process_*` and `promhttp_*` families are not modelled.
 */
export class GitSyncMetrics {
  readonly registry = new Registry();
  private readonly countTotal: Counter<'status'>;
  private readonly duration: Summary<'status'>;
  private readonly fetchCount: Counter;

  constructor() {
    this.duration = new Summary({
      name: 'git_sync_duration_seconds',
      help: 'Summary of git_sync durations',
      labelNames: ['status'],
      percentiles: [],
      registers: [this.registry],
    });
    this.countTotal = new Counter({
      name: 'git_sync_count_total',
      help: 'How many git syncs completed, partitioned by state (success, error, noop)',
      labelNames: ['status'],
      registers: [this.registry],
    });
    this.fetchCount = new Counter({
      name: 'git_fetch_count_total',
      help: 'How many git fetches were run',
      registers: [this.registry],
    });
  }

  /** Records one loop's outcome and how long it took since `startedAt` (hrtime). */
  observe(status: SyncStatus, startedAt: bigint): void {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    this.countTotal.inc({ status });
    this.duration.observe({ status }, seconds);
  }

  /** Counts one `git fetch` of an update. */
  fetched(): void {
    this.fetchCount.inc();
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    const text = await this.registry.metrics();
    const families = text
      .split(/\n(?=# HELP )/)
      .map(block => block.split('\n').filter(Boolean))
      .filter(lines => lines.some(l => !l.startsWith('#')))
      .sort((a, b) => a[0].localeCompare(b[0]));
    return `${families.map(lines => lines.join('\n')).join('\n')}\n`;
  }

  /** The content type of {@link GitSyncMetrics.text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
