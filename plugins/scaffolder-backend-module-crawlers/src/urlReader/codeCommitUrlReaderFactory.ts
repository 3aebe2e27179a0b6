/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  urlReaderFactoriesServiceRef,
} from '@backstage/backend-defaults/urlReader';
import { ScmIntegrations } from '@backstage/integration';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { CrawlersAwsClients } from '../lib/aws';
import { readScaffolderCrawlersSettings } from '../lib/config';
import { CodeCommitUrlReader } from './CodeCommitUrlReader';
import { consoleHostRegion, parseCodeCommitConsoleUrl } from './consoleUrl';

/**
 * The URL reader factory of CodeCommit browse URLs: GetFile and GetFolder through the actions' client (their AWS
 * credentials and endpoint). It takes a URL in the console form `publish:codecommit` outputs when its origin is
 * `crawlers.scaffolder.codecommit.consoleUrl`, or when its host is `<region>.console.aws.amazon.com` and either a
 * CodeCommit endpoint is configured (`crawlers.aws.endpoint` or `.endpoints.codecommit`: Backstage's reader could not
 * reach it) or no `integrations.awsCodeCommit` entry claims that host (otherwise Backstage's own reader keeps it).
 *
 * @public
 */
export function createCodeCommitUrlReaderFactory(options?: {
  credentialsManager?: AwsCredentialsManager;
}): ReaderFactory {
  return ({ config, treeResponseFactory }) => {
    const settings = readScaffolderCrawlersSettings(config);
    const aws = CrawlersAwsClients.create({
      credentialsManager:
        options?.credentialsManager ??
        DefaultAwsCredentialsManager.fromConfig(config),
      settings: settings.aws,
    });
    const endpoint = settings.aws.endpoints.codecommit ?? settings.aws.endpoint;
    const integrationHosts = new Set(
      ScmIntegrations.fromConfig(config)
        .awsCodeCommit.list()
        .map(i => i.config.host),
    );
    const consoleOrigin = settings.codecommit.consoleUrl
      ? new URL(settings.codecommit.consoleUrl).origin
      : undefined;
    const reader = new CodeCommitUrlReader({
      clientFor: async region =>
        new CodeCommitClient({
          ...(await aws.clientOptions('codecommit', { region })),
          customUserAgent: 'crawler-platform-codecommit-url-reader',
        }),
      treeResponseFactory,
      description: `endpoint=${endpoint ?? 'regional'}`,
    });
    const predicate = (url: URL) => {
      if (!parseCodeCommitConsoleUrl(url)) {
        return false;
      }
      if (consoleOrigin && url.origin === consoleOrigin) {
        return true;
      }
      return (
        consoleHostRegion(url.host) !== undefined &&
        (endpoint !== undefined || !integrationHosts.has(url.host))
      );
    };
    return [{ reader, predicate }];
  };
}

/**
 * Adds the CodeCommit URL reader ({@link createCodeCommitUrlReaderFactory}) to the backend's URL readers, ahead of
 * Backstage's own: `catalog:register` then reads a new crawler's `catalog-info.yaml` from the repository
 * `publish:codecommit` created, through the configured CodeCommit endpoint. Add it next to the module:
 * `backend.add(codeCommitUrlReaderServiceFactory)`.
 *
 * @public
 */
export const codeCommitUrlReaderServiceFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return createCodeCommitUrlReaderFactory();
  },
});
