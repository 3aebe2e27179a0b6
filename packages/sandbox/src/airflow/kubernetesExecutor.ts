/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { STATUS_CODES } from 'node:http';
import { Clock } from '../clock';
import { KubeObject, kubeErrorStatus } from '../kube';
import { SandboxLogger } from '../util/logger';
import { TaskSpec } from './dagFile';
import { KpoRunner } from './kpoRunner';
import { apiExceptionText, tiRepr } from './kpoText';
import { executorCreateFrames } from './kpoTracebacks';
import { KpoProvider } from './kpoVersion';
import { AirflowKube } from './kubeAccess';
import {
  AIRFLOW_NAMESPACE,
  ensurePodTemplate,
  POD_TEMPLATE_PATH,
  readPodTemplate,
} from './podTemplate';
import { SchedulerLine, SchedulerLog } from './schedulerLog';
import { AirflowState } from './state';
import { TaskTries } from './taskTries';
import { RunRecord, TaskInstanceRecord } from './types';
import { dagNotFoundLines, taskLineJson, workerStartLines } from './workerLog';
import {
  buildWorkerPod,
  runningStatus,
  terminatedStatus,
  workerHasDags,
} from './workerPod';

/** Options of {@link KubernetesExecutor}. */
export type KubernetesExecutorOptions = {
  /** The Helm release (labels, `<release>-pod-template`, the scheduler pod). */
  release: string;
  airflowMajor: 2 | 3;
  airflowVersion: string;
  provider: KpoProvider;
  kube: AirflowKube;
  clock: Clock;
  logger: SandboxLogger;
  /** `[kubernetes_executor] worker_container_repository` / `worker_container_tag` (a default image when both set). */
  workerContainerRepository?: string;
  workerContainerTag?: string;
  /** Called when a try has ended, so the scheduler moves the run on. */
  onTaskDone: () => void;
};

const EXECUTOR_LOGGER =
  'airflow.providers.cncf.kubernetes.executors.kubernetes_executor.KubernetesExecutor';
const K8S_SCHEDULER_LOGGER =
  'airflow.providers.cncf.kubernetes.executors.kubernetes_executor_utils.AirflowKubernetesScheduler';
const WATCHER_LOGGER =
  'airflow.providers.cncf.kubernetes.executors.kubernetes_executor_utils.KubernetesJobWatcher';
const SCHEDULER_JOB_LOGGER =
  'airflow.jobs.scheduler_job_runner.SchedulerJobRunner';

/**
 * Airflow's KubernetesExecutor: each try runs in a worker pod the scheduler creates in namespace `airflow` from the
 * pod template (ConfigMap `<release>-pod-template`), bound to the node-group node, whose status the sandbox writes as
 * that node's kubelet. A rejected pod (e.g. the 422 of a template without image) fails the try in the scheduler's
 * log, without a worker log; a worker without the DAG files fails with Airflow's "Dag not found" error; otherwise the
 * worker runs the task (the {@link KpoRunner}) and its pod ends Succeeded (then deleted) or Failed (kept).
 */
export class KubernetesExecutor {
  private readonly tries: TaskTries;
  private readonly kpo: KpoRunner;
  private readonly schedulerLog: SchedulerLog;
  private readonly timers = new Set<NodeJS.Immediate>();
  /** Task instances queued since this start, until `reattach` ran (they are not left over from a restart). */
  private readonly queuedHere = new Set<string>();
  private reattached = false;
  private jobId = 0;

  constructor(
    private readonly state: AirflowState,
    private readonly options: KubernetesExecutorOptions,
  ) {
    this.tries = new TaskTries(state, {
      airflowMajor: options.airflowMajor,
      clock: options.clock,
      onLog: (ti, entry) => {
        // Airflow 3's execute_workload copies the task's log lines to the worker's stdout.
        if (
          options.airflowMajor === 3 &&
          ti.workerPod &&
          ti.hostname === ti.workerPod.name
        ) {
          this.workerLog(ti.workerPod.name, [taskLineJson(entry)]);
        }
      },
    });
    this.kpo = new KpoRunner(state, {
      airflowMajor: options.airflowMajor,
      airflowVersion: options.airflowVersion,
      provider: options.provider,
      kube: options.kube,
      clock: options.clock,
      tries: this.tries,
      onTryDone: ti => this.finishWorker(ti),
    });
    this.schedulerLog = new SchedulerLog({
      release: options.release,
      airflowMajor: options.airflowMajor,
      kube: options.kube,
      clock: options.clock,
      logger: options.logger,
    });
  }

  /** A new scheduler job, the pod template ConfigMap (if absent) and the pod watch; returns its unsubscribe. */
  start(): () => void {
    this.jobId = this.state.takeJobId();
    const { kube, release, airflowVersion, logger } = this.options;
    try {
      ensurePodTemplate(kube, release, `apache/airflow:${airflowVersion}`);
    } catch (e) {
      logger.error(`${release} could not create its pod template`, {
        error: (e as Error).message,
      });
    }
    return this.kpo.watch();
  }

  /** Cancels worker steps not yet run. */
  stop(): void {
    for (const t of this.timers) clearImmediate(t);
    this.timers.clear();
  }

  /** After a restart: running tries follow their pods again; a try whose worker had not started yet is lost. */
  reattach(): void {
    for (const ti of this.state.taskInstances) {
      const run = this.state.getRun(ti.dag_id, ti.run_id);
      const task = this.taskOf(ti);
      if (!run || this.queuedHere.has(ti.id)) continue;
      if (ti.state === 'queued' && ti.workerPod) {
        this.tries.failQueued(run, ti, task);
        this.endWorker(ti, 1);
      } else if (ti.state === 'running' && task) {
        this.kpo.reattach(ti, run, task, this.workerUser(ti));
      }
    }
    this.reattached = true;
    this.queuedHere.clear();
  }

  /** Fails a try whose operator pod stayed Pending past its timeout. */
  failStartTimeout(ti: TaskInstanceRecord): void {
    this.kpo.failStartTimeout(ti);
  }

  /** The scheduler queues the next try: its worker pod is built from the template and created. */
  queueTask(run: RunRecord, ti: TaskInstanceRecord, task: TaskSpec): void {
    const { kube, release, clock } = this.options;
    if (!this.reattached) this.queuedHere.add(ti.id);
    this.tries.queue(ti);
    const read = readPodTemplate(kube, release);
    if ('error' in read) {
      this.log(
        'error',
        'kubernetes_executor.py:372',
        EXECUTOR_LOGGER,
        read.error,
      );
      this.executorFailed(run, ti, task);
      return;
    }
    if ('missing' in read) {
      this.log(
        'warning',
        'pod_generator.py:454',
        'airflow.providers.cncf.kubernetes.pod_generator',
        `Model file ${POD_TEMPLATE_PATH} does not exist`,
      );
    }
    const pod = buildWorkerPod({
      template: 'pod' in read ? read.pod : undefined,
      release,
      airflowMajor: this.options.airflowMajor,
      airflowVersion: this.options.airflowVersion,
      run,
      ti,
      dag: this.state.dags.get(ti.dag_id),
      jobId: this.jobId,
      kubeImage: this.kubeImage(),
    });
    const name = pod.metadata.name;
    this.log(
      'info',
      'kubernetes_executor_utils.py:418',
      K8S_SCHEDULER_LOGGER,
      `Creating kubernetes pod for job is ${this.keyRepr(
        run,
        ti,
      )}, with pod name ${name}, annotations: <omitted>`,
    );
    let created: KubeObject;
    try {
      created = kube.create('pods', AIRFLOW_NAMESPACE, pod);
    } catch (e) {
      this.creationFailed(run, ti, task, pod, e);
      return;
    }
    ti.workerPod = { namespace: AIRFLOW_NAMESPACE, name };
    // Bound to the node by its creator: the node's kubelet runs git-sync-init, then starts `base`.
    kube.updatePodStatus(
      AIRFLOW_NAMESPACE,
      name,
      runningStatus(created, clock.now()),
    );
    this.state.changed();
    this.later(`${release} worker ${name}`, () =>
      this.startWorker(run, ti, task),
    );
  }

  private taskOf(ti: TaskInstanceRecord): TaskSpec | undefined {
    return this.state.dags
      .get(ti.dag_id)
      ?.spec.tasks.find(t => t.task_id === ti.task_id);
  }

  private kubeImage(): string | undefined {
    const { workerContainerRepository: repo, workerContainerTag: tag } =
      this.options;
    return repo && tag ? `${repo}:${tag}` : undefined;
  }

  private log(
    level: SchedulerLine['level'],
    source: string,
    logger: string,
    message: string,
  ): void {
    this.schedulerLog.write({ level, source, logger, message });
  }

  /** `TaskInstanceKey(dag_id='…', task_id='…', run_id='…', try_number=1, map_index=-1)`. */
  private keyRepr(run: RunRecord, ti: TaskInstanceRecord): string {
    return `TaskInstanceKey(dag_id='${ti.dag_id}', task_id='${ti.task_id}', run_id='${run.run_id}', try_number=${ti.try_number}, map_index=-1)`;
  }

  /** Runs `fn` on a later turn of the event loop (after the store's own listeners), unless stopped. */
  private later(what: string, fn: () => void): void {
    const timer = setImmediate(() => {
      this.timers.delete(timer);
      this.state.guard(what, fn);
    });
    this.timers.add(timer);
  }

  /** The user the task's API calls run as: the worker pod's service account. */
  private workerUser(ti: TaskInstanceRecord): string {
    const name = ti.workerPod?.name;
    let account = 'default';
    if (name) {
      try {
        const pod = this.options.kube.get('pods', AIRFLOW_NAMESPACE, name);
        account = (pod.spec as any)?.serviceAccountName ?? 'default';
      } catch {
        account = 'default';
      }
    }
    return `system:serviceaccount:${AIRFLOW_NAMESPACE}:${account}`;
  }

  private workerLog(podName: string, lines: string[]): void {
    if (lines.length === 0) return;
    this.options.kube.appendLog(
      AIRFLOW_NAMESPACE,
      podName,
      'base',
      `${lines.join('\n')}\n`,
    );
  }

  /** The API rejected the worker pod: the scheduler logs it and fails the try; there is no worker log. */
  private creationFailed(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
    pod: KubeObject,
    e: unknown,
  ): void {
    const status = kubeErrorStatus(e) ?? {
      code: 500,
      reason: 'InternalError',
      message: String(e),
    };
    const text = apiExceptionText(status, this.options.clock.now());
    this.log(
      'error',
      'kubernetes_executor_utils.py:449',
      K8S_SCHEDULER_LOGGER,
      `Exception when attempting to create Namespaced Pod: ${JSON.stringify(
        pod,
        null,
        2,
      )}\nTraceback (most recent call last):\n${executorCreateFrames().join(
        '\n',
      )}\n${text}`,
    );
    this.log(
      'error',
      'kubernetes_executor.py:398',
      EXECUTOR_LOGGER,
      `Pod creation failed with reason '${
        STATUS_CODES[status.code ?? 500] ?? status.reason
      }'. Failing task`,
    );
    this.executorFailed(run, ti, task);
  }

  /** The executor reports the queued try failed: the scheduler's mismatch error, then the try fails unlogged. */
  private executorFailed(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
  ): void {
    this.log(
      'error',
      'scheduler_job_runner.py:836',
      SCHEDULER_JOB_LOGGER,
      `Executor KubernetesExecutor(parallelism=32) reported that the task instance ${tiRepr(
        ti,
      )} finished with state failed, but the task instance's state attribute is queued. Learn more: https://airflow.apache.org/docs/apache-airflow/stable/troubleshooting.html#task-state-changed-externally`,
    );
    this.tries.failQueued(run, ti, task);
    this.options.onTaskDone();
  }

  /** The worker's `base` starts: without DAG files it fails, else the task starts (the operator). */
  private startWorker(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
  ): void {
    if (ti.state !== 'queued' || !ti.workerPod) return;
    const { kube, clock, airflowMajor, release } = this.options;
    const name = ti.workerPod.name;
    let pod: KubeObject;
    try {
      pod = kube.get('pods', AIRFLOW_NAMESPACE, name);
    } catch {
      // The worker pod was deleted before it ran: the watcher reports the try failed.
      this.executorFailed(run, ti, task);
      return;
    }
    const dag = this.state.dags.get(ti.dag_id);
    const now = clock.now();
    if (!workerHasDags(pod)) {
      this.workerLog(
        name,
        dagNotFoundLines({ airflowMajor, release, now, run, ti, dag }),
      );
      this.endWorker(ti, 1);
      this.log(
        'error',
        'kubernetes_executor_utils.py:283',
        WATCHER_LOGGER,
        `Event: ${name} Failed, annotations: <omitted>`,
      );
      this.executorFailed(run, ti, task);
      return;
    }
    this.workerLog(
      name,
      workerStartLines({
        airflowMajor,
        release,
        now,
        run,
        ti,
        dag,
        podName: name,
      }),
    );
    this.tries.begin(run, ti, name);
    this.kpo.startTask(run, ti, task, this.workerUser(ti));
  }

  /** The task ended in its worker: `base` exits 0 (Succeeded, the pod is deleted) or 1 (Failed, kept). */
  private finishWorker(ti: TaskInstanceRecord): void {
    const name = ti.workerPod?.name;
    if (name) {
      const succeeded = ti.state === 'success';
      this.endWorker(ti, succeeded ? 0 : 1);
      this.log(
        succeeded ? 'info' : 'error',
        succeeded
          ? 'kubernetes_executor_utils.py:299'
          : 'kubernetes_executor_utils.py:283',
        WATCHER_LOGGER,
        `Event: ${name} ${
          succeeded ? 'Succeeded' : 'Failed'
        }, annotations: <omitted>`,
      );
      // [kubernetes_executor] delete_worker_pods = True, delete_worker_pods_on_failure = False.
      if (succeeded) this.deleteWorker(name);
    }
    this.options.onTaskDone();
  }

  /** Writes the terminated `base` status of the try's worker pod (if it still exists). */
  private endWorker(ti: TaskInstanceRecord, exitCode: number): void {
    const name = ti.workerPod?.name;
    if (!name) return;
    const { kube, clock } = this.options;
    try {
      const pod = kube.get('pods', AIRFLOW_NAMESPACE, name);
      kube.updatePodStatus(
        AIRFLOW_NAMESPACE,
        name,
        terminatedStatus(pod, exitCode, clock.now()),
      );
    } catch (e) {
      if (kubeErrorStatus(e)?.code !== 404) throw e;
    }
  }

  private deleteWorker(name: string): void {
    try {
      this.options.kube.delete('pods', AIRFLOW_NAMESPACE, name);
    } catch (e) {
      if (kubeErrorStatus(e)?.code !== 404) throw e;
    }
  }
}
