/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import { isNotFound } from '../kube/errors';
import { KubeStoreApi } from '../kube/storeApi';
import { KubeObject } from '../kube/types';
import { SandboxLogger } from '../util/logger';
import {
  ContainerState,
  ContainerStatus,
  goSeconds,
  imageId,
  kubeTime,
  newContainerId,
  nominalBackoffSeconds,
  podStatusFrom,
  KUBELET_MAX_BACKOFF_S,
  KUBELET_INITIAL_BACKOFF_S,
} from './containerStatus';
import { resolveContainerEnv } from './podEnv';
import { GitSyncProcess } from './process';

/** The part of the store the Airflow pods' kubelet uses. */
export type PodRunKube = Pick<
  KubeStoreApi,
  'get' | 'updatePodStatus' | 'appendLog' | 'rotateLog' | 'recordEvent'
>;

/** What a pod run needs besides its pod. */
export type PodRunContext = {
  kube: PodRunKube;
  clock: Clock;
  logger: SandboxLogger;
  /** The sandbox's wait for the kubelet's 10 s restart back-off (doubling, at most 30 times it). */
  backoffMs: number;
  /** Overrides git-sync's `--period` (tests). */
  periodMs?: number;
  /** The local folder of the pod's `dags` emptyDir volume (git-sync's root). */
  localRoot: string;
  /** Called when a git-sync process of the pod published a commit, or when a git-sync container exited. */
  onGitSync: (run: PodRun, event: 'published' | 'exited') => void;
  /** Whether a pod at this address reaches the git remote now (its subnet's egress). Default: always. */
  reachesGitRemote?: (podIp: string) => boolean;
};

type ContainerRun = {
  spec: any;
  init: boolean;
  gitSync: boolean;
  status: ContainerStatus;
  /** Crashes so far (the first restart is immediate, later ones back off). */
  crashes: number;
  process?: GitSyncProcess;
  timer?: NodeJS.Timeout;
};

/** Whether a container runs git-sync (its image is git-sync's). */
export function isGitSyncContainer(c: any): boolean {
  return /(^|\/)git-sync(:|@|$)/.test(String(c?.image ?? ''));
}

/**
 * The kubelet of one Airflow pod on the node group: runs the init containers in order (a git-sync init container as
 * a real {@link GitSyncProcess}, others complete at once), then the containers (git-sync sidecars as processes, the
 * Airflow containers simply running), and writes what the kubelet reports — container states, `lastState`,
 * `restartCount`, the pod's phase and conditions, and its events. A container that exits is restarted (the first time
 * at once, then after the CrashLoopBackOff back-off); its log so far becomes the `previous` log. A container whose
 * env references a missing Secret, ConfigMap or key waits in CreateContainerConfigError and is retried.
 */
export class PodRun {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  private readonly containers: ContainerRun[];
  private readonly scheduledAt: string;
  private stopped = false;

  constructor(
    private readonly pod: KubeObject,
    private readonly ctx: PodRunContext,
  ) {
    this.namespace = pod.metadata.namespace!;
    this.name = pod.metadata.name;
    this.uid = String(pod.metadata.uid);
    this.scheduledAt = kubeTime(ctx.clock.now());
    const spec = pod.spec as any;
    const make = (c: any, init: boolean): ContainerRun => ({
      spec: c,
      init,
      gitSync: isGitSyncContainer(c),
      crashes: 0,
      status: {
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'PodInitializing' } },
        lastState: {},
      },
    });
    this.containers = [
      ...(spec.initContainers ?? []).map((c: any) => make(c, true)),
      ...(spec.containers ?? []).map((c: any) => make(c, false)),
    ];
  }

  /** The pod's labels. */
  get labels(): Record<string, string> {
    return this.pod.metadata.labels ?? {};
  }

  /** When the pod was created (for choosing the newest pod of a workload). */
  get createdAt(): string {
    return String(this.pod.metadata.creationTimestamp ?? '');
  }

  /** The local folder of the pod's git-sync root. */
  get localRoot(): string {
    return this.ctx.localRoot;
  }

  /** Whether the pod has git-sync containers at all. */
  hasGitSync(): boolean {
    return this.containers.some(c => c.gitSync);
  }

  /** The running process of a git-sync container (the sidecar `git-sync` by default). */
  process(container = 'git-sync'): GitSyncProcess | undefined {
    const c = this.containers.find(x => x.spec.name === container);
    return c?.process?.isRunning() ? c.process : undefined;
  }

  /** Every running git-sync process of the pod (an init container while it runs, then the sidecars). */
  runningProcesses(): GitSyncProcess[] {
    return this.containers
      .map(c => c.process)
      .filter((p): p is GitSyncProcess => Boolean(p?.isRunning()));
  }

  /** The link a git-sync container of the pod publishes (`<root>/<link>`), once its settings are known. */
  linkPath(): string | undefined {
    for (const c of this.containers) {
      const link = c.process?.linkPath();
      if (link) return link;
    }
    return undefined;
  }

  /** Starts the pod: its first init container, or its containers when it has none. */
  start(): void {
    this.publish();
    this.next();
  }

  /** Stops every process and timer (the pod was deleted or the sandbox stops). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.containers) {
      if (c.timer) clearTimeout(c.timer);
    }
    await Promise.all(this.containers.map(c => c.process?.kill()));
  }

  /** Starts whatever is due: the first unfinished init container, else every main container not started yet. */
  private next() {
    if (this.stopped) return;
    const pendingInit = this.containers.find(
      c => c.init && !isCompleted(c.status.state),
    );
    if (pendingInit) {
      if ('waiting' in pendingInit.status.state)
        this.startContainer(pendingInit);
      return;
    }
    for (const c of this.containers.filter(x => !x.init)) {
      const state = c.status.state;
      if ('waiting' in state && state.waiting.reason === 'PodInitializing') {
        this.startContainer(c);
      }
    }
  }

  /** Creates and starts a container (resolving its env now, as the kubelet does). */
  private startContainer(c: ContainerRun) {
    if (this.stopped) return;
    const env = resolveContainerEnv(this.ctx.kube, this.namespace, c.spec);
    if (!env.ok) {
      this.configError(c, env.error);
      return;
    }
    const now = kubeTime(this.ctx.clock.now());
    const containerID = newContainerId();
    this.event(
      c,
      'Normal',
      'Pulled',
      `Container image "${c.spec.image}" already present on machine`,
    );
    this.event(c, 'Normal', 'Created', `Created container ${c.spec.name}`);
    this.event(c, 'Normal', 'Started', `Started container ${c.spec.name}`);
    c.status = {
      ...c.status,
      imageID: imageId(c.spec.image),
      containerID,
      ready: !c.init,
      started: true,
      state: { running: { startedAt: now } },
    };
    this.publish();
    if (!c.gitSync) {
      if (c.init) this.exited(c, 0, now);
      return;
    }
    const proc = new GitSyncProcess({
      env: env.env,
      localRoot: this.ctx.localRoot,
      clock: this.ctx.clock,
      write: text => this.log(c, text),
      periodMs: this.ctx.periodMs,
      logger: this.ctx.logger,
      reachesRemote: this.ctx.reachesGitRemote
        ? () => this.ctx.reachesGitRemote!(podIp(this.uid))
        : undefined,
    });
    c.process = proc;
    proc.onPublished(() => this.ctx.onGitSync(this, 'published'));
    proc.exited.then(code => {
      if (c.process === proc && !this.stopped) this.exited(c, code, now);
    });
    proc.start();
  }

  /** CreateContainerConfigError: the container cannot be created; the kubelet tries again on its next sync. */
  private configError(c: ContainerRun, message: string) {
    const waiting =
      'waiting' in c.status.state ? c.status.state.waiting : undefined;
    c.status = {
      ...c.status,
      ready: false,
      started: false,
      state: { waiting: { reason: 'CreateContainerConfigError', message } },
    };
    if (waiting?.message !== message) this.publish();
    this.event(c, 'Warning', 'Failed', `Error: ${message}`);
    c.timer = setTimeout(() => {
      c.timer = undefined;
      this.startContainer(c);
    }, this.ctx.backoffMs);
    c.timer.unref?.();
    this.ctx.onGitSync(this, 'exited');
  }

  /** A container exited: an init container that succeeded lets the pod go on; anything else is restarted. */
  private exited(c: ContainerRun, exitCode: number, startedAt: string) {
    if (this.stopped) return;
    const terminated: ContainerState = {
      terminated: {
        exitCode,
        reason: exitCode === 0 ? 'Completed' : 'Error',
        startedAt,
        finishedAt: kubeTime(this.ctx.clock.now()),
        containerID: c.status.containerID,
      },
    };
    if (c.init && exitCode === 0) {
      c.status = {
        ...c.status,
        ready: true,
        started: false,
        state: terminated,
      };
      this.publish();
      this.next();
      return;
    }
    c.crashes++;
    if (c.gitSync) this.ctx.onGitSync(this, 'exited');
    if (c.crashes === 1) {
      // The kubelet restarts a container at once the first time it stops; back-off starts with the next crash.
      c.status = { ...c.status, lastState: terminated };
      this.restart(c);
      return;
    }
    const seconds = nominalBackoffSeconds(c.crashes - 1);
    c.status = {
      ...c.status,
      ready: false,
      started: false,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${goSeconds(
            seconds,
          )} restarting failed container=${c.spec.name} pod=${this.name}_${
            this.namespace
          }(${this.uid})`,
        },
      },
      lastState: terminated,
    };
    this.publish();
    this.event(
      c,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${c.spec.name} in pod ${this.name}_${this.namespace}(${this.uid})`,
    );
    const waitMs = Math.min(
      (this.ctx.backoffMs * seconds) / KUBELET_INITIAL_BACKOFF_S,
      (this.ctx.backoffMs * KUBELET_MAX_BACKOFF_S) / KUBELET_INITIAL_BACKOFF_S,
    );
    c.timer = setTimeout(() => {
      c.timer = undefined;
      this.restart(c);
    }, waitMs);
    c.timer.unref?.();
  }

  /** Restarts a container: the log so far becomes the `previous` log and `restartCount` grows. */
  private restart(c: ContainerRun) {
    if (this.stopped) return;
    try {
      this.ctx.kube.rotateLog(this.namespace, this.name, c.spec.name);
    } catch (e) {
      this.report('rotate a container log', e);
    }
    c.status = { ...c.status, restartCount: c.status.restartCount + 1 };
    c.process = undefined;
    this.startContainer(c);
  }

  private log(c: ContainerRun, text: string) {
    if (this.stopped) return;
    try {
      this.ctx.kube.appendLog(this.namespace, this.name, c.spec.name, text);
    } catch (e) {
      this.report('write a container log', e);
    }
  }

  private event(
    c: ContainerRun,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ) {
    if (this.stopped) return;
    try {
      this.ctx.kube.recordEvent(this.namespace, this.current() ?? this.pod, {
        type,
        reason,
        message,
        component: 'kubelet',
        host: (this.pod.spec as any)?.nodeName,
        fieldPath: `spec.${c.init ? 'initContainers' : 'containers'}{${
          c.spec.name
        }}`,
      });
    } catch (e) {
      this.report('record an event', e);
    }
  }

  private current(): KubeObject | undefined {
    try {
      const pod = this.ctx.kube.get('pods', this.namespace, this.name);
      return pod.metadata.uid === this.uid ? pod : undefined;
    } catch (e) {
      if (!isNotFound(e)) this.report('read its pod', e);
      return undefined;
    }
  }

  /** Writes the kubelet's view of the pod into its status. */
  private publish() {
    if (this.stopped || !this.current()) return;
    const init = this.containers.filter(c => c.init).map(c => c.status);
    const main = this.containers.filter(c => !c.init).map(c => c.status);
    const now = kubeTime(this.ctx.clock.now());
    const { phase, conditions } = podStatusFrom(init, main, {
      scheduled: this.scheduledAt,
      now,
    });
    try {
      this.ctx.kube.updatePodStatus(this.namespace, this.name, {
        phase,
        conditions,
        hostIP: '10.0.1.23',
        podIP: podIp(this.uid),
        startTime: this.scheduledAt,
        qosClass: 'BestEffort',
        ...(init.length ? { initContainerStatuses: init } : {}),
        containerStatuses: main,
      });
    } catch (e) {
      this.report('write its pod status', e);
    }
  }

  private report(what: string, e: unknown) {
    if (isNotFound(e)) return;
    this.ctx.logger.error(`Airflow pod kubelet could not ${what}`, {
      pod: `${this.namespace}/${this.name}`,
      error: (e as Error)?.message ?? String(e),
    });
  }
}

function isCompleted(state: ContainerState): boolean {
  return 'terminated' in state && state.terminated.exitCode === 0;
}

/** A stable pod IP in the node group's subnet. */
function podIp(uid: string): string {
  let h = 0;
  for (const ch of uid) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `10.0.1.${100 + (h % 150)}`;
}
