/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Clock } from '../clock';
import { forbiddenMessage, kubeErrorStatus, KubeStoreLike } from '../kubeLike';
import { DagSpec, parseDagFile, TaskSpec } from './dagFile';
import { kpoPodName, makeSafeLabelValue } from './labels';
import { PyCompiler } from './pyCompile';
import { cronError, nextSlot } from './schedule';
import {
  DagRecord,
  ImportErrorRecord,
  LogEntry,
  RunRecord,
  TaskInstanceRecord,
} from './types';
import { generatedDagSource } from './generated';

/** The user KubernetesPodOperator tasks act as (Airflow's worker service account). */
export const AIRFLOW_WORKER_USER =
  'system:serviceaccount:airflow:airflow-worker';

/** Options of {@link AirflowInstance}. */
export type AirflowInstanceOptions = {
  /** Instance name, e.g. `airflow2`. */
  name: string;
  apiVersion: 'v1' | 'v2';
  kube: KubeStoreLike;
  clock: Clock;
  /** The synced DAG folder (git-sync's `<root>/<link>`), or undefined before the first sync. */
  dagsFolder: () => string | undefined;
  /** Sub-folder of the repository holding DAG files (the chart's gitSync.subPath). Default `dags`. */
  subPath?: string;
  /** Where the scheduler pod mounts the repository (what fileloc shows). */
  inPodRepoPath?: string;
  /** JSON file persisting DAG flags, runs, task instances and logs; none in memory-only mode. */
  stateFile?: string;
  /** Number of in-memory generated DAGs (benchmarks), 0..10000. */
  generatedDags?: number;
  compiler: PyCompiler;
  /** `[core] dags_are_paused_at_creation` (Airflow's default: true). */
  dagsArePausedAtCreation?: boolean;
  /** Real-time period of the scheduler loop. Default 1000 ms. */
  tickIntervalMs?: number;
  serviceAccountUser?: string;
};

type PersistedState = {
  dags: Record<
    string,
    { isPaused: boolean; lastScheduledEnd: string | null; onceDone: boolean }
  >;
  runs: RunRecord[];
  taskInstances: TaskInstanceRecord[];
  importErrors: ImportErrorRecord[];
  nextIds: { run: number; importError: number };
};

const KPO_LOGGER =
  'airflow.providers.cncf.kubernetes.operators.pod.KubernetesPodOperator';
const POD_MANAGER_LOGGER =
  'airflow.providers.cncf.kubernetes.utils.pod_manager.PodManager';
const TASK_LOGGER = 'airflow.task';

function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(8);
  return Array.from(bytes, b => alphabet[b % alphabet.length]).join('');
}

/** Airflow's run id format: `<type>__<ISO 8601 with microseconds and +00:00>`. */
export function runIdFor(
  type: 'manual' | 'scheduled',
  date: Date,
  micro: boolean,
): string {
  const iso = date.toISOString(); // 2026-01-01T00:00:00.000Z
  const base = micro ? `${iso.slice(0, 23)}000` : iso.slice(0, 19);
  return `${type}__${base}+00:00`;
}

/**
 * One Airflow (2 or 3): a DAG processor over the git-synced files, a scheduler on a {@link Clock}, and a
 * KubernetesPodOperator executor that runs each task as a pod in the Kubernetes stand-in, as Airflow's worker
 * service account and under its RBAC.
 */
export class AirflowInstance {
  readonly name: string;
  readonly apiVersion: 'v1' | 'v2';
  readonly airflowVersion: string;
  readonly major: 2 | 3;
  readonly dags = new Map<string, DagRecord>();
  /** DAG ids in sorted order (kept for fast paging). */
  sortedDagIds: string[] = [];
  readonly runs: RunRecord[] = [];
  readonly taskInstances: TaskInstanceRecord[] = [];
  readonly importErrors = new Map<string, ImportErrorRecord>();
  latestHeartbeat: string | null = null;
  private nextRunId = 1;
  private nextImportErrorId = 1;
  private lastFolderKey: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribers: Array<() => void> = [];
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly podWaiters = new Map<
    string,
    (type: string, pod: any) => void
  >();
  private readonly user: string;
  private generatedLoaded = false;
  private persisted: PersistedState | undefined;

  constructor(private readonly options: AirflowInstanceOptions) {
    this.name = options.name;
    this.apiVersion = options.apiVersion;
    this.major = options.apiVersion === 'v1' ? 2 : 3;
    this.airflowVersion = this.major === 2 ? '2.10.0' : '3.2.1';
    this.user = options.serviceAccountUser ?? AIRFLOW_WORKER_USER;
    const count = options.generatedDags ?? 0;
    if (!Number.isInteger(count) || count < 0 || count > 10_000) {
      throw new Error(
        `generatedDags must be an integer from 0 to 10000, got ${count}`,
      );
    }
    this.load();
  }

  /** The clock the scheduler runs on. */
  get clock(): Clock {
    return this.options.clock;
  }

  private get repoPath(): string {
    return this.options.inPodRepoPath ?? '/opt/airflow/dags/repo';
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  /** Starts the scheduler loop and the pod watch. */
  async start(): Promise<void> {
    this.unsubscribers.push(
      this.options.kube.onChange((type, resource, obj) => {
        if (resource !== 'pods') return;
        const key = `${obj?.metadata?.namespace}/${obj?.metadata?.name}`;
        const waiter = this.podWaiters.get(key);
        if (waiter) {
          waiter(type, obj);
        }
      }),
    );
    const clock = this.options.clock;
    if (clock.onAdvance) {
      this.unsubscribers.push(clock.onAdvance(() => this.requestTick()));
    }
    await this.tick();
    this.reattachRunningPods();
    const interval = this.options.tickIntervalMs ?? 1000;
    this.timer = setInterval(() => this.requestTick(), interval);
    this.timer.unref?.();
  }

  /** Stops the loop and writes the state file. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const u of this.unsubscribers) u();
    this.unsubscribers = [];
    await this.ticking?.catch(() => undefined);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveNow();
  }

  /** Runs a scheduler pass soon (coalesced with a running one). */
  requestTick(): void {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.tick().catch(() => undefined);
  }

  /** One scheduler pass: parse DAGs if the synced folder changed, create due runs, start and advance runs. */
  tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    const run = async () => {
      try {
        do {
          this.tickAgain = false;
          this.latestHeartbeat = this.now();
          await this.refreshDags();
          this.scheduleRuns();
          this.startQueuedRuns();
          await this.advanceRuns();
        } while (this.tickAgain);
      } finally {
        this.ticking = undefined;
      }
    };
    this.ticking = run();
    return this.ticking;
  }

  // ---------------------------------------------------------------- persistence

  private load() {
    const file = this.options.stateFile;
    if (!file || !fs.existsSync(file)) return;
    try {
      const state = JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedState;
      this.persisted = state;
      this.runs.push(...state.runs);
      this.taskInstances.push(...state.taskInstances);
      for (const ie of state.importErrors)
        this.importErrors.set(ie.filename, ie);
      this.nextRunId = state.nextIds.run;
      this.nextImportErrorId = state.nextIds.importError;
    } catch (e) {
      throw new Error(
        `Cannot read Airflow state ${file}: ${
          (e as Error).message
        }; delete the file to start from an empty Airflow`,
      );
    }
  }

  private save() {
    if (!this.options.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, 300);
    this.saveTimer.unref?.();
  }

  private saveNow() {
    const file = this.options.stateFile;
    if (!file) return;
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
    const state: PersistedState = {
      dags,
      runs: this.runs,
      taskInstances: this.taskInstances,
      importErrors: [...this.importErrors.values()],
      nextIds: { run: this.nextRunId, importError: this.nextImportErrorId },
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, file);
  }

  // ---------------------------------------------------------------- DAG processing

  private listPyFiles(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.') || e.name === '__pycache__') continue;
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
      }
    };
    walk(dir);
    return out.sort();
  }

  /** Re-reads the DAG files when the synced folder points at another commit. */
  async refreshDags(force = false): Promise<void> {
    const folder = this.options.dagsFolder();
    let real: string | undefined;
    if (folder) {
      try {
        real = fs.realpathSync(folder);
      } catch {
        real = undefined;
      }
    }
    const key = real ?? '';
    if (!force && key === this.lastFolderKey && this.generatedLoaded) return;
    this.lastFolderKey = key;
    const started = Date.now();
    const subPath = this.options.subPath ?? 'dags';
    const files = real ? this.listPyFiles(path.join(real, subPath)) : [];
    const found = new Map<
      string,
      { spec: DagSpec; file: string; relative: string; hash: string }
    >();
    const errors = new Map<string, { relative: string; message: string }>();
    const loaded = files.map(file => {
      const content = fs.readFileSync(file, 'utf8');
      const relative = path.relative(real!, file).split(path.sep).join('/');
      return { file, content, relative, inPod: `${this.repoPath}/${relative}` };
    });
    const compiled = await this.options.compiler.checkAll(
      loaded.map(f => ({ path: f.file, content: f.content })),
    );
    const results = loaded.map(f => ({
      ...f,
      compileError: compiled.get(f.file),
    }));
    for (const r of results) {
      const hash = crypto.createHash('sha256').update(r.content).digest('hex');
      if (r.compileError) {
        errors.set(r.inPod, {
          relative: r.relative,
          message: r.compileError.split(r.file).join(r.inPod),
        });
        continue;
      }
      const parsed = parseDagFile(r.content, { airflowMajor: this.major });
      if (parsed.error) {
        errors.set(r.inPod, { relative: r.relative, message: parsed.error });
        continue;
      }
      for (const spec of parsed.dags) {
        const cronProblem =
          spec.schedule.kind === 'cron'
            ? cronError(spec.schedule.expression)
            : undefined;
        if (cronProblem) {
          errors.set(r.inPod, {
            relative: r.relative,
            message: `Traceback (most recent call last):\nairflow.exceptions.AirflowTimetableInvalid: Exception happened in cron expression parsing: ${cronProblem}`,
          });
          continue;
        }
        const other = found.get(spec.dag_id);
        if (other) {
          errors.set(r.inPod, {
            relative: r.relative,
            message: `Traceback (most recent call last):\nairflow.exceptions.AirflowDagDuplicatedIdException: Ignoring DAG ${spec.dag_id} from ${r.inPod} - also found in ${other.file}`,
          });
          continue;
        }
        found.set(spec.dag_id, {
          spec,
          file: r.inPod,
          relative: r.relative,
          hash,
        });
      }
    }
    const parseSeconds = (Date.now() - started) / 1000;
    const now = this.now();

    // Import errors: keep unchanged ones (same id), replace changed ones, drop fixed ones.
    for (const [filename, existing] of this.importErrors) {
      if (!errors.has(filename) && !existing.filename.includes('/generated/')) {
        this.importErrors.delete(filename);
      }
    }
    for (const [filename, e] of errors) {
      const existing = this.importErrors.get(filename);
      if (!existing || existing.stack_trace !== e.message) {
        this.importErrors.set(filename, {
          id: this.nextImportErrorId++,
          filename,
          relativeFilename: e.relative,
          timestamp: now,
          stack_trace: e.message,
        });
      }
    }

    for (const [id, record] of this.dags) {
      if (!record.generated && !found.has(id)) record.isActive = false;
    }
    for (const [id, f] of found) {
      this.upsertDag(
        id,
        f.spec,
        f.file,
        f.relative,
        f.hash,
        now,
        parseSeconds,
        false,
      );
    }
    if (!this.generatedLoaded) {
      this.loadGenerated(now);
      this.generatedLoaded = true;
    }
    this.sortedDagIds = [...this.dags.keys()].sort();
    this.save();
  }

  private upsertDag(
    id: string,
    spec: DagSpec,
    fileloc: string,
    relative: string,
    hash: string,
    now: string,
    parseSeconds: number,
    generated: boolean,
  ) {
    const existing = this.dags.get(id);
    if (existing) {
      existing.spec = spec;
      existing.fileloc = fileloc;
      existing.relativeFileloc = relative;
      existing.isActive = true;
      existing.lastParsed = now;
      existing.lastParseDuration = parseSeconds;
      const last = existing.versions[existing.versions.length - 1];
      if (!last || last.hash !== hash) {
        existing.versions.push({
          id: crypto.randomUUID(),
          number: existing.versions.length + 1,
          createdAt: now,
          hash,
        });
      }
      return;
    }
    const persisted = this.persisted?.dags[id];
    this.dags.set(id, {
      spec,
      fileloc,
      relativeFileloc: relative,
      isPaused:
        persisted?.isPaused ??
        spec.is_paused_upon_creation ??
        this.options.dagsArePausedAtCreation ??
        true,
      isActive: true,
      lastParsed: now,
      lastParseDuration: parseSeconds,
      lastScheduledEnd: persisted?.lastScheduledEnd ?? null,
      onceDone: persisted?.onceDone ?? false,
      generated,
      versions: [{ id: crypto.randomUUID(), number: 1, createdAt: now, hash }],
    });
  }

  private loadGenerated(now: string) {
    const count = this.options.generatedDags ?? 0;
    if (count === 0) return;
    // All generated DAGs come from one template: read it once by the static rule, then vary the ids.
    const template = generatedDagSource(1);
    const parsed = parseDagFile(template.source, { airflowMajor: this.major });
    const base = parsed.dags[0];
    if (!base) {
      throw new Error(
        `the generated DAG template did not parse: ${parsed.error}`,
      );
    }
    for (let i = 1; i <= count; i++) {
      const { dagId, relative, taskName } = generatedDagSource(i);
      const spec: DagSpec = {
        ...base,
        dag_id: dagId,
        tasks: base.tasks.map(t => ({
          ...t,
          kpo: { ...t.kpo, name: taskName },
        })),
      };
      this.upsertDag(
        dagId,
        spec,
        `${this.repoPath}/${relative}`,
        relative,
        dagId,
        now,
        0,
        true,
      );
    }
  }

  // ---------------------------------------------------------------- runs

  /** Pauses or unpauses a DAG. */
  setPaused(dagId: string, paused: boolean): DagRecord {
    const dag = this.mustGetDag(dagId);
    dag.isPaused = paused;
    this.save();
    this.requestTick();
    return dag;
  }

  private mustGetDag(dagId: string): DagRecord {
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

  /**
   * Creates a manual run (state queued; the scheduler starts it unless the DAG is paused).
   * Throws `{ conflict: message }` when the run id or logical date is taken.
   */
  trigger(
    dagId: string,
    body: {
      run_id?: string | null;
      logical_date?: string | null;
      conf?: Record<string, unknown> | null;
      note?: string | null;
      user?: string;
    },
  ): RunRecord {
    const dag = this.mustGetDag(dagId);
    const now = this.options.clock.now();
    // Airflow 2 defaults the logical date to now; Airflow 3 leaves it null unless given.
    let logical: Date | null = this.major === 2 ? now : null;
    if (body.logical_date === null) {
      logical = null;
    } else if (body.logical_date) {
      logical = new Date(body.logical_date);
    }
    const runId = body.run_id ?? runIdFor('manual', logical ?? now, true);
    if (this.getRun(dagId, runId)) {
      throw Object.assign(
        new Error(
          `DAGRun with DAG ID: '${dagId}' and DAGRun ID: '${runId}' already exists`,
        ),
        {
          conflict: true,
        },
      );
    }
    if (
      logical &&
      this.runs.some(
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
    const run: RunRecord = {
      id: this.nextRunId++,
      dag_id: dagId,
      run_id: runId,
      run_type: 'manual',
      state: 'queued',
      logical_date: logical ? logical.toISOString() : null,
      data_interval_start: logical ? logical.toISOString() : null,
      data_interval_end: logical ? logical.toISOString() : null,
      run_after: (logical ?? now).toISOString(),
      queued_at: now.toISOString(),
      start_date: null,
      end_date: null,
      last_scheduling_decision: null,
      conf: body.conf ?? {},
      note: body.note ?? null,
      triggered_by: 'rest_api',
      triggering_user_name: body.user ?? null,
      dag_version: dag.versions.length,
    };
    this.runs.push(run);
    this.createTaskInstances(run, dag.spec);
    this.save();
    this.requestTick();
    return run;
  }

  private createTaskInstances(run: RunRecord, spec: DagSpec) {
    for (const task of spec.tasks) {
      this.taskInstances.push({
        id: crypto.randomUUID(),
        dag_id: run.dag_id,
        run_id: run.run_id,
        task_id: task.task_id,
        state: null,
        try_number: 0,
        max_tries: task.retries,
        start_date: null,
        end_date: null,
        queued_when: null,
        scheduled_when: null,
        hostname: null,
        pid: null,
        pod: null,
        podPhaseLogged: null,
        startDeadline: null,
        logs: {},
      });
    }
  }

  private scheduleRuns() {
    const now = this.options.clock.now();
    for (const id of this.sortedDagIds) {
      const dag = this.dags.get(id)!;
      if (dag.isPaused || !dag.isActive || dag.spec.schedule.kind === 'none')
        continue;
      for (let guard = 0; guard < 50; guard++) {
        const slot = nextSlot({
          schedule: dag.spec.schedule,
          airflowMajor: this.major,
          startDate: dag.spec.start_date ? new Date(dag.spec.start_date) : null,
          catchup: dag.spec.catchup,
          lastEnd: dag.lastScheduledEnd ? new Date(dag.lastScheduledEnd) : null,
          now,
          onceDone: dag.onceDone,
        });
        if (!slot || slot.runAfter.getTime() > now.getTime()) break;
        const active = this.runs.filter(
          r =>
            r.dag_id === id && (r.state === 'running' || r.state === 'queued'),
        ).length;
        if (active >= dag.spec.max_active_runs) break;
        dag.lastScheduledEnd = slot.dataIntervalEnd.toISOString();
        if (dag.spec.schedule.kind === 'once') dag.onceDone = true;
        const runId = runIdFor('scheduled', slot.logicalDate, false);
        if (this.getRun(id, runId)) continue;
        const run: RunRecord = {
          id: this.nextRunId++,
          dag_id: id,
          run_id: runId,
          run_type: 'scheduled',
          state: 'queued',
          logical_date: slot.logicalDate.toISOString(),
          data_interval_start: slot.dataIntervalStart.toISOString(),
          data_interval_end: slot.dataIntervalEnd.toISOString(),
          run_after: slot.runAfter.toISOString(),
          queued_at: now.toISOString(),
          start_date: null,
          end_date: null,
          last_scheduling_decision: null,
          conf: {},
          note: null,
          triggered_by: 'timetable',
          triggering_user_name: null,
          dag_version: dag.versions.length,
        };
        this.runs.push(run);
        this.createTaskInstances(run, dag.spec);
        this.save();
        if (dag.spec.schedule.kind === 'once') break;
      }
    }
  }

  /** The next scheduled slot of a DAG (for next_dagrun fields), ignoring max_active_runs. */
  nextDagRun(dag: DagRecord) {
    if (dag.spec.schedule.kind === 'none' || !dag.isActive) return undefined;
    return nextSlot({
      schedule: dag.spec.schedule,
      airflowMajor: this.major,
      startDate: dag.spec.start_date ? new Date(dag.spec.start_date) : null,
      catchup: dag.spec.catchup,
      lastEnd: dag.lastScheduledEnd ? new Date(dag.lastScheduledEnd) : null,
      now: this.options.clock.now(),
      onceDone: dag.onceDone,
    });
  }

  private startQueuedRuns() {
    const now = this.now();
    for (const run of this.runs) {
      if (run.state !== 'queued') continue;
      const dag = this.dags.get(run.dag_id);
      if (!dag || dag.isPaused || !dag.isActive) continue;
      const running = this.runs.filter(
        r => r.dag_id === run.dag_id && r.state === 'running',
      ).length;
      if (running >= dag.spec.max_active_runs) continue;
      run.state = 'running';
      run.start_date = now;
      run.last_scheduling_decision = now;
      for (const ti of this.taskInstancesOf(run)) {
        if (ti.state === null) {
          ti.state = 'scheduled';
          ti.scheduled_when = now;
        }
      }
      this.save();
    }
  }

  private async advanceRuns() {
    const now = this.options.clock.now();
    for (const run of this.runs) {
      if (run.state !== 'running') continue;
      const dag = this.dags.get(run.dag_id);
      const tis = this.taskInstancesOf(run);
      run.last_scheduling_decision = now.toISOString();
      const runningTi = tis.find(
        t => t.state === 'running' || t.state === 'queued',
      );
      const retrying = tis.find(t => t.state === 'up_for_retry');
      if (!runningTi && retrying) {
        const task = dag?.spec.tasks.find(t => t.task_id === retrying.task_id);
        if (
          task &&
          (!retrying.retryAt ||
            now.getTime() >= new Date(retrying.retryAt).getTime())
        ) {
          retrying.retryAt = null;
          await this.startTask(run, retrying, task);
        } else if (!task) {
          retrying.state = 'failed';
          this.save();
        }
        continue;
      }
      if (runningTi) {
        if (
          runningTi.startDeadline &&
          runningTi.state === 'running' &&
          now.getTime() > new Date(runningTi.startDeadline).getTime()
        ) {
          await this.failStartTimeout(run, runningTi, dag);
        }
        continue;
      }
      const next = tis.find(t => t.state === 'scheduled');
      if (next) {
        const upstreamFailed = tis.some(
          t => t.state === 'failed' || t.state === 'upstream_failed',
        );
        if (upstreamFailed) {
          next.state = 'upstream_failed';
          next.end_date = now.toISOString();
          this.save();
          this.tickAgain = true;
          continue;
        }
        const task = dag?.spec.tasks.find(t => t.task_id === next.task_id);
        if (!task) {
          next.state = 'failed';
          next.end_date = now.toISOString();
          this.save();
          this.tickAgain = true;
          continue;
        }
        await this.startTask(run, next, task);
        continue;
      }
      const failed = tis.some(
        t => t.state === 'failed' || t.state === 'upstream_failed',
      );
      run.state = failed ? 'failed' : 'success';
      run.end_date = now.toISOString();
      this.save();
    }
  }

  // ---------------------------------------------------------------- task execution (KubernetesPodOperator)

  private log(
    ti: TaskInstanceRecord,
    level: LogEntry['level'],
    event: string,
    logger: string,
    source: string,
  ) {
    const key = String(ti.try_number);
    (ti.logs[key] ??= []).push({
      timestamp: this.now(),
      level,
      event,
      logger,
      source,
    });
    this.save();
  }

  private tiRepr(ti: TaskInstanceRecord): string {
    return `<TaskInstance: ${ti.dag_id}.${ti.task_id} ${ti.run_id} [${ti.state}]>`;
  }

  private podLabels(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
  ): Record<string, string> {
    return {
      ...task.kpo.labels,
      dag_id: makeSafeLabelValue(ti.dag_id),
      task_id: makeSafeLabelValue(ti.task_id),
      run_id: makeSafeLabelValue(run.run_id),
      kubernetes_pod_operator: 'True',
      try_number: makeSafeLabelValue(String(ti.try_number)),
      airflow_version: makeSafeLabelValue(
        this.airflowVersion.replace('+', '-'),
      ),
      airflow_kpo_in_cluster: 'True',
    };
  }

  /** The Python exception text of kubernetes.client.exceptions.ApiException for a Status body. */
  private apiException(status: {
    code?: number;
    reason?: string;
    message?: string;
    [k: string]: unknown;
  }): string {
    const body = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: status.message,
      reason: status.reason,
      details: (status as any).details ?? {},
      code: status.code,
    };
    return [
      `kubernetes.client.exceptions.ApiException: (${status.code})`,
      `Reason: ${status.reason}`,
      `HTTP response headers: HTTPHeaderDict({'Audit-Id': '${crypto.randomUUID()}', 'Cache-Control': 'no-cache, private', 'Content-Type': 'application/json', 'X-Kubernetes-Pf-Flowschema-Uid': '${crypto.randomUUID()}', 'X-Kubernetes-Pf-Prioritylevel-Uid': '${crypto.randomUUID()}', 'Date': '${new Date(
        this.options.clock.now(),
      ).toUTCString()}', 'Content-Length': '${JSON.stringify(body).length}'})`,
      `HTTP response body: ${JSON.stringify(body)}`,
    ].join('\n');
  }

  private markingLine(
    state: string,
    run: RunRecord,
    ti: TaskInstanceRecord,
    now: string,
  ): string {
    const compact = (iso: string) => iso.slice(0, 19).replace(/[-:]/g, '');
    const dateKey = this.major === 2 ? 'execution_date' : 'logical_date';
    return `Marking task as ${state}. dag_id=${ti.dag_id}, task_id=${
      ti.task_id
    }, run_id=${run.run_id}, ${dateKey}=${compact(
      run.logical_date ?? run.run_after,
    )}, start_date=${compact(ti.start_date ?? now)}, end_date=${compact(now)}`;
  }

  private failTask(
    run: RunRecord,
    ti: TaskInstanceRecord,
    error: string,
    traceback: string[],
  ) {
    const now = this.now();
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
    const task = this.dags
      .get(ti.dag_id)
      ?.spec.tasks.find(t => t.task_id === ti.task_id);
    if (task && ti.try_number <= ti.max_tries) {
      // Another try follows after retry_delay on the sandbox clock.
      ti.state = 'up_for_retry';
      ti.retryAt = new Date(
        this.options.clock.now().getTime() + task.retry_delay_seconds * 1000,
      ).toISOString();
      this.log(
        ti,
        'info',
        this.markingLine('UP_FOR_RETRY', run, ti, now),
        TASK_LOGGER,
        'taskinstance.py:1225',
      );
    } else {
      ti.state = 'failed';
      this.log(
        ti,
        'info',
        this.markingLine('FAILED', run, ti, now),
        TASK_LOGGER,
        'taskinstance.py:1225',
      );
    }
    if (ti.pod) this.podWaiters.delete(`${ti.pod.namespace}/${ti.pod.name}`);
    this.save();
    this.requestTick();
  }

  private succeedTask(run: RunRecord, ti: TaskInstanceRecord) {
    const now = this.now();
    ti.state = 'success';
    ti.end_date = now;
    ti.startDeadline = null;
    this.log(
      ti,
      'info',
      this.markingLine('SUCCESS', run, ti, now),
      TASK_LOGGER,
      'taskinstance.py:1225',
    );
    if (ti.pod) this.podWaiters.delete(`${ti.pod.namespace}/${ti.pod.name}`);
    this.save();
    this.requestTick();
  }

  private async startTask(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
  ) {
    const kube = this.options.kube;
    const now = this.now();
    ti.try_number += 1;
    ti.state = 'running';
    ti.pod = null;
    ti.podPhaseLogged = null;
    ti.queued_when = now;
    ti.start_date = now;
    ti.end_date = null;
    ti.hostname = `${this.name}-scheduler-0`;
    ti.pid = 1000 + Math.floor(Math.random() * 30000);
    const namespace = task.kpo.namespace ?? 'airflow';
    this.log(
      ti,
      'info',
      `Dependencies all met for dep_context=non-requeueable deps ti=${this.tiRepr(
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
      `Executing <Task(KubernetesPodOperator): ${ti.task_id}> on ${(
        run.logical_date ?? run.run_after
      )
        .replace('T', ' ')
        .replace(/\.000Z$|Z$/, '+00:00')}`,
      TASK_LOGGER,
      'taskinstance.py:2888',
    );
    const podName = kpoPodName(task.kpo.name ?? ti.task_id, randomSuffix);
    const labels = this.podLabels(run, ti, task);
    const traceback = [
      '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/providers/cncf/kubernetes/operators/pod.py", line 598, in execute',
      '    return self.execute_sync(context)',
      '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/providers/cncf/kubernetes/operators/pod.py", line 608, in execute_sync',
      '    self.pod = self.get_or_create_pod(  # must set `self.pod` for `on_kill`',
    ];

    const createAllowed = this.authorize({
      verb: 'create',
      resource: 'pods',
      namespace,
    });
    if (!createAllowed) {
      this.failTask(
        run,
        ti,
        this.apiException({
          code: 403,
          reason: 'Forbidden',
          message: forbiddenMessage(this.user, {
            verb: 'create',
            resource: 'pods',
            namespace,
          }),
          details: { kind: 'pods' },
        }),
        traceback,
      );
      return;
    }
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName, namespace, labels, annotations: {} },
      spec: {
        affinity: {},
        containers: [
          {
            name: 'base',
            ...(task.kpo.image !== undefined ? { image: task.kpo.image } : {}),
            ...(task.kpo.cmds.length ? { command: task.kpo.cmds } : {}),
            ...(task.kpo.arguments.length ? { args: task.kpo.arguments } : {}),
            env: Object.entries(task.kpo.env_vars).map(([name, value]) => ({
              name,
              value,
            })),
            volumeMounts: [],
          },
        ],
        ...(task.kpo.image_pull_secrets.length
          ? {
              imagePullSecrets: task.kpo.image_pull_secrets.map(name => ({
                name,
              })),
            }
          : {}),
        ...(task.kpo.service_account_name
          ? { serviceAccountName: task.kpo.service_account_name }
          : {}),
        restartPolicy: 'Never',
        nodeSelector: {},
        tolerations: [],
        volumes: [],
      },
    };
    this.log(
      ti,
      'info',
      `Building pod ${podName} with labels: ${JSON.stringify(labels)
        .replace(/"/g, "'")
        .replace(/,/g, ', ')
        .replace(/:/g, ': ')}`,
      KPO_LOGGER,
      'pod.py:1133',
    );
    const key = `${namespace}/${podName}`;
    ti.pod = { namespace, name: podName };
    ti.startDeadline = new Date(
      this.options.clock.now().getTime() +
        task.kpo.startup_timeout_seconds * 1000,
    ).toISOString();
    this.podWaiters.set(key, (type, obj) =>
      this.onPodEvent(run, ti, task, type, obj),
    );
    try {
      await kube.create('pods', namespace, pod);
    } catch (e) {
      this.podWaiters.delete(key);
      ti.pod = null;
      const status = kubeErrorStatus(e) ?? {
        code: 500,
        reason: 'InternalError',
        message: String(e),
      };
      this.failTask(run, ti, this.apiException(status), traceback);
      return;
    }
    this.save();
    // The lifecycle may already have moved the pod on before the watcher saw it.
    try {
      const current: any = await kube.get('pods', namespace, podName);
      this.onPodEvent(run, ti, task, 'MODIFIED', current);
    } catch {
      // deleted already; the DELETED event handles it
    }
  }

  private authorize(attributes: {
    verb: string;
    resource: string;
    subresource?: string;
    namespace: string;
    name?: string;
  }): boolean {
    const result = this.options.kube.authorize(this.user, {
      verb: attributes.verb,
      resource: attributes.resource,
      subresource: attributes.subresource,
      namespace: attributes.namespace,
      apiGroup: '',
      name: attributes.name,
    }) as { allowed?: boolean };
    return Boolean(result?.allowed);
  }

  private reattachRunningPods() {
    for (const ti of this.taskInstances) {
      if (ti.state !== 'running') continue;
      const run = this.getRun(ti.dag_id, ti.run_id);
      if (run && !ti.pod) {
        // It was starting when the scheduler stopped: Airflow's zombie detection fails it.
        this.failTask(
          run,
          ti,
          'airflow.exceptions.AirflowException: Detected zombie job: the task was starting when the scheduler stopped',
          [],
        );
        continue;
      }
      if (!ti.pod) continue;
      const task = this.dags
        .get(ti.dag_id)
        ?.spec.tasks.find(t => t.task_id === ti.task_id);
      if (!run || !task) continue;
      const key = `${ti.pod.namespace}/${ti.pod.name}`;
      this.podWaiters.set(key, (type, obj) =>
        this.onPodEvent(run, ti, task, type, obj),
      );
      try {
        const current = this.options.kube.get(
          'pods',
          ti.pod.namespace,
          ti.pod.name,
        );
        this.onPodEvent(run, ti, task, 'MODIFIED', current);
      } catch {
        this.onPodEvent(run, ti, task, 'DELETED', undefined);
      }
    }
  }

  private onPodEvent(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
    type: string,
    pod: any,
  ) {
    if (ti.state !== 'running' || !ti.pod) return;
    if (type === 'DELETED') {
      this.failTask(
        run,
        ti,
        `airflow.exceptions.AirflowException: Pod ${ti.pod.name} was deleted before it finished`,
        [],
      );
      return;
    }
    const phase: string | undefined = pod?.status?.phase;
    if (phase && phase !== ti.podPhaseLogged) {
      ti.podPhaseLogged = phase;
      this.log(
        ti,
        'info',
        `Pod ${ti.pod.name} has phase ${phase}`,
        POD_MANAGER_LOGGER,
        'pod_manager.py:391',
      );
    }
    if (phase === 'Pending') {
      const waiting = (pod?.status?.containerStatuses ?? [])
        .map((c: any) => c?.state?.waiting)
        .find(
          (w: any) =>
            w &&
            ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName'].includes(
              w.reason,
            ),
        );
      if (waiting) {
        const name = ti.pod.name;
        this.cleanup(ti, task, false);
        this.failTask(
          run,
          ti,
          `airflow.providers.cncf.kubernetes.utils.pod_manager.PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ${
            waiting.reason
          }\n${waiting.message ?? ''}`.trim(),
          [
            '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/providers/cncf/kubernetes/operators/pod.py", line 618, in execute_sync',
            '    self.await_pod_start(pod=self.pod)',
            `  Pod: ${name}`,
          ],
        );
      }
      return;
    }
    if (phase === 'Running') {
      ti.startDeadline = null;
      this.save();
      return;
    }
    if (phase === 'Succeeded' || phase === 'Failed') {
      ti.startDeadline = null;
      this.finishPod(run, ti, task, pod, phase);
    }
  }

  private finishPod(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
    pod: any,
    phase: string,
  ) {
    const { namespace, name } = ti.pod!;
    this.podWaiters.delete(`${namespace}/${name}`);
    if (task.kpo.get_logs) {
      if (
        !this.authorize({
          verb: 'get',
          resource: 'pods',
          subresource: 'log',
          namespace,
          name,
        })
      ) {
        this.cleanup(ti, task, phase === 'Succeeded');
        this.failTask(
          run,
          ti,
          this.apiException({
            code: 403,
            reason: 'Forbidden',
            message: forbiddenMessage(this.user, {
              verb: 'get',
              resource: 'pods',
              subresource: 'log',
              namespace,
              name,
            }),
            details: { name, kind: 'pods' },
          }),
          [
            '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/providers/cncf/kubernetes/operators/pod.py", line 629, in execute_sync',
            '    self.pod_manager.fetch_requested_container_logs(',
            '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/providers/cncf/kubernetes/utils/pod_manager.py", line 577, in fetch_requested_container_logs',
            '    status = self.fetch_container_logs(pod=pod, container_name=c, follow=follow_logs)',
            '  File "/home/airflow/.local/lib/python3.12/site-packages/kubernetes/client/api/core_v1_api.py", line 23957, in read_namespaced_pod_log',
            '    return self.read_namespaced_pod_log_with_http_info(name, namespace, **kwargs)  # noqa: E501',
          ],
        );
        return;
      }
      let text = '';
      try {
        text = String(this.options.kube.readLog(namespace, name, 'base') ?? '');
      } catch (e) {
        const status = kubeErrorStatus(e);
        this.log(
          ti,
          'warning',
          `Could not read logs of pod ${name}: ${status?.message ?? String(e)}`,
          POD_MANAGER_LOGGER,
          'pod_manager.py:484',
        );
      }
      for (const line of text.split('\n')) {
        if (line.length > 0) {
          this.log(
            ti,
            'info',
            `[base] ${line}`,
            POD_MANAGER_LOGGER,
            'pod_manager.py:471',
          );
        }
      }
    }
    this.cleanup(ti, task, phase === 'Succeeded');
    if (phase === 'Succeeded') {
      this.succeedTask(run, ti);
      return;
    }
    const terminated = (pod?.status?.containerStatuses ?? []).find(
      (c: any) => c?.name === 'base',
    )?.state?.terminated;
    this.failTask(
      run,
      ti,
      `airflow.exceptions.AirflowException: Pod ${name} returned a failure.\nremote_pod: container base terminated with exit code ${
        terminated?.exitCode ?? 'unknown'
      }${terminated?.reason ? ` (${terminated.reason})` : ''}`,
      [
        '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/providers/cncf/kubernetes/operators/pod.py", line 654, in execute_sync',
        '    self.cleanup(',
        '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/providers/cncf/kubernetes/operators/pod.py", line 986, in cleanup',
        '    raise AirflowException(',
      ],
    );
  }

  /** on_finish_action: delete_pod deletes always, delete_succeeded_pod only after success, keep_pod never. */
  private cleanup(ti: TaskInstanceRecord, task: TaskSpec, succeeded: boolean) {
    if (!ti.pod) return;
    const action = task.kpo.on_finish_action;
    const remove =
      action === 'delete_pod' ||
      (action === 'delete_succeeded_pod' && succeeded);
    const { namespace, name } = ti.pod;
    this.podWaiters.delete(`${namespace}/${name}`);
    if (!remove) {
      this.log(
        ti,
        'info',
        `Skipping deleting pod: ${name}`,
        KPO_LOGGER,
        'pod.py:1020',
      );
      return;
    }
    if (
      !this.authorize({ verb: 'delete', resource: 'pods', namespace, name })
    ) {
      this.log(
        ti,
        'error',
        `Failed to delete pod ${name}: ${forbiddenMessage(this.user, {
          verb: 'delete',
          resource: 'pods',
          namespace,
          name,
        })}`,
        KPO_LOGGER,
        'pod.py:1027',
      );
      return;
    }
    this.log(ti, 'info', `Deleting pod: ${name}`, KPO_LOGGER, 'pod.py:1021');
    try {
      this.options.kube.delete('pods', namespace, name);
    } catch {
      // already gone
    }
  }

  private async failStartTimeout(
    run: RunRecord,
    ti: TaskInstanceRecord,
    dag: DagRecord | undefined,
  ) {
    const task = dag?.spec.tasks.find(t => t.task_id === ti.task_id);
    const timeout = task?.kpo.startup_timeout_seconds ?? 120;
    const name = ti.pod?.name ?? '';
    if (task) this.cleanup(ti, task, false);
    this.failTask(
      run,
      ti,
      `airflow.providers.cncf.kubernetes.utils.pod_manager.PodLaunchFailedException: Pod took too long to start. More than ${timeout}s. Check the pod events in kubernetes.`,
      [
        '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/providers/cncf/kubernetes/operators/pod.py", line 618, in execute_sync',
        '    self.await_pod_start(pod=self.pod)',
        `  Pod: ${name}`,
      ],
    );
  }
}
