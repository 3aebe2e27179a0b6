/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import type { CrawlersClusterService } from '@crawler-platform/plugin-crawlers-node';
import { CrawlersAwsClients } from './aws';
import {
  readScaffolderCrawlersSettings,
  ScaffolderCrawlersSettings,
} from './config';

/**
 * What the module builds once and hands to every action factory: each factory takes this object (or the part of
 * it it needs) as its options.
 *
 * @public
 */
export type CrawlersScaffolderDeps = {
  config: Config;
  logger: LoggerService;
  /** `crawlers.aws`, `crawlers.scaffolder` and the scaffolder's author defaults, read and checked at start-up. */
  settings: ScaffolderCrawlersSettings;
  /** AWS SDK client options with the backend's AWS credentials (`@backstage/integration-aws-node`). */
  aws: CrawlersAwsClients;
  /** Kubernetes clients of the configured clusters (`crawlersClusterServiceRef` from crawlers-node). */
  clusters: CrawlersClusterService;
  /** The `integrations` config (e.g. `awsCodeCommit` hosts for console links). */
  integrations: ScmIntegrationRegistry;
};

/**
 * Builds {@link CrawlersScaffolderDeps} from config; a bad `crawlers.scaffolder` value fails here, at start-up.
 *
 * @public
 */
export function createCrawlersScaffolderDeps(options: {
  config: Config;
  logger: LoggerService;
  clusters: CrawlersClusterService;
  /** Defaults to `DefaultAwsCredentialsManager.fromConfig(config)`. */
  credentialsManager?: AwsCredentialsManager;
}): CrawlersScaffolderDeps {
  const settings = readScaffolderCrawlersSettings(options.config);
  return {
    config: options.config,
    logger: options.logger,
    settings,
    aws: CrawlersAwsClients.create({
      credentialsManager:
        options.credentialsManager ??
        DefaultAwsCredentialsManager.fromConfig(options.config),
      settings: settings.aws,
    }),
    clusters: options.clusters,
    integrations: ScmIntegrations.fromConfig(options.config),
  };
}

/**
 * The AWS console's base URL for a region: `crawlers.scaffolder.codecommit.consoleUrl`, else the host of the
 * `integrations.awsCodeCommit` entry of that region, else `https://<region>.console.aws.amazon.com`.
 */
export function consoleUrlFor(
  deps: Pick<CrawlersScaffolderDeps, 'settings' | 'integrations'>,
  region: string,
): string {
  if (deps.settings.codecommit.consoleUrl) {
    return deps.settings.codecommit.consoleUrl;
  }
  const integration = deps.integrations.awsCodeCommit
    .list()
    .find(i => i.config.region === region);
  return `https://${
    integration?.config.host ?? `${region}.console.aws.amazon.com`
  }`;
}
