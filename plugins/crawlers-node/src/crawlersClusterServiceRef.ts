/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultCrawlersClusterService } from './kubernetes/DefaultCrawlersClusterService';
import type { CrawlersClusterService } from './kubernetes/types';

/**
 * Service ref of the Kubernetes cluster clients (EKS with refreshed tokens, kubeconfig), built by default from
 * `crawlers.clusters`, `kubernetes.clusterLocatorMethods` and the `aws` integration config. The scaffolder module
 * reuses it.
 *
 * @public
 */
export const crawlersClusterServiceRef =
  createServiceRef<CrawlersClusterService>({
    id: 'crawlers.clusters',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
        },
        factory: ({ config, logger }) =>
          DefaultCrawlersClusterService.fromConfig(config, { logger }),
      }),
  });
