/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_IAM_USER_ARN } from '../../constants';
import { runGit } from '../../git/gitExec';
import type { StateStore } from '../../state/StateStore';
import { AwsServiceError } from '../errors';
import type { AwsAccount } from '../state';
import {
  createCommit,
  CreateCommitInput,
  CreateCommitOutput,
} from './createCommit';
import {
  branchTip,
  CommitInfo,
  Difference,
  differences,
  gitSucceeds,
  listBranches,
  readCommit,
  resolveCommit,
} from './git';
import { checkBranchName } from './commitInput';
import {
  CodeCommitRepositoryRecord,
  CodeCommitState,
  PushEvent,
} from './records';
import { checkTagCount, checkTagsMap } from './tags';

const REPO_NAME = /^[\w.-]{1,100}$/;

/** GetDifferences' input. */
export interface GetDifferencesInput {
  repositoryName?: string;
  beforeCommitSpecifier?: string;
  afterCommitSpecifier?: string;
  beforePath?: string;
  afterPath?: string;
}

/**
 * CodeCommit repositories: metadata in the state slice, contents in real bare repositories under `<dataDir>/git`.
 * Branches, commits, differences and CreateCommit; ref updates are serialised per repository.
 */
export class CodeCommitRepositories {
  private readonly repoLocks = new Map<string, Promise<unknown>>();
  private gitBaseUrl: string | undefined;

  constructor(
    protected readonly store: StateStore<CodeCommitState>,
    protected readonly account: AwsAccount,
    private readonly dataDir: string,
  ) {
    fs.mkdirSync(path.join(dataDir, 'git'), { recursive: true });
  }

  /** Bare repository folder. */
  repoPath(name: string): string {
    return path.join(this.dataDir, 'git', `${name}.git`);
  }

  exists(name: string): boolean {
    return Boolean(this.store.state.codecommit[name]);
  }

  /** Called by the git server with its base URL so clone URLs point at it. */
  setGitBaseUrl(url: string): void {
    this.gitBaseUrl = url.replace(/\/+$/, '');
  }

  cloneUrlHttp(name: string): string {
    return `${
      this.gitBaseUrl ??
      `https://git-codecommit.${this.account.region}.amazonaws.com`
    }/v1/repos/${name}`;
  }

  arn(name: string): string {
    return `arn:aws:codecommit:${this.account.region}:${this.account.accountId}:${name}`;
  }

  list(): string[] {
    return Object.keys(this.store.state.codecommit).sort();
  }

  metadata(name: string) {
    const r = this.requireRepo(name);
    return {
      accountId: this.account.accountId,
      repositoryId: r.repositoryId,
      repositoryName: r.repositoryName,
      repositoryDescription: r.repositoryDescription,
      defaultBranch: r.defaultBranch,
      lastModifiedDate: r.lastModifiedDate,
      creationDate: r.creationDate,
      cloneUrlHttp: this.cloneUrlHttp(name),
      cloneUrlSsh: `ssh://git-codecommit.${this.account.region}.amazonaws.com/v1/repos/${name}`,
      Arn: this.arn(name),
    };
  }

  async createRepository(
    name: string | undefined,
    description?: string,
    tags?: Record<string, string>,
  ) {
    this.validateRepoName(name);
    if (this.store.state.codecommit[name]) {
      throw new AwsServiceError(
        'RepositoryNameExistsException',
        `Repository named ${name} already exists`,
      );
    }
    if (description && Buffer.byteLength(description) > 1000) {
      throw new AwsServiceError(
        'InvalidRepositoryDescriptionException',
        'The repository description is not valid. It must be at most 1,000 characters.',
      );
    }
    const checkedTags = tags === undefined ? undefined : checkTagsMap(tags);
    if (checkedTags) checkTagCount(checkedTags);
    const repoPath = this.repoPath(name);
    fs.rmSync(repoPath, { recursive: true, force: true });
    await runGit(['init', '--quiet', '--bare', repoPath]);
    await runGit(['config', 'http.receivepack', 'true'], { gitDir: repoPath });
    const now = this.store.now().toISOString();
    this.store.state.codecommit[name] = {
      repositoryName: name,
      repositoryId: crypto.randomUUID(),
      repositoryDescription: description,
      creationDate: now,
      lastModifiedDate: now,
      tags: checkedTags,
    };
    this.store.changed();
    return this.metadata(name);
  }

  getRepository(name: string | undefined) {
    this.validateRepoName(name);
    return this.metadata(name);
  }

  async getBranch(name: string | undefined, branch: string | undefined) {
    this.validateRepoName(name);
    this.requireRepo(name);
    if (!branch) {
      throw new AwsServiceError(
        'BranchNameRequiredException',
        'A branch name is required, but was not specified.',
      );
    }
    const tip = await branchTip(this.repoPath(name), branch);
    if (!tip) {
      throw new AwsServiceError(
        'BranchDoesNotExistException',
        `Could not find branch ${branch}`,
      );
    }
    return { branchName: branch, commitId: tip };
  }

  /**
   * CreateBranch: a new branch at an existing commit (a full commit ID); an existing branch is
   * BranchNameExistsException. Emits 'push' as a reference creation, as CodeCommit's events do.
   */
  async createBranch(input: {
    repositoryName?: string;
    branchName?: string;
    commitId?: string;
  }): Promise<void> {
    const name = input.repositoryName;
    this.validateRepoName(name);
    this.requireRepo(name);
    const branch = await checkBranchName(input.branchName, this.store.logger);
    if (!input.commitId) {
      throw new AwsServiceError(
        'CommitIdRequiredException',
        'A commit ID is required, but was not specified.',
      );
    }
    if (!/^[0-9a-f]{40}$/.test(input.commitId)) {
      throw new AwsServiceError(
        'InvalidCommitIdException',
        `The specified commit ID ${input.commitId} is not valid.`,
      );
    }
    const gitDir = this.repoPath(name);
    const commitId = await this.existingCommit(gitDir, input.commitId);
    await this.withRepoLock(name, async () => {
      if (await branchTip(gitDir, branch)) {
        throw new AwsServiceError(
          'BranchNameExistsException',
          `Cannot create branch with name ${branch} because a branch with that name already exists.`,
        );
      }
      // The empty old value makes update-ref fail if the branch appeared meanwhile.
      await runGit(['update-ref', `refs/heads/${branch}`, commitId, ''], {
        gitDir,
      });
    });
    await this.recordPush({
      repositoryName: name,
      branch,
      before: undefined,
      after: commitId,
    });
  }

  /** Records a change of a repository's tags (TagResource, UntagResource). */
  tagsChanged(): void {
    this.store.changed();
  }

  async listBranches(name: string): Promise<string[]> {
    return listBranches(this.repoPath(this.requireRepo(name).repositoryName));
  }

  async getCommit(
    name: string | undefined,
    commitId: string | undefined,
  ): Promise<CommitInfo> {
    this.validateRepoName(name);
    this.requireRepo(name);
    if (!commitId) {
      throw new AwsServiceError(
        'CommitIdRequiredException',
        'A commit ID is required, but was not specified.',
      );
    }
    if (!/^[0-9a-f]{40}$/.test(commitId)) {
      throw new AwsServiceError(
        'InvalidCommitIdException',
        `The specified commit ID ${commitId} is not valid.`,
      );
    }
    const resolved = await resolveCommit(this.repoPath(name), commitId);
    if (resolved !== commitId) {
      throw new AwsServiceError(
        'CommitIdDoesNotExistException',
        `Could not find commit ${commitId}`,
      );
    }
    return readCommit(this.repoPath(name), commitId);
  }

  async getDifferences(input: GetDifferencesInput): Promise<Difference[]> {
    const name = input.repositoryName;
    this.validateRepoName(name);
    this.requireRepo(name);
    const gitDir = this.repoPath(name);
    if (!input.afterCommitSpecifier) {
      throw new AwsServiceError(
        'CommitRequiredException',
        'A commit was not specified.',
      );
    }
    const after = await this.existingCommit(gitDir, input.afterCommitSpecifier);
    const before = input.beforeCommitSpecifier
      ? await this.existingCommit(gitDir, input.beforeCommitSpecifier)
      : undefined;
    const result = await differences(
      gitDir,
      before,
      after,
      input.beforePath,
      input.afterPath,
    );
    const pathGiven = input.beforePath || input.afterPath;
    if (pathGiven && result.length === 0) {
      const wanted = (input.afterPath ?? input.beforePath ?? '').replace(
        /^\/+/,
        '',
      );
      const exists = await gitSucceeds(
        ['cat-file', '-e', `${after}:${wanted}`],
        { gitDir },
        this.store.logger,
      );
      if (!exists) {
        throw new AwsServiceError(
          'PathDoesNotExistException',
          `The specified path ${pathGiven} does not exist.`,
        );
      }
    }
    return result;
  }

  async createCommit(
    input: CreateCommitInput & { repositoryName?: string },
  ): Promise<CreateCommitOutput> {
    const name = input.repositoryName;
    this.validateRepoName(name);
    this.requireRepo(name);
    const result = await this.withRepoLock(name, () =>
      createCommit(this.repoPath(name), input, {
        authorName: SANDBOX_IAM_USER_ARN,
        logger: this.store.logger,
      }),
    );
    await this.recordPush({
      repositoryName: name,
      branch: result.branch,
      before: result.before,
      after: result.commitId,
    });
    const { branch: _b, before: _p, ...out } = result;
    return out;
  }

  /** Resolves an optional commit specifier (default: the default branch) or throws CommitDoesNotExistException. */
  async resolveSpecifier(
    name: string,
    spec: string | undefined,
  ): Promise<string> {
    const wanted = spec ?? this.requireRepo(name).defaultBranch ?? 'HEAD';
    return this.existingCommit(this.repoPath(name), wanted);
  }

  /**
   * Records a ref update (after a git push or CreateCommit): sets the default branch on the first push, as
   * CodeCommit does, and emits 'push'.
   */
  async recordPush(event: PushEvent): Promise<void> {
    const r = this.requireRepo(event.repositoryName);
    r.lastModifiedDate = this.store.now().toISOString();
    const gitDir = this.repoPath(r.repositoryName);
    if (!r.defaultBranch || !(await branchTip(gitDir, r.defaultBranch))) {
      r.defaultBranch = event.branch;
      await runGit(['symbolic-ref', 'HEAD', `refs/heads/${event.branch}`], {
        gitDir,
      });
    }
    this.store.changed();
    this.store.events.emit('push', event);
  }

  /** Serialises operations per repository. */
  withRepoLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.repoLocks.get(name) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    // The caller awaits `next` and gets its failure; the lock chain only needs to know when it has settled.
    this.repoLocks.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }

  validateRepoName(name: string | undefined): asserts name is string {
    if (!name) {
      throw new AwsServiceError(
        'RepositoryNameRequiredException',
        'A repository name is required, but was not specified.',
      );
    }
    if (!REPO_NAME.test(name) || name.toLowerCase().endsWith('.git')) {
      throw new AwsServiceError(
        'InvalidRepositoryNameException',
        `The repository name ${name} is not valid. Repository names can be any valid combination of letters, numbers, periods, underscores, and dashes between 1 and 100 characters in length. Names are case sensitive. Names cannot end in .git.`,
      );
    }
  }

  requireRepo(name: string): CodeCommitRepositoryRecord {
    const r = this.store.state.codecommit[name];
    if (!r) {
      throw new AwsServiceError(
        'RepositoryDoesNotExistException',
        `${name} does not exist`,
      );
    }
    return r;
  }

  /** The commit a specifier names, or CommitDoesNotExistException. */
  private async existingCommit(gitDir: string, spec: string): Promise<string> {
    const commit = await resolveCommit(gitDir, spec);
    if (!commit) {
      throw new AwsServiceError(
        'CommitDoesNotExistException',
        `The specified commit ${spec} does not exist or no commit was specified.`,
      );
    }
    return commit;
  }
}
