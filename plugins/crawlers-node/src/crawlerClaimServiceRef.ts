/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultCrawlerClaimService } from './claims/DefaultCrawlerClaimService';
import type { CrawlerClaimService } from './claims/types';

/**
 * Service ref of the claim check (DAG claim tags, DAG files in the instance's CodeCommit DAG repository), built by
 * default from `crawlers.airflow.instances` and the `aws` integration config.
 *
 * @public
 */
export const crawlerClaimServiceRef = createServiceRef<CrawlerClaimService>({
  id: 'crawlers.claims',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      factory: ({ config, logger }) =>
        DefaultCrawlerClaimService.fromConfig(config, { logger }),
    }),
});
