/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ManualClock, SystemClock } from './clock';

describe('ManualClock', () => {
  it('should start at the given time and move only when advanced', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-03-01T00:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2026-03-01T00:01:30.000Z');
  });

  it('should notify listeners after each jump and stop after unsubscribe', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const seen: string[] = [];
    const off = clock.onAdvance(now => seen.push(now.toISOString()));
    clock.advance(1000);
    off();
    clock.advance(1000);
    expect(seen).toEqual(['2026-03-01T00:00:01.000Z']);
  });

  it('should refuse to go back in time or take a bad start', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    expect(() => clock.set('2025-01-01T00:00:00Z')).toThrow(/never goes back/);
    expect(() => clock.advance(-1)).toThrow(/non-negative/);
    expect(() => new ManualClock('not a date')).toThrow(/invalid start time/);
  });
});

describe('SystemClock', () => {
  it('should return the wall-clock time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
