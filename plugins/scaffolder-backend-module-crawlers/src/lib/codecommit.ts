/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CodeCommitClient,
  CreateRepositoryCommand,
  GetRepositoryCommand,
  ListTagsForResourceCommand,
  RepositoryDoesNotExistException,
  RepositoryMetadata,
  RepositoryNameExistsException,
} from '@aws-sdk/client-codecommit';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { assertOwnedBy, ENTITY_TAG_KEY } from './ownership';

/** CodeCommit's repository name rule: 1–100 of `[\w.-]`, not ending in `.git` (domain-facts §7.2). */
export function checkRepositoryName(name: string, field: string): void {
  if (!/^[\w.-]{1,100}$/.test(name) || name.toLowerCase().endsWith('.git')) {
    throw new InputError(
      `${field} "${name}" is not a CodeCommit repository name: use 1–100 letters, digits, "_", "." or "-", not ending in .git`,
    );
  }
}

/** Git's branch name rules, as far as CodeCommit needs them (1–256 characters). */
export function checkBranchName(name: string, field: string): void {
  const bad =
    name.length < 1 ||
    name.length > 256 ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.endsWith('.lock') ||
    name.startsWith('-') ||
    name.includes('..') ||
    name.includes('//') ||
    name.includes('@{') ||
    [...name].some(ch => ch <= ' ' || ch === '\x7f' || '~^:?*[\\'.includes(ch));
  if (bad) {
    throw new InputError(
      `${field} "${name}" is not a valid branch name (1–256 characters, no spaces, "..", "~", "^", ":", "?", "*", "[" or "\\")`,
    );
  }
}

/** Links to a repository in the AWS console, in the form Backstage's `awsCodeCommit` URL reader parses. */
export class CodeCommitConsoleLinks {
  constructor(
    private readonly consoleUrl: string,
    private readonly region: string,
    private readonly repositoryName: string,
  ) {}

  private get base(): string {
    return `${
      this.consoleUrl
    }/codesuite/codecommit/repositories/${encodeURIComponent(
      this.repositoryName,
    )}`;
  }

  /** The repository's page. */
  repository(): string {
    return `${this.base}/browse?region=${this.region}`;
  }

  /** The browse URL of a branch's root; append `/<path>` for a file (`catalog:register`'s `catalogInfoUrl`). */
  contents(branch: string): string {
    return `${this.base}/browse/refs/heads/${branch}/--`;
  }

  pullRequest(id: string): string {
    return `${this.base}/pull-requests/${id}/details?region=${this.region}`;
  }
}

/** The entity a CodeCommit repository's tags name (`crawler-platform.io/entity`), if any. */
export async function readRepositoryOwner(
  client: CodeCommitClient,
  resourceArn: string,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await client.send(
      new ListTagsForResourceCommand({ resourceArn, nextToken }),
    );
    const owner = res.tags?.[ENTITY_TAG_KEY];
    if (owner !== undefined) {
      return owner;
    }
    nextToken = res.nextToken;
    if (!nextToken) {
      break;
    }
  }
  return undefined;
}

async function getRepository(
  client: CodeCommitClient,
  repositoryName: string,
): Promise<RepositoryMetadata | undefined> {
  try {
    const res = await client.send(new GetRepositoryCommand({ repositoryName }));
    return res.repositoryMetadata;
  } catch (e) {
    if (e instanceof RepositoryDoesNotExistException) {
      return undefined;
    }
    throw e;
  }
}

/** What {@link ensureRepository} found or did. */
export type EnsuredRepository = {
  /** `created`: made now; `adopted`: it existed and carries the entity's tag; `absent`: dry-run, would be created. */
  state: 'created' | 'adopted' | 'absent';
  metadata?: RepositoryMetadata;
};

/**
 * Makes sure the repository exists and is the entity's: an existing one is adopted only when its
 * `crawler-platform.io/entity` tag names the entity (another entity's, or none: `ConflictError` naming it); a
 * missing one is created with that tag (not in dry-run).
 */
export async function ensureRepository(
  client: CodeCommitClient,
  options: {
    repositoryName: string;
    description?: string;
    entityRef: string;
    dryRun: boolean;
    logger: LoggerService;
  },
): Promise<EnsuredRepository> {
  const { repositoryName, entityRef, logger } = options;
  const adopt = async (metadata: RepositoryMetadata) => {
    const owner = await readRepositoryOwner(client, metadata.Arn!);
    assertOwnedBy({
      resource: `CodeCommit repository "${repositoryName}"`,
      marker: `tag ${ENTITY_TAG_KEY}`,
      owner,
      entityRef,
    });
    logger.info(
      `CodeCommit repository ${repositoryName} exists and is ${entityRef}'s (tag ${ENTITY_TAG_KEY}); adopting it`,
    );
    return { state: 'adopted' as const, metadata };
  };

  const existing = await getRepository(client, repositoryName);
  if (existing) {
    return adopt(existing);
  }
  if (options.dryRun) {
    logger.info(
      `Dry run: would create CodeCommit repository ${repositoryName} tagged ${ENTITY_TAG_KEY}=${entityRef}`,
    );
    return { state: 'absent' };
  }
  try {
    const res = await client.send(
      new CreateRepositoryCommand({
        repositoryName,
        repositoryDescription: options.description,
        tags: { [ENTITY_TAG_KEY]: entityRef },
      }),
    );
    logger.info(
      `Created CodeCommit repository ${repositoryName} tagged ${ENTITY_TAG_KEY}=${entityRef}`,
    );
    return { state: 'created', metadata: res.repositoryMetadata };
  } catch (e) {
    if (e instanceof RepositoryNameExistsException) {
      // Created by someone else between our read and our create: adopt it only if it is ours.
      const raced = await getRepository(client, repositoryName);
      if (raced) {
        return adopt(raced);
      }
    }
    throw e;
  }
}
