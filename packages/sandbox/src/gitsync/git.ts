/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SandboxLogger } from '../util/logger';
import { GitSyncConfig } from './config';

/** Credentials of the remote; never on a command line or in a log. */
export type GitCredentials = { username?: string; password?: string };

type ExecResult = { code: number; stdout: string; stderr: string };

/** Runs git without a shell; credentials travel through a credential helper reading the environment. */
export function runGit(
  args: string[],
  options: { cwd: string } & GitCredentials,
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

/** Runs git and throws git-sync's error text when it fails. */
async function mustRunGit(
  args: string[],
  options: { cwd: string } & GitCredentials,
): Promise<ExecResult> {
  const result = await runGit(args, options);
  if (result.code !== 0) {
    throw new Error(runError(args, result));
  }
  return result;
}

/** `git init -q` of an empty root. */
export async function initRepo(root: string): Promise<void> {
  await mustRunGit(['init', '-q'], { cwd: root });
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

/** Asks the remote which commit the ref names (`git ls-remote -q <repo> <ref> <ref>^{}`). */
export async function remoteHash(
  root: string,
  config: GitSyncConfig,
  creds: GitCredentials,
): Promise<string> {
  if (/^[0-9a-f]{40}$/.test(config.ref)) {
    return config.ref;
  }
  const args = ['ls-remote', '-q', config.repo, config.ref, `${config.ref}^{}`];
  const result = await mustRunGit(args, { cwd: root, ...creds });
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
  const peeled = lines.find(([, name]) => wanted.some(w => name === `${w}^{}`));
  const direct = lines.find(([, name]) => wanted.includes(name));
  const hit = peeled ?? direct;
  if (!hit) {
    throw new Error(`ref ${config.ref} does not exist in ${config.repo}`);
  }
  return hit[0];
}

/** `git fetch <repo> <ref> --verbose --no-progress --prune --no-auto-gc [--depth N]` into the root. */
export async function fetchRef(
  root: string,
  config: GitSyncConfig,
  creds: GitCredentials,
): Promise<void> {
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
  await mustRunGit(fetchArgs, { cwd: root, ...creds });
}

/**
 * Checks `remote` out into the detached worktree `<root>/.worktrees/<remote>`, points `<root>/<link>` at it with an
 * atomic symlink swap, and removes the worktree of `local`, the commit the link pointed at before.
 */
export async function publishWorktree(
  root: string,
  link: string,
  remote: string,
  local: string | undefined,
): Promise<void> {
  const worktree = path.join(root, '.worktrees', remote);
  if (fs.existsSync(worktree)) {
    await runGit(['worktree', 'remove', '--force', worktree], { cwd: root });
    fs.rmSync(worktree, { recursive: true, force: true });
  }
  await runGit(['worktree', 'prune', '--verbose'], { cwd: root });
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
    { cwd: root },
  );
  await mustRunGit(['reset', '--hard', remote, '--'], { cwd: worktree });
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
}
