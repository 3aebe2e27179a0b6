/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { StateStore } from '../../state/StateStore';
import type { AwsAccount } from '../state';
import {
  FileLocationInput,
  getFile,
  getFolder,
  putFile,
  PutFileInput,
} from './files';
import {
  CodeCommitPullRequests,
  CreatePullRequestInput,
  MergePullRequestInput,
} from './pullRequests';
import { CodeCommitState, PullRequestRecord } from './records';
import { CodeCommitRepositories } from './repositories';

/**
 * The CodeCommit stand-in (`world.codecommit`): repositories, branches and commits ({@link CodeCommitRepositories}),
 * files and folders (`files.ts`) and pull requests ({@link CodeCommitPullRequests}).
 */
export class CodeCommitService extends CodeCommitRepositories {
  private readonly pullRequests: CodeCommitPullRequests;

  constructor(
    store: StateStore<CodeCommitState>,
    account: AwsAccount,
    dataDir: string,
  ) {
    super(store, account, dataDir);
    this.pullRequests = new CodeCommitPullRequests(store, this);
  }

  getFile(input: FileLocationInput) {
    return getFile(this, input);
  }

  getFolder(input: FileLocationInput) {
    return getFolder(this, input);
  }

  /** PutFile: CreateCommit with one file; unchanged content is SameFileContentException. */
  putFile(input: PutFileInput) {
    return putFile(this, input);
  }

  createPullRequest(input: CreatePullRequestInput) {
    return this.pullRequests.create(input);
  }

  getPullRequest(id: string | undefined) {
    return this.pullRequests.get(id);
  }

  listPullRequests(name: string | undefined, status?: string) {
    return this.pullRequests.list(name, status);
  }

  /** MergePullRequestByFastForward: the destination must be an ancestor of the source. */
  mergePullRequestByFastForward(input: MergePullRequestInput) {
    return this.pullRequests.mergeByFastForward(input);
  }

  pullRequestView(pr: PullRequestRecord) {
    return this.pullRequests.view(pr);
  }
}
