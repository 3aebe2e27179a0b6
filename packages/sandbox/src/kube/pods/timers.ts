/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SandboxLogger } from '../../util/logger';

/** The timers of the pod lifecycle, grouped per pod uid so that a deleted pod's pending steps can be cancelled. */
export interface PodTimers {
  /** Runs `fn` after `ms` (nothing once stopped); a step that throws is logged and skipped. */
  later(uid: string, ms: number, fn: () => void): void;
  /** Cancels every pending step of one pod. */
  cancel(uid: string): void;
  /** Cancels every pending step and refuses new ones. */
  stop(): void;
}

/** Creates the timer coordinator of one pod lifecycle. */
export function createPodTimers(logger: SandboxLogger): PodTimers {
  /** Timers per pod uid. */
  const timers = new Map<string, Set<NodeJS.Timeout>>();
  let stopped = false;

  function later(uid: string, ms: number, fn: () => void) {
    if (stopped) return;
    const set = timers.get(uid) ?? new Set();
    timers.set(uid, set);
    const t = setTimeout(() => {
      set.delete(t);
      try {
        fn();
      } catch (e) {
        // The pod may have been deleted or changed meanwhile: the step no longer applies.
        logger.warn('pod lifecycle step skipped', {
          uid,
          error: (e as Error).message,
        });
      }
    }, ms);
    t.unref?.();
    set.add(t);
  }

  function cancel(uid: string) {
    for (const t of timers.get(uid) ?? []) clearTimeout(t);
    timers.delete(uid);
  }

  function stop() {
    stopped = true;
    for (const uid of [...timers.keys()]) cancel(uid);
  }

  return { later, cancel, stop };
}
