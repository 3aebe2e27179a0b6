/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { CacheService } from '@backstage/backend-plugin-api';
import type { JsonValue } from '@backstage/types';

/** A CacheService in memory on a controllable clock, for unit tests of code built on coreServices.cache. */
export function memoryCache(now: () => number): CacheService & {
  store: Map<string, { value: JsonValue; expiresAt: number }>;
} {
  const store = new Map<string, { value: JsonValue; expiresAt: number }>();
  const cache = {
    store,
    async get<T extends JsonValue>(key: string): Promise<T | undefined> {
      const entry = store.get(key);
      if (!entry || entry.expiresAt <= now()) {
        return undefined;
      }
      return JSON.parse(JSON.stringify(entry.value)) as T;
    },
    async set(key: string, value: JsonValue, options?: { ttl?: unknown }) {
      const ttl = typeof options?.ttl === 'number' ? options.ttl : Infinity;
      store.set(key, {
        value: JSON.parse(JSON.stringify(value)),
        expiresAt: now() + ttl,
      });
    },
    async delete(key: string) {
      store.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}
