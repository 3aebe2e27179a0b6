/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import { TaskSpec } from './dagFile';
import { executingLine, markingLine, TASK_LOGGER, tiRepr } from './kpoText';
import { PyException, tracebackText } from './kpoTracebacks';
import { AirflowState } from './state';
import { LogEntry, RunRecord, TaskInstanceRecord } from './types';

/**
 * The task-instance side of a try, as Airflow's scheduler and task runner record it: queued for the executor, started
 * by a worker (the task runner's first log lines), and its end as success, up_for_retry (while retries remain, after
 * `retry_delay` on the clock) or failed — with the exception in the log, or, when the executor reports the failure of
 * a try that never started, without a log line.
 */
export class TaskTries {
  constructor(
    private readonly state: AirflowState,
    private readonly options: {
      airflowMajor: 2 | 3;
      clock: Clock;
      /** Sees every task-log line (the worker copies them to its container log). */
      onLog?: (ti: TaskInstanceRecord, entry: LogEntry) => void;
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
    const entry = this.state.appendLog(ti, level, event, logger, source);
    this.options.onLog?.(ti, entry);
  }

  /** The scheduler hands the next try to the executor: state queued, no worker yet. */
  queue(ti: TaskInstanceRecord): void {
    const now = this.state.now();
    ti.try_number += 1;
    ti.state = 'queued';
    ti.queued_when = now;
    ti.start_date = null;
    ti.end_date = null;
    ti.hostname = null;
    ti.pid = null;
    ti.pod = null;
    ti.workerPod = null;
    ti.podPhaseLogged = null;
    ti.podScheduled = false;
    ti.startDeadline = null;
    this.state.changed();
  }

  /** A worker (`hostname`) starts the queued try: state running, and the task runner's first log lines. */
  begin(run: RunRecord, ti: TaskInstanceRecord, hostname: string): void {
    ti.state = 'running';
    ti.start_date = this.state.now();
    ti.hostname = hostname;
    ti.pid = 1000 + Math.floor(Math.random() * 30000);
    this.log(
      ti,
      'info',
      `Dependencies all met for dep_context=non-requeueable deps ti=${tiRepr({
        ...ti,
        state: 'queued',
      })}`,
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

  /** Ends the try with an exception (and those it was raised while handling): up_for_retry or failed. */
  fail(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec | undefined,
    chain: PyException[],
  ): void {
    this.log(
      ti,
      'error',
      `Task failed with exception\n${tracebackText(chain)}`,
      TASK_LOGGER,
      'taskinstance.py:3310',
    );
    this.end(run, ti, task, true);
  }

  /** The executor reports a failed try that never ran (no worker log): up_for_retry or failed, nothing logged. */
  failQueued(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec | undefined,
  ): void {
    this.end(run, ti, task, false);
  }

  /** Ends the try successfully. */
  succeed(run: RunRecord, ti: TaskInstanceRecord): void {
    const now = this.state.now();
    ti.state = 'success';
    ti.end_date = now;
    ti.startDeadline = null;
    this.markAs('SUCCESS', run, ti, now);
  }

  private end(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec | undefined,
    logged: boolean,
  ): void {
    const now = this.state.now();
    ti.end_date = now;
    ti.startDeadline = null;
    if (task && ti.try_number <= ti.max_tries) {
      // Another try follows after retry_delay on the sandbox clock.
      ti.state = 'up_for_retry';
      ti.retryAt = new Date(
        this.options.clock.now().getTime() + task.retry_delay_seconds * 1000,
      ).toISOString();
      if (logged) this.markAs('UP_FOR_RETRY', run, ti, now);
    } else {
      ti.state = 'failed';
      if (logged) this.markAs('FAILED', run, ti, now);
    }
    this.state.changed();
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
