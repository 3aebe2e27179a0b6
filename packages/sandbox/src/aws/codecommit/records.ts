/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** CodeCommit's limits (domain-facts §7.2). */
export const CODECOMMIT_LIMITS = {
  maxFileEntries: 100,
  maxFileBytes: 6 * 1024 * 1024,
  maxCommitMessageBytes: 256 * 1024,
  maxPathLength: 4096,
  maxPathDepth: 20,
  maxBranchNameLength: 256,
};

export interface CodeCommitRepositoryRecord {
  repositoryName: string;
  repositoryId: string;
  repositoryDescription?: string;
  creationDate: string;
  lastModifiedDate: string;
  defaultBranch?: string;
  tags?: Record<string, string>;
}

/** A CodeCommit pull request (one target). */
export interface PullRequestRecord {
  pullRequestId: string;
  title: string;
  description?: string;
  creationDate: string;
  lastActivityDate: string;
  pullRequestStatus: 'OPEN' | 'CLOSED';
  authorArn: string;
  clientRequestToken?: string;
  revisionId: string;
  repositoryName: string;
  sourceReference: string;
  destinationReference: string;
  /** Tips when the pull request was closed (merged or not). */
  closedSourceCommit?: string;
  closedDestinationCommit?: string;
  mergeCommitId?: string;
  mergedBy?: string;
}

/**
 * CodeCommit's slice of `aws.json`: repository metadata by name (the contents are real bare repositories under
 * `<dataDir>/git`) and pull requests by id.
 */
export interface CodeCommitState {
  codecommit: Record<string, CodeCommitRepositoryRecord>;
  pullRequests?: Record<string, PullRequestRecord>;
}

/** A ref update of a repository (git push or CreateCommit), emitted as 'push'. */
export interface PushEvent {
  repositoryName: string;
  branch: string;
  before: string | undefined;
  after: string;
}
