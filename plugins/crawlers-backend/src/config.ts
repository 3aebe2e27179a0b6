/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { AirflowCacheTtls } from './services/AirflowCache';

/** Defaults of the crawlers backend configuration (see config.d.ts). */
export const defaults = {
  cache: {
    dagTtlMs: 60_000,
    runsTtlMs: 15_000,
    taskInstancesTtlMs: 15_000,
    importErrorsTtlMs: 30_000,
    staleTtlMs: 86_400_000,
  },
  trigger: {
    maxConfBytes: 16_384,
  },
  limits: {
    maxDagIdsPerEntity: 20,
    maxRunsOffset: 10_000,
    maxLogChunkBytes: 1_048_576,
    maxRequestBodyBytes: 65_536,
  },
} as const;

/** Page sizes the runs route accepts; offsets are multiples of the page size (a small set of cache keys). */
export const RUN_PAGE_SIZES = [10, 25, 50, 100] as const;

/** Settings of the crawlers backend read from config. */
export interface CrawlersBackendSettings {
  ttls: AirflowCacheTtls;
  maxConfBytes: number;
  limits: {
    maxDagIdsPerEntity: number;
    maxRunsOffset: number;
    maxLogChunkBytes: number;
    maxRequestBodyBytes: number;
  };
}

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new InputError(`${key} must be a positive whole number`);
  }
  return value;
}

/** Reads `crawlers.cache`, `crawlers.trigger` and `crawlers.limits` with their defaults. */
export function readCrawlersBackendSettings(
  config: Config,
): CrawlersBackendSettings {
  const c = defaults.cache;
  return {
    ttls: {
      dag: positive(config, 'crawlers.cache.dagTtlMs', c.dagTtlMs),
      runs: positive(config, 'crawlers.cache.runsTtlMs', c.runsTtlMs),
      taskInstances: positive(
        config,
        'crawlers.cache.taskInstancesTtlMs',
        c.taskInstancesTtlMs,
      ),
      importErrors: positive(
        config,
        'crawlers.cache.importErrorsTtlMs',
        c.importErrorsTtlMs,
      ),
      stale: positive(config, 'crawlers.cache.staleTtlMs', c.staleTtlMs),
    },
    maxConfBytes: positive(
      config,
      'crawlers.trigger.maxConfBytes',
      defaults.trigger.maxConfBytes,
    ),
    limits: {
      maxDagIdsPerEntity: positive(
        config,
        'crawlers.limits.maxDagIdsPerEntity',
        defaults.limits.maxDagIdsPerEntity,
      ),
      maxRunsOffset: positive(
        config,
        'crawlers.limits.maxRunsOffset',
        defaults.limits.maxRunsOffset,
      ),
      maxLogChunkBytes: positive(
        config,
        'crawlers.limits.maxLogChunkBytes',
        defaults.limits.maxLogChunkBytes,
      ),
      maxRequestBodyBytes: positive(
        config,
        'crawlers.limits.maxRequestBodyBytes',
        defaults.limits.maxRequestBodyBytes,
      ),
    },
  };
}
