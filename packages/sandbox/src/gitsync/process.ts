/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import path from 'node:path';
import { Clock } from '../clock';
import { SandboxLogger, silentLogger } from '../util/logger';
import {
  GIT_SYNC_VERSION,
  GitSyncConfig,
  resolveGitSyncConfig,
} from './config';
import { Env } from './env';
import {
  fetchRef,
  GitRunOptions,
  initRepo,
  linkedHash,
  publishWorktree,
  repoUsable,
  setOrigin,
  unreachableFetchError,
  wipeRoot,
} from './git';
import { errorLine, infoLine } from './logging';
import { GitSyncMetrics } from './metrics';

/** Options of {@link GitSyncProcess}. */
export type GitSyncProcessOptions = {
  /** The container's environment, as the kubelet resolved it when the container was created. */
  env: Env;
  /** The local folder standing in for the pod volume mounted at `--root`. */
  localRoot: string;
  clock: Clock;
  /** Appends text to the container's log (git-sync writes stdout and stderr there). */
  write: (text: string) => void;
  /** Overrides `--period` (tests). */
  periodMs?: number;
  /** Without timers: only {@link GitSyncProcess.step} runs the loop (tests). */
  manual?: boolean;
  /** Where the sandbox's own failures go (not the container log). */
  logger?: SandboxLogger;
  /**
   * Whether the pod reaches the remote now (its subnet's egress); when it does not, each fetch fails as a timed-out
   * connection. Default: always reachable.
   */
  reachesRemote?: () => boolean;
};

/** What one pass of git-sync's loop did. */
export type LoopOutcome =
  | { status: 'success' | 'noop'; hash: string }
  | { status: 'error'; error: string }
  | { status: 'exited'; exitCode: number };

/** An HTTP answer of the process's endpoint. */
export type HttpAnswer = { status: number; body: string; contentType: string };

/** Typical pid of the re-executed git-sync under its pid-1 init handler (`INFO: detected pid 1, …`). */
const CHILD_PID = 11;

/**
 * One git-sync process (one start of a container), as the modelled release runs: the flags from the environment
 * (warnings, back-compat lines and fatal errors of config.ts), then the loop — `git fetch` of the ref, compare with
 * the linked worktree, "update required" / "updated successfully" when it changed or on the process's first loop,
 * counting a success (first loop or changed), a noop or an error; `failCount >= maxFailures` (unless negative) logs
 * "too many failures, aborting" and exits 1; `--one-time` exits 0 after the first good sync. Readiness, metrics and
 * counters belong to the process: a restarted container starts from zero.
 */
export class GitSyncProcess {
  readonly metrics = new GitSyncMetrics();
  /** Resolves with the exit code when the process exits (not when it is killed). */
  readonly exited: Promise<number>;
  config: GitSyncConfig | undefined;
  exitCode: number | undefined;
  private resolveExit!: (code: number) => void;
  private readonly logger: SandboxLogger;
  private readonly listeners = new Set<(hash: string) => void>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<LoopOutcome> | undefined;
  private killed = false;
  private sleeping = false;
  private ready = false;
  private failCount = 0;
  /** The loop's count of good syncs (the first one counts a success even when nothing changed). */
  private loopCount = 0;
  /** repoSync's syncCount: updates done by this process ("update required" happens while it is 0). */
  private syncCount = 0;

  constructor(private readonly options: GitSyncProcessOptions) {
    this.logger = options.logger ?? silentLogger;
    this.exited = new Promise(resolve => {
      this.resolveExit = resolve;
    });
  }

  /** Whether the process's first sync has succeeded (its `/` answers 200 from then on). */
  isReady(): boolean {
    return this.ready;
  }

  /** Whether the process is still running. */
  isRunning(): boolean {
    return this.exitCode === undefined && !this.killed;
  }

  /** The folder the link names (`<root>/<link>`), once the configuration is known. */
  linkPath(): string | undefined {
    const config = this.config;
    if (!config) return undefined;
    return path.join(this.options.localRoot, linkInRoot(config));
  }

  /** Registers a listener for a newly published commit; returns an unsubscribe function. */
  onPublished(listener: (hash: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts the process: its start-up lines, then (unless a flag is fatal) the loop. */
  start(): void {
    const { clock } = this.options;
    this.write('INFO: detected pid 1, running init handler');
    const resolved = resolveGitSyncConfig(this.options.env);
    for (const m of resolved.messages) {
      this.write(
        m.kind === 'stderr' ? m.text : infoLine(clock.now(), m.line, m.msg),
      );
    }
    if (!resolved.ok) {
      for (const line of resolved.fatal) this.write(line);
      this.exit(1);
      return;
    }
    this.config = resolved.config;
    this.startUp(resolved.config);
    if (this.exitCode === undefined) this.schedule(0);
  }

  /** Kills the process (the pod or container is going away) and waits for a running pass. */
  async kill(): Promise<void> {
    this.killed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([this.running]);
  }

  /** Runs one pass of the loop now, after a running one (tests; the loop runs on its own otherwise). */
  step(): Promise<LoopOutcome> {
    const previous = this.running ?? Promise.resolve(undefined);
    const next = Promise.allSettled([previous]).then(() => this.loopOnce());
    this.running = next;
    return next;
  }

  /**
   * The process's HTTP endpoint (only with `--http-bind`): `/metrics` with `--http-metrics`; every other path is
   * the readiness handler (503 `repo is not ready` before this process's first good sync, then 200, empty body).
   * Undefined when nothing listens.
   */
  async http(requestPath: string): Promise<HttpAnswer | undefined> {
    const config = this.config;
    if (!config?.httpBind || !this.isRunning()) return undefined;
    if (config.httpMetrics && requestPath === '/metrics') {
      return {
        status: 200,
        body: await this.metrics.text(),
        contentType: this.metrics.contentType,
      };
    }
    if (!this.ready) {
      return {
        status: 503,
        body: 'repo is not ready\n',
        contentType: 'text/plain; charset=utf-8',
      };
    }
    return { status: 200, body: '', contentType: 'text/plain; charset=utf-8' };
  }

  private write(line: string) {
    this.options.write(`${line}\n`);
  }

  private exit(code: number) {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.resolveExit(code);
  }

  /** "starting up", the password file and the HTTP endpoint. */
  private startUp(config: GitSyncConfig) {
    const { clock, localRoot } = this.options;
    this.write(
      infoLine(clock.now(), 626, 'starting up', [
        ['version', GIT_SYNC_VERSION],
        ['pid', CHILD_PID],
        ['uid', 65533],
        ['gid', 65533],
        ['home', '/tmp'],
        ['flags', []],
      ]),
    );
    fs.mkdirSync(localRoot, { recursive: true });
    if (config.passwordFile) {
      // The sandbox mounts no files into the container: the file cannot be read.
      this.write(
        errorLine(
          clock.now(),
          770,
          "can't read password file",
          `open ${config.passwordFile}: no such file or directory`,
          [['file', config.passwordFile]],
        ),
      );
      this.exit(1);
      return;
    }
    if (config.httpBind) {
      this.write(
        infoLine(clock.now(), 816, 'serving HTTP', [
          ['endpoint', config.httpBind],
          [
            'reasons',
            [
              'liveness',
              ...(config.httpMetrics ? ['metrics'] : []),
              ...(config.httpPprof ? ['pprof'] : []),
            ],
          ],
        ]),
      );
    }
  }

  private periodMs(): number {
    return this.options.periodMs ?? this.config?.periodMs ?? 10_000;
  }

  private schedule(delayMs: number) {
    if (this.options.manual || this.killed || this.exitCode !== undefined)
      return;
    if (this.sleeping) return;
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      await this.step().catch(e =>
        this.logger.error('git-sync pass failed', {
          error: (e as Error)?.message ?? String(e),
        }),
      );
      this.schedule(this.periodMs());
    }, delayMs);
    this.timer.unref?.();
  }

  /** One pass of main.go's loop. */
  private async loopOnce(): Promise<LoopOutcome> {
    const config = this.config;
    if (this.exitCode !== undefined || !config || this.killed) {
      return { status: 'exited', exitCode: this.exitCode ?? 137 };
    }
    const started = process.hrtime.bigint();
    let result: { changed: boolean; hash: string };
    try {
      result = await this.syncRepo(config);
    } catch (e) {
      return this.failed(config, (e as Error).message, started);
    }
    if (this.killed) return { status: 'exited', exitCode: 137 };
    this.ready = true;
    const counted = result.changed || this.loopCount === 0;
    this.metrics.observe(counted ? 'success' : 'noop', started);
    this.loopCount++;
    if (result.changed) {
      for (const listener of [...this.listeners]) listener(result.hash);
    }
    const now = this.options.clock.now();
    if (config.oneTime) {
      this.write(
        infoLine(now, 1009, 'exiting after one sync', [['status', 0]]),
      );
      this.exit(0);
      return { status: 'exited', exitCode: 0 };
    }
    if (result.hash === config.ref) {
      this.write(
        infoLine(
          now,
          1014,
          'ref appears to be a git hash, no further sync needed',
          [['ref', config.ref]],
        ),
      );
      this.sleeping = true;
    }
    this.failCount = 0;
    return { status: counted ? 'success' : 'noop', hash: result.hash };
  }

  /** A failed pass: "error syncing repo, will retry", or at `maxFailures` "too many failures, aborting" and exit 1. */
  private failed(
    config: GitSyncConfig,
    message: string,
    started: bigint,
  ): LoopOutcome {
    const now = this.options.clock.now();
    this.failCount++;
    this.metrics.observe('error', started);
    if (config.maxFailures >= 0 && this.failCount >= config.maxFailures) {
      this.write(
        errorLine(now, 951, 'too many failures, aborting', message, [
          ['failCount', this.failCount],
        ]),
      );
      this.exit(1);
      return { status: 'exited', exitCode: 1 };
    }
    this.write(
      errorLine(now, 955, 'error syncing repo, will retry', message, [
        ['failCount', this.failCount],
      ]),
    );
    return { status: 'error', error: message };
  }

  /** repoSync.SyncRepo: init the root if needed, fetch, and publish the fetched commit when it changed. */
  private async syncRepo(
    config: GitSyncConfig,
  ): Promise<{ changed: boolean; hash: string }> {
    const { clock, localRoot } = this.options;
    const git: GitRunOptions = {
      cwd: localRoot,
      username: config.username,
      password: config.password,
      timeoutMs: config.syncTimeoutMs,
    };
    if (!repoUsable(localRoot)) {
      const inPodRoot = config.root;
      this.write(
        infoLine(
          clock.now(),
          1237,
          'repo directory was empty or failed checks',
          [['path', inPodRoot]],
        ),
      );
      wipeRoot(localRoot);
      this.write(
        infoLine(clock.now(), 1247, 'initializing repo directory', [
          ['path', inPodRoot],
        ]),
      );
      await initRepo(localRoot, config.repo, git);
    } else {
      await setOrigin(localRoot, config.repo, git);
    }
    const link = linkInRoot(config);
    const local = linkedHash(path.join(localRoot, link), this.logger);
    if (this.options.reachesRemote && !this.options.reachesRemote()) {
      // No route out: the connection hangs until --sync-timeout (not waited for here).
      throw new Error(
        unreachableFetchError(config.repo, config.ref, config.depth),
      );
    }
    const remote = await fetchRef(
      localRoot,
      config.repo,
      config.ref,
      config.depth,
      git,
    );
    const changed =
      local !== remote ||
      !fs.existsSync(path.join(localRoot, '.worktrees', remote));
    if (!changed && this.syncCount > 0) {
      return { changed, hash: remote };
    }
    this.write(
      infoLine(clock.now(), 1797, 'update required', [
        ['ref', config.ref],
        ['local', local ?? ''],
        ['remote', remote],
        ['syncCount', this.syncCount],
      ]),
    );
    this.metrics.fetched();
    await publishWorktree(localRoot, link, remote, local, changed, git);
    this.ready = true;
    this.syncCount++;
    this.write(
      infoLine(clock.now(), 1836, 'updated successfully', [
        ['ref', config.ref],
        ['remote', remote],
        ['syncCount', this.syncCount],
      ]),
    );
    return { changed, hash: remote };
  }
}

/** The link relative to the root (`--link` may be absolute inside the container). */
function linkInRoot(config: GitSyncConfig): string {
  const root = config.root.replace(/\/+$/, '');
  if (config.link.startsWith(`${root}/`))
    return config.link.slice(root.length + 1);
  if (config.link.startsWith('/')) return path.basename(config.link);
  return config.link;
}
