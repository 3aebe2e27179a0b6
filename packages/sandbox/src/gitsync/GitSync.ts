/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { Clock } from '../clock';
import { isNotFound } from '../kube/errors';
import { KubeStoreApi, KubeWorkloadApi } from '../kube/storeApi';
import { SandboxLogger, silentLogger } from '../util/logger';
import {
  ConfigMessage,
  defaultLink,
  GitSyncConfig,
  ResolvedConfig,
  resolveGitSyncConfig,
} from './config';
import {
  fetchRef,
  initRepo,
  linkedHash,
  publishWorktree,
  remoteHash,
} from './git';
import { errorLine, infoLine } from './logging';
import { GitSyncMetrics } from './metrics';
import { containerEnv } from './podEnv';

/** The git-sync version the sandbox's log lines imitate. */
export const GIT_SYNC_VERSION = 'v4.7.1';

/** Options of {@link GitSync}. */
export type GitSyncOptions = {
  /** The store the pod, its Secrets and the container log are in; the kubelet's writes are used when present. */
  kube: KubeWorkloadApi &
    Partial<Pick<KubeStoreApi, 'rotateLog' | 'updatePodStatus'>>;
  clock: Clock;
  /** Namespace of the scheduler pod (`airflow`). */
  namespace: string;
  /** Name of the scheduler pod whose `git-sync` container env configures this loop. */
  podName: string;
  /** Container name (chart default `git-sync`). */
  containerName?: string;
  /** Local folder standing in for the container's GITSYNC_ROOT (`/git`). */
  root: string;
  /** Overrides the env's GITSYNC_PERIOD (tests). */
  periodMs?: number;
  /** Where the sandbox's own failures are reported (not the container log); silent when absent. */
  logger?: SandboxLogger;
};

/** What one sync attempt did. */
export type SyncOutcome =
  | { status: 'success'; hash: string }
  | { status: 'noop'; hash: string }
  | { status: 'error'; error: string }
  | { status: 'skipped'; reason: string };

/**
 * One git-sync v4 sidecar: reads its settings from the scheduler pod's `git-sync` container env (secretKeyRef
 * values resolved from Secrets), syncs with real git into the root layout (`<root>/<link>` → `.worktrees/<sha>`),
 * appends v4's JSON log lines to the container log and keeps Prometheus metrics.
 */
export class GitSync {
  readonly registry: Registry;
  private readonly metricSet = new GitSyncMetrics();
  private readonly containerName: string;
  private readonly logger: SandboxLogger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncOutcome> | undefined;
  private stopped = true;
  /** The running container: its pod's uid and the settings its env had when it started. */
  private container: { podUid: string; resolved: ResolvedConfig } | undefined;
  /** Set when the container exited (too many failures): the kubelet restarts it before the next attempt. */
  private exited = false;
  private lastPeriodMs: number | undefined;
  private failCount = 0;
  private syncCount = 0;
  private ready = false;
  private readonly listeners = new Set<(hash: string) => void>();

  constructor(private readonly options: GitSyncOptions) {
    this.containerName = options.containerName ?? 'git-sync';
    this.logger = options.logger ?? silentLogger;
    this.registry = this.metricSet.registry;
  }

  /** The folder holding the synced files (`<root>/<link>`), once known. */
  linkPath(): string | undefined {
    const config = this.currentConfig();
    if (!config) {
      return undefined;
    }
    return path.join(
      this.options.root,
      config.link ?? defaultLink(config.repo),
    );
  }

  /** The hash the link points at, or undefined before the first sync. */
  currentHash(): string | undefined {
    const link = this.linkPath();
    return link ? linkedHash(link, this.logger) : undefined;
  }

  /** True after the first successful sync (git-sync's `/` answers 200 from then on). */
  isReady(): boolean {
    return this.ready;
  }

  /** Registers a listener for successful updates; returns an unsubscribe function. */
  onUpdate(listener: (hash: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Prometheus text of this sidecar's metrics. */
  async metrics(): Promise<string> {
    return this.metricSet.text();
  }

  /** Starts the loop: a sync now (or one period from now with `afterFirstSync`), then one every period. */
  start(options: { afterFirstSync?: boolean } = {}): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.schedule(options.afterFirstSync ? this.periodMs() : 0);
  }

  /** The period of the running container; while its pod is gone, the last one known (default 10 s). */
  private periodMs(): number {
    const period = this.options.periodMs ?? this.currentConfig()?.periodMs;
    if (period !== undefined) this.lastPeriodMs = period;
    return period ?? this.lastPeriodMs ?? 10_000;
  }

  /** Stops the loop and waits for a running sync (whose failure is its caller's to handle). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await Promise.allSettled([this.running]);
  }

  /** Runs one sync attempt now (serialised with the loop's attempts). */
  syncNow(): Promise<SyncOutcome> {
    const previous = this.running ?? Promise.resolve(undefined);
    // The previous attempt's failure was delivered to its own caller; this attempt only waits for it to end.
    const next = Promise.allSettled([previous]).then(() => this.syncOnce());
    this.running = next;
    return next;
  }

  private schedule(delayMs: number) {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      await this.syncNow().catch(e =>
        this.logger.error('git-sync attempt failed', {
          pod: `${this.options.namespace}/${this.options.podName}`,
          error: (e as Error)?.message ?? String(e),
        }),
      );
      this.schedule(this.periodMs());
    }, delayMs);
    this.timer.unref?.();
  }

  /** Reports a failed read or write of the store unless it is a 404 (the pod or a referenced object is gone). */
  private reportUnlessGone(what: string, e: unknown): void {
    if (!isNotFound(e)) {
      this.logger.error(`git-sync could not ${what}`, {
        pod: `${this.options.namespace}/${this.options.podName}`,
        error: (e as Error)?.message ?? String(e),
      });
    }
  }

  /** Appends a line to the container log; a container without a pod has nowhere to write. */
  private log(line: string) {
    try {
      this.options.kube.appendLog(
        this.options.namespace,
        this.options.podName,
        this.containerName,
        `${line}\n`,
      );
    } catch (e) {
      this.reportUnlessGone('write its container log', e);
    }
  }

  private readPod(): any {
    const { kube, namespace, podName } = this.options;
    try {
      return kube.get('pods', namespace, podName);
    } catch (e) {
      this.reportUnlessGone('read its pod', e);
      return undefined;
    }
  }

  private readEnv(pod: any): Record<string, string> | undefined {
    const { kube, namespace } = this.options;
    return containerEnv(kube, namespace, pod, this.containerName, this.logger);
  }

  /** The settings of the running container, or (before it starts) those its env would give. */
  private currentConfig(): GitSyncConfig | undefined {
    const resolved =
      this.container?.resolved ??
      (() => {
        const env = this.readEnv(this.readPod());
        return env ? resolveGitSyncConfig(env) : undefined;
      })();
    return resolved?.ok ? resolved.config : undefined;
  }

  /**
   * The root is the pod's emptyDir volume: a new pod starts with an empty one, a restarted container keeps it.
   */
  private claimRoot(podUid: string) {
    const marker = path.join(this.options.root, '.sandbox-pod-uid');
    let owner: string | undefined;
    try {
      owner = fs.readFileSync(marker, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn('git-sync could not read its root marker', {
          marker,
          error: (e as Error).message,
        });
      }
      owner = undefined;
    }
    if (owner !== undefined && owner !== podUid) {
      fs.rmSync(this.options.root, { recursive: true, force: true });
    }
    fs.mkdirSync(this.options.root, { recursive: true });
    fs.writeFileSync(marker, podUid);
  }

  /**
   * Plays the kubelet restarting the exited container: the log so far becomes the `previous` log and the
   * container's restartCount grows (when the pod has container statuses).
   */
  private restartedByKubelet(pod: any) {
    const { kube, namespace, podName } = this.options;
    try {
      kube.rotateLog?.(namespace, podName, this.containerName);
      const statuses: any[] = pod?.status?.containerStatuses ?? [];
      if (statuses.some(s => s?.name === this.containerName)) {
        kube.updatePodStatus?.(namespace, podName, {
          containerStatuses: statuses.map(s =>
            s?.name === this.containerName
              ? { ...s, restartCount: (s.restartCount ?? 0) + 1 }
              : s,
          ),
        });
      }
    } catch (e) {
      this.reportUnlessGone('restart its container', e);
    }
  }

  /** Writes the lines a (re)started git-sync container prints. */
  private startUp(messages: ConfigMessage[], now: Date) {
    for (const m of messages) {
      if (m.kind === 'stderr') {
        this.log(m.text);
      } else {
        this.log(infoLine(now, m.line, m.msg));
      }
    }
    this.log(
      infoLine(now, 626, 'starting up', [
        ['version', GIT_SYNC_VERSION],
        ['pid', 1],
        ['uid', 65533],
        ['gid', 65533],
        ['home', '/tmp'],
        ['flags', []],
      ]),
    );
  }

  /**
   * Starts the container when needed: in a new pod (its env, including Secret values, is read now and kept for the
   * life of the container, as the kubelet does), or restarted by the kubelet after exiting.
   */
  private ensureContainer(
    pod: any,
    env: Record<string, string>,
  ): ResolvedConfig {
    const { clock } = this.options;
    const podUid = String(
      pod?.metadata?.uid ?? pod?.metadata?.creationTimestamp ?? '',
    );
    if (this.container && this.container.podUid === podUid && !this.exited) {
      return this.container.resolved;
    }
    if (this.container?.podUid === podUid && this.exited) {
      this.restartedByKubelet(pod);
    }
    this.exited = false;
    const resolved = resolveGitSyncConfig(env);
    this.container = { podUid, resolved };
    this.claimRoot(podUid);
    this.failCount = 0;
    this.syncCount = 0;
    if (resolved.ok) {
      this.startUp(resolved.messages, clock.now());
    } else {
      for (const m of resolved.messages) {
        this.log(
          m.kind === 'stderr' ? m.text : infoLine(clock.now(), m.line, m.msg),
        );
      }
    }
    return resolved;
  }

  private async syncOnce(): Promise<SyncOutcome> {
    const pod = this.readPod();
    const env = this.readEnv(pod);
    if (!env) {
      this.container = undefined;
      return {
        status: 'skipped',
        reason: `pod ${this.options.namespace}/${this.options.podName} has no ${this.containerName} container`,
      };
    }
    const resolved = this.ensureContainer(pod, env);
    if (!resolved.ok) {
      this.log(resolved.error);
      this.exited = true;
      return { status: 'error', error: resolved.error };
    }
    return this.sync(resolved.config);
  }

  /** One sync with real git: noop when the link already names the remote commit, else fetch and publish it. */
  private async sync(config: GitSyncConfig): Promise<SyncOutcome> {
    const { clock, root } = this.options;
    const link = config.link ?? defaultLink(config.repo);
    const observe = this.metricSet.startSync();
    const creds = { username: config.username, password: config.password };
    try {
      fs.mkdirSync(path.join(root, '.worktrees'), { recursive: true });
      if (!fs.existsSync(path.join(root, '.git'))) {
        this.log(
          infoLine(
            clock.now(),
            1237,
            'repo directory was empty or failed checks',
            [['path', root]],
          ),
        );
        this.log(
          infoLine(clock.now(), 1247, 'initializing repo directory', [
            ['path', root],
          ]),
        );
        await initRepo(root);
      }
      const remote = await remoteHash(root, config, creds);
      const local = linkedHash(path.join(root, link), this.logger);
      if (local === remote) {
        observe('noop');
        this.ready = true;
        this.failCount = 0;
        return { status: 'noop', hash: remote };
      }
      this.log(
        infoLine(clock.now(), 1797, 'update required', [
          ['ref', config.ref],
          ['local', local ?? ''],
          ['remote', remote],
          ['syncCount', this.syncCount],
        ]),
      );
      this.metricSet.fetched();
      await fetchRef(root, config, creds);
      await publishWorktree(root, link, remote, local);
      this.syncCount++;
      this.failCount = 0;
      this.ready = true;
      this.log(
        infoLine(clock.now(), 1836, 'updated successfully', [
          ['ref', config.ref],
          ['remote', remote],
          ['syncCount', this.syncCount],
        ]),
      );
      observe('success');
      for (const listener of [...this.listeners]) {
        listener(remote);
      }
      return { status: 'success', hash: remote };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      observe('error');
      return this.failed(config, message);
    }
  }

  /** Logs a failed sync; after more than `maxFailures` failures the container exits (the kubelet restarts it). */
  private failed(config: GitSyncConfig, message: string): SyncOutcome {
    const { clock } = this.options;
    this.failCount++;
    if (config.maxFailures >= 0 && this.failCount > config.maxFailures) {
      this.log(
        errorLine(clock.now(), 921, 'too many failures, aborting', message, [
          ['failCount', this.failCount],
          ['maxFailures', config.maxFailures],
        ]),
      );
      // The container exits 1 and the kubelet restarts it: the next attempt starts from a fresh process.
      this.exited = true;
    } else {
      this.log(
        errorLine(clock.now(), 927, 'error syncing repo, will retry', message, [
          ['failCount', this.failCount],
        ]),
      );
    }
    return { status: 'error', error: message };
  }
}
