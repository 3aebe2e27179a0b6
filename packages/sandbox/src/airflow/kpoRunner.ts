/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import {
  forbiddenMessage,
  kubeErrorStatus,
  KubeWorkloadApi as KubeStoreLike,
} from '../kube';
import { TaskSpec } from './dagFile';
import {
  apiExceptionText,
  KPO_LOGGER,
  labelsText,
  podLabels,
  podManifest,
  POD_MANAGER_LOGGER,
  randomSuffix,
  TRACEBACKS,
} from './kpoText';
import { kpoPodName } from './labels';
import { AirflowState } from './state';
import { TaskTries } from './taskTries';
import { DagRecord, RunRecord, TaskInstanceRecord } from './types';

/** Options of {@link KpoRunner}. */
export type KpoRunnerOptions = {
  /** Instance name (the worker's hostname is `<name>-scheduler-0`). */
  name: string;
  airflowMajor: 2 | 3;
  airflowVersion: string;
  kube: KubeStoreLike;
  clock: Clock;
  /** The Kubernetes user tasks act as. */
  user: string;
  /** Called when a task instance reaches success, failed or up_for_retry (the scheduler takes it from there). */
  onTaskDone: () => void;
};

type PodAttributes = {
  verb: string;
  resource: string;
  subresource?: string;
  namespace: string;
  name?: string;
};

type PodWaiter = (type: string, pod: any) => void;

const IMAGE_PULL_FAILURES = [
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
];

/**
 * The KubernetesPodOperator executor: runs each task try as a pod in the Kubernetes stand-in, as Airflow's worker
 * service account and under its RBAC, follows the pod through the store's change events, copies the container log
 * into the task log, and applies `on_finish_action`.
 */
export class KpoRunner {
  private readonly podWaiters = new Map<string, PodWaiter>();
  private readonly tries: TaskTries;
  private readonly log: TaskTries['log'] = (...line) => this.tries.log(...line);

  constructor(
    private readonly state: AirflowState,
    private readonly options: KpoRunnerOptions,
  ) {
    this.tries = new TaskTries(state, {
      hostname: `${options.name}-scheduler-0`,
      airflowMajor: options.airflowMajor,
      clock: options.clock,
    });
  }

  /** Follows pod changes in the store; returns the function that stops following. */
  watch(): () => void {
    return this.options.kube.onChange((type, resource, obj) => {
      if (resource !== 'pods') return;
      const key = `${obj?.metadata?.namespace}/${obj?.metadata?.name}`;
      const waiter = this.podWaiters.get(key);
      if (waiter) {
        this.state.guard(`${this.options.name} pod event ${key}`, () =>
          waiter(type, obj),
        );
      }
    });
  }

  /** Starts the next try of a task instance: a new pod (or the failure to create one). */
  async startTask(run: RunRecord, ti: TaskInstanceRecord, task: TaskSpec) {
    this.tries.begin(run, ti);
    const namespace = task.kpo.namespace ?? 'airflow';
    const podName = kpoPodName(task.kpo.name ?? ti.task_id, randomSuffix);
    const labels = podLabels(run, ti, task, this.options.airflowVersion);
    if (!this.authorize({ verb: 'create', resource: 'pods', namespace })) {
      const status = this.forbidden(
        { verb: 'create', resource: 'pods', namespace },
        { kind: 'pods' },
      );
      this.failTask(run, ti, status, TRACEBACKS.createPod);
      return;
    }
    this.log(
      ti,
      'info',
      `Building pod ${podName} with labels: ${labelsText(labels)}`,
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
    const kube = this.options.kube;
    try {
      await kube.create(
        'pods',
        namespace,
        podManifest(task, podName, namespace, labels),
      );
    } catch (e) {
      this.podWaiters.delete(key);
      ti.pod = null;
      const status = kubeErrorStatus(e) ?? {
        code: 500,
        reason: 'InternalError',
        message: String(e),
      };
      this.failTask(
        run,
        ti,
        this.apiExceptionText(status),
        TRACEBACKS.createPod,
      );
      return;
    }
    this.state.changed();
    // The lifecycle may already have moved the pod on before the watcher saw it.
    try {
      const current: any = await kube.get('pods', namespace, podName);
      this.onPodEvent(run, ti, task, 'MODIFIED', current);
    } catch {
      // deleted already; the DELETED event handles it
    }
  }

  /** After a restart: follows the pods of running task instances again (and fails those that were starting). */
  reattachRunningPods() {
    for (const ti of this.state.taskInstances) {
      if (ti.state !== 'running') continue;
      const run = this.state.getRun(ti.dag_id, ti.run_id);
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
      const task = this.taskOf(ti);
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

  /** Fails a try whose pod stayed Pending past `startup_timeout_seconds`. */
  async failStartTimeout(
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
      TRACEBACKS.awaitPodStart(name),
    );
  }

  private taskOf(ti: TaskInstanceRecord): TaskSpec | undefined {
    return this.state.dags
      .get(ti.dag_id)
      ?.spec.tasks.find(t => t.task_id === ti.task_id);
  }

  private authorize(attributes: PodAttributes): boolean {
    const result = this.options.kube.authorize(this.options.user, {
      verb: attributes.verb,
      resource: attributes.resource,
      subresource: attributes.subresource,
      namespace: attributes.namespace,
      apiGroup: '',
      name: attributes.name,
    }) as { allowed?: boolean };
    return Boolean(result?.allowed);
  }

  private apiExceptionText(status: Parameters<typeof apiExceptionText>[0]) {
    return apiExceptionText(status, this.options.clock.now());
  }

  /** The ApiException text of a 403 for the worker's user. */
  private forbidden(
    attributes: PodAttributes,
    details: Record<string, unknown>,
  ): string {
    return this.apiExceptionText({
      code: 403,
      reason: 'Forbidden',
      message: forbiddenMessage(this.options.user, attributes),
      details,
    });
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
        .find((w: any) => w && IMAGE_PULL_FAILURES.includes(w.reason));
      if (waiting) {
        const name = ti.pod.name;
        this.cleanup(ti, task, false);
        this.failTask(
          run,
          ti,
          `airflow.providers.cncf.kubernetes.utils.pod_manager.PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ${
            waiting.reason
          }\n${waiting.message ?? ''}`.trim(),
          TRACEBACKS.awaitPodStart(name),
        );
      }
      return;
    }
    if (phase === 'Running') {
      ti.startDeadline = null;
      this.state.changed();
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
    if (task.kpo.get_logs && !this.copyPodLog(ti, namespace, name)) {
      this.cleanup(ti, task, phase === 'Succeeded');
      const attributes = {
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        namespace,
        name,
      };
      const status = this.forbidden(attributes, { name, kind: 'pods' });
      this.failTask(run, ti, status, TRACEBACKS.readLogs);
      return;
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
      TRACEBACKS.podFailed,
    );
  }

  /** Copies the `base` container's log into the task log; false when reading it is forbidden. */
  private copyPodLog(
    ti: TaskInstanceRecord,
    namespace: string,
    name: string,
  ): boolean {
    const attributes = {
      verb: 'get',
      resource: 'pods',
      subresource: 'log',
      namespace,
      name,
    };
    if (!this.authorize(attributes)) return false;
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
    return true;
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
    const attributes = { verb: 'delete', resource: 'pods', namespace, name };
    if (!this.authorize(attributes)) {
      this.log(
        ti,
        'error',
        `Failed to delete pod ${name}: ${forbiddenMessage(
          this.options.user,
          attributes,
        )}`,
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

  private failTask(
    run: RunRecord,
    ti: TaskInstanceRecord,
    error: string,
    traceback: string[],
  ) {
    this.tries.fail(run, ti, this.taskOf(ti), error, traceback);
    this.finishTry(ti);
  }

  private succeedTask(run: RunRecord, ti: TaskInstanceRecord) {
    this.tries.succeed(run, ti);
    this.finishTry(ti);
  }

  private finishTry(ti: TaskInstanceRecord) {
    if (ti.pod) this.podWaiters.delete(`${ti.pod.namespace}/${ti.pod.name}`);
    this.state.changed();
    this.options.onTaskDone();
  }
}
