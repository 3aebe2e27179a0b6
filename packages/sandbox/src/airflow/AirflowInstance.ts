/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import { AirflowKube } from './kubeAccess';
import { SandboxLogger, silentLogger } from '../util/logger';
import { DagProcessor } from './dagProcessor';
import { kpoProvider } from './kpoVersion';
import { KubernetesExecutor } from './kubernetesExecutor';
import { PyCompiler } from './pyCompile';
import { Scheduler, TriggerRequest } from './scheduler';
import { AirflowState } from './state';
import {
  DagRecord,
  ImportErrorRecord,
  RunRecord,
  TaskInstanceRecord,
} from './types';

export { runIdFor } from './runs';

/** The user KubernetesPodOperator tasks act as (Airflow's worker service account). */
export const AIRFLOW_WORKER_USER =
  'system:serviceaccount:airflow:airflow-worker';

/** Options of {@link AirflowInstance}. */
export type AirflowInstanceOptions = {
  /** Instance name, e.g. `airflow2`. */
  name: string;
  apiVersion: 'v1' | 'v2';
  kube: AirflowKube;
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
  /** The Helm release of its pods (labels, `<release>-pod-template`). Default: `name`. */
  release?: string;
  /** apache-airflow-providers-cncf-kubernetes version modelled (README); default `10.8.0`. */
  kpoProviderVersion?: string;
  /** `[kubernetes_executor] worker_container_repository` and `worker_container_tag`; unset by default. */
  workerContainerRepository?: string;
  workerContainerTag?: string;
  /** Receives failed scheduler passes and pod-event handlers. Default: silent. */
  logger?: SandboxLogger;
};

/**
 * One Airflow (2 or 3): a DAG processor over the git-synced files, a scheduler on a {@link Clock}, and the
 * KubernetesExecutor, which runs each try in a worker pod whose KubernetesPodOperator creates the task's pod in the
 * Kubernetes stand-in, as the worker's service account and under its RBAC. This class wires those parts
 * ({@link DagProcessor}, {@link Scheduler}, {@link KubernetesExecutor}) over one {@link AirflowState} and is what
 * the API server and tests use.
 */
export class AirflowInstance {
  readonly name: string;
  readonly apiVersion: 'v1' | 'v2';
  readonly airflowVersion: string;
  readonly major: 2 | 3;
  private readonly state: AirflowState;
  private readonly processor: DagProcessor;
  private readonly scheduler: Scheduler;
  private readonly executor: KubernetesExecutor;
  private unsubscribers: Array<() => void> = [];

  constructor(private readonly options: AirflowInstanceOptions) {
    this.name = options.name;
    this.apiVersion = options.apiVersion;
    this.major = options.apiVersion === 'v1' ? 2 : 3;
    this.airflowVersion = this.major === 2 ? '2.10.0' : '3.2.1';
    const count = options.generatedDags ?? 0;
    if (!Number.isInteger(count) || count < 0 || count > 10_000) {
      throw new Error(
        `generatedDags must be an integer from 0 to 10000, got ${count}`,
      );
    }
    const logger = options.logger ?? silentLogger;
    this.state = new AirflowState({
      file: options.stateFile,
      clock: options.clock,
      logger,
    });
    this.processor = new DagProcessor(this.state, {
      dagsFolder: options.dagsFolder,
      subPath: options.subPath,
      repoPath: options.inPodRepoPath ?? '/opt/airflow/dags/repo',
      compiler: options.compiler,
      airflowMajor: this.major,
      generatedDags: count,
      dagsArePausedAtCreation: options.dagsArePausedAtCreation,
    });
    this.executor = new KubernetesExecutor(this.state, {
      release: options.release ?? options.name,
      airflowMajor: this.major,
      airflowVersion: this.airflowVersion,
      provider: kpoProvider(options.kpoProviderVersion),
      kube: options.kube,
      clock: options.clock,
      logger,
      workerContainerRepository: options.workerContainerRepository,
      workerContainerTag: options.workerContainerTag,
      onTaskDone: () => this.requestTick(),
    });
    this.scheduler = new Scheduler(this.state, {
      name: this.name,
      airflowMajor: this.major,
      clock: options.clock,
      logger,
      processor: this.processor,
      executor: this.executor,
    });
  }

  /** The clock the scheduler runs on. */
  get clock(): Clock {
    return this.options.clock;
  }

  /** DAGs by id. */
  get dags(): Map<string, DagRecord> {
    return this.state.dags;
  }

  /** DAG ids in sorted order (kept for fast paging). */
  get sortedDagIds(): string[] {
    return this.state.sortedDagIds;
  }

  get runs(): RunRecord[] {
    return this.state.runs;
  }

  get taskInstances(): TaskInstanceRecord[] {
    return this.state.taskInstances;
  }

  /** Import errors by in-pod file path. */
  get importErrors(): Map<string, ImportErrorRecord> {
    return this.state.importErrors;
  }

  /** When the last scheduler pass started (ISO), null before the first. */
  get latestHeartbeat(): string | null {
    return this.state.latestHeartbeat;
  }

  /** Starts the scheduler loop, the executor (pod template, pod watch) and follows running tries again. */
  async start(): Promise<void> {
    this.unsubscribers.push(this.executor.start());
    const clock = this.options.clock;
    if (clock.onAdvance) {
      this.unsubscribers.push(clock.onAdvance(() => this.requestTick()));
    }
    await this.tick();
    this.executor.reattach();
    this.scheduler.startLoop(this.options.tickIntervalMs ?? 1000);
  }

  /** Stops the loop and writes the state file. */
  async stop(): Promise<void> {
    const loop = this.scheduler.stop();
    this.executor.stop();
    for (const u of this.unsubscribers) u();
    this.unsubscribers = [];
    await loop;
    this.state.close();
  }

  /** Runs a scheduler pass soon (coalesced with a running one). */
  requestTick(): void {
    this.scheduler.requestTick();
  }

  /** One scheduler pass: parse DAGs if the synced folder changed, create due runs, start and advance runs. */
  tick(): Promise<void> {
    return this.scheduler.tick();
  }

  /** Re-reads the DAG files when the synced folder points at another commit (always with `force`). */
  refreshDags(force = false): Promise<void> {
    return this.processor.refresh(force);
  }

  /** Pauses or unpauses a DAG. */
  setPaused(dagId: string, paused: boolean): DagRecord {
    const dag = this.state.mustGetDag(dagId);
    dag.isPaused = paused;
    this.state.changed();
    this.requestTick();
    return dag;
  }

  /** Finds a run. */
  getRun(dagId: string, runId: string): RunRecord | undefined {
    return this.state.getRun(dagId, runId);
  }

  /** The task instances of a run, in task order. */
  taskInstancesOf(run: RunRecord): TaskInstanceRecord[] {
    return this.state.taskInstancesOf(run);
  }

  /**
   * Creates a manual run (state queued; the scheduler starts it unless the DAG is paused).
   * Throws an error with `conflict: true` when the run id or logical date is taken.
   */
  trigger(dagId: string, body: TriggerRequest): RunRecord {
    return this.scheduler.trigger(dagId, body);
  }

  /** The next scheduled slot of a DAG (for next_dagrun fields), ignoring max_active_runs. */
  nextDagRun(dag: DagRecord) {
    return this.scheduler.nextDagRun(dag);
  }
}
