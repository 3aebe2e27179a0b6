/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { gitText, runGit } from '../../git/gitExec';
import { AwsServiceError } from '../errors';
import { fileModeName, listFolder } from './git';
import { CODECOMMIT_LIMITS } from './records';
import type { CodeCommitRepositories } from './repositories';

/** GetFile's and GetFolder's input. */
export interface FileLocationInput {
  repositoryName?: string;
  commitSpecifier?: string;
  filePath?: string;
  folderPath?: string;
}

/** PutFile's input (content already decoded from base64). */
export interface PutFileInput {
  repositoryName?: string;
  branchName?: string;
  fileContent?: Buffer;
  filePath?: string;
  fileMode?: string;
  parentCommitId?: string;
  commitMessage?: string;
  name?: string;
  email?: string;
}

/** GetFile: a blob of a commit (default: the default branch), ≤ 6 MB. */
export async function getFile(
  repos: CodeCommitRepositories,
  input: FileLocationInput,
) {
  const name = input.repositoryName;
  repos.validateRepoName(name);
  repos.requireRepo(name);
  if (!input.filePath) {
    throw new AwsServiceError(
      'PathRequiredException',
      'The folderPath for a location cannot be null.',
    );
  }
  const filePath = input.filePath.replace(/^\/+/, '');
  const commitId = await repos.resolveSpecifier(name, input.commitSpecifier);
  const gitDir = repos.repoPath(name);
  const parent = filePath.includes('/')
    ? filePath.slice(0, filePath.lastIndexOf('/'))
    : '';
  const entry = (await listFolder(gitDir, commitId, parent))?.find(
    e =>
      e.name === filePath.slice(filePath.lastIndexOf('/') + 1) &&
      e.type === 'blob',
  );
  if (!entry) {
    throw new AwsServiceError(
      'FileDoesNotExistException',
      `The specified file ${input.filePath} does not exist.`,
    );
  }
  const content = await runGit(['cat-file', 'blob', entry.id], { gitDir });
  if (content.length > CODECOMMIT_LIMITS.maxFileBytes) {
    throw new AwsServiceError(
      'FileTooLargeException',
      `The specified file ${input.filePath} exceeds the file size limit for AWS CodeCommit.`,
    );
  }
  return {
    commitId,
    blobId: entry.id,
    filePath,
    fileMode: fileModeName(entry.mode),
    fileSize: content.length,
    fileContent: content,
  };
}

/** GetFolder: one level of a commit's tree, split into folders, files, symbolic links and submodules. */
export async function getFolder(
  repos: CodeCommitRepositories,
  input: FileLocationInput,
) {
  const name = input.repositoryName;
  repos.validateRepoName(name);
  repos.requireRepo(name);
  if (input.folderPath === undefined) {
    throw new AwsServiceError(
      'PathRequiredException',
      'The folderPath for a location cannot be null.',
    );
  }
  const folder = input.folderPath.replace(/^\/+/, '').replace(/\/+$/, '');
  const commitId = await repos.resolveSpecifier(name, input.commitSpecifier);
  const gitDir = repos.repoPath(name);
  const entries = await listFolder(gitDir, commitId, folder);
  if (!entries) {
    throw new AwsServiceError(
      'FolderDoesNotExistException',
      `The specified folder ${input.folderPath} does not exist.`,
    );
  }
  const treeId = await gitText(
    ['rev-parse', folder ? `${commitId}:${folder}` : `${commitId}^{tree}`],
    { gitDir },
  );
  const abs = (n: string) => (folder ? `${folder}/${n}` : n);
  const symlink = (e: { type: string; mode: string }) =>
    e.type === 'blob' && e.mode === '120000';
  return {
    commitId,
    folderPath: folder || '/',
    treeId,
    subFolders: entries
      .filter(e => e.type === 'tree')
      .map(e => ({
        treeId: e.id,
        absolutePath: abs(e.name),
        relativePath: e.name,
      })),
    files: entries
      .filter(e => e.type === 'blob' && !symlink(e))
      .map(e => ({
        blobId: e.id,
        absolutePath: abs(e.name),
        relativePath: e.name,
        fileMode: fileModeName(e.mode),
      })),
    symbolicLinks: entries.filter(symlink).map(e => ({
      blobId: e.id,
      absolutePath: abs(e.name),
      relativePath: e.name,
      fileMode: 'SYMLINK',
    })),
    subModules: entries
      .filter(e => e.type === 'commit')
      .map(e => ({
        commitId: e.id,
        absolutePath: abs(e.name),
        relativePath: e.name,
      })),
  };
}

/** PutFile: CreateCommit with one file; unchanged content is SameFileContentException. */
export async function putFile(
  repos: CodeCommitRepositories,
  input: PutFileInput,
) {
  try {
    const out = await repos.createCommit({
      repositoryName: input.repositoryName,
      branchName: input.branchName,
      parentCommitId: input.parentCommitId,
      commitMessage: input.commitMessage,
      authorName: input.name,
      email: input.email,
      putFiles: [
        {
          filePath: input.filePath,
          fileMode: input.fileMode,
          fileContent: input.fileContent ?? Buffer.alloc(0),
        },
      ],
    });
    const file = [...out.filesAdded, ...out.filesUpdated][0];
    return { commitId: out.commitId, blobId: file.blobId, treeId: out.treeId };
  } catch (e) {
    if (e instanceof AwsServiceError && e.code === 'NoChangeException') {
      throw new AwsServiceError(
        'SameFileContentException',
        'The file could not be added because the provided file content is the same as the current file content.',
      );
    }
    throw e;
  }
}
