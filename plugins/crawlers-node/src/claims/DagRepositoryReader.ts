/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CodeCommitClient,
  FileDoesNotExistException,
  GetBranchCommand,
  GetCommitCommand,
  GetDifferencesCommand,
  GetFileCommand,
  PathDoesNotExistException,
} from '@aws-sdk/client-codecommit';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import type { AirflowDagRepositoryConfig } from '../airflow/types';
import type {
  CodeCommitRepositoryLocation,
  DagRepositoryCommit,
  DagRepositoryHistory,
} from './history';

/**
 * Reads files of a DAG repository at the head of the branch git-sync follows.
 *
 * @public
 */
export interface DagRepositoryReader {
  /** The file's text, or undefined when the repository has no such file on that branch. */
  readFile(
    repository: AirflowDagRepositoryConfig,
    path: string,
  ): Promise<string | undefined>;
}

/** Largest DAG file read (CodeCommit's GetFile limit is 6 MB; a DAG file is far smaller). */
const MAX_FILE_BYTES = 1024 * 1024;

/** Pages of GetDifferences followed at most for one path (each up to 100 differences). */
const MAX_DIFFERENCE_PAGES = 20;

/**
 * A CodeCommit commit date as GetCommit returns it (`"1484167798 -0800"`: Unix seconds and the zone), or an ISO
 * date, as an ISO string; null when it is neither.
 */
export function parseCodeCommitDate(value: string | undefined): string | null {
  if (!value) {
    return null;
  }
  const unix = /^(\d{1,12})(?:\s+[+-]\d{4})?$/.exec(value.trim());
  if (unix) {
    return new Date(Number(unix[1]) * 1000).toISOString();
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

/**
 * {@link DagRepositoryReader} over CodeCommit `GetFile`, and {@link DagRepositoryHistory} over `GetBranch`,
 * `GetCommit` and `GetDifferences`, with credentials from `aws` config (`@backstage/integration-aws-node`: the main
 * account, or `aws.accounts` for the repository's `accountId`).
 *
 * @public
 */
export class CodeCommitDagRepositoryReader
  implements DagRepositoryReader, DagRepositoryHistory
{
  private readonly clients = new Map<string, Promise<CodeCommitClient>>();

  static fromConfig(
    config: Config,
    deps: { logger: LoggerService },
  ): CodeCommitDagRepositoryReader {
    return new CodeCommitDagRepositoryReader(
      DefaultAwsCredentialsManager.fromConfig(config),
      deps.logger,
    );
  }

  static create(options: {
    credentialsManager: AwsCredentialsManager;
    logger: LoggerService;
  }): CodeCommitDagRepositoryReader {
    return new CodeCommitDagRepositoryReader(
      options.credentialsManager,
      options.logger,
    );
  }

  private constructor(
    private readonly credentialsManager: AwsCredentialsManager,
    private readonly logger: LoggerService,
  ) {}

  private client(repository: CodeCommitRepositoryLocation) {
    const key = [
      repository.accountId ?? '',
      repository.region ?? '',
      repository.endpoint ?? '',
    ].join('|');
    let client = this.clients.get(key);
    if (!client) {
      client = this.credentialsManager
        .getCredentialProvider(
          repository.accountId
            ? { accountId: repository.accountId }
            : undefined,
        )
        .then(
          provider =>
            new CodeCommitClient({
              region: repository.region,
              endpoint: repository.endpoint,
              credentials: provider.sdkCredentialProvider,
              maxAttempts: 2,
            }),
        );
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }

  async readFile(
    repository: AirflowDagRepositoryConfig,
    path: string,
  ): Promise<string | undefined> {
    const client = await this.client(repository);
    try {
      const answer = await client.send(
        new GetFileCommand({
          repositoryName: repository.repositoryName,
          commitSpecifier: repository.branch,
          filePath: path,
        }),
      );
      const bytes = answer.fileContent ?? new Uint8Array();
      if (bytes.byteLength > MAX_FILE_BYTES) {
        this.logger.warn('DAG file is too large to read for a claim check', {
          repository: repository.repositoryName,
          path,
          bytes: bytes.byteLength,
        });
        return undefined;
      }
      return Buffer.from(bytes).toString('utf8');
    } catch (error) {
      if (error instanceof FileDoesNotExistException) {
        return undefined;
      }
      throw error;
    }
  }

  async getBranchCommitId(
    repository: CodeCommitRepositoryLocation,
    branch: string,
  ): Promise<string> {
    const client = await this.client(repository);
    const answer = await client.send(
      new GetBranchCommand({
        repositoryName: repository.repositoryName,
        branchName: branch,
      }),
    );
    const commitId = answer.branch?.commitId;
    if (!commitId) {
      throw new Error(
        `CodeCommit GetBranch of ${repository.repositoryName}/${branch} returned no commit`,
      );
    }
    return commitId;
  }

  async getCommit(
    repository: CodeCommitRepositoryLocation,
    commitId: string,
  ): Promise<DagRepositoryCommit> {
    const client = await this.client(repository);
    const answer = await client.send(
      new GetCommitCommand({
        repositoryName: repository.repositoryName,
        commitId,
      }),
    );
    const commit = answer.commit;
    return {
      commitId: commit?.commitId ?? commitId,
      parents: commit?.parents ?? [],
      committedAt: parseCodeCommitDate(
        commit?.committer?.date ?? commit?.author?.date,
      ),
    };
  }

  async getBranchHead(
    repository: CodeCommitRepositoryLocation,
    branch: string,
  ): Promise<DagRepositoryCommit> {
    return this.getCommit(
      repository,
      await this.getBranchCommitId(repository, branch),
    );
  }

  async pathChanged(
    repository: CodeCommitRepositoryLocation,
    options: { before: string; after: string; path: string },
  ): Promise<boolean> {
    if (options.before === options.after) {
      return false;
    }
    const client = await this.client(repository);
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_DIFFERENCE_PAGES; page++) {
      let answer;
      try {
        answer = await client.send(
          new GetDifferencesCommand({
            repositoryName: repository.repositoryName,
            beforeCommitSpecifier: options.before,
            afterCommitSpecifier: options.after,
            beforePath: options.path,
            afterPath: options.path,
            NextToken: nextToken,
          }),
        );
      } catch (error) {
        if (error instanceof PathDoesNotExistException) {
          // The path is in neither commit: nothing of it changed.
          return false;
        }
        throw error;
      }
      if ((answer.differences ?? []).length > 0) {
        return true;
      }
      nextToken = answer.NextToken;
      if (!nextToken) {
        return false;
      }
    }
    throw new Error(
      `CodeCommit GetDifferences of ${options.path} did not end within ${MAX_DIFFERENCE_PAGES} pages`,
    );
  }
}
