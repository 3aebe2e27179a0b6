/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * A source of "now" for the sandbox's schedulers, timestamps and token expiry.
 * @public
 */
export interface Clock {
  /** The current time. */
  now(): Date;
  /**
   * Registers a listener called after the clock jumps forward (only clocks that can jump call it).
   * Returns a function that removes the listener.
   */
  onAdvance?(listener: (now: Date) => void): () => void;
}

/**
 * The wall clock.
 * @public
 */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * A clock that only moves when told to; used by tests and demos to drive the Airflow scheduler.
 * @public
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(start: Date | string | number = '2026-01-01T00:00:00Z') {
    const ms = new Date(start).getTime();
    if (Number.isNaN(ms)) {
      throw new Error(
        `ManualClock: invalid start time ${JSON.stringify(
          start,
        )}; pass a Date, an ISO 8601 string or epoch milliseconds`,
      );
    }
    this.current = ms;
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `ms` milliseconds and notifies listeners. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new Error(
        `ManualClock.advance: expected a non-negative number of milliseconds, got ${ms}`,
      );
    }
    return this.set(this.current + ms);
  }

  /** Sets the clock to a later time and notifies listeners. */
  set(time: Date | string | number): Date {
    const ms = new Date(time).getTime();
    if (Number.isNaN(ms) || ms < this.current) {
      throw new Error(
        `ManualClock.set: ${String(
          time,
        )} is invalid or earlier than the current time ${this.now().toISOString()}; a clock never goes back`,
      );
    }
    this.current = ms;
    const now = this.now();
    for (const listener of [...this.listeners]) {
      listener(now);
    }
    return now;
  }

  onAdvance(listener: (now: Date) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
