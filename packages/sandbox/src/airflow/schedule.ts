/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { CronExpressionParser } from 'cron-parser';
import { ScheduleSpec } from './dagFile';

/** One scheduled run's timing: the data interval, when it may be created, and its logical date. */
export type ScheduledSlot = {
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  runAfter: Date;
  logicalDate: Date;
};

const PRESETS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/** The cron expression behind a preset or a 5-field cron string. */
export function cronOf(expression: string): string {
  return PRESETS[expression] ?? expression;
}

/** Validates a cron expression; returns the parser's message when invalid. */
export function cronError(expression: string): string | undefined {
  try {
    CronExpressionParser.parse(cronOf(expression), { tz: 'UTC' });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function nextFire(
  schedule: ScheduleSpec,
  after: Date,
  anchor: Date,
): Date | undefined {
  if (schedule.kind === 'cron') {
    const it = CronExpressionParser.parse(cronOf(schedule.expression), {
      currentDate: after,
      tz: 'UTC',
    });
    return it.next().toDate();
  }
  if (schedule.kind === 'interval') {
    const step = schedule.seconds * 1000;
    const k = Math.floor((after.getTime() - anchor.getTime()) / step) + 1;
    return new Date(anchor.getTime() + Math.max(k, 0) * step);
  }
  return undefined;
}

function prevFire(
  schedule: ScheduleSpec,
  atOrBefore: Date,
  anchor: Date,
): Date | undefined {
  if (schedule.kind === 'cron') {
    const it = CronExpressionParser.parse(cronOf(schedule.expression), {
      currentDate: new Date(atOrBefore.getTime() + 1),
      tz: 'UTC',
    });
    return it.prev().toDate();
  }
  if (schedule.kind === 'interval') {
    const step = schedule.seconds * 1000;
    const k = Math.floor((atOrBefore.getTime() - anchor.getTime()) / step);
    return new Date(anchor.getTime() + k * step);
  }
  return undefined;
}

/**
 * The next scheduled slot of a DAG. Airflow 2 (data-interval timetables): a run covers [previous fire, fire],
 * its logical date is the interval start and it is created at the interval end. Airflow 3 (CronTriggerTimetable,
 * the default since 3.0): a run fires at each cron time, logical date = run_after = fire time.
 *
 * `lastEnd` is the end of the last scheduled slot created; with catchup off, slots before `now` are skipped to
 * the latest one.
 */
export function nextSlot(options: {
  schedule: ScheduleSpec;
  airflowMajor: 2 | 3;
  startDate: Date | null;
  catchup: boolean;
  lastEnd: Date | null;
  now: Date;
  onceDone: boolean;
}): ScheduledSlot | undefined {
  const { schedule, airflowMajor, catchup, lastEnd, now } = options;
  const anchor = options.startDate ?? new Date(0);
  if (schedule.kind === 'none') return undefined;
  if (schedule.kind === 'once') {
    if (options.onceDone) return undefined;
    const at = options.startDate ?? now;
    return {
      dataIntervalStart: at,
      dataIntervalEnd: at,
      runAfter: at,
      logicalDate: at,
    };
  }
  let end: Date | undefined;
  if (lastEnd) {
    end = nextFire(schedule, lastEnd, anchor);
  } else if (catchup && options.startDate) {
    const first = nextFire(schedule, new Date(anchor.getTime() - 1), anchor);
    end =
      airflowMajor === 2 && first ? nextFire(schedule, first, anchor) : first;
  } else {
    end = prevFire(schedule, now, anchor) ?? undefined;
  }
  if (!end) return undefined;
  if (!catchup && end.getTime() <= now.getTime()) {
    const latest = prevFire(schedule, now, anchor);
    if (latest && latest.getTime() > end.getTime()) end = latest;
  }
  if (options.startDate) {
    const minimum =
      airflowMajor === 2
        ? nextFire(schedule, new Date(anchor.getTime() - 1), anchor)
        : anchor;
    while (minimum && end.getTime() < minimum.getTime()) {
      const n = nextFire(schedule, end, anchor);
      if (!n) return undefined;
      end = n;
    }
  }
  if (airflowMajor === 2) {
    const start =
      prevFire(schedule, new Date(end.getTime() - 1), anchor) ?? end;
    if (options.startDate && start.getTime() < options.startDate.getTime()) {
      const n = nextFire(schedule, end, anchor);
      if (!n) return undefined;
      return {
        dataIntervalStart: end,
        dataIntervalEnd: n,
        runAfter: n,
        logicalDate: end,
      };
    }
    return {
      dataIntervalStart: start,
      dataIntervalEnd: end,
      runAfter: end,
      logicalDate: start,
    };
  }
  return {
    dataIntervalStart: end,
    dataIntervalEnd: end,
    runAfter: end,
    logicalDate: end,
  };
}

/** A human description of a schedule, like Airflow's timetable_description for the common presets. */
export function describeSchedule(
  schedule: ScheduleSpec,
  text: string | null,
): string | null {
  switch (schedule.kind) {
    case 'none':
      return 'Never, external triggers only';
    case 'once':
      return 'Once, as soon as possible';
    case 'interval':
      return '';
    case 'cron': {
      const known: Record<string, string> = {
        '@hourly': 'At 0 minutes past the hour',
        '@daily': 'At 00:00',
        '@midnight': 'At 00:00',
        '@weekly': 'At 00:00, only on Sunday',
        '@monthly': 'At 00:00, on day 1 of the month',
        '@yearly': 'At 00:00, on day 1 of the month, only in January',
        '@annually': 'At 00:00, on day 1 of the month, only in January',
      };
      return known[schedule.expression] ?? text;
    }
    default:
      return null;
  }
}
