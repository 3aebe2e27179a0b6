/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs git in `cwd` with a fixed identity; returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

/**
 * A bare repository (`bare`, a local path git-sync can fetch from) with a working clone to commit from, in a
 * temporary folder (`dir`, also a place for git-sync roots).
 */
export function tempGitRepo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitsync-test-'));
  const bare = path.join(dir, 'airflow-dags.git');
  const work = path.join(dir, 'work');
  git(dir, 'init', '-q', '--bare', bare);
  git(dir, 'clone', '-q', bare, work);
  return {
    dir,
    bare,
    /** Commits one file and pushes it to `branch`; returns the commit. */
    commit(file: string, content: string, branch = 'main'): string {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      fs.writeFileSync(path.join(work, file), content);
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', `update ${file}`);
      git(work, 'push', '-q', 'origin', `HEAD:${branch}`);
      return git(work, 'rev-parse', 'HEAD');
    },
    /** Deletes a branch of the bare repository. */
    deleteBranch(branch: string): void {
      git(work, 'push', '-q', 'origin', `:${branch}`);
    },
    /** Pushes the working clone's HEAD to `branch` again. */
    pushHead(branch = 'main'): void {
      git(work, 'push', '-q', 'origin', `HEAD:${branch}`);
    },
    remove(): void {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON lines of a container log (git-sync's funcr lines), parsed. */
export function jsonLines(log: string): any[] {
  return log
    .split('\n')
    .filter(l => l.startsWith('{'))
    .map(l => JSON.parse(l));
}
