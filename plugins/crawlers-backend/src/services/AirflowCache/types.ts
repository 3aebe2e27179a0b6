/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { JsonValue } from '@backstage/types';

/**
 * Result of a cached read: the value (fresh or stale), when it was fetched, and the error of a failed refresh.
 */
export interface CachedResult<T> {
  /** Undefined only when the fetch failed and no earlier value exists. */
  value: T | undefined;
  /** ISO time the value was fetched from Airflow; null without a value. */
  fetchedAt: string | null;
  /** True when the value is older than its TTL because the refresh failed. */
  stale: boolean;
  /** The refresh failure, if any. */
  error?: unknown;
}

/** Kinds of cached Airflow resources, each with its own TTL. */
export type AirflowResourceKind =
  | 'dag'
  | 'runs'
  | 'taskInstances'
  | 'importErrors';

/**
 * Read-through cache of Airflow answers with per-resource TTLs, request coalescing, stale-on-error and
 * per-DAG invalidation.
 */
export interface AirflowCache {
  /**
   * Returns the cached value of `key` if fresh; otherwise fetches it once for all concurrent callers, stores it,
   * and on failure returns the last good value marked stale together with the error.
   *
   * @param scope - instance and DAG the value belongs to (the DAG is omitted for instance-wide values)
   */
  read<T extends JsonValue>(
    scope: { instance: string; dagId?: string },
    kind: AirflowResourceKind,
    key: string,
    fetch: () => Promise<T>,
  ): Promise<CachedResult<T>>;
  /** Makes every cached value of one DAG outdated (after a trigger or pause). */
  invalidateDag(instance: string, dagId: string): Promise<void>;
}
