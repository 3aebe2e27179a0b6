/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { toError } from '@backstage/errors';
import { useCallback, useEffect, useState } from 'react';
import { useCrawlersRefresh } from './refresh';

/** What a section knows about its data. */
export interface CrawlersQueryState<T> {
  /** The last value loaded; kept while a refresh runs or after a refresh failed. */
  value?: T;
  /** The last load's error; cleared by the next successful load. */
  error?: Error;
  /** True while a load runs. */
  loading: boolean;
  /** Loads again now. */
  retry: () => void;
}

/**
 * Loads a section's data with `load` (memoise it with `useCallback`), again on every refresh tick and on `retry`.
 * Unlike a plain async hook it keeps the last value when a refresh fails, so a section never blanks on a transient
 * error; the section shows its error panel above the data instead.
 */
export function useCrawlersQuery<T>(
  load: () => Promise<T>,
): CrawlersQueryState<T> {
  const { tick } = useCrawlersRefresh();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{
    value?: T;
    error?: Error;
    loading: boolean;
  }>({ loading: true });

  useEffect(() => {
    let cancelled = false;
    setState(s => (s.loading ? s : { ...s, loading: true }));
    load().then(
      value => {
        if (!cancelled) setState({ value, loading: false });
      },
      error => {
        if (!cancelled) {
          setState(s => ({
            value: s.value,
            error: toError(error),
            loading: false,
          }));
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [load, tick, attempt]);

  const retry = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, retry };
}
