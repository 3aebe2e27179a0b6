/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// CreateCommit's input and its checks, in CodeCommit's order (before any git object is written).

import { SandboxLogger } from '../../util/logger';
import { AwsServiceError } from '../errors';
import { gitSucceeds, MODE_BY_NAME } from './git';
import { CODECOMMIT_LIMITS } from './records';

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

/** The checked changes of a CreateCommit request (paths normalised). */
export interface CommitChanges {
  branch: string;
  puts: Array<PutFileEntry & { filePath: string }>;
  deletes: string[];
  modes: Array<{ filePath: string; mode: string }>;
}

/** A CodeCommit file path: no leading or trailing slash, no empty, `.`, `..` or `.git` segment, within the limits. */
export function normalizePath(p: string | undefined): string {
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

/** BranchNameRequiredException / InvalidBranchNameException unless `git check-ref-format --branch` accepts it. */
export async function checkBranchName(
  branch: string | undefined,
  logger: SandboxLogger,
): Promise<string> {
  if (!branch) {
    throw new AwsServiceError(
      'BranchNameRequiredException',
      'A branch name is required, but was not specified.',
    );
  }
  if (
    branch.length > CODECOMMIT_LIMITS.maxBranchNameLength ||
    !(await gitSucceeds(['check-ref-format', '--branch', branch], {}, logger))
  ) {
    throw new AwsServiceError(
      'InvalidBranchNameException',
      `The specified branch name ${branch} is not valid.`,
    );
  }
  return branch;
}

function checkEntryCounts(input: CreateCommitInput): void {
  const entryCount =
    (input.putFiles ?? []).length +
    (input.deleteFiles ?? []).length +
    (input.setFileModes ?? []).length;
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
}

/** CreateCommit's request checks, in CodeCommit's order; a path may appear in one entry only. */
export async function checkChanges(
  input: CreateCommitInput,
  logger: SandboxLogger,
): Promise<CommitChanges> {
  const branch = await checkBranchName(input.branchName, logger);
  checkEntryCounts(input);
  const seen = new Set<string>();
  const claim = (p: string | undefined) => {
    const filePath = normalizePath(p);
    if (seen.has(filePath)) {
      throw new AwsServiceError(
        'SamePathRequestException',
        `The commit cannot be created because one or more changes in this commit duplicate actions in the same file path (${filePath}).`,
      );
    }
    seen.add(filePath);
    return filePath;
  };
  const puts = (input.putFiles ?? []).map(f => {
    const filePath = claim(f.filePath);
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
  const deletes = (input.deleteFiles ?? []).map(d => claim(d.filePath));
  const modes = (input.setFileModes ?? []).map(m => {
    const filePath = claim(m.filePath);
    if (!m.fileMode || !MODE_BY_NAME[m.fileMode]) {
      throw new AwsServiceError(
        'InvalidFileModeException',
        `The specified file mode ${m.fileMode} is not valid.`,
      );
    }
    return { filePath, mode: MODE_BY_NAME[m.fileMode] };
  });
  return { branch, puts, deletes, modes };
}
