/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  BranchDoesNotExistException,
  CodeCommitClient,
  CreateBranchCommand,
  CreateCommitCommand,
  CreatePullRequestCommand,
  FileDoesNotExistException,
  GetBranchCommand,
  GetFileCommand,
  GetPullRequestCommand,
  ListBranchesCommand,
  ListPullRequestsCommand,
  NoChangeException,
  ParentCommitIdOutdatedException,
  ParentCommitIdRequiredException,
  BranchNameExistsException,
} from '@aws-sdk/client-codecommit';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { dagFileCarriesClaimTag } from '@crawler-platform/plugin-crawlers-node';
import { createHash } from 'node:crypto';

/** Where a DAG file goes and whose it is. */
export type DagFileTarget = {
  client: CodeCommitClient;
  repositoryName: string;
  filePath: string;
  entityRef: string;
  claimTag: string;
  content: Buffer;
  logger: LoggerService;
};

/** The head commit of a branch, or undefined when the branch does not exist. */
export async function branchHead(
  client: CodeCommitClient,
  repositoryName: string,
  branchName: string,
): Promise<string | undefined> {
  try {
    const res = await client.send(
      new GetBranchCommand({ repositoryName, branchName }),
    );
    return res.branch?.commitId;
  } catch (e) {
    if (e instanceof BranchDoesNotExistException) {
      return undefined;
    }
    throw e;
  }
}

/** A file's content at a commit, or undefined when the commit has no such file. */
export async function fileAt(
  client: CodeCommitClient,
  repositoryName: string,
  commitSpecifier: string,
  filePath: string,
): Promise<Buffer | undefined> {
  try {
    const res = await client.send(
      new GetFileCommand({ repositoryName, commitSpecifier, filePath }),
    );
    return Buffer.from(res.fileContent ?? new Uint8Array());
  } catch (e) {
    if (e instanceof FileDoesNotExistException) {
      return undefined;
    }
    throw e;
  }
}

/**
 * Checks that an existing DAG file is the entity's: it must name the entity's claim tag as a string literal.
 * Otherwise a `ConflictError` naming the file and the claim tags it carries (another entity's) or that it has none.
 */
export function assertDagFileClaim(
  existing: Buffer | undefined,
  target: Pick<
    DagFileTarget,
    'claimTag' | 'entityRef' | 'filePath' | 'repositoryName'
  >,
  branch: string,
): void {
  if (existing === undefined) {
    return;
  }
  const text = existing.toString('utf8');
  if (dagFileCarriesClaimTag(text, target.claimTag)) {
    return;
  }
  const others = [
    ...new Set(
      [...text.matchAll(/["'](backstage:[^"'\s]+)["']/gi)].map(m => m[1]),
    ),
  ];
  const where = `DAG file ${target.filePath} on ${branch} of ${target.repositoryName}`;
  throw new ConflictError(
    others.length
      ? `${where} belongs to another entity (claim tag ${others.join(
          ', ',
        )}), not to ${target.entityRef} ` +
        `(${target.claimTag}); it was left unchanged. Choose another crawler name.`
      : `${where} exists without a claim tag, so it is not ${target.entityRef}'s (${target.claimTag}); it was ` +
        'left unchanged. Choose another crawler name, or have its owners add the claim tag.',
  );
}

const pause = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Adds or updates the DAG file on a branch with CreateCommit (`parentCommitId` = the head just read), re-reading
 * and retrying when the branch moved (`ParentCommitIdOutdatedException`) up to `maxAttempts` times. The file's
 * claim is checked on every attempt, against the head the commit builds on. Same content: no commit.
 */
export async function commitDagFile(
  target: DagFileTarget & {
    branch: string;
    author: { name: string; email: string };
    message: string;
    maxAttempts: number;
    dryRun: boolean;
  },
): Promise<{ commitId?: string; changed: boolean }> {
  const { client, repositoryName, branch, filePath, logger } = target;
  for (let attempt = 1; attempt <= target.maxAttempts; attempt++) {
    const head = await branchHead(client, repositoryName, branch);
    if (!head) {
      const branches = await client.send(
        new ListBranchesCommand({ repositoryName }),
      );
      if (branches.branches?.length) {
        throw new InputError(
          `Branch ${branch} does not exist in DAG repository ${repositoryName} (it has ${branches.branches.join(
            ', ',
          )}); check the branch git-sync follows`,
        );
      }
    }
    const existing = head
      ? await fileAt(client, repositoryName, head, filePath)
      : undefined;
    assertDagFileClaim(existing, target, branch);
    if (existing?.equals(target.content)) {
      logger.info(
        `${filePath} on ${branch} already has this content (${head}); no commit`,
      );
      return { commitId: head, changed: false };
    }
    const verb = existing ? 'update' : 'add';
    if (target.dryRun) {
      logger.info(
        `Dry run: would ${verb} ${filePath} on ${branch} of ${repositoryName} on top of ${
          head ?? 'an empty repository'
        }`,
      );
      return { commitId: head, changed: true };
    }
    try {
      const res = await client.send(
        new CreateCommitCommand({
          repositoryName,
          branchName: branch,
          parentCommitId: head,
          authorName: target.author.name,
          email: target.author.email,
          commitMessage: target.message,
          putFiles: [
            { filePath, fileContent: target.content, fileMode: 'NORMAL' },
          ],
        }),
      );
      logger.info(
        `${
          verb === 'add' ? 'Added' : 'Updated'
        } ${filePath} on ${branch} of ${repositoryName}: commit ${
          res.commitId
        }`,
      );
      return { commitId: res.commitId, changed: true };
    } catch (e) {
      if (e instanceof NoChangeException) {
        // Someone committed the same content meanwhile: nothing left to do.
        return {
          commitId: await branchHead(client, repositoryName, branch),
          changed: false,
        };
      }
      if (
        !(e instanceof ParentCommitIdOutdatedException) &&
        !(e instanceof ParentCommitIdRequiredException)
      ) {
        throw e;
      }
      logger.info(
        `${branch} of ${repositoryName} moved while committing (attempt ${attempt} of ${target.maxAttempts}); reading it again`,
      );
      await pause(50 * attempt);
    }
  }
  throw new ConflictError(
    `${branch} of ${repositoryName} kept moving: ${target.maxAttempts} attempts to commit ${filePath} found a newer head each time. Run the task again.`,
  );
}

/** Creates the pull request branch from `from` unless it exists; returns its head. */
export async function ensureBranch(
  client: CodeCommitClient,
  repositoryName: string,
  branchName: string,
  from: string,
  logger: LoggerService,
): Promise<string> {
  const existing = await branchHead(client, repositoryName, branchName);
  if (existing) {
    logger.info(`Branch ${branchName} exists at ${existing}; reusing it`);
    return existing;
  }
  try {
    await client.send(
      new CreateBranchCommand({ repositoryName, branchName, commitId: from }),
    );
    logger.info(`Created branch ${branchName} at ${from}`);
    return from;
  } catch (e) {
    if (e instanceof BranchNameExistsException) {
      return (await branchHead(client, repositoryName, branchName)) ?? from;
    }
    throw e;
  }
}

/** The open pull request from `source` into `destination`, if any (at most 10 pages of open pull requests). */
export async function findOpenPullRequest(
  client: CodeCommitClient,
  repositoryName: string,
  source: string,
  destination: string,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await client.send(
      new ListPullRequestsCommand({
        repositoryName,
        pullRequestStatus: 'OPEN',
        nextToken,
      }),
    );
    for (const pullRequestId of res.pullRequestIds ?? []) {
      const pr = await client.send(
        new GetPullRequestCommand({ pullRequestId }),
      );
      const match = pr.pullRequest?.pullRequestTargets?.some(
        t =>
          t.repositoryName === repositoryName &&
          t.sourceReference?.replace(/^refs\/heads\//, '') === source &&
          t.destinationReference?.replace(/^refs\/heads\//, '') === destination,
      );
      if (match) {
        return pullRequestId;
      }
    }
    nextToken = res.nextToken;
    if (!nextToken) {
      break;
    }
  }
  return undefined;
}

/** Opens (or finds) the pull request of the DAG file's branch. */
export async function openPullRequest(options: {
  client: CodeCommitClient;
  repositoryName: string;
  source: string;
  destination: string;
  title: string;
  description: string;
  logger: LoggerService;
}): Promise<string> {
  const { client, repositoryName, source, destination, logger } = options;
  const existing = await findOpenPullRequest(
    client,
    repositoryName,
    source,
    destination,
  );
  if (existing) {
    logger.info(
      `Pull request ${existing} from ${source} into ${destination} is already open; reusing it`,
    );
    return existing;
  }
  const head = await branchHead(client, repositoryName, source);
  const res = await client.send(
    new CreatePullRequestCommand({
      title: options.title,
      description: options.description,
      targets: [
        {
          repositoryName,
          sourceReference: source,
          destinationReference: destination,
        },
      ],
      // Same branch, same head: the same request, so a retried call cannot open a second pull request.
      clientRequestToken: createHash('sha256')
        .update(`${repositoryName}|${source}|${destination}|${head}`)
        .digest('hex')
        .slice(0, 64),
    }),
  );
  const id = res.pullRequest?.pullRequestId ?? '';
  logger.info(
    `Opened pull request ${id} from ${source} into ${destination} of ${repositoryName}`,
  );
  return id;
}
