/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import { SandboxLogger } from '../util/logger';
import { DagProcessor } from './dagProcessor';
import { newTaskInstances, queuedRun, runIdFor } from './runs';
import { nextSlot } from './schedule';
import { AirflowState } from './state';
import { TaskSpec } from './dagFile';
import { DagRecord, RunRecord, TaskInstanceRecord } from './types';

/** The executor the scheduler hands tries to (the KubernetesExecutor). */
export interface TaskExecutor {
  /** Queues the next try of a task instance. */
  queueTask(run: RunRecord, ti: TaskInstanceRecord, task: TaskSpec): void;
  /** Fails a running try whose pod did not start before its deadline. */
  failStartTimeout(ti: TaskInstanceRecord): void;
}

/** Options of {@link Scheduler}. */
export type SchedulerOptions = {
  /** Instance name (in log messages). */
  name: string;
  airflowMajor: 2 | 3;
  clock: Clock;
  logger: SandboxLogger;
  processor: DagProcessor;
  executor: TaskExecutor;
};

/** The body of a manual trigger. */
export type TriggerRequest = {
  run_id?: string | null;
  logical_date?: string | null;
  conf?: Record<string, unknown> | null;
  note?: string | null;
  user?: string;
};

/** A rejection the caller already logged: the promise is only awaited for ordering. */
const alreadyLogged = () => undefined;

/**
 * Airflow's scheduler on the sandbox {@link Clock}: each pass re-parses the DAG files when the synced commit changed,
 * creates due scheduled runs, starts queued runs of unpaused DAGs and advances running ones, one task after the other.
 * Passes are coalesced: a request during a pass runs one more pass after it.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;

  constructor(
    private readonly state: AirflowState,
    private readonly options: SchedulerOptions,
  ) {}

  /** Runs a pass every `intervalMs` of real time. */
  startLoop(intervalMs: number): void {
    this.timer = setInterval(() => this.requestTick(), intervalMs);
    this.timer.unref?.();
  }

  /** Stops the loop and waits for a running pass. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(alreadyLogged);
  }

  /** Runs a pass soon (coalesced with a running one). */
  requestTick(): void {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.tick().catch(alreadyLogged);
  }

  /** One pass (or, during a pass, one more after it); a failure is logged and rejects the promise. */
  tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    const run = async () => {
      try {
        do {
          this.tickAgain = false;
          this.state.latestHeartbeat = this.state.now();
          await this.options.processor.refresh();
          this.scheduleRuns();
          this.startQueuedRuns();
          await this.advanceRuns();
        } while (this.tickAgain);
      } catch (e) {
        this.options.logger.error(
          `${this.options.name} scheduler pass failed`,
          {
            error: (e as Error)?.message ?? String(e),
          },
        );
        throw e;
      } finally {
        this.ticking = undefined;
      }
    };
    this.ticking = run();
    return this.ticking;
  }

  /**
   * Creates a manual run (state queued; a pass starts it unless the DAG is paused).
   * Throws an error with `conflict: true` when the run id or logical date is taken.
   */
  trigger(dagId: string, body: TriggerRequest): RunRecord {
    const dag = this.state.mustGetDag(dagId);
    const now = this.options.clock.now();
    // Airflow 2 defaults the logical date to now; Airflow 3 leaves it null unless given.
    let logical: Date | null = this.options.airflowMajor === 2 ? now : null;
    if (body.logical_date === null) {
      logical = null;
    } else if (body.logical_date) {
      logical = new Date(body.logical_date);
    }
    const runId = body.run_id ?? runIdFor('manual', logical ?? now, true);
    if (this.state.getRun(dagId, runId)) {
      throw Object.assign(
        new Error(
          `DAGRun with DAG ID: '${dagId}' and DAGRun ID: '${runId}' already exists`,
        ),
        { conflict: true },
      );
    }
    if (
      logical &&
      this.state.runs.some(
        r => r.dag_id === dagId && r.logical_date === logical.toISOString(),
      )
    ) {
      throw Object.assign(
        new Error(
          `DAGRun with DAG ID: '${dagId}' and DAGRun logical date: '${logical
            .toISOString()
            .replace('Z', '+00:00')}' already exists`,
        ),
        { conflict: true },
      );
    }
    const logicalIso = logical ? logical.toISOString() : null;
    const run = queuedRun({
      id: this.state.takeRunId(),
      dag_id: dagId,
      run_id: runId,
      run_type: 'manual',
      logical_date: logicalIso,
      data_interval_start: logicalIso,
      data_interval_end: logicalIso,
      run_after: (logical ?? now).toISOString(),
      queued_at: now.toISOString(),
      conf: body.conf ?? {},
      note: body.note ?? null,
      triggered_by: 'rest_api',
      triggering_user_name: body.user ?? null,
      dag_version: dag.versions.length,
    });
    this.addRun(run, dag);
    this.requestTick();
    return run;
  }

  /** The next scheduled slot of a DAG (for next_dagrun fields), ignoring max_active_runs. */
  nextDagRun(dag: DagRecord) {
    if (dag.spec.schedule.kind === 'none' || !dag.isActive) return undefined;
    return this.slotAfter(dag, this.options.clock.now());
  }

  private slotAfter(dag: DagRecord, now: Date) {
    return nextSlot({
      schedule: dag.spec.schedule,
      airflowMajor: this.options.airflowMajor,
      startDate: dag.spec.start_date ? new Date(dag.spec.start_date) : null,
      catchup: dag.spec.catchup,
      lastEnd: dag.lastScheduledEnd ? new Date(dag.lastScheduledEnd) : null,
      now,
      onceDone: dag.onceDone,
    });
  }

  private addRun(run: RunRecord, dag: DagRecord) {
    this.state.runs.push(run);
    this.state.taskInstances.push(...newTaskInstances(run, dag.spec));
    this.state.changed();
  }

  private scheduleRuns() {
    const now = this.options.clock.now();
    for (const id of this.state.sortedDagIds) {
      const dag = this.state.dags.get(id)!;
      if (dag.isPaused || !dag.isActive || dag.spec.schedule.kind === 'none')
        continue;
      for (let guard = 0; guard < 50; guard++) {
        const slot = this.slotAfter(dag, now);
        if (!slot || slot.runAfter.getTime() > now.getTime()) break;
        const active = this.state.runs.filter(
          r =>
            r.dag_id === id && (r.state === 'running' || r.state === 'queued'),
        ).length;
        if (active >= dag.spec.max_active_runs) break;
        dag.lastScheduledEnd = slot.dataIntervalEnd.toISOString();
        if (dag.spec.schedule.kind === 'once') dag.onceDone = true;
        const runId = runIdFor('scheduled', slot.logicalDate, false);
        if (this.state.getRun(id, runId)) continue;
        const run = queuedRun({
          id: this.state.takeRunId(),
          dag_id: id,
          run_id: runId,
          run_type: 'scheduled',
          logical_date: slot.logicalDate.toISOString(),
          data_interval_start: slot.dataIntervalStart.toISOString(),
          data_interval_end: slot.dataIntervalEnd.toISOString(),
          run_after: slot.runAfter.toISOString(),
          queued_at: now.toISOString(),
          conf: {},
          note: null,
          triggered_by: 'timetable',
          triggering_user_name: null,
          dag_version: dag.versions.length,
        });
        this.addRun(run, dag);
        if (dag.spec.schedule.kind === 'once') break;
      }
    }
  }

  private startQueuedRuns() {
    const now = this.state.now();
    for (const run of this.state.runs) {
      if (run.state !== 'queued') continue;
      const dag = this.state.dags.get(run.dag_id);
      if (!dag || dag.isPaused || !dag.isActive) continue;
      const running = this.state.runs.filter(
        r => r.dag_id === run.dag_id && r.state === 'running',
      ).length;
      if (running >= dag.spec.max_active_runs) continue;
      run.state = 'running';
      run.start_date = now;
      run.last_scheduling_decision = now;
      for (const ti of this.state.taskInstancesOf(run)) {
        if (ti.state === null) {
          ti.state = 'scheduled';
          ti.scheduled_when = now;
        }
      }
      this.state.changed();
    }
  }

  /** Moves each running run on: retries due, start timeouts, the next scheduled task, or the run's end state. */
  private async advanceRuns() {
    const now = this.options.clock.now();
    const executor = this.options.executor;
    for (const run of this.state.runs) {
      if (run.state !== 'running') continue;
      const dag = this.state.dags.get(run.dag_id);
      const tis = this.state.taskInstancesOf(run);
      run.last_scheduling_decision = now.toISOString();
      const taskOf = (taskId: string) =>
        dag?.spec.tasks.find(t => t.task_id === taskId);
      const runningTi = tis.find(
        t => t.state === 'running' || t.state === 'queued',
      );
      const retrying = tis.find(t => t.state === 'up_for_retry');
      if (!runningTi && retrying) {
        const task = taskOf(retrying.task_id);
        if (
          task &&
          (!retrying.retryAt ||
            now.getTime() >= new Date(retrying.retryAt).getTime())
        ) {
          retrying.retryAt = null;
          executor.queueTask(run, retrying, task);
        } else if (!task) {
          retrying.state = 'failed';
          this.state.changed();
        }
        continue;
      }
      if (runningTi) {
        if (
          runningTi.startDeadline &&
          runningTi.state === 'running' &&
          now.getTime() > new Date(runningTi.startDeadline).getTime()
        ) {
          executor.failStartTimeout(runningTi);
        }
        continue;
      }
      const next = tis.find(t => t.state === 'scheduled');
      if (next) {
        const upstreamFailed = tis.some(
          t => t.state === 'failed' || t.state === 'upstream_failed',
        );
        const task = upstreamFailed ? undefined : taskOf(next.task_id);
        if (!task) {
          // A failed task marks later ones upstream_failed; a task gone from the file fails.
          next.state = upstreamFailed ? 'upstream_failed' : 'failed';
          next.end_date = now.toISOString();
          this.state.changed();
          this.tickAgain = true;
          continue;
        }
        executor.queueTask(run, next, task);
        continue;
      }
      const failed = tis.some(
        t => t.state === 'failed' || t.state === 'upstream_failed',
      );
      run.state = failed ? 'failed' : 'success';
      run.end_date = now.toISOString();
      this.state.changed();
    }
  }
}
