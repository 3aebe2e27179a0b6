/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  gitEnvironment,
  GitCommandError,
  GitHttpAuth,
  runGit,
} from './gitCommand';

/** What {@link pushDirectory} did. */
export type PushResult = {
  /** The branch head after the push (the existing head when nothing changed). */
  commitHash: string;
  /** Whether a commit was pushed. */
  pushed: boolean;
  /** The branch head before, when the branch existed. */
  previousHead?: string;
  /** Files in the pushed tree. */
  fileCount: number;
};

/**
 * Commits a directory (every file git does not ignore, with its mode: executable bits and symlinks are kept) and
 * pushes it to a branch of a remote with the system `git`, over HTTPS with Basic credentials minted just before use.
 *
 * - Branch absent: a root commit is pushed (any number of files, no API limits).
 * - Branch present with the same tree: nothing is pushed; the head is the result (a rerun is a no-op).
 * - Branch present with another tree: a commit on top of the head is pushed, so the push fast-forwards; the
 *   caller decides beforehand whether updating that branch is allowed. Nothing is ever force-pushed: a branch that
 *   moved meanwhile is a `ConflictError`.
 *
 * The work happens in a fresh git directory inside `tempDir`; `sourceDir` is only read.
 */
export async function pushDirectory(options: {
  sourceDir: string;
  tempDir: string;
  remoteUrl: string;
  branch: string;
  /** Called before each network command, so that a password's timestamp is fresh. */
  auth?: () => Promise<GitHttpAuth>;
  author: { name: string; email: string };
  message: string;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<PushResult> {
  const { sourceDir, remoteUrl, branch, logger, signal } = options;
  const gitDir = path.join(options.tempDir, 'publish.git');
  const localEnv = gitEnvironment({});
  const local = (args: string[], input?: string) =>
    runGit(['--git-dir', gitDir, '--work-tree', sourceDir, ...args], {
      env: localEnv,
      cwd: sourceDir,
      input,
      signal,
    });
  const remote = async (args: string[]) => {
    const auth = options.auth ? await options.auth() : undefined;
    return runGit(['--git-dir', gitDir, ...args], {
      env: gitEnvironment({ remoteUrl, auth }),
      secrets: auth ? [auth.password, auth.username] : [],
      signal,
    });
  };

  await runGit(['init', '--quiet', '--bare', gitDir], {
    env: localEnv,
    signal,
  });
  await local(['add', '--all', '.']);
  const files = await local(['ls-files', '-z']);
  const fileCount = files ? files.split('\0').filter(Boolean).length : 0;
  if (fileCount === 0) {
    throw new InputError(
      `There is nothing to push: ${sourceDir} has no files (after .gitignore). Check sourcePath and the fetch step.`,
    );
  }
  const tree = await local(['write-tree']);

  const refs = await remote(['ls-remote', remoteUrl, `refs/heads/${branch}`]);
  const previousHead = refs.split(/\s+/)[0] || undefined;
  let parent: string | undefined;
  if (previousHead) {
    await remote([
      'fetch',
      '--quiet',
      '--no-tags',
      '--depth=1',
      remoteUrl,
      `refs/heads/${branch}`,
    ]);
    parent = await local(['rev-parse', 'FETCH_HEAD']);
    const headTree = await local(['rev-parse', `${parent}^{tree}`]);
    if (headTree === tree) {
      logger.info(
        `Branch ${branch} already has exactly these ${fileCount} files at ${parent}; nothing to push`,
      );
      return { commitHash: parent, pushed: false, previousHead, fileCount };
    }
  }

  const commitEnv = gitEnvironment({
    extra: {
      GIT_AUTHOR_NAME: options.author.name,
      GIT_AUTHOR_EMAIL: options.author.email,
      GIT_COMMITTER_NAME: options.author.name,
      GIT_COMMITTER_EMAIL: options.author.email,
    },
  });
  const commitHash = await runGit(
    [
      '--git-dir',
      gitDir,
      'commit-tree',
      tree,
      ...(parent ? ['-p', parent] : []),
      '-F',
      '-',
    ],
    { env: commitEnv, input: options.message, signal },
  );
  logger.info(
    parent
      ? `Pushing ${fileCount} files to ${branch} as commit ${commitHash} on top of ${parent}`
      : `Pushing ${fileCount} files to ${branch} as its first commit ${commitHash}`,
  );
  try {
    await remote([
      'push',
      '--quiet',
      '--no-verify',
      remoteUrl,
      `${commitHash}:refs/heads/${branch}`,
    ]);
  } catch (e) {
    if (
      e instanceof GitCommandError &&
      /non-fast-forward|fetch first|\[rejected\]|stale info|cannot lock ref|failed to update ref/i.test(
        e.stderr,
      )
    ) {
      throw new ConflictError(
        `Branch ${branch} of ${remoteUrl} moved while publishing (the push would not fast-forward); nothing was ` +
          'overwritten. Run the task again.',
      );
    }
    throw e;
  }
  return { commitHash, pushed: true, previousHead, fileCount };
}
