/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import { TaskSpec } from './dagFile';
import { executingLine, markingLine, TASK_LOGGER, tiRepr } from './kpoText';
import { AirflowState } from './state';
import { LogEntry, RunRecord, TaskInstanceRecord } from './types';

/**
 * The task-instance side of a try, as Airflow's task runner logs it: starting a try, and its end as success,
 * up_for_retry (while retries remain, after `retry_delay` on the clock) or failed.
 */
export class TaskTries {
  constructor(
    private readonly state: AirflowState,
    private readonly options: {
      /** The worker's hostname. */
      hostname: string;
      airflowMajor: 2 | 3;
      clock: Clock;
    },
  ) {}

  /** Appends a line to the log of the task instance's current try. */
  log(
    ti: TaskInstanceRecord,
    level: LogEntry['level'],
    event: string,
    logger: string,
    source: string,
  ): void {
    this.state.appendLog(ti, level, event, logger, source);
  }

  /** Starts the next try: state running, and the task runner's first log lines. */
  begin(run: RunRecord, ti: TaskInstanceRecord): void {
    const now = this.state.now();
    ti.try_number += 1;
    ti.state = 'running';
    ti.pod = null;
    ti.podPhaseLogged = null;
    ti.queued_when = now;
    ti.start_date = now;
    ti.end_date = null;
    ti.hostname = this.options.hostname;
    ti.pid = 1000 + Math.floor(Math.random() * 30000);
    this.log(
      ti,
      'info',
      `Dependencies all met for dep_context=non-requeueable deps ti=${tiRepr(
        ti,
      )}`,
      TASK_LOGGER,
      'taskinstance.py:2612',
    );
    this.log(
      ti,
      'info',
      `Starting attempt ${ti.try_number} of ${ti.max_tries + 1}`,
      TASK_LOGGER,
      'taskinstance.py:2865',
    );
    this.log(
      ti,
      'info',
      executingLine(ti, run),
      TASK_LOGGER,
      'taskinstance.py:2888',
    );
  }

  /** Ends the try with an exception: up_for_retry while `task` has retries left, else failed. */
  fail(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec | undefined,
    error: string,
    traceback: string[],
  ): void {
    const now = this.state.now();
    this.log(
      ti,
      'error',
      `Task failed with exception\nTraceback (most recent call last):\n${traceback.join(
        '\n',
      )}\n${error}`,
      TASK_LOGGER,
      'taskinstance.py:3310',
    );
    ti.end_date = now;
    ti.startDeadline = null;
    if (task && ti.try_number <= ti.max_tries) {
      // Another try follows after retry_delay on the sandbox clock.
      ti.state = 'up_for_retry';
      ti.retryAt = new Date(
        this.options.clock.now().getTime() + task.retry_delay_seconds * 1000,
      ).toISOString();
      this.markAs('UP_FOR_RETRY', run, ti, now);
    } else {
      ti.state = 'failed';
      this.markAs('FAILED', run, ti, now);
    }
  }

  /** Ends the try successfully. */
  succeed(run: RunRecord, ti: TaskInstanceRecord): void {
    const now = this.state.now();
    ti.state = 'success';
    ti.end_date = now;
    ti.startDeadline = null;
    this.markAs('SUCCESS', run, ti, now);
  }

  private markAs(
    state: string,
    run: RunRecord,
    ti: TaskInstanceRecord,
    now: string,
  ) {
    this.log(
      ti,
      'info',
      markingLine(this.options.airflowMajor, state, run, ti, now),
      TASK_LOGGER,
      'taskinstance.py:1225',
    );
  }
}
