/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import { KubeObject, kubeErrorStatus } from '../kube';
import { TaskSpec } from './dagFile';
import { cleanupPod, forbiddenStatus, StatusBody } from './kpoCleanup';
import { createTaskPod } from './kpoCreate';
import {
  apiExceptionText,
  KPO_LOGGER,
  labelsText,
  podLabels,
  POD_MANAGER_LOGGER,
  randomSuffix,
} from './kpoText';
import {
  awaitPodStartFrames,
  cleanupFrames,
  PyException,
  readLogFrames,
} from './kpoTracebacks';
import { imagePullError, KpoProvider, startTimeoutError } from './kpoVersion';
import { AirflowKube, allowed } from './kubeAccess';
import { kpoPodName } from './labels';
import { AirflowState } from './state';
import { TaskTries } from './taskTries';
import { LogEntry, RunRecord, TaskInstanceRecord } from './types';

/** Options of {@link KpoRunner}. */
export type KpoRunnerOptions = {
  airflowMajor: 2 | 3;
  airflowVersion: string;
  provider: KpoProvider;
  kube: AirflowKube;
  clock: Clock;
  tries: TaskTries;
  /** Called when a try has ended (success, failed or up_for_retry). */
  onTryDone: (ti: TaskInstanceRecord) => void;
};

/** One operator following its pod. */
type PodWatch = {
  run: RunRecord;
  ti: TaskInstanceRecord;
  task: TaskSpec;
  /** The user the operator's API calls run as (the worker pod's service account). */
  user: string;
  /** The pod as `find_pod` read it right after creation: what the cleanup sees when the start-up or the log fails. */
  remotePod: KubeObject | undefined;
  /** Uids of the events already written to the task log. */
  seenEvents: Set<string>;
  /** Whether the pod has left Pending (`await_pod_start` returned). */
  started: boolean;
};

/**
 * The KubernetesPodOperator (synchronous mode) of one provider version ({@link KpoProvider}), run by a worker for one
 * try: finds/creates the pod as the worker's service account under the stand-in's RBAC, waits for it to leave
 * Pending (schedule and startup timeouts on the sandbox clock, the fast fail on image errors, the pod's events in the
 * task log), follows the `base` container log (a `pods/log` 403 is not retried), and cleans up (`already_checked`
 * label, `on_finish_action`), failing with `Pod <name> returned a failure.` and the `remote_pod` dump.
 */
export class KpoRunner {
  private readonly watches = new Map<string, PodWatch>();

  constructor(
    private readonly state: AirflowState,
    private readonly options: KpoRunnerOptions,
  ) {}

  /** Follows pod and event changes in the store; returns the function that stops following. */
  watch(): () => void {
    return this.options.kube.onChange((type, resource, obj) => {
      if (resource !== 'pods' && resource !== 'events') return;
      const key =
        resource === 'pods'
          ? `${obj?.metadata?.namespace}/${obj?.metadata?.name}`
          : `${(obj as any)?.involvedObject?.namespace}/${
              (obj as any)?.involvedObject?.name
            }`;
      const w = this.watches.get(key);
      if (!w) return;
      this.state.guard(`KubernetesPodOperator ${resource} event ${key}`, () =>
        resource === 'pods'
          ? this.onPod(w, type, obj)
          : type !== 'DELETED' && this.logEvent(w, obj),
      );
    });
  }

  /** Runs the operator of a started try as `user`: find or create the pod, then follow it. */
  startTask(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
    user: string,
  ): void {
    const namespace = task.kpo.namespace ?? 'airflow';
    const podName = kpoPodName(task.kpo.name ?? ti.task_id, randomSuffix);
    const labels = podLabels(run, ti, task, this.options.airflowVersion);
    const w: PodWatch = {
      run,
      ti,
      task,
      user,
      remotePod: undefined,
      seenEvents: new Set(),
      started: false,
    };
    this.log(
      ti,
      'info',
      `Building pod ${podName} with labels: ${labelsText(tiLabels(labels))}`,
      KPO_LOGGER,
      'pod.py:1133',
    );
    const result = createTaskPod(
      {
        kube: this.options.kube,
        user,
        airflowMajor: this.options.airflowMajor,
        now: this.options.clock.now(),
      },
      task,
      namespace,
      podName,
      labels,
    );
    if ('error' in result) {
      this.fail(run, ti, task, [result.error]);
      return;
    }
    const created = result.pod;
    ti.pod = { namespace, name: podName };
    w.remotePod = created;
    this.watches.set(`${namespace}/${podName}`, w);
    const sorted = Object.fromEntries(
      Object.entries(created.metadata.labels ?? {}).sort(([a], [b]) =>
        a < b ? -1 : 1,
      ),
    );
    this.log(
      ti,
      'info',
      `Found matching pod ${podName} with labels ${labelsText(sorted)}`,
      KPO_LOGGER,
      'pod.py:545',
    );
    this.log(
      ti,
      'info',
      `\`try_number\` of task_instance: ${ti.try_number}`,
      KPO_LOGGER,
      'pod.py:546',
    );
    this.log(
      ti,
      'info',
      `\`try_number\` of pod: ${labels.try_number}`,
      KPO_LOGGER,
      'pod.py:547',
    );
    this.awaitPodStart(w);
  }

  /** After a restart: follows the pods of running tries again (a try that had no pod yet is a zombie). */
  reattach(
    ti: TaskInstanceRecord,
    run: RunRecord,
    task: TaskSpec,
    user: string,
  ): void {
    if (!ti.pod) {
      this.fail(run, ti, task, [
        {
          frames: [],
          error:
            'airflow.exceptions.AirflowException: Detected zombie job: the task was starting when the scheduler stopped',
        },
      ]);
      return;
    }
    const w: PodWatch = {
      run,
      ti,
      task,
      user,
      remotePod: undefined,
      seenEvents: new Set(),
      started: !ti.startDeadline,
    };
    this.watches.set(`${ti.pod.namespace}/${ti.pod.name}`, w);
    let current: KubeObject | undefined;
    try {
      current = this.options.kube.get('pods', ti.pod.namespace, ti.pod.name);
    } catch {
      current = undefined;
    }
    w.remotePod = current;
    this.onPod(w, current ? 'MODIFIED' : 'DELETED', current);
  }

  /** Fails a try whose pod stayed Pending past its timeout on the sandbox clock. */
  failStartTimeout(ti: TaskInstanceRecord): void {
    const w = ti.pod && this.watches.get(`${ti.pod.namespace}/${ti.pod.name}`);
    if (!w) return;
    const { provider } = this.options;
    if (provider.separateTimeouts) {
      this.log(
        ti,
        'info',
        '::endgroup::',
        POD_MANAGER_LOGGER,
        'pod_manager.py:412',
      );
    }
    this.failWithCleanup(w, {
      frames: awaitPodStartFrames(provider.separateTimeouts, 'timeout'),
      error: startTimeoutError(provider, Boolean(ti.podScheduled), {
        schedule: w.task.kpo.schedule_timeout_seconds,
        startup: w.task.kpo.startup_timeout_seconds,
      }),
    });
  }

  private log(
    ti: TaskInstanceRecord,
    level: LogEntry['level'],
    event: string,
    logger: string,
    source: string,
  ) {
    this.options.tries.log(ti, level, event, logger, source);
  }

  private allowed(
    w: PodWatch,
    verb: string,
    resource: string,
    namespace: string,
    extra: { subresource?: string; name?: string } = {},
  ): boolean {
    return allowed(this.options.kube, w.user, {
      verb,
      resource,
      namespace,
      ...extra,
    });
  }

  private apiException(status: StatusBody): string {
    return apiExceptionText(status, this.options.clock.now());
  }

  /** The start of `await_pod_start`: its first log line, the deadline, the events and the pod's current state. */
  private awaitPodStart(w: PodWatch): void {
    const { provider, clock } = this.options;
    const { ti, task } = w;
    const namespace = ti.pod!.namespace;
    const timeout = provider.separateTimeouts
      ? task.kpo.schedule_timeout_seconds
      : task.kpo.startup_timeout_seconds;
    ti.startDeadline = new Date(
      clock.now().getTime() + timeout * 1000,
    ).toISOString();
    ti.podScheduled = false;
    this.state.changed();
    if (provider.separateTimeouts) {
      this.log(
        ti,
        'info',
        `::group::Waiting until ${task.kpo.schedule_timeout_seconds}s to get the POD scheduled...`,
        POD_MANAGER_LOGGER,
        'pod_manager.py:381',
      );
    }
    if (provider.logsPodEvents) {
      if (!this.allowed(w, 'list', 'events', namespace)) {
        const status = forbiddenStatus(
          w.user,
          { verb: 'list', resource: 'events', namespace },
          { kind: 'events' },
        );
        this.failWithCleanup(w, {
          frames: awaitPodStartFrames(true, 'events'),
          error: this.apiException(status),
        });
        return;
      }
      for (const event of this.options.kube.list('events', namespace, {
        fieldSelector: `involvedObject.name=${ti.pod!.name}`,
      })) {
        this.logEvent(w, event);
      }
    }
    this.onPod(w, 'MODIFIED', w.remotePod);
  }

  /** `The Pod has an Event: <message> from <fieldPath>` for each new event of the pod during start-up (≥ 10.6). */
  private logEvent(w: PodWatch, event: any): void {
    if (!this.options.provider.logsPodEvents || w.started) return;
    if (event?.involvedObject?.kind && event.involvedObject.kind !== 'Pod') {
      return;
    }
    const uid = String(event?.metadata?.uid ?? event?.metadata?.name);
    if (w.seenEvents.has(uid)) return;
    w.seenEvents.add(uid);
    this.log(
      w.ti,
      'info',
      `The Pod has an Event: ${event?.message ?? 'None'} from ${
        event?.involvedObject?.fieldPath ?? 'None'
      }`,
      POD_MANAGER_LOGGER,
      'pod_manager.py:96',
    );
  }

  private onPod(w: PodWatch, type: string, pod: any): void {
    const { ti } = w;
    if (ti.state !== 'running' || !ti.pod) return;
    if (type === 'DELETED' || !pod) {
      this.podGone(w);
      return;
    }
    const phase: string | undefined = pod.status?.phase;
    if (!w.started) {
      if (!phase || phase === 'Pending') {
        this.pending(w, pod);
        return;
      }
      if (!this.leftPending(w)) return;
    }
    if (phase === 'Succeeded' || phase === 'Failed') this.finish(w, pod, phase);
  }

  /** A Pending pod: the start of the startup timeout once scheduled (≥ 10.5), the fast fail, or a warning (< 10.5). */
  private pending(w: PodWatch, pod: any): void {
    const { provider, clock } = this.options;
    const { ti, task } = w;
    if (!provider.separateTimeouts) {
      const version = String(pod.metadata?.resourceVersion ?? '');
      if (ti.podPhaseLogged !== version) {
        ti.podPhaseLogged = version;
        this.log(
          ti,
          'warning',
          `Pod not yet started: ${ti.pod!.name}`,
          POD_MANAGER_LOGGER,
          'pod_manager.py:358',
        );
      }
      return;
    }
    const scheduled = (pod.status?.conditions ?? []).some(
      (c: any) => c?.type === 'PodScheduled' && c?.status === 'True',
    );
    if (scheduled && !ti.podScheduled) {
      ti.podScheduled = true;
      ti.startDeadline = new Date(
        clock.now().getTime() + task.kpo.startup_timeout_seconds * 1000,
      ).toISOString();
      this.state.changed();
      this.log(
        ti,
        'info',
        `Waiting ${task.kpo.startup_timeout_seconds}s to get the POD running...`,
        POD_MANAGER_LOGGER,
        'pod_manager.py:399',
      );
    }
    const waiting = (pod.status?.containerStatuses ?? [])
      .map((c: any) => c?.state?.waiting)
      .find((s: any) => s && provider.fastFailReasons.includes(s.reason));
    if (waiting) {
      this.log(
        ti,
        'info',
        '::endgroup::',
        POD_MANAGER_LOGGER,
        'pod_manager.py:421',
      );
      this.failWithCleanup(w, {
        frames: awaitPodStartFrames(true, 'image'),
        error: imagePullError(waiting),
      });
    }
  }

  /** The pod left Pending: the operator follows the `base` log at once (a `pods/log` 403 fails the try). */
  private leftPending(w: PodWatch): boolean {
    const { ti, task } = w;
    w.started = true;
    ti.startDeadline = null;
    this.state.changed();
    if (this.options.provider.separateTimeouts) {
      this.log(
        ti,
        'info',
        '::endgroup::',
        POD_MANAGER_LOGGER,
        'pod_manager.py:391',
      );
    }
    const { namespace, name } = ti.pod!;
    const attributes = {
      verb: 'get',
      resource: 'pods',
      subresource: 'log',
      namespace,
      name,
    };
    const mayRead = this.allowed(w, 'get', 'pods', namespace, {
      subresource: 'log',
      name,
    });
    if (task.kpo.get_logs && !mayRead) {
      this.failWithCleanup(w, {
        frames: readLogFrames(),
        error: this.apiException(
          forbiddenStatus(w.user, attributes, { name, kind: 'pods' }),
        ),
      });
      return false;
    }
    return true;
  }

  /** The pod finished: its log, then the cleanup of the final pod (success, or `returned a failure`). */
  private finish(w: PodWatch, pod: KubeObject, phase: string): void {
    const { ti, task } = w;
    this.watches.delete(`${ti.pod!.namespace}/${ti.pod!.name}`);
    if (task.kpo.get_logs) this.copyPodLog(ti);
    const failure = cleanupPod(this.cleanupContext(w), task.kpo, pod);
    if (phase === 'Succeeded' && !failure) {
      this.options.tries.succeed(w.run, ti);
      this.done(ti);
      return;
    }
    this.fail(w.run, ti, task, [
      {
        frames: cleanupFrames(this.options.airflowMajor),
        error:
          failure?.error ??
          `airflow.exceptions.AirflowException: Pod ${pod.metadata.name} returned a failure.`,
      },
    ]);
  }

  /** The pod was deleted under the operator: reading it gives 404, then the cleanup. */
  private podGone(w: PodWatch): void {
    const { name } = w.ti.pod!;
    this.failWithCleanup(w, {
      frames: readLogFrames(),
      error: this.apiException({
        code: 404,
        reason: 'NotFound',
        message: `pods "${name}" not found`,
        details: { name, kind: 'pods' },
      }),
    });
  }

  /** Fails with `first` while the cleanup runs in `finally` (its `returned a failure` chained after `first`). */
  private failWithCleanup(w: PodWatch, first: PyException): void {
    const { ti, task } = w;
    if (ti.pod) this.watches.delete(`${ti.pod.namespace}/${ti.pod.name}`);
    const failure = cleanupPod(this.cleanupContext(w), task.kpo, w.remotePod);
    this.fail(w.run, ti, task, [
      first,
      ...(failure
        ? [
            {
              frames: cleanupFrames(this.options.airflowMajor),
              error: failure.error,
            },
          ]
        : []),
    ]);
  }

  private cleanupContext(w: PodWatch) {
    return {
      kube: this.options.kube,
      user: w.user,
      now: () => this.options.clock.now(),
      log: (
        level: LogEntry['level'],
        event: string,
        logger: string,
        source: string,
      ) => this.log(w.ti, level, event, logger, source),
    };
  }

  /** Copies the `base` container's log into the task log as `[base] <line>`. */
  private copyPodLog(ti: TaskInstanceRecord): void {
    const { namespace, name } = ti.pod!;
    let text = '';
    try {
      text = String(this.options.kube.readLog(namespace, name, 'base') ?? '');
    } catch (e) {
      this.log(
        ti,
        'warning',
        `Could not read logs of pod ${name}: ${
          kubeErrorStatus(e)?.message ?? String(e)
        }`,
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

  private fail(
    run: RunRecord,
    ti: TaskInstanceRecord,
    task: TaskSpec,
    chain: PyException[],
  ): void {
    if (ti.pod) this.watches.delete(`${ti.pod.namespace}/${ti.pod.name}`);
    this.options.tries.fail(run, ti, task, chain);
    this.done(ti);
  }

  private done(ti: TaskInstanceRecord): void {
    ti.startDeadline = null;
    this.state.changed();
    this.options.onTryDone(ti);
  }
}

/** The task-instance labels the operator logs when building the pod (`_get_ti_pod_labels`). */
function tiLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [
    'dag_id',
    'task_id',
    'run_id',
    'kubernetes_pod_operator',
    'try_number',
  ]) {
    out[key] = labels[key];
  }
  return out;
}
