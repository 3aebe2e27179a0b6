/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitCommandError, gitText, runGit } from '../git/gitExec';
import { AwsServiceError } from './errors';

/** CodeCommit's limits (domain-facts §7.2). */
export const CODECOMMIT_LIMITS = {
  maxFileEntries: 100,
  maxFileBytes: 6 * 1024 * 1024,
  maxCommitMessageBytes: 256 * 1024,
  maxPathLength: 4096,
  maxPathDepth: 20,
  maxBranchNameLength: 256,
};

const MODE_BY_NAME: Record<string, string> = {
  NORMAL: '100644',
  EXECUTABLE: '100755',
  SYMLINK: '120000',
};
const NAME_BY_MODE: Record<string, string> = {
  '100644': 'NORMAL',
  '100755': 'EXECUTABLE',
  '120000': 'SYMLINK',
};

export interface PutFileEntry {
  filePath?: string;
  fileMode?: string;
  /** File content (already decoded from the wire's base64). */
  fileContent?: Buffer;
  sourceFile?: { filePath?: string; isMove?: boolean };
}

export interface CreateCommitInput {
  branchName?: string;
  parentCommitId?: string;
  authorName?: string;
  email?: string;
  commitMessage?: string;
  putFiles?: PutFileEntry[];
  deleteFiles?: Array<{ filePath?: string }>;
  setFileModes?: Array<{ filePath?: string; fileMode?: string }>;
}

export interface FileMetadata {
  absolutePath: string;
  blobId: string;
  fileMode: string;
}

export interface CreateCommitOutput {
  commitId: string;
  treeId: string;
  filesAdded: FileMetadata[];
  filesUpdated: FileMetadata[];
  filesDeleted: FileMetadata[];
}

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

const ZERO = '0000000000000000000000000000000000000000';

function normalizePath(p: string | undefined): string {
  if (!p) {
    throw new AwsServiceError(
      'PathRequiredException',
      'The folderPath for a location cannot be null.',
    );
  }
  const normalized = p.replace(/^\/+/, '').replace(/\/+$/, '');
  const parts = normalized.split('/');
  if (
    normalized === '' ||
    parts.some(s => s === '' || s === '.' || s === '..' || s === '.git') ||
    normalized.includes('\0')
  ) {
    throw new AwsServiceError(
      'InvalidPathException',
      `The specified path ${p} is not valid.`,
    );
  }
  if (
    normalized.length > CODECOMMIT_LIMITS.maxPathLength ||
    parts.length - 1 > CODECOMMIT_LIMITS.maxPathDepth
  ) {
    throw new AwsServiceError(
      'InvalidPathException',
      `The specified path ${p} is too long or too deep (at most ${CODECOMMIT_LIMITS.maxPathLength} characters and ${CODECOMMIT_LIMITS.maxPathDepth} directories).`,
    );
  }
  return normalized;
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
 * CodeCommit CreateCommit on a bare repository with git plumbing: a temporary index, hash-object, update-index,
 * write-tree, commit-tree and a compare-and-swap update-ref.
 */
export async function createCommit(
  gitDir: string,
  input: CreateCommitInput,
  defaults: { authorName: string },
): Promise<
  CreateCommitOutput & { branch: string; before: string | undefined }
> {
  const branch = input.branchName;
  if (!branch) {
    throw new AwsServiceError(
      'BranchNameRequiredException',
      'A branch name is required, but was not specified.',
    );
  }
  if (
    branch.length > CODECOMMIT_LIMITS.maxBranchNameLength ||
    !(await gitText(['check-ref-format', '--branch', branch]).then(
      () => true,
      () => false,
    ))
  ) {
    throw new AwsServiceError(
      'InvalidBranchNameException',
      `The specified branch name ${branch} is not valid.`,
    );
  }
  const putFiles = input.putFiles ?? [];
  const deleteFiles = input.deleteFiles ?? [];
  const setFileModes = input.setFileModes ?? [];
  const entryCount = putFiles.length + deleteFiles.length + setFileModes.length;
  if (entryCount === 0) {
    throw new AwsServiceError(
      'FileEntryRequiredException',
      'The commit cannot be created because no files have been specified as added, updated, or changed (PutFile or DeleteFile) for the commit.',
    );
  }
  if (entryCount > CODECOMMIT_LIMITS.maxFileEntries) {
    throw new AwsServiceError(
      'MaximumFileEntriesExceededException',
      `The number of specified files to change as part of this commit exceeds the maximum number of files that can be changed in a single commit (${CODECOMMIT_LIMITS.maxFileEntries}). Consider using a Git client for these changes.`,
    );
  }
  if (
    Buffer.byteLength(input.commitMessage ?? '') >
    CODECOMMIT_LIMITS.maxCommitMessageBytes
  ) {
    throw new AwsServiceError(
      'CommitMessageLengthExceededException',
      'The commit message is too long. Provide a shorter string.',
    );
  }
  const seen = new Set<string>();
  const claim = (p: string) => {
    if (seen.has(p)) {
      throw new AwsServiceError(
        'SamePathRequestException',
        `The commit cannot be created because one or more changes in this commit duplicate actions in the same file path (${p}).`,
      );
    }
    seen.add(p);
  };
  const puts = putFiles.map(f => {
    const filePath = normalizePath(f.filePath);
    claim(filePath);
    if (f.fileContent !== undefined && f.sourceFile) {
      throw new AwsServiceError(
        'FileContentAndSourceFileSpecifiedException',
        `The commit cannot be created because both a source file and file content have been specified for the same file (${filePath}).`,
      );
    }
    if (f.fileContent === undefined && !f.sourceFile) {
      throw new AwsServiceError(
        'FileContentRequiredException',
        `The file ${filePath} cannot be added because it is empty or no content was provided.`,
      );
    }
    if (
      f.fileContent &&
      f.fileContent.length > CODECOMMIT_LIMITS.maxFileBytes
    ) {
      throw new AwsServiceError(
        'FileContentSizeLimitExceededException',
        `The file ${filePath} cannot be added because it is too large. The maximum file size is 6 MB. Consider using a Git client for this file.`,
      );
    }
    if (f.fileMode && !MODE_BY_NAME[f.fileMode]) {
      throw new AwsServiceError(
        'InvalidFileModeException',
        `The specified file mode ${f.fileMode} is not valid.`,
      );
    }
    return { ...f, filePath };
  });
  const deletes = deleteFiles.map(d => {
    const filePath = normalizePath(d.filePath);
    claim(filePath);
    return filePath;
  });
  const modes = setFileModes.map(m => {
    const filePath = normalizePath(m.filePath);
    claim(filePath);
    if (!m.fileMode || !MODE_BY_NAME[m.fileMode]) {
      throw new AwsServiceError(
        'InvalidFileModeException',
        `The specified file mode ${m.fileMode} is not valid.`,
      );
    }
    return { filePath, mode: MODE_BY_NAME[m.fileMode] };
  });

  const tip = await branchTip(gitDir, branch);
  const branches = await listBranches(gitDir);
  let parent: string | undefined;
  if (input.parentCommitId) {
    parent = await resolveCommit(gitDir, input.parentCommitId);
    if (!parent || !/^[0-9a-f]{40}$/.test(input.parentCommitId)) {
      throw new AwsServiceError(
        'ParentCommitDoesNotExistException',
        `The parent commit ID ${input.parentCommitId} is not valid because it does not exist.`,
      );
    }
    if (tip && tip !== parent) {
      throw new AwsServiceError(
        'ParentCommitIdOutdatedException',
        `The parent commit ID ${input.parentCommitId} is not the most recent commit ID for the branch ${branch}. The tip of the branch is ${tip}.`,
      );
    }
  } else if (branches.length > 0) {
    throw new AwsServiceError(
      'ParentCommitIdRequiredException',
      'A parent commit ID is required. To view the full commit ID of a branch in a repository, use GetBranch or a Git command (for example, git pull or git log).',
    );
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-commit-'));
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  try {
    const existing = new Map<string, { mode: string; blobId: string }>();
    if (parent) {
      await runGit(['read-tree', parent], { gitDir, env });
      for (const e of await listTree(gitDir, parent)) {
        existing.set(e.path, { mode: e.mode, blobId: e.blobId });
      }
    } else {
      await runGit(['read-tree', '--empty'], { gitDir, env });
    }
    const filesAdded: FileMetadata[] = [];
    const filesUpdated: FileMetadata[] = [];
    const filesDeleted: FileMetadata[] = [];
    const indexInfo: string[] = [];
    const removals: string[] = [];
    // Hash all new contents with one git process.
    const contentFiles = puts
      .filter(f => f.fileContent !== undefined)
      .map((f, i) => {
        const file = path.join(tmp, `blob-${i}`);
        fs.writeFileSync(file, f.fileContent!);
        return file;
      });
    const hashed = contentFiles.length
      ? (
          await gitText(
            ['hash-object', '-w', '--no-filters', '--stdin-paths'],
            { gitDir, input: `${contentFiles.join('\n')}\n` },
          )
        ).split('\n')
      : [];
    let hashedIndex = 0;
    for (const f of puts) {
      let blobId: string;
      if (f.sourceFile) {
        const source = f.sourceFile.filePath
          ? normalizePath(f.sourceFile.filePath)
          : '';
        const src = existing.get(source);
        if (!src) {
          throw new AwsServiceError(
            'FileDoesNotExistException',
            `The specified source file ${f.sourceFile.filePath} does not exist.`,
          );
        }
        blobId = src.blobId;
        if (f.sourceFile.isMove) {
          removals.push(source);
          filesDeleted.push({
            absolutePath: source,
            blobId: src.blobId,
            fileMode: NAME_BY_MODE[src.mode] ?? 'NORMAL',
          });
        }
      } else {
        blobId = hashed[hashedIndex++];
      }
      const before = existing.get(f.filePath);
      const mode = f.fileMode
        ? MODE_BY_NAME[f.fileMode]
        : before?.mode ?? '100644';
      indexInfo.push(`${mode} ${blobId}\t${f.filePath}`);
      const meta = {
        absolutePath: f.filePath,
        blobId,
        fileMode: NAME_BY_MODE[mode],
      };
      if (before) {
        filesUpdated.push(meta);
      } else {
        filesAdded.push(meta);
      }
    }
    for (const p of deletes) {
      const before = existing.get(p);
      if (!before) {
        throw new AwsServiceError(
          'FileDoesNotExistException',
          `The file ${p} cannot be deleted because it does not exist in the parent commit.`,
        );
      }
      removals.push(p);
      filesDeleted.push({
        absolutePath: p,
        blobId: before.blobId,
        fileMode: NAME_BY_MODE[before.mode] ?? 'NORMAL',
      });
    }
    for (const m of modes) {
      const before = existing.get(m.filePath);
      if (!before) {
        throw new AwsServiceError(
          'FileDoesNotExistException',
          `The file mode of ${m.filePath} cannot be changed because the file does not exist in the parent commit.`,
        );
      }
      indexInfo.push(`${m.mode} ${before.blobId}\t${m.filePath}`);
      filesUpdated.push({
        absolutePath: m.filePath,
        blobId: before.blobId,
        fileMode: NAME_BY_MODE[m.mode],
      });
    }
    const lines = [...removals.map(p => `0 ${ZERO}\t${p}`), ...indexInfo];
    if (lines.length) {
      await runGit(['update-index', '--add', '-z', '--index-info'], {
        gitDir,
        env,
        input: lines.map(l => `${l}\0`).join(''),
      });
    }
    let treeId: string;
    try {
      treeId = await gitText(['write-tree'], { gitDir, env });
    } catch (e) {
      throw new AwsServiceError(
        'PutFileEntryConflictException',
        `The commit cannot be created because one or more files specified in the commit reference both a file and a folder: ${
          (e as Error).message
        }`,
      );
    }
    const parentTree = parent
      ? await gitText(['rev-parse', `${parent}^{tree}`], { gitDir })
      : undefined;
    if (treeId === parentTree) {
      throw new AwsServiceError(
        'NoChangeException',
        'The commit cannot be created because no changes will be made to the repository as a result of this commit. A commit must contain at least one change.',
      );
    }
    const authorName = input.authorName || defaults.authorName;
    const identity = {
      GIT_AUTHOR_NAME: authorName,
      GIT_AUTHOR_EMAIL: input.email ?? '',
      GIT_COMMITTER_NAME: authorName,
      GIT_COMMITTER_EMAIL: input.email ?? '',
    };
    const commitId = await gitText(
      ['commit-tree', treeId, ...(parent ? ['-p', parent] : []), '-F', '-'],
      {
        gitDir,
        env: identity,
        input: input.commitMessage ?? '',
      },
    );
    try {
      await runGit(
        ['update-ref', `refs/heads/${branch}`, commitId, tip ?? ZERO],
        { gitDir },
      );
    } catch {
      const now = await branchTip(gitDir, branch);
      throw new AwsServiceError(
        'ParentCommitIdOutdatedException',
        `The parent commit ID ${
          input.parentCommitId ?? '(none)'
        } is not the most recent commit ID for the branch ${branch}. The tip of the branch is ${now}.`,
      );
    }
    return {
      commitId,
      treeId,
      filesAdded,
      filesUpdated,
      filesDeleted,
      branch,
      before: tip,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
