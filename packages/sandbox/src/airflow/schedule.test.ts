/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { nextSlot } from './schedule';

const daily = { kind: 'cron' as const, expression: '@daily' };

describe('nextSlot', () => {
  it('should give Airflow 2 the last complete data interval when catchup is off', () => {
    const slot = nextSlot({
      schedule: daily,
      airflowMajor: 2,
      startDate: new Date('2026-01-01T00:00:00Z'),
      catchup: false,
      lastEnd: null,
      now: new Date('2026-03-10T12:00:00Z'),
      onceDone: false,
    })!;
    expect(slot.dataIntervalStart.toISOString()).toBe(
      '2026-03-09T00:00:00.000Z',
    );
    expect(slot.dataIntervalEnd.toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(slot.logicalDate.toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(slot.runAfter.toISOString()).toBe('2026-03-10T00:00:00.000Z');
  });

  it('should give Airflow 3 the latest cron fire as logical date and run_after', () => {
    const slot = nextSlot({
      schedule: daily,
      airflowMajor: 3,
      startDate: new Date('2026-01-01T00:00:00Z'),
      catchup: false,
      lastEnd: null,
      now: new Date('2026-03-10T12:00:00Z'),
      onceDone: false,
    })!;
    expect(slot.logicalDate.toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(slot.runAfter.toISOString()).toBe('2026-03-10T00:00:00.000Z');
  });

  it('should start from start_date with catchup and continue after the last run', () => {
    const first = nextSlot({
      schedule: { kind: 'cron', expression: '@hourly' },
      airflowMajor: 2,
      startDate: new Date('2026-01-01T00:00:00Z'),
      catchup: true,
      lastEnd: null,
      now: new Date('2026-01-02T00:00:00Z'),
      onceDone: false,
    })!;
    expect(first.logicalDate.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const second = nextSlot({
      schedule: { kind: 'cron', expression: '@hourly' },
      airflowMajor: 2,
      startDate: new Date('2026-01-01T00:00:00Z'),
      catchup: true,
      lastEnd: first.dataIntervalEnd,
      now: new Date('2026-01-02T00:00:00Z'),
      onceDone: false,
    })!;
    expect(second.logicalDate.toISOString()).toBe('2026-01-01T01:00:00.000Z');
  });

  it('should give no slot for DAGs without a schedule or after @once ran', () => {
    const base = {
      airflowMajor: 3 as const,
      startDate: null,
      catchup: false,
      lastEnd: null,
      now: new Date(),
    };
    expect(
      nextSlot({ ...base, schedule: { kind: 'none' }, onceDone: false }),
    ).toBeUndefined();
    expect(
      nextSlot({ ...base, schedule: { kind: 'once' }, onceDone: true }),
    ).toBeUndefined();
  });
});
