/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { startGitServer, GIT_HTTP_BACKEND } from './server';
export type { GitServerOptions } from './server';
export {
  checkGitCredentials,
  codeCommitGitPassword,
  codeCommitGitUsername,
} from './auth';
export type { GitAuthResult } from './auth';
export { startImageBuilds, buildImage, pythonEntrypoint } from './imageBuilds';
export { runGit, gitText, GitCommandError } from './gitExec';
