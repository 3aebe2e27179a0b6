/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CodeCommitClient,
  FileDoesNotExistException,
  GetFileCommand,
} from '@aws-sdk/client-codecommit';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import type { AirflowDagRepositoryConfig } from '../airflow/types';

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

/**
 * {@link DagRepositoryReader} over CodeCommit `GetFile`, with credentials from `aws` config
 * (`@backstage/integration-aws-node`: the main account, or `aws.accounts` for the repository's `accountId`).
 *
 * @public
 */
export class CodeCommitDagRepositoryReader implements DagRepositoryReader {
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

  private client(repository: AirflowDagRepositoryConfig) {
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
}
