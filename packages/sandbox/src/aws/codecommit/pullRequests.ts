/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { SANDBOX_IAM_USER_ARN } from '../../constants';
import { GitCommandError, gitText, runGit } from '../../git/gitExec';
import type { StateStore } from '../../state/StateStore';
import { AwsServiceError } from '../errors';
import { branchTip, gitSucceeds } from './git';
import { CodeCommitState, PullRequestRecord } from './records';
import type { CodeCommitRepositories } from './repositories';

/** CreatePullRequest's input. */
export interface CreatePullRequestInput {
  title?: string;
  description?: string;
  clientRequestToken?: string;
  targets?: Array<{
    repositoryName?: string;
    sourceReference?: string;
    destinationReference?: string;
  }>;
}

/** MergePullRequestByFastForward's input. */
export interface MergePullRequestInput {
  pullRequestId?: string;
  repositoryName?: string;
  sourceCommitId?: string;
}

const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');

/** CodeCommit pull requests (one target each): create, get, list, fast-forward merge. */
export class CodeCommitPullRequests {
  constructor(
    private readonly store: StateStore<CodeCommitState>,
    private readonly repos: CodeCommitRepositories,
  ) {}

  async create(input: CreatePullRequestInput) {
    const prs = (this.store.state.pullRequests =
      this.store.state.pullRequests ?? {});
    if (input.clientRequestToken) {
      const existing = Object.values(prs).find(
        p => p.clientRequestToken === input.clientRequestToken,
      );
      if (existing) return this.view(existing);
    }
    const { title, target } = this.checkCreateInput(input);
    const name = target.repositoryName;
    this.repos.validateRepoName(name);
    const repo = this.repos.requireRepo(name);
    if (!target.sourceReference) {
      throw new AwsServiceError(
        'ReferenceNameRequiredException',
        'A reference name is required, but none was provided.',
      );
    }
    const source = branchOf(target.sourceReference);
    const destination = branchOf(
      target.destinationReference ?? repo.defaultBranch ?? '',
    );
    const gitDir = this.repos.repoPath(name);
    for (const ref of [source, destination]) {
      if (!ref || !(await branchTip(gitDir, ref))) {
        throw new AwsServiceError(
          'ReferenceDoesNotExistException',
          `The specified reference ${ref || '(none)'} does not exist.`,
        );
      }
    }
    if (source === destination) {
      throw new AwsServiceError(
        'SourceAndDestinationAreSameException',
        'The source branch and destination branch for the pull request are the same. You must specify different branches for the source and destination.',
      );
    }
    const now = this.store.now().toISOString();
    const id = String(Object.keys(prs).length + 1);
    const record: PullRequestRecord = {
      pullRequestId: id,
      title,
      description: input.description,
      creationDate: now,
      lastActivityDate: now,
      pullRequestStatus: 'OPEN',
      authorArn: SANDBOX_IAM_USER_ARN,
      clientRequestToken: input.clientRequestToken,
      revisionId: crypto.randomBytes(32).toString('hex'),
      repositoryName: name,
      sourceReference: `refs/heads/${source}`,
      destinationReference: `refs/heads/${destination}`,
    };
    prs[id] = record;
    this.store.changed();
    return this.view(record);
  }

  async get(id: string | undefined) {
    return this.view(this.require(id));
  }

  /** Pull request ids of a repository, newest first. */
  list(name: string | undefined, status?: string): string[] {
    this.repos.validateRepoName(name);
    this.repos.requireRepo(name);
    return Object.values(this.store.state.pullRequests ?? {})
      .filter(
        p =>
          p.repositoryName === name &&
          (!status || p.pullRequestStatus === status),
      )
      .map(p => p.pullRequestId)
      .reverse();
  }

  /** MergePullRequestByFastForward: the destination must be an ancestor of the source. */
  async mergeByFastForward(input: MergePullRequestInput) {
    const pr = this.require(input.pullRequestId);
    if (input.repositoryName !== pr.repositoryName) {
      throw new AwsServiceError(
        'RepositoryNotAssociatedWithPullRequestException',
        `The repository ${input.repositoryName} is not associated with pull request ${pr.pullRequestId}.`,
      );
    }
    if (pr.pullRequestStatus === 'CLOSED') {
      throw new AwsServiceError(
        'PullRequestAlreadyClosedException',
        'The pull request status cannot be updated because it is already closed.',
      );
    }
    const gitDir = this.repos.repoPath(pr.repositoryName);
    const sourceTip = await branchTip(gitDir, branchOf(pr.sourceReference));
    const destTip = await branchTip(gitDir, branchOf(pr.destinationReference));
    if (!sourceTip || !destTip) {
      throw new AwsServiceError(
        'ReferenceDoesNotExistException',
        'The source or destination reference of the pull request no longer exists.',
      );
    }
    if (input.sourceCommitId && input.sourceCommitId !== sourceTip) {
      throw new AwsServiceError(
        'TipOfSourceReferenceIsDifferentException',
        'The tip of the source branch in the destination repository does not match the tip of the source branch specified in your request. The pull request might have been updated. Make sure that you have the latest changes.',
      );
    }
    const fastForward = await gitSucceeds(
      ['merge-base', '--is-ancestor', destTip, sourceTip],
      { gitDir },
      this.store.logger,
    );
    if (!fastForward) {
      throw new AwsServiceError(
        'ManualMergeRequiredException',
        'The pull request cannot be merged automatically into the destination branch. You must manually merge the branches and resolve any conflicts.',
      );
    }
    await this.repos.withRepoLock(pr.repositoryName, () =>
      runGit(['update-ref', pr.destinationReference, sourceTip, destTip], {
        gitDir,
      }),
    );
    await this.repos.recordPush({
      repositoryName: pr.repositoryName,
      branch: branchOf(pr.destinationReference),
      before: destTip,
      after: sourceTip,
    });
    pr.pullRequestStatus = 'CLOSED';
    pr.lastActivityDate = this.store.now().toISOString();
    pr.closedSourceCommit = sourceTip;
    pr.closedDestinationCommit = sourceTip;
    pr.mergeCommitId = sourceTip;
    pr.mergedBy = SANDBOX_IAM_USER_ARN;
    this.store.changed();
    return this.view(pr);
  }

  /** A pull request as GetPullRequest returns it (timestamps as ISO strings). */
  async view(pr: PullRequestRecord) {
    const gitDir = this.repos.repoPath(pr.repositoryName);
    const sourceCommit =
      pr.closedSourceCommit ??
      (await branchTip(gitDir, branchOf(pr.sourceReference)));
    const destinationCommit =
      pr.closedDestinationCommit ??
      (await branchTip(gitDir, branchOf(pr.destinationReference)));
    const mergeBase =
      sourceCommit && destinationCommit
        ? await this.mergeBase(gitDir, sourceCommit, destinationCommit)
        : undefined;
    return {
      pullRequestId: pr.pullRequestId,
      title: pr.title,
      description: pr.description,
      lastActivityDate: pr.lastActivityDate,
      creationDate: pr.creationDate,
      pullRequestStatus: pr.pullRequestStatus,
      authorArn: pr.authorArn,
      clientRequestToken: pr.clientRequestToken,
      revisionId: pr.revisionId,
      approvalRules: [],
      pullRequestTargets: [
        {
          repositoryName: pr.repositoryName,
          sourceReference: pr.sourceReference,
          destinationReference: pr.destinationReference,
          sourceCommit,
          destinationCommit,
          mergeBase,
          mergeMetadata: {
            isMerged: Boolean(pr.mergeCommitId),
            ...(pr.mergeCommitId
              ? {
                  mergedBy: pr.mergedBy,
                  mergeCommitId: pr.mergeCommitId,
                  mergeOption: 'FAST_FORWARD_MERGE',
                }
              : {}),
          },
        },
      ],
    };
  }

  /** The merge base of two commits; undefined when they share no history (or git fails, which is logged). */
  private async mergeBase(
    gitDir: string,
    a: string,
    b: string,
  ): Promise<string | undefined> {
    try {
      return await gitText(['merge-base', a, b], { gitDir });
    } catch (e) {
      // Exit 1 without output: no common ancestor, so no merge base. Anything else is unexpected.
      if (!(e instanceof GitCommandError && e.code === 1)) {
        this.store.logger.warn('CodeCommit merge-base failed', {
          repository: gitDir,
          error: (e as Error).message,
        });
      }
      return undefined;
    }
  }

  /** Title and target checks of CreatePullRequest. */
  private checkCreateInput(input: CreatePullRequestInput) {
    if (!input.title) {
      throw new AwsServiceError(
        'TitleRequiredException',
        'A pull request title is required. It cannot be empty or null.',
      );
    }
    if (!input.targets?.length) {
      throw new AwsServiceError(
        'TargetsRequiredException',
        'An array of target objects is required. It cannot be empty or null.',
      );
    }
    if (input.targets.length > 1) {
      throw new AwsServiceError(
        'MultipleRepositoriesInPullRequestException',
        'You cannot include more than one repository in a pull request. Make sure you have specified only one repository name in your request, and then try again.',
      );
    }
    return { title: input.title, target: input.targets[0] };
  }

  private require(id: string | undefined): PullRequestRecord {
    if (!id) {
      throw new AwsServiceError(
        'PullRequestIdRequiredException',
        'A pull request ID is required, but none was provided.',
      );
    }
    if (!/^\d+$/.test(id)) {
      throw new AwsServiceError(
        'InvalidPullRequestIdException',
        `The pull request ID ${id} is not valid.`,
      );
    }
    const pr = this.store.state.pullRequests?.[id];
    if (!pr) {
      throw new AwsServiceError(
        'PullRequestDoesNotExistException',
        `The pull request ID ${id} does not exist.`,
      );
    }
    return pr;
  }
}
