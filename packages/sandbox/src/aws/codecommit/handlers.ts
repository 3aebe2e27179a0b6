/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import { AwsServiceModule } from '../protocol/types';
import { b64, page, toEpoch } from '../protocol/wire';
import { CodeCommitService } from './service';
import { listTags, tagResource, untagResource } from './tags';

type PullRequestView = Awaited<ReturnType<CodeCommitService['getPullRequest']>>;
type RepositoryMetadata = ReturnType<CodeCommitService['metadata']>;

function prJson(pr: PullRequestView) {
  return {
    ...pr,
    creationDate: toEpoch(pr.creationDate),
    lastActivityDate: toEpoch(pr.lastActivityDate),
  };
}

function repoMeta(m: RepositoryMetadata) {
  return {
    ...m,
    creationDate: toEpoch(m.creationDate),
    lastModifiedDate: toEpoch(m.lastModifiedDate),
  };
}

/** CodeCommit over awsJson1_1 (see the README's operation list). */
export function codecommitModule(cc: CodeCommitService): AwsServiceModule {
  return {
    service: 'codecommit',
    protocol: 'awsJson1_1',
    targetPrefix: 'CodeCommit_20150413',
    operations: {
      CreateRepository: async ({ input: i }) => ({
        repositoryMetadata: repoMeta(
          await cc.createRepository(
            i.repositoryName,
            i.repositoryDescription,
            i.tags,
          ),
        ),
      }),
      GetRepository: ({ input: i }) => ({
        repositoryMetadata: repoMeta(cc.getRepository(i.repositoryName)),
      }),
      GetBranch: async ({ input: i }) => ({
        branch: await cc.getBranch(i.repositoryName, i.branchName),
      }),
      CreateBranch: async ({ input: i }) => {
        await cc.createBranch(i);
        return {};
      },
      ListBranches: async ({ input: i }) => {
        cc.getRepository(i.repositoryName);
        const p = page(
          await cc.listBranches(i.repositoryName),
          undefined,
          i.nextToken,
          100,
        );
        return { branches: p.items, nextToken: p.nextToken };
      },
      ListRepositories: ({ input: i }) => {
        const p = page(cc.list(), undefined, i.nextToken, 1000);
        return {
          repositories: p.items.map(name => ({
            repositoryName: name,
            repositoryId: cc.metadata(name).repositoryId,
          })),
          nextToken: p.nextToken,
        };
      },
      ListTagsForResource: ({ input: i }) => ({
        tags: listTags(cc, i.resourceArn),
      }),
      TagResource: ({ input: i }) => {
        tagResource(cc, i.resourceArn, i.tags);
        return {};
      },
      UntagResource: ({ input: i }) => {
        untagResource(cc, i.resourceArn, i.tagKeys);
        return {};
      },
      GetCommit: async ({ input: i }) => ({
        commit: await cc.getCommit(i.repositoryName, i.commitId),
      }),
      GetDifferences: async ({ input: i }) => {
        if (
          i.MaxResults !== undefined &&
          (typeof i.MaxResults !== 'number' || i.MaxResults < 1)
        ) {
          throw new AwsServiceError(
            'InvalidMaxResultsException',
            'The specified number of maximum results is not valid.',
          );
        }
        const all = await cc.getDifferences(i);
        const p = page(all, i.MaxResults, i.NextToken, 100);
        return { differences: p.items, NextToken: p.nextToken };
      },
      CreatePullRequest: async ({ input: i }) => ({
        pullRequest: prJson(await cc.createPullRequest(i)),
      }),
      GetPullRequest: async ({ input: i }) => ({
        pullRequest: prJson(await cc.getPullRequest(i.pullRequestId)),
      }),
      ListPullRequests: ({ input: i }) => {
        const p = page(
          cc.listPullRequests(i.repositoryName, i.pullRequestStatus),
          i.maxResults,
          i.nextToken,
          100,
        );
        return { pullRequestIds: p.items, nextToken: p.nextToken };
      },
      MergePullRequestByFastForward: async ({ input: i }) => ({
        pullRequest: prJson(await cc.mergePullRequestByFastForward(i)),
      }),
      GetFile: async ({ input: i }) => {
        const f = await cc.getFile(i);
        return { ...f, fileContent: f.fileContent.toString('base64') };
      },
      GetFolder: async ({ input: i }) => cc.getFolder(i),
      PutFile: async ({ input: i }) =>
        cc.putFile({ ...i, fileContent: b64(i.fileContent, 'fileContent') }),
      CreateCommit: async ({ input: i }) =>
        cc.createCommit({
          ...i,
          putFiles: (i.putFiles ?? []).map((f: any) => ({
            ...f,
            fileContent: b64(f.fileContent, 'fileContent'),
          })),
        }),
    },
  };
}
