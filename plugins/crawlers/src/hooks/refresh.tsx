/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  createContext,
  ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';

/** How often the crawler's sections reload while the page is visible. */
export const CRAWLERS_REFRESH_INTERVAL_MS = 30_000;

interface RefreshState {
  /** Increases on every refresh; sections reload when it changes. */
  tick: number;
  /** Reloads every section now (after an action, or from a Refresh button). */
  refresh: () => void;
}

const RefreshContext = createContext<RefreshState>({
  tick: 0,
  refresh: () => {},
});

/**
 * Reloads the sections below it every `intervalMs` while the browser tab is visible (`document.visibilityState`); a
 * refresh that fell due while the tab was hidden happens as soon as it is shown again.
 */
export function CrawlersRefreshProvider(props: {
  intervalMs?: number;
  children: ReactNode;
}) {
  const { intervalMs = CRAWLERS_REFRESH_INTERVAL_MS, children } = props;
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick(t => t + 1), []);

  useEffect(() => {
    let due = false;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') {
        refresh();
      } else {
        due = true;
      }
    }, intervalMs);
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible' && due) {
        due = false;
        refresh();
      }
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [intervalMs, refresh]);

  const value = useMemo(() => ({ tick, refresh }), [tick, refresh]);
  return (
    <RefreshContext.Provider value={value}>{children}</RefreshContext.Provider>
  );
}

/** The refresh tick and trigger of the nearest {@link CrawlersRefreshProvider}. */
export function useCrawlersRefresh(): RefreshState {
  return useContext(RefreshContext);
}
