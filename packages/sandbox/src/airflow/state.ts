/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import { StateStore } from '../state/StateStore';
import { SandboxLogger } from '../util/logger';
import {
  DagRecord,
  ImportErrorRecord,
  LogEntry,
  RunRecord,
  TaskInstanceRecord,
} from './types';

/** The flags of a DAG that survive restarts. */
export type PersistedDagFlags = {
  isPaused: boolean;
  lastScheduledEnd: string | null;
  onceDone: boolean;
};

/** The instance's state file (`<data>/airflow/<instance>.json`). */
export type PersistedState = {
  dags: Record<string, PersistedDagFlags>;
  runs: RunRecord[];
  taskInstances: TaskInstanceRecord[];
  importErrors: ImportErrorRecord[];
  /** `job`: the next scheduler job id (absent in files written before it existed). */
  nextIds: { run: number; importError: number; job?: number };
};

/** How long state writes are coalesced, in ms. */
const WRITE_DELAY_MS = 300;

function emptyState(): PersistedState {
  return {
    dags: {},
    runs: [],
    taskInstances: [],
    importErrors: [],
    nextIds: { run: 1, importError: 1, job: 1 },
  };
}

/**
 * What one Airflow instance knows: DAGs (with their flags), runs, task instances with their logs and import errors.
 * Kept in a {@link StateStore}; the file is a snapshot of these collections taken when it is written (generated DAGs
 * are not written: they are rebuilt on each start).
 */
export class AirflowState {
  readonly dags = new Map<string, DagRecord>();
  /** DAG ids in sorted order (kept for fast paging). */
  sortedDagIds: string[] = [];
  readonly runs: RunRecord[] = [];
  readonly taskInstances: TaskInstanceRecord[] = [];
  /** Import errors by in-pod file path. */
  readonly importErrors = new Map<string, ImportErrorRecord>();
  latestHeartbeat: string | null = null;
  /** DAG flags read from the state file; applied when a DAG is first parsed. */
  readonly persistedDags: Record<string, PersistedDagFlags>;
  private readonly store: StateStore<PersistedState>;
  private nextRunId: number;
  private nextImportErrorId: number;
  private nextJobId: number;

  constructor(options: { file?: string; clock: Clock; logger: SandboxLogger }) {
    try {
      this.store = new StateStore<PersistedState>({
        file: options.file,
        initial: emptyState,
        clock: options.clock,
        logger: options.logger,
        writeDelayMs: WRITE_DELAY_MS,
      });
    } catch (e) {
      // The store's message already says how to recover (delete the file).
      throw new Error(
        `Cannot read Airflow state ${options.file}: ${(e as Error).message}`,
      );
    }
    try {
      const loaded = this.store.state;
      this.runs.push(...loaded.runs);
      this.taskInstances.push(...loaded.taskInstances);
      for (const ie of loaded.importErrors)
        this.importErrors.set(ie.filename, ie);
      this.nextRunId = loaded.nextIds.run;
      this.nextImportErrorId = loaded.nextIds.importError;
      this.nextJobId = loaded.nextIds.job ?? 1;
      this.persistedDags = loaded.dags;
    } catch (e) {
      throw new Error(
        `Cannot read Airflow state ${options.file}: ${
          (e as Error).message
        }; delete the file to start from an empty Airflow`,
      );
    }
    // The store writes its document with JSON.stringify: make that write the live collections.
    Object.defineProperty(this.store.state, 'toJSON', {
      value: () => this.snapshot(),
      enumerable: false,
    });
  }

  /** Where timer and listener failures are reported. */
  get logger(): SandboxLogger {
    return this.store.logger;
  }

  /** The current time of the instance's clock, as an ISO string. */
  now(): string {
    return this.store.now().toISOString();
  }

  /** Schedules a write of the state file (coalesced). */
  changed(): void {
    this.store.changed();
  }

  /** Runs `fn`, logging (not throwing) its failure. */
  guard(what: string, fn: () => unknown): void {
    this.store.guard(what, fn);
  }

  /** Writes the state file now and stops pending writes. */
  close(): void {
    this.store.close();
  }

  takeRunId(): number {
    return this.nextRunId++;
  }

  /** A new scheduler job id (each scheduler start is a job; worker pods carry it as `airflow-worker`). */
  takeJobId(): number {
    const id = this.nextJobId++;
    this.changed();
    return id;
  }

  takeImportErrorId(): number {
    return this.nextImportErrorId++;
  }

  /** A DAG, or an error naming it. */
  mustGetDag(dagId: string): DagRecord {
    const dag = this.dags.get(dagId);
    if (!dag) throw new Error(`DAG ${dagId} not found`);
    return dag;
  }

  /** Finds a run. */
  getRun(dagId: string, runId: string): RunRecord | undefined {
    return this.runs.find(r => r.dag_id === dagId && r.run_id === runId);
  }

  /** The task instances of a run, in task order. */
  taskInstancesOf(run: RunRecord): TaskInstanceRecord[] {
    return this.taskInstances.filter(
      t => t.dag_id === run.dag_id && t.run_id === run.run_id,
    );
  }

  /** Appends a line to the log of the task instance's current try; returns it. */
  appendLog(
    ti: TaskInstanceRecord,
    level: LogEntry['level'],
    event: string,
    logger: string,
    source: string,
  ): LogEntry {
    const key = String(ti.try_number);
    const entry = { timestamp: this.now(), level, event, logger, source };
    (ti.logs[key] ??= []).push(entry);
    this.changed();
    return entry;
  }

  private snapshot(): PersistedState {
    const dags: PersistedState['dags'] = {};
    for (const [id, d] of this.dags) {
      if (!d.generated) {
        dags[id] = {
          isPaused: d.isPaused,
          lastScheduledEnd: d.lastScheduledEnd,
          onceDone: d.onceDone,
        };
      }
    }
    return {
      dags,
      runs: this.runs,
      taskInstances: this.taskInstances,
      importErrors: [...this.importErrors.values()],
      nextIds: {
        run: this.nextRunId,
        importError: this.nextImportErrorId,
        job: this.nextJobId,
      },
    };
  }
}
