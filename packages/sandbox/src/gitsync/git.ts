/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SandboxLogger } from '../util/logger';
import { goQuote } from './env';

/** Credentials of the remote; never on a command line or in a log. */
export type GitCredentials = { username?: string; password?: string };

type ExecResult = {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
};

/** How git runs: the working folder, the credentials and the sync timeout. */
export type GitRunOptions = {
  cwd: string;
  timeoutMs?: number;
} & GitCredentials;

/** Runs git without a shell; credentials travel through a credential helper reading the environment. */
export function runGit(
  args: string[],
  options: GitRunOptions,
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
      {
        cwd: options.cwd,
        env,
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 0,
      },
      (error, stdout, stderr) => {
        let code = 0;
        let timedOut = false;
        if (error) {
          const raw = (error as { code?: unknown }).code;
          code = typeof raw === 'number' ? raw : 1;
          timedOut = Boolean((error as { killed?: boolean }).killed);
        }
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr),
          timedOut,
        });
      },
    );
  });
}

/** The command as git-sync's cmd.Runner logs it: arguments with blanks are quoted. */
function commandText(args: string[]): string {
  return ['git', ...args.map(a => (/[ \t\n]/.test(a) ? goQuote(a) : a))].join(
    ' ',
  );
}

/**
 * git-sync's error for a failed command (pkg/cmd): `Run(git …): exit status N: { stdout: "…", stderr: "…" }` with
 * git's own output quoted as Go's `%q` does, or `Run(git …): context deadline exceeded: {…}` after the timeout.
 */
export function runError(args: string[], result: ExecResult): string {
  const why = result.timedOut
    ? 'context deadline exceeded'
    : `exit status ${result.code}`;
  return `Run(${commandText(args)}): ${why}: { stdout: ${goQuote(
    result.stdout,
  )}, stderr: ${goQuote(result.stderr)} }`;
}

/** Runs git and throws git-sync's error text when it fails. */
export async function mustRunGit(
  args: string[],
  options: GitRunOptions,
): Promise<string> {
  const result = await runGit(args, options);
  if (result.code !== 0 || result.timedOut) {
    throw new Error(runError(args, result));
  }
  return result.stdout;
}

/** Whether the root holds a usable repository (git-sync's sanity check, reduced to the repository's presence). */
export function repoUsable(root: string): boolean {
  return fs.existsSync(path.join(root, '.git', 'HEAD'));
}

/** Removes the root's contents (not the folder: it is the pod's volume). */
export function wipeRoot(root: string): void {
  fs.mkdirSync(root, { recursive: true });
  for (const entry of fs.readdirSync(root)) {
    fs.rmSync(path.join(root, entry), { recursive: true, force: true });
  }
}

/** `git init -b git-sync` and the `origin` remote, as git-sync's initRepo does. */
export async function initRepo(
  root: string,
  repo: string,
  options: GitRunOptions,
): Promise<void> {
  await mustRunGit(['init', '-b', 'git-sync'], { ...options, cwd: root });
  await setOrigin(root, repo, options);
}

/** Points `origin` at the repository (added when missing, changed when different). */
export async function setOrigin(
  root: string,
  repo: string,
  options: GitRunOptions,
): Promise<void> {
  const current = await runGit(['remote', 'get-url', 'origin'], {
    ...options,
    cwd: root,
  });
  if (current.code !== 0) {
    await mustRunGit(['remote', 'add', 'origin', repo], {
      ...options,
      cwd: root,
    });
  } else if (current.stdout.trim() !== repo) {
    await mustRunGit(['remote', 'set-url', 'origin', repo], {
      ...options,
      cwd: root,
    });
  }
}

/**
 * The commit a symlink's target names (`<root>/<link>` → `.worktrees/<sha>`), or undefined when there is no link
 * yet. Other failures to read it are logged and also give undefined.
 */
export function linkedHash(
  linkPath: string,
  logger: SandboxLogger,
): string | undefined {
  try {
    return path.basename(fs.readlinkSync(linkPath));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn('git-sync could not read its link', {
        link: linkPath,
        error: (e as Error).message,
      });
    }
    return undefined;
  }
}

/** The arguments of git-sync's fetch: `fetch <repo> <ref> --verbose --no-progress --prune --no-auto-gc [--depth N]`. */
export function fetchArgs(repo: string, ref: string, depth: number): string[] {
  return [
    'fetch',
    repo,
    ref,
    '--verbose',
    '--no-progress',
    '--prune',
    '--no-auto-gc',
    ...(depth > 0 ? ['--depth', String(depth)] : []),
  ];
}

/**
 * The error of a fetch whose remote cannot be reached (no route out of the pod's subnet): the connection hangs until
 * `--sync-timeout` and git-sync reports `Run(git fetch …): context deadline exceeded: { stdout: "", stderr: "" }`.
 */
export function unreachableFetchError(
  repo: string,
  ref: string,
  depth: number,
): string {
  return runError(fetchArgs(repo, ref, depth), {
    code: -1,
    stdout: '',
    stderr: '',
    timedOut: true,
  });
}

/**
 * `git fetch <repo> <ref> --verbose --no-progress --prune --no-auto-gc [--depth N]` into the root, then the commit
 * it fetched (`git rev-parse FETCH_HEAD^{}`). Throws git-sync's `Run(…)` error with git's own stderr.
 */
export async function fetchRef(
  root: string,
  repo: string,
  ref: string,
  depth: number,
  options: GitRunOptions,
): Promise<string> {
  const args = fetchArgs(repo, ref, depth);
  await mustRunGit(args, { ...options, cwd: root });
  const out = await mustRunGit(['rev-parse', 'FETCH_HEAD^{}'], {
    ...options,
    cwd: root,
  });
  return out.trim();
}

/**
 * Makes `remote` current: `git reset --soft` of the root; when it changed, a detached worktree
 * `<root>/.worktrees/<remote>` checked out, `<root>/<link>` pointed at it with an atomic symlink swap, and the
 * worktree of `local` (the commit the link pointed at before) removed.
 */
export async function publishWorktree(
  root: string,
  link: string,
  remote: string,
  local: string | undefined,
  changed: boolean,
  options: GitRunOptions,
): Promise<void> {
  const at = { ...options, cwd: root };
  await mustRunGit(['reset', '--soft', remote], at);
  if (!changed) return;
  const worktree = path.join(root, '.worktrees', remote);
  if (fs.existsSync(worktree)) {
    await runGit(['worktree', 'remove', '--force', worktree], at);
    fs.rmSync(worktree, { recursive: true, force: true });
  }
  await runGit(['worktree', 'prune', '--verbose'], at);
  await mustRunGit(
    [
      'worktree',
      'add',
      '--force',
      '--detach',
      worktree,
      remote,
      '--no-checkout',
    ],
    at,
  );
  await mustRunGit(['reset', '--hard', remote, '--'], {
    ...options,
    cwd: worktree,
  });
  const linkPath = path.join(root, link);
  fs.mkdirSync(path.dirname(linkPath), { recursive: true });
  const tmpLink = path.join(path.dirname(linkPath), `tmp-link-${process.pid}`);
  fs.rmSync(tmpLink, { force: true });
  fs.symlinkSync(
    path.relative(path.dirname(linkPath), worktree) || '.',
    tmpLink,
  );
  fs.renameSync(tmpLink, linkPath);
  if (local && local !== remote) {
    const old = path.join(root, '.worktrees', local);
    await runGit(['worktree', 'remove', '--force', old], at);
    fs.rmSync(old, { recursive: true, force: true });
    await runGit(['worktree', 'prune'], at);
  }
}
