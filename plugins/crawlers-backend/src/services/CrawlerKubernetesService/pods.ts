/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersContainerStatus,
  CrawlersPod,
  CrawlersPodEvent,
  CrawlersPodKind,
} from '@crawler-platform/plugin-crawlers-common';
import type {
  CoreV1Event,
  V1ContainerStatus,
  V1Pod,
} from '@kubernetes/client-node';

/** Annotation with the Fargate size of a pod (domain facts §5.3). */
export const CAPACITY_ANNOTATION = 'CapacityProvisioned';
/** Label of the Fargate profile that placed a pod (§5.1). */
export const FARGATE_PROFILE_LABEL = 'eks.amazonaws.com/fargate-profile';

/** Waiting reasons that mean a container cannot start. */
const BAD_WAITING = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** Warning events that are no problem: every Fargate pod without an aws-logging ConfigMap gets one (§5.5). */
const HARMLESS_WARNINGS = new Set(['LoggingDisabled']);

const MAX_REASON_LENGTH = 200;

/** A pod as cached: what the response shows, without age and events, plus what matching needs. */
export interface PodRecord
  extends Omit<CrawlersPod, 'ageSeconds' | 'events' | 'problem'> {
  uid: string | null;
  /** The pod's `dag_id` label (make_safe_label_value of the DAG id). */
  dagLabel: string | null;
  /** A problem read from the pod's status alone (events may add one later). */
  statusProblem: string | null;
  deleting: boolean;
  /** Spec and status parts the diagnosis reads (absent from entries cached before it existed). */
  details?: PodDetails;
}

/** The parts of a pod's spec and status the diagnosis needs beyond what the pods route shows. */
export interface PodDetails {
  /** The `PodScheduled` condition. */
  scheduled: {
    status: string;
    reason: string | null;
    message: string | null;
  } | null;
  volumes: string[];
  /** Volume names mounted per container (init containers included). */
  volumeMounts: Record<string, string[]>;
  serviceAccountName: string | null;
  imagePullSecrets: string[];
  labels: Record<string, string>;
}

/** The diagnosis details of a pod. */
export function podDetails(pod: V1Pod): PodDetails {
  const scheduled = pod.status?.conditions?.find(
    c => c.type === 'PodScheduled',
  );
  const mounts: Record<string, string[]> = {};
  for (const c of [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
  ]) {
    mounts[c.name] = (c.volumeMounts ?? []).map(m => m.name);
  }
  return {
    scheduled: scheduled
      ? {
          status: scheduled.status,
          reason: scheduled.reason ?? null,
          message: scheduled.message ?? null,
        }
      : null,
    volumes: (pod.spec?.volumes ?? []).map(v => v.name),
    volumeMounts: mounts,
    serviceAccountName: pod.spec?.serviceAccountName ?? null,
    imagePullSecrets: (pod.spec?.imagePullSecrets ?? [])
      .map(s => s.name ?? '')
      .filter(Boolean),
    labels: pod.metadata?.labels ?? {},
  };
}

/** An event as cached, with the pod it is about. */
export interface EventRecord extends CrawlersPodEvent {
  podName: string | null;
  podUid: string | null;
}

/** A date of the API (a `Date` after client-node deserialised it, or a string) as ISO text. */
export function iso(value: unknown): string | null {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString();
  }
  return typeof value === 'string' && value ? value : null;
}

const short = (text: string) =>
  text.length > MAX_REASON_LENGTH
    ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…`
    : text;

function containerStatus(
  name: string,
  image: string | undefined,
  init: boolean,
  status: V1ContainerStatus | undefined,
): CrawlersContainerStatus {
  const state = status?.state;
  const last = status?.lastState?.terminated;
  const base = {
    name,
    init,
    image: status?.image ?? image ?? null,
    ready: status?.ready ?? false,
    restartCount: status?.restartCount ?? 0,
    lastTermination: last
      ? {
          reason: last.reason ?? null,
          message: last.message ?? null,
          exitCode: last.exitCode ?? null,
          finishedAt: iso(last.finishedAt),
        }
      : null,
  };
  if (state?.waiting) {
    return {
      ...base,
      state: 'waiting',
      reason: state.waiting.reason ?? null,
      message: state.waiting.message ?? null,
      exitCode: null,
      startedAt: null,
    };
  }
  if (state?.terminated) {
    return {
      ...base,
      state: 'terminated',
      reason: state.terminated.reason ?? null,
      message: state.terminated.message ?? null,
      exitCode: state.terminated.exitCode ?? null,
      startedAt: iso(state.terminated.startedAt),
    };
  }
  if (state?.running) {
    return {
      ...base,
      state: 'running',
      reason: null,
      message: null,
      exitCode: null,
      startedAt: iso(state.running.startedAt),
    };
  }
  return {
    ...base,
    state: 'unknown',
    reason: null,
    message: null,
    exitCode: null,
    startedAt: null,
  };
}

/** The pod's init containers, then its containers, with their statuses. */
export function containersOf(pod: V1Pod): CrawlersContainerStatus[] {
  const find = (list: V1ContainerStatus[] | undefined, name: string) =>
    list?.find(s => s.name === name);
  return [
    ...(pod.spec?.initContainers ?? []).map(c =>
      containerStatus(
        c.name,
        c.image,
        true,
        find(pod.status?.initContainerStatuses, c.name),
      ),
    ),
    ...(pod.spec?.containers ?? []).map(c =>
      containerStatus(
        c.name,
        c.image,
        false,
        find(pod.status?.containerStatuses, c.name),
      ),
    ),
  ];
}

function exitText(c: CrawlersContainerStatus): string {
  return c.reason ?? `ExitCode:${c.exitCode ?? '?'}`;
}

/** What `kubectl get pods` shows in STATUS (its printPod logic). */
export function podStatusText(
  pod: V1Pod,
  containers: CrawlersContainerStatus[],
): string {
  let reason = pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
  const inits = containers.filter(c => c.init);
  let initializing = false;
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    if (c.state === 'terminated' && c.exitCode === 0) {
      continue;
    }
    if (c.state === 'terminated') {
      reason = `Init:${exitText(c)}`;
    } else if (
      c.state === 'waiting' &&
      c.reason &&
      c.reason !== 'PodInitializing'
    ) {
      reason = `Init:${c.reason}`;
    } else {
      reason = `Init:${i}/${inits.length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing) {
    let running = false;
    for (const c of containers.filter(x => !x.init).reverse()) {
      if (c.state === 'waiting' && c.reason) {
        reason = c.reason;
      } else if (c.state === 'terminated') {
        reason = exitText(c);
      } else if (c.state === 'running' && c.ready) {
        running = true;
      }
    }
    if (reason === 'Completed' && running) {
      reason = 'Running';
    }
  }
  if (pod.metadata?.deletionTimestamp) {
    reason = 'Terminating';
  }
  return reason;
}

/** A problem the pod's status shows by itself, as a short reason; null when there is none. */
export function statusProblemOf(
  pod: V1Pod,
  containers: CrawlersContainerStatus[],
): string | null {
  for (const c of containers) {
    if (c.state === 'waiting' && c.reason && BAD_WAITING.has(c.reason)) {
      return short(
        `${c.reason}: ${c.init ? 'init container ' : ''}${c.name}${
          c.message ? ` (${c.message})` : ''
        }`,
      );
    }
  }
  const phase = pod.status?.phase;
  const failedContainer = containers.find(
    c => c.state === 'terminated' && c.exitCode !== 0 && c.exitCode !== null,
  );
  if (phase === 'Failed' || (failedContainer && failedContainer.init)) {
    if (failedContainer) {
      return short(
        `Failed: ${failedContainer.init ? 'init container ' : ''}${
          failedContainer.name
        } exited ${failedContainer.exitCode}${
          failedContainer.reason ? ` (${failedContainer.reason})` : ''
        }`,
      );
    }
    return short(
      `Failed${pod.status?.reason ? `: ${pod.status.reason}` : ''}${
        pod.status?.message ? ` (${pod.status.message})` : ''
      }`,
    );
  }
  if (phase === 'Pending') {
    const scheduled = pod.status?.conditions?.find(
      c => c.type === 'PodScheduled',
    );
    if (scheduled?.status === 'False') {
      const noProfile =
        pod.spec?.schedulerName === 'default-scheduler' &&
        !pod.metadata?.labels?.[FARGATE_PROFILE_LABEL];
      return short(
        `Unschedulable${
          noProfile
            ? ' (default-scheduler: no Fargate profile matched the pod)'
            : ''
        }${scheduled.message ? `: ${scheduled.message}` : ''}`,
      );
    }
  }
  const restarted = containers.find(
    c => c.restartCount > 0 && (c.lastTermination?.exitCode ?? 0) !== 0,
  );
  if (restarted) {
    return short(
      `Restarted ${restarted.restartCount} times: ${restarted.name} last exited ${restarted.lastTermination?.exitCode}`,
    );
  }
  return null;
}

/** Maps a pod to its cached record (raw ids from annotations, else sanitised ones from labels). */
export function podRecord(pod: V1Pod): PodRecord {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const containers = containersOf(pod);
  const kind: CrawlersPodKind =
    labels.kubernetes_pod_operator === 'True' ? 'operator' : 'worker';
  const tryText = annotations.try_number ?? labels.try_number;
  const tryNumber = tryText !== undefined ? Number(tryText) : NaN;
  return {
    uid: pod.metadata?.uid ?? null,
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    kind,
    dagLabel: labels.dag_id ?? null,
    dagId: annotations.dag_id ?? labels.dag_id ?? '',
    taskId: annotations.task_id ?? labels.task_id ?? null,
    runId: annotations.run_id ?? labels.run_id ?? null,
    tryNumber: Number.isFinite(tryNumber) ? tryNumber : null,
    phase: pod.status?.phase ?? 'Unknown',
    status: podStatusText(pod, containers),
    containers,
    restarts: containers.reduce((n, c) => n + c.restartCount, 0),
    createdAt: iso(pod.metadata?.creationTimestamp),
    nodeName: pod.spec?.nodeName ?? null,
    capacityProvisioned: annotations[CAPACITY_ANNOTATION] ?? null,
    fargateProfile: labels[FARGATE_PROFILE_LABEL] ?? null,
    schedulerName: pod.spec?.schedulerName ?? null,
    problemReason: null,
    statusProblem: statusProblemOf(pod, containers),
    deleting: !!pod.metadata?.deletionTimestamp,
    details: podDetails(pod),
  };
}

/** Maps an event to its cached record; the origin is `source.component || reportingComponent` (§5.5). */
export function eventRecord(event: CoreV1Event): EventRecord {
  const series = event.series;
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? null,
    message: event.message ?? null,
    origin: event.source?.component || event.reportingComponent || null,
    fieldPath: event.involvedObject?.fieldPath ?? null,
    count: series?.count ?? event.count ?? 1,
    lastSeen:
      iso(series?.lastObservedTime) ??
      iso(event.lastTimestamp) ??
      iso(event.eventTime) ??
      iso(event.firstTimestamp) ??
      iso(event.metadata?.creationTimestamp),
    podName: event.involvedObject?.name ?? null,
    podUid: event.involvedObject?.uid ?? null,
  };
}

/** Events per pod (by uid; by `name:<pod>` for events without a uid), newest first, at most `perPod` each. */
export function eventsByPod(
  events: EventRecord[],
  perPod: number,
): Map<string, CrawlersPodEvent[]> {
  const sorted = [...events].sort((a, b) =>
    (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''),
  );
  const byPod = new Map<string, CrawlersPodEvent[]>();
  for (const e of sorted) {
    // Events name their pod by uid; only events without one are matched by name (a pod name can come back).
    const key = e.podUid ?? (e.podName ? `name:${e.podName}` : undefined);
    if (!key) {
      continue;
    }
    const list = byPod.get(key) ?? [];
    if (list.length < perPod) {
      const { podName: _n, podUid: _u, ...event } = e;
      list.push(event);
    }
    byPod.set(key, list);
  }
  return byPod;
}

/**
 * The pod as the response shows it: its events (matched by uid, falling back to the name for events without one),
 * its age at `now`, and a problem from its status or, for a pod still Pending, from its latest Warning event.
 */
export function toCrawlersPod(
  record: PodRecord,
  dagId: string,
  events: Map<string, CrawlersPodEvent[]>,
  now: number,
): CrawlersPod {
  const {
    uid,
    dagLabel: _label,
    statusProblem,
    deleting: _deleting,
    details: _details,
    ...rest
  } = record;
  const own =
    (uid ? events.get(uid) : undefined) ??
    events.get(`name:${record.name}`) ??
    [];
  let problemReason = statusProblem;
  if (!problemReason && record.phase === 'Pending') {
    const warning = own.find(
      e => e.type === 'Warning' && !HARMLESS_WARNINGS.has(e.reason ?? ''),
    );
    if (warning) {
      problemReason = short(
        `${warning.reason ?? 'Warning'}${
          warning.origin ? ` from ${warning.origin}` : ''
        }: ${warning.message ?? ''}`,
      );
    }
  }
  const created = record.createdAt ? Date.parse(record.createdAt) : NaN;
  return {
    ...rest,
    dagId,
    ageSeconds: Number.isNaN(created)
      ? null
      : Math.max(0, Math.floor((now - created) / 1000)),
    problem: problemReason !== null,
    problemReason,
    events: own,
  };
}
