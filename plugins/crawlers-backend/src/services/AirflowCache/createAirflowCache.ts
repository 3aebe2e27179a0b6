/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { JsonValue } from '@backstage/types';
import type {
  AirflowCache,
  AirflowCacheScope,
  AirflowResourceKind,
  CachedResult,
} from './types';

/** TTLs of the cache per resource kind, in milliseconds. */
export interface AirflowCacheTtls {
  dag: number;
  runs: number;
  taskInstances: number;
  importErrors: number;
  pods: number;
  namespaces: number;
  gitSync: number;
  clusterConfig: number;
  logs: number;
  aws: number;
  repositoryHead: number;
  repositoryHistory: number;
  /** How long the last good value is kept for stale-on-error. */
  stale: number;
}

type Entry = { value: JsonValue; fetchedAt: number; generation: number };

/** Freezes a decoded value so that no caller can change what other callers of the same entry read. */
function deepFreeze(value: JsonValue): void {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child as JsonValue);
    }
  }
}

/** A failing cache is reported at most once per this interval. */
const CACHE_FAILURE_LOG_INTERVAL_MS = 60_000;
/**
 * Decoded entries kept in this process (least recently used evicted first). Every cached answer is bounded by a
 * limit of its own (page sizes, log tail lines), so this bounds the memory too.
 */
const LOCAL_ENTRIES_MAX = 500;

/**
 * Creates the Airflow cache on top of `coreServices.cache`.
 *
 * @remarks
 * DAG- and group-scoped entries record their generation, a counter stored in the same cache; invalidation bumps it with
 * one write that every backend replica sees. The generation and the entry are read in parallel so that a cold
 * read reaches Airflow after one cache round trip. Coalescing of in-flight fetches is per process.
 *
 * Each process also keeps the last few hundred entries it read or fetched, decoded: a warm read then costs one small
 * generation read instead of fetching and parsing the whole answer from the shared cache again (under load, that
 * parsing was a fifth of the CPU of the overview route). A local entry is used only while it is within its TTL and of
 * the current generation, so an invalidation by any replica still takes effect at once.
 */
export function createAirflowCache(options: {
  cache: CacheService;
  logger: LoggerService;
  ttls: AirflowCacheTtls;
  now?: () => number;
}): AirflowCache {
  const { cache, logger, ttls } = options;
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, Promise<Entry>>();
  const local = new Map<string, Entry>();
  let lastFailureLog = -Infinity;
  let failuresSinceLog = 0;

  /** Logs a cache failure once per interval (with the count of failures since the last line). */
  function cacheFailed(what: string, error: unknown) {
    failuresSinceLog++;
    if (now() - lastFailureLog >= CACHE_FAILURE_LOG_INTERVAL_MS) {
      logger.warn(`The cache failed; ${what}`, {
        error: String(error),
        failures: failuresSinceLog,
      });
      lastFailureLog = now();
      failuresSinceLog = 0;
    }
  }

  /** A cache read that never fails: a failing cache reads as empty, and the value comes from Airflow. */
  async function safeGet<T extends JsonValue>(
    key: string,
  ): Promise<T | undefined> {
    try {
      return await cache.get<T>(key);
    } catch (error) {
      cacheFailed('reading from Airflow instead', error);
      return undefined;
    }
  }

  /** The generation counter of a DAG or a group; undefined for instance-wide values. */
  const generationKey = (scope: AirflowCacheScope) => {
    if (scope.dagId !== undefined) {
      return `gen:${scope.instance}:${scope.dagId}`;
    }
    return scope.group !== undefined
      ? `gen:${scope.instance}:group:${scope.group}`
      : undefined;
  };
  const entryKey = (
    scope: AirflowCacheScope,
    kind: AirflowResourceKind,
    key: string,
  ) => {
    if (scope.dagId !== undefined) {
      return `v2:${scope.instance}:dag:${scope.dagId}:${kind}:${key}`;
    }
    return scope.group !== undefined
      ? `v2:${scope.instance}:group:${scope.group}:${kind}:${key}`
      : `v2:${scope.instance}:${kind}:${key}`;
  };
  async function generationOf(scope: AirflowCacheScope): Promise<number> {
    const key = generationKey(scope);
    return key === undefined ? 0 : (await safeGet<number>(key)) ?? 0;
  }
  async function bump(key: string): Promise<void> {
    const current = (await cache.get<number>(key)) ?? 0;
    await cache.set(key, Math.max(current + 1, now()), { ttl: ttls.stale });
  }
  /** Keeps a decoded entry in this process, as the most recently used. */
  function keepLocally(cacheKey: string, entry: Entry) {
    deepFreeze(entry.value);
    local.delete(cacheKey);
    local.set(cacheKey, entry);
    if (local.size > LOCAL_ENTRIES_MAX) {
      local.delete(local.keys().next().value!);
    }
  }
  const isFresh = (entry: Entry, kind: AirflowResourceKind) =>
    now() - entry.fetchedAt < ttls[kind];

  /** The generation and the entry: the local copy when it is fresh by time, otherwise the shared cache's. */
  async function lookup(
    scope: AirflowCacheScope,
    kind: AirflowResourceKind,
    cacheKey: string,
  ): Promise<{ generation: number; cached: Entry | undefined }> {
    const mine = local.get(cacheKey);
    if (mine && isFresh(mine, kind)) {
      const generation = await generationOf(scope);
      if (mine.generation === generation) {
        local.delete(cacheKey);
        local.set(cacheKey, mine);
        return { generation, cached: mine };
      }
      local.delete(cacheKey);
      return { generation, cached: await safeGet<Entry>(cacheKey) };
    }
    const [generation, cached] = await Promise.all([
      generationOf(scope),
      safeGet<Entry>(cacheKey),
    ]);
    if (cached && cached.generation === generation) {
      keepLocally(cacheKey, cached);
    }
    return { generation, cached };
  }

  function fetchOnce(
    cacheKey: string,
    generation: number,
    fetch: () => Promise<JsonValue>,
  ): Promise<Entry> {
    const flightKey = `${cacheKey}@${generation}`;
    let pending = inFlight.get(flightKey);
    if (!pending) {
      // The caller gets the value as soon as Airflow answers; the cache write finishes in the background and the
      // in-flight entry stays until it has, so that no second fetch starts in between.
      pending = fetch().then(
        value => {
          const entry: Entry = { value, fetchedAt: now(), generation };
          cache
            .set(cacheKey, entry, { ttl: ttls.stale })
            .catch(error =>
              cacheFailed('an Airflow answer was not stored', error),
            )
            .finally(() => inFlight.delete(flightKey));
          return entry;
        },
        error => {
          inFlight.delete(flightKey);
          throw error;
        },
      );
      inFlight.set(flightKey, pending);
    }
    return pending;
  }

  return {
    async read<T extends JsonValue>(
      scope: AirflowCacheScope,
      kind: AirflowResourceKind,
      key: string,
      fetch: () => Promise<T>,
    ): Promise<CachedResult<T>> {
      const cacheKey = entryKey(scope, kind, key);
      const { generation, cached } = await lookup(scope, kind, cacheKey);
      if (cached && cached.generation === generation && isFresh(cached, kind)) {
        return {
          value: cached.value as T,
          fetchedAt: new Date(cached.fetchedAt).toISOString(),
          stale: false,
        };
      }
      try {
        const entry = await fetchOnce(cacheKey, generation, fetch);
        keepLocally(cacheKey, entry);
        return {
          value: entry.value as T,
          fetchedAt: new Date(entry.fetchedAt).toISOString(),
          stale: false,
        };
      } catch (error) {
        if (cached) {
          logger.warn('Serving a stale answer after a failed refresh', {
            kind,
            instance: scope.instance,
            dagId: scope.dagId,
            group: scope.group,
          });
          return {
            value: cached.value as T,
            fetchedAt: new Date(cached.fetchedAt).toISOString(),
            stale: true,
            error,
          };
        }
        return { value: undefined, fetchedAt: null, stale: false, error };
      }
    },

    async invalidateDag(instance: string, dagId: string): Promise<void> {
      await bump(generationKey({ instance, dagId })!);
    },
    async invalidateGroup(instance: string, group: string): Promise<void> {
      await bump(generationKey({ instance, group })!);
    },
  };
}
