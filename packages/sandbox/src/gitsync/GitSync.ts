/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Counter, Registry, Summary } from 'prom-client';
import { Clock } from '../clock';
import { KubeStoreLike } from '../kubeLike';
import {
  ConfigMessage,
  defaultLink,
  GitSyncConfig,
  ResolvedConfig,
  resolveGitSyncConfig,
} from './config';
import { errorLine, infoLine } from './logging';

/** The git-sync version the sandbox's log lines imitate. */
export const GIT_SYNC_VERSION = 'v4.7.1';

/** Options of {@link GitSync}. */
export type GitSyncOptions = {
  kube: KubeStoreLike;
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
};

/** What one sync attempt did. */
export type SyncOutcome =
  | { status: 'success'; hash: string }
  | { status: 'noop'; hash: string }
  | { status: 'error'; error: string }
  | { status: 'skipped'; reason: string };

type ExecResult = { code: number; stdout: string; stderr: string };

/** Runs git without a shell; credentials travel through a credential helper reading the environment. */
function runGit(
  args: string[],
  options: { cwd: string; username?: string; password?: string },
): Promise<ExecResult> {
  const configArgs: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  if (options.username !== undefined) {
    configArgs.push(
      '-c',
      'credential.helper=',
      '-c',
      'credential.helper=!f() { test "$1" = get || exit 0; echo "username=$SANDBOX_GITSYNC_USERNAME"; echo "password=$SANDBOX_GITSYNC_PASSWORD"; }; f',
    );
    env.SANDBOX_GITSYNC_USERNAME = options.username;
    env.SANDBOX_GITSYNC_PASSWORD = options.password ?? '';
  } else {
    configArgs.push('-c', 'credential.helper=');
  }
  return new Promise(resolve => {
    execFile(
      'git',
      [...configArgs, ...args],
      { cwd: options.cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          const raw = (error as { code?: unknown }).code;
          code = typeof raw === 'number' ? raw : 1;
        }
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** git-sync's error text for a failed command: `Run(git ...): exit status N: { stdout: "...", stderr: "..." }`. */
function runError(args: string[], result: ExecResult): string {
  return `Run(git ${args.join(' ')}): exit status ${
    result.code
  }: { stdout: ${JSON.stringify(
    result.stdout.trim(),
  )}, stderr: ${JSON.stringify(result.stderr.trim())} }`;
}

/**
 * One git-sync v4 sidecar: reads its settings from the scheduler pod's `git-sync` container env (secretKeyRef
 * values resolved from Secrets), syncs with real git into the root layout (`<root>/<link>` → `.worktrees/<sha>`),
 * appends v4's JSON log lines to the container log and keeps Prometheus metrics.
 */
export class GitSync {
  readonly registry = new Registry();
  private readonly countTotal: Counter<'status'>;
  private readonly duration: Summary<'status'>;
  private readonly fetchCount: Counter;
  private readonly containerName: string;
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
    this.countTotal = new Counter({
      name: 'git_sync_count_total',
      help: 'How many git syncs completed, partitioned by state (success, error, noop)',
      labelNames: ['status'],
      registers: [this.registry],
    });
    this.duration = new Summary({
      name: 'git_sync_duration_seconds',
      help: 'Summary of git_sync durations',
      labelNames: ['status'],
      registers: [this.registry],
    });
    this.fetchCount = new Counter({
      name: 'git_fetch_count_total',
      help: 'How many git fetches were run',
      registers: [this.registry],
    });
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
    if (!link) {
      return undefined;
    }
    try {
      return path.basename(fs.readlinkSync(link));
    } catch {
      return undefined;
    }
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
    return this.registry.metrics();
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

  /** Stops the loop and waits for a running sync. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.running?.catch(() => undefined);
  }

  /** Runs one sync attempt now (serialised with the loop's attempts). */
  syncNow(): Promise<SyncOutcome> {
    const previous = this.running ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(() => this.syncOnce());
    this.running = next;
    return next;
  }

  private schedule(delayMs: number) {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      await this.syncNow().catch(() => undefined);
      this.schedule(this.periodMs());
    }, delayMs);
    this.timer.unref?.();
  }

  private log(line: string) {
    try {
      this.options.kube.appendLog(
        this.options.namespace,
        this.options.podName,
        this.containerName,
        `${line}\n`,
      );
    } catch {
      // The pod is gone: a container without a pod has nowhere to write.
    }
  }

  private readPod(): any {
    const { kube, namespace, podName } = this.options;
    try {
      return kube.get('pods', namespace, podName);
    } catch {
      return undefined;
    }
  }

  /** The container env with secretKeyRef / configMapKeyRef values resolved; undefined without pod or container. */
  private readEnv(pod: any): Record<string, string> | undefined {
    const { kube, namespace } = this.options;
    if (!pod) {
      return undefined;
    }
    const container = (pod?.spec?.containers ?? []).find(
      (c: any) => c?.name === this.containerName,
    );
    if (!container) {
      return undefined;
    }
    const env: Record<string, string> = {};
    for (const entry of container.env ?? []) {
      if (typeof entry?.name !== 'string') {
        continue;
      }
      if (typeof entry.value === 'string') {
        env[entry.name] = entry.value;
        continue;
      }
      const secretRef = entry.valueFrom?.secretKeyRef;
      const configMapRef = entry.valueFrom?.configMapKeyRef;
      try {
        if (secretRef) {
          const secret: any = kube.get('secrets', namespace, secretRef.name);
          const data = secret?.data?.[secretRef.key];
          const plain = secret?.stringData?.[secretRef.key];
          if (typeof data === 'string') {
            env[entry.name] = Buffer.from(data, 'base64').toString('utf8');
          } else if (typeof plain === 'string') {
            env[entry.name] = plain;
          }
        } else if (configMapRef) {
          const cm: any = kube.get('configmaps', namespace, configMapRef.name);
          const value = cm?.data?.[configMapRef.key];
          if (typeof value === 'string') {
            env[entry.name] = value;
          }
        }
      } catch {
        // A missing optional reference leaves the variable unset, as the kubelet would refuse to start otherwise.
      }
    }
    return env;
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
    } catch {
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
    const store = kube as unknown as {
      rotateLog?(ns: string, pod: string, container: string): void;
      updatePodStatus?(
        ns: string,
        pod: string,
        status: Record<string, unknown>,
      ): unknown;
    };
    try {
      store.rotateLog?.(namespace, podName, this.containerName);
      const statuses: any[] = pod?.status?.containerStatuses ?? [];
      if (statuses.some(s => s?.name === this.containerName)) {
        store.updatePodStatus?.(namespace, podName, {
          containerStatuses: statuses.map(s =>
            s?.name === this.containerName
              ? { ...s, restartCount: (s.restartCount ?? 0) + 1 }
              : s,
          ),
        });
      }
    } catch {
      // The pod went away meanwhile.
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

  private async syncOnce(): Promise<SyncOutcome> {
    const { clock, root } = this.options;
    const pod = this.readPod();
    const env = this.readEnv(pod);
    if (!env) {
      this.container = undefined;
      return {
        status: 'skipped',
        reason: `pod ${this.options.namespace}/${this.options.podName} has no ${this.containerName} container`,
      };
    }
    const podUid = String(
      pod?.metadata?.uid ?? pod?.metadata?.creationTimestamp ?? '',
    );
    if (!this.container || this.container.podUid !== podUid || this.exited) {
      // The container starts: in a new pod (its env, including Secret values, is read now and kept for the life
      // of the container, as the kubelet does), or restarted by the kubelet after exiting.
      if (this.container?.podUid === podUid && this.exited) {
        this.restartedByKubelet(pod);
      }
      this.exited = false;
      this.container = { podUid, resolved: resolveGitSyncConfig(env) };
      this.claimRoot(podUid);
      const resolved = this.container.resolved;
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
    }
    const resolved = this.container.resolved;
    if (!resolved.ok) {
      this.log(resolved.error);
      this.exited = true;
      return { status: 'error', error: resolved.error };
    }
    const config = resolved.config;
    const link = config.link ?? defaultLink(config.repo);
    const started = process.hrtime.bigint();
    const observe = (status: 'success' | 'error' | 'noop') => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.countTotal.inc({ status });
      this.duration.observe({ status }, seconds);
    };
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
        const init = await runGit(['init', '-q'], { cwd: root });
        if (init.code !== 0) {
          throw new Error(runError(['init', '-q'], init));
        }
      }

      const remote = await this.remoteHash(config, creds);
      const local = this.localHash(root, link);
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
      const fetchArgs = [
        'fetch',
        config.repo,
        config.ref,
        '--verbose',
        '--no-progress',
        '--prune',
        '--no-auto-gc',
        ...(config.depth > 0 ? ['--depth', String(config.depth)] : []),
      ];
      this.fetchCount.inc();
      const fetched = await runGit(fetchArgs, { cwd: root, ...creds });
      if (fetched.code !== 0) {
        throw new Error(runError(fetchArgs, fetched));
      }
      const worktree = path.join(root, '.worktrees', remote);
      if (fs.existsSync(worktree)) {
        await runGit(['worktree', 'remove', '--force', worktree], {
          cwd: root,
        });
        fs.rmSync(worktree, { recursive: true, force: true });
      }
      await runGit(['worktree', 'prune', '--verbose'], { cwd: root });
      const addArgs = [
        'worktree',
        'add',
        '--force',
        '--detach',
        worktree,
        remote,
        '--no-checkout',
      ];
      const added = await runGit(addArgs, { cwd: root });
      if (added.code !== 0) {
        throw new Error(runError(addArgs, added));
      }
      const resetArgs = ['reset', '--hard', remote, '--'];
      const reset = await runGit(resetArgs, { cwd: worktree });
      if (reset.code !== 0) {
        throw new Error(runError(resetArgs, reset));
      }
      // Atomic publish: a new symlink renamed over the old one.
      const linkPath = path.join(root, link);
      const tmpLink = path.join(root, `tmp-link-${process.pid}`);
      fs.rmSync(tmpLink, { force: true });
      fs.symlinkSync(path.join('.worktrees', remote), tmpLink);
      fs.renameSync(tmpLink, linkPath);
      if (local && local !== remote) {
        const old = path.join(root, '.worktrees', local);
        await runGit(['worktree', 'remove', '--force', old], { cwd: root });
        fs.rmSync(old, { recursive: true, force: true });
        await runGit(['worktree', 'prune'], { cwd: root });
      }
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
      this.failCount++;
      observe('error');
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
          errorLine(
            clock.now(),
            927,
            'error syncing repo, will retry',
            message,
            [['failCount', this.failCount]],
          ),
        );
      }
      return { status: 'error', error: message };
    }
  }

  private localHash(root: string, link: string): string | undefined {
    try {
      return path.basename(fs.readlinkSync(path.join(root, link)));
    } catch {
      return undefined;
    }
  }

  /** Asks the remote which commit the ref names (`git ls-remote -q <repo> <ref> <ref>^{}`). */
  private async remoteHash(
    config: GitSyncConfig,
    creds: { username?: string; password?: string },
  ): Promise<string> {
    if (/^[0-9a-f]{40}$/.test(config.ref)) {
      return config.ref;
    }
    const args = [
      'ls-remote',
      '-q',
      config.repo,
      config.ref,
      `${config.ref}^{}`,
    ];
    const result = await runGit(args, { cwd: this.options.root, ...creds });
    if (result.code !== 0) {
      throw new Error(runError(args, result));
    }
    const lines = result.stdout
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean)
      .map(l => l.split(/\s+/));
    const wanted = [
      config.ref,
      `refs/heads/${config.ref}`,
      `refs/tags/${config.ref}`,
    ];
    const peeled = lines.find(([, name]) =>
      wanted.some(w => name === `${w}^{}`),
    );
    const direct = lines.find(([, name]) => wanted.includes(name));
    const hit = peeled ?? direct;
    if (!hit) {
      throw new Error(`ref ${config.ref} does not exist in ${config.repo}`);
    }
    return hit[0];
  }
}
