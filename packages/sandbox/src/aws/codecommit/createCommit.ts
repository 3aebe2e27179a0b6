/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitText, runGit } from '../../git/gitExec';
import { SandboxLogger } from '../../util/logger';
import { AwsServiceError } from '../errors';
import {
  checkChanges,
  CommitChanges,
  CreateCommitInput,
  normalizePath,
} from './commitInput';
import {
  branchTip,
  listBranches,
  listTree,
  MODE_BY_NAME,
  NAME_BY_MODE,
  resolveCommit,
} from './git';

export type { CreateCommitInput, PutFileEntry } from './commitInput';

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

const ZERO = '0000000000000000000000000000000000000000';

type Tree = Map<string, { mode: string; blobId: string }>;
type IndexEnv = { GIT_INDEX_FILE: string };

/** The parent commit: required once the repository has a branch, and it must be the branch's tip. */
async function resolveParent(
  gitDir: string,
  parentCommitId: string | undefined,
  branch: string,
): Promise<{ tip: string | undefined; parent: string | undefined }> {
  const tip = await branchTip(gitDir, branch);
  const branches = await listBranches(gitDir);
  if (!parentCommitId) {
    if (branches.length > 0) {
      throw new AwsServiceError(
        'ParentCommitIdRequiredException',
        'A parent commit ID is required. To view the full commit ID of a branch in a repository, use GetBranch or a Git command (for example, git pull or git log).',
      );
    }
    return { tip, parent: undefined };
  }
  const parent = await resolveCommit(gitDir, parentCommitId);
  if (!parent || !/^[0-9a-f]{40}$/.test(parentCommitId)) {
    throw new AwsServiceError(
      'ParentCommitDoesNotExistException',
      `The parent commit ID ${parentCommitId} is not valid because it does not exist.`,
    );
  }
  if (tip && tip !== parent) {
    throw new AwsServiceError(
      'ParentCommitIdOutdatedException',
      `The parent commit ID ${parentCommitId} is not the most recent commit ID for the branch ${branch}. The tip of the branch is ${tip}.`,
    );
  }
  return { tip, parent };
}

/** Loads the parent's tree into the temporary index and returns its files. */
async function readParentTree(
  gitDir: string,
  env: IndexEnv,
  parent: string | undefined,
): Promise<Tree> {
  const existing: Tree = new Map();
  if (parent) {
    await runGit(['read-tree', parent], { gitDir, env });
    for (const e of await listTree(gitDir, parent)) {
      existing.set(e.path, { mode: e.mode, blobId: e.blobId });
    }
  } else {
    await runGit(['read-tree', '--empty'], { gitDir, env });
  }
  return existing;
}

/** Hashes all new contents with one git process; returns their blob ids in order. */
async function hashContents(
  gitDir: string,
  tmp: string,
  puts: CommitChanges['puts'],
): Promise<string[]> {
  const contentFiles = puts
    .filter(f => f.fileContent !== undefined)
    .map((f, i) => {
      const file = path.join(tmp, `blob-${i}`);
      fs.writeFileSync(file, f.fileContent!);
      return file;
    });
  return contentFiles.length
    ? (
        await gitText(['hash-object', '-w', '--no-filters', '--stdin-paths'], {
          gitDir,
          input: `${contentFiles.join('\n')}\n`,
        })
      ).split('\n')
    : [];
}

/** Applies the changes to the temporary index and reports them as CodeCommit does. */
async function stageChanges(
  gitDir: string,
  tmp: string,
  env: IndexEnv,
  parent: string | undefined,
  changes: CommitChanges,
) {
  const existing = await readParentTree(gitDir, env, parent);
  const filesAdded: FileMetadata[] = [];
  const filesUpdated: FileMetadata[] = [];
  const filesDeleted: FileMetadata[] = [];
  const indexInfo: string[] = [];
  const removals: string[] = [];
  const remove = (p: string, before: { mode: string; blobId: string }) => {
    removals.push(p);
    filesDeleted.push({
      absolutePath: p,
      blobId: before.blobId,
      fileMode: NAME_BY_MODE[before.mode] ?? 'NORMAL',
    });
  };
  const hashed = await hashContents(gitDir, tmp, changes.puts);
  let hashedIndex = 0;
  for (const f of changes.puts) {
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
      if (f.sourceFile.isMove) remove(source, src);
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
    (before ? filesUpdated : filesAdded).push(meta);
  }
  for (const p of changes.deletes) {
    const before = existing.get(p);
    if (!before) {
      throw new AwsServiceError(
        'FileDoesNotExistException',
        `The file ${p} cannot be deleted because it does not exist in the parent commit.`,
      );
    }
    remove(p, before);
  }
  for (const m of changes.modes) {
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
  return { filesAdded, filesUpdated, filesDeleted };
}

/** write-tree, commit-tree and the compare-and-swap update-ref of the branch. */
async function writeCommit(
  gitDir: string,
  env: IndexEnv,
  input: CreateCommitInput,
  branch: string,
  base: { tip: string | undefined; parent: string | undefined },
  defaultAuthorName: string,
): Promise<{ commitId: string; treeId: string }> {
  const { tip, parent } = base;
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
  const authorName = input.authorName || defaultAuthorName;
  const identity = {
    GIT_AUTHOR_NAME: authorName,
    GIT_AUTHOR_EMAIL: input.email ?? '',
    GIT_COMMITTER_NAME: authorName,
    GIT_COMMITTER_EMAIL: input.email ?? '',
  };
  const commitId = await gitText(
    ['commit-tree', treeId, ...(parent ? ['-p', parent] : []), '-F', '-'],
    { gitDir, env: identity, input: input.commitMessage ?? '' },
  );
  try {
    await runGit(
      ['update-ref', `refs/heads/${branch}`, commitId, tip ?? ZERO],
      { gitDir },
    );
  } catch {
    // The branch moved since we read its tip: that is the answer (the update-ref error itself says nothing more).
    const now = await branchTip(gitDir, branch);
    throw new AwsServiceError(
      'ParentCommitIdOutdatedException',
      `The parent commit ID ${
        input.parentCommitId ?? '(none)'
      } is not the most recent commit ID for the branch ${branch}. The tip of the branch is ${now}.`,
    );
  }
  return { commitId, treeId };
}

/**
 * CodeCommit CreateCommit on a bare repository with git plumbing: a temporary index, hash-object, update-index,
 * write-tree, commit-tree and a compare-and-swap update-ref.
 */
export async function createCommit(
  gitDir: string,
  input: CreateCommitInput,
  defaults: { authorName: string; logger: SandboxLogger },
): Promise<
  CreateCommitOutput & { branch: string; before: string | undefined }
> {
  const changes = await checkChanges(input, defaults.logger);
  const { branch } = changes;
  const base = await resolveParent(gitDir, input.parentCommitId, branch);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-commit-'));
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  try {
    const files = await stageChanges(gitDir, tmp, env, base.parent, changes);
    const { commitId, treeId } = await writeCommit(
      gitDir,
      env,
      input,
      branch,
      base,
      defaults.authorName,
    );
    return { commitId, treeId, ...files, branch, before: base.tip };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
