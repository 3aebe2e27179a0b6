/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { spawn } from 'node:child_process';

/** A failed git command; `stderr` is git's own message. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

/** Runs real `git` and resolves with its stdout. */
export function runGit(
  args: string[],
  options: {
    cwd?: string;
    gitDir?: string;
    env?: Record<string, string>;
    input?: Buffer | string;
  } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      LANG: 'C',
      ...(options.gitDir ? { GIT_DIR: options.gitDir } : {}),
      ...options.env,
    };
    const child = spawn('git', args, {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', d => out.push(d));
    child.stderr.on('data', d => err.push(d));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) {
        resolve(Buffer.concat(out));
      } else {
        reject(
          new GitCommandError(args, code, Buffer.concat(err).toString('utf8')),
        );
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Like runGit but returns trimmed text. */
export async function gitText(
  args: string[],
  options: Parameters<typeof runGit>[1] = {},
): Promise<string> {
  return (await runGit(args, options)).toString('utf8').trim();
}
