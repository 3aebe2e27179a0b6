/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { GitCommandError, gitText, runGit } from '../../git/gitExec';
import { SandboxLogger } from '../../util/logger';

// Reading CodeCommit repositories with real git: branches, commits, trees, differences (also used by the image
// builds in src/git/imageBuilds.ts).

/** Git file modes by CodeCommit's names, and back. */
export const MODE_BY_NAME: Record<string, string> = {
  NORMAL: '100644',
  EXECUTABLE: '100755',
  SYMLINK: '120000',
};
export const NAME_BY_MODE: Record<string, string> = {
  '100644': 'NORMAL',
  '100755': 'EXECUTABLE',
  '120000': 'SYMLINK',
};

export interface CommitInfo {
  commitId: string;
  treeId: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  additionalData: string;
}

export interface Difference {
  beforeBlob?: { blobId: string; path: string; mode: string };
  afterBlob?: { blobId: string; path: string; mode: string };
  changeType: 'A' | 'M' | 'D';
}

/** Resolves a branch to its tip, or undefined when the branch does not exist. */
export async function branchTip(
  gitDir: string,
  branch: string,
): Promise<string | undefined> {
  try {
    return await gitText(
      ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
      { gitDir },
    );
  } catch {
    return undefined;
  }
}

export async function listBranches(gitDir: string): Promise<string[]> {
  const out = await gitText(
    ['for-each-ref', '--format=%(refname:strip=2)', 'refs/heads/'],
    { gitDir },
  );
  return out ? out.split('\n') : [];
}

/** Resolves a commit specifier (branch, full or short commit id); undefined if it names no commit. */
export async function resolveCommit(
  gitDir: string,
  spec: string,
): Promise<string | undefined> {
  if (!/^[A-Za-z0-9._\-/]+$/.test(spec) || spec.startsWith('-')) {
    return undefined;
  }
  try {
    return await gitText(
      ['rev-parse', '--verify', '--quiet', `${spec}^{commit}`],
      { gitDir },
    );
  } catch {
    return undefined;
  }
}

function parseIdent(line: string): {
  name: string;
  email: string;
  date: string;
} {
  const m = /^(.*) <([^>]*)> (\d+ [+-]\d{4})$/.exec(line);
  return m
    ? { name: m[1], email: m[2], date: m[3] }
    : { name: line, email: '', date: '' };
}

export async function readCommit(
  gitDir: string,
  commitId: string,
): Promise<CommitInfo> {
  const raw = (
    await runGit(['cat-file', 'commit', commitId], { gitDir })
  ).toString('utf8');
  const split = raw.indexOf('\n\n');
  const headerLines = (split < 0 ? raw : raw.slice(0, split)).split('\n');
  const message = split < 0 ? '' : raw.slice(split + 2);
  const info: CommitInfo = {
    commitId,
    treeId: '',
    parents: [],
    message,
    author: { name: '', email: '', date: '' },
    committer: { name: '', email: '', date: '' },
    additionalData: '',
  };
  for (const line of headerLines) {
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') info.treeId = value;
    else if (key === 'parent') info.parents.push(value);
    else if (key === 'author') info.author = parseIdent(value);
    else if (key === 'committer') info.committer = parseIdent(value);
  }
  return info;
}

/** Reads a file from a commit, or undefined when it is absent. */
export async function readFileAt(
  gitDir: string,
  commit: string,
  filePath: string,
): Promise<Buffer | undefined> {
  try {
    return await runGit(['cat-file', 'blob', `${commit}:${filePath}`], {
      gitDir,
    });
  } catch (e) {
    if (e instanceof GitCommandError) {
      return undefined;
    }
    throw e;
  }
}

export async function listTree(
  gitDir: string,
  commit: string,
): Promise<Array<{ mode: string; blobId: string; path: string }>> {
  const out = (
    await runGit(['ls-tree', '-r', '-z', commit], { gitDir })
  ).toString('utf8');
  return out
    .split('\0')
    .filter(Boolean)
    .map(entry => {
      const tab = entry.indexOf('\t');
      const [mode, , blobId] = entry.slice(0, tab).split(' ');
      return { mode, blobId, path: entry.slice(tab + 1) };
    });
}

/** One level of a tree (`git ls-tree <commit>:<folder>`), or undefined when the folder does not exist. */
export async function listFolder(
  gitDir: string,
  commit: string,
  folder: string,
): Promise<
  Array<{ mode: string; type: string; id: string; name: string }> | undefined
> {
  const spec = folder ? `${commit}:${folder}` : `${commit}^{tree}`;
  let out: string;
  try {
    out = (await runGit(['ls-tree', '-z', spec], { gitDir })).toString('utf8');
  } catch (e) {
    if (e instanceof GitCommandError) return undefined;
    throw e;
  }
  return out
    .split('\0')
    .filter(Boolean)
    .map(entry => {
      const tab = entry.indexOf('\t');
      const [mode, type, id] = entry.slice(0, tab).split(' ');
      return { mode, type, id, name: entry.slice(tab + 1) };
    });
}

/** CodeCommit's name of a git file mode. */
export function fileModeName(mode: string): string {
  return NAME_BY_MODE[mode] ?? 'NORMAL';
}

function pathMatches(filePath: string, filter: string | undefined): boolean {
  if (!filter) return true;
  const f = filter.replace(/^\/+/, '').replace(/\/+$/, '');
  return f === '' || filePath === f || filePath.startsWith(`${f}/`);
}

export async function differences(
  gitDir: string,
  before: string | undefined,
  after: string,
  beforePath?: string,
  afterPath?: string,
): Promise<Difference[]> {
  const result: Difference[] = [];
  if (!before) {
    for (const e of await listTree(gitDir, after)) {
      if (pathMatches(e.path, afterPath)) {
        result.push({
          afterBlob: { blobId: e.blobId, path: e.path, mode: e.mode },
          changeType: 'A',
        });
      }
    }
    return result;
  }
  const out = (
    await runGit(
      ['diff-tree', '-r', '-z', '--no-renames', '--raw', before, after],
      { gitDir },
    )
  ).toString('utf8');
  const parts = out.split('\0').filter(Boolean);
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [oldMode, newMode, oldId, newId, status] = parts[i]
      .replace(/^:/, '')
      .split(' ');
    const p = parts[i + 1];
    const changeType: Difference['changeType'] =
      status.startsWith('A') || status.startsWith('D')
        ? (status[0] as 'A' | 'D')
        : 'M';
    const d: Difference = { changeType };
    if (changeType !== 'A' && pathMatches(p, beforePath)) {
      d.beforeBlob = { blobId: oldId, path: p, mode: oldMode };
    }
    if (changeType !== 'D' && pathMatches(p, afterPath)) {
      d.afterBlob = { blobId: newId, path: p, mode: newMode };
    }
    if (d.beforeBlob || d.afterBlob) {
      result.push(d);
    }
  }
  return result;
}

/**
 * Runs a git command whose exit status is the answer (`merge-base --is-ancestor`, `cat-file -e`,
 * `check-ref-format`): true on exit 0, false when git says no. Git failing to run at all also answers false, as it
 * always did, but is logged.
 */
export async function gitSucceeds(
  args: string[],
  options: Parameters<typeof runGit>[1],
  logger: SandboxLogger,
): Promise<boolean> {
  try {
    await runGit(args, options);
    return true;
  } catch (e) {
    if (!(e instanceof GitCommandError)) {
      logger.warn('git could not be run; taken as a negative answer', {
        command: `git ${args[0]}`,
        error: (e as Error).message,
      });
    }
    return false;
  }
}
