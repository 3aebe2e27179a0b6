/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsCredentialsManager } from '@backstage/integration-aws-node';
import type { AwsSettings } from './config';

/**
 * Where one AWS call goes: overrides of `crawlers.aws` for a single resource (e.g. the DAG repository's own region
 * from `crawlers.airflow.instances[].dagRepository`).
 *
 * @public
 */
export type AwsTarget = {
  region?: string;
  accountId?: string;
  endpoint?: string;
};

/**
 * Options every AWS SDK v3 client of the module is built with.
 *
 * @public
 */
export type AwsClientOptions = {
  region?: string;
  endpoint?: string;
  credentials: AwsCredentialIdentityProvider;
  maxAttempts: number;
};

/**
 * Builds AWS SDK client options from `crawlers.aws` (region, account, endpoint and per-service endpoints) and the
 * backend's AWS credentials (`@backstage/integration-aws-node`: `aws.mainAccount`, `aws.accounts`, or the SDK's
 * default chain). Shared by every action of the module.
 *
 * @public
 */
export class CrawlersAwsClients {
  static create(options: {
    credentialsManager: AwsCredentialsManager;
    settings: AwsSettings;
  }): CrawlersAwsClients {
    return new CrawlersAwsClients(options.credentialsManager, options.settings);
  }

  private constructor(
    private readonly credentialsManager: AwsCredentialsManager,
    private readonly settings: AwsSettings,
  ) {}

  /** Credentials of the target's account (the main account when none is named). */
  async credentials(
    target?: AwsTarget,
  ): Promise<AwsCredentialIdentityProvider> {
    const accountId = target?.accountId ?? this.settings.accountId;
    const provider = await this.credentialsManager.getCredentialProvider(
      accountId ? { accountId } : undefined,
    );
    return provider.sdkCredentialProvider;
  }

  /**
   * Client options for a service (`codecommit`, `ecr`, `codebuild`, `eks`, …): the target's values first, then
   * `crawlers.aws.endpoints.<service>`, `crawlers.aws.endpoint`, `crawlers.aws.region`, then the SDK's defaults.
   */
  async clientOptions(
    service: string,
    target?: AwsTarget,
  ): Promise<AwsClientOptions> {
    return {
      region: target?.region ?? this.settings.region,
      endpoint:
        target?.endpoint ??
        this.settings.endpoints[service.toLocaleLowerCase('en-US')] ??
        this.settings.endpoint,
      credentials: await this.credentials(target),
      maxAttempts: 3,
    };
  }
}
