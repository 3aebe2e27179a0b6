/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Counter, Registry, Summary } from 'prom-client';

/** The outcome of a sync as git-sync's metrics label it. */
export type SyncStatus = 'success' | 'error' | 'noop';

/** git-sync v4's Prometheus metrics of one sidecar, in their own registry. */
export class GitSyncMetrics {
  readonly registry = new Registry();
  private readonly countTotal: Counter<'status'>;
  private readonly duration: Summary<'status'>;
  private readonly fetchCount: Counter;

  constructor() {
    this.countTotal = new Counter({
      name: 'git_sync_count_total',
      help: 'How many git syncs completed, partitioned by state (success, error, noop)',
      labelNames: ['status'],
      registers: [this.registry],
    });
    this.duration = new Summary({
      name: 'git_sync_duration_seconds',
      help: 'Summary of git_sync durations',
      labelNames: ['status'],
      registers: [this.registry],
    });
    this.fetchCount = new Counter({
      name: 'git_fetch_count_total',
      help: 'How many git fetches were run',
      registers: [this.registry],
    });
  }

  /** A timer for one sync: call the result with its outcome when done. */
  startSync(): (status: SyncStatus) => void {
    const started = process.hrtime.bigint();
    return status => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.countTotal.inc({ status });
      this.duration.observe({ status }, seconds);
    };
  }

  /** Counts one `git fetch`. */
  fetched(): void {
    this.fetchCount.inc();
  }

  /** The Prometheus text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
