/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { crawlersPermissions } from '@crawler-platform/plugin-crawlers-common';
import {
  airflowServiceRef,
  crawlerClaimServiceRef,
} from '@crawler-platform/plugin-crawlers-node';
import { toError } from '@backstage/errors';
import { readCrawlersBackendSettings } from './config';
import { createRouter } from './router';
import { createAirflowCache } from './services/AirflowCache';
import { createCrawlerAirflowService } from './services/CrawlerAirflowService';

/**
 * The crawlers backend plugin: entity-scoped Airflow API under `/api/crawlers`.
 *
 * @public
 */
export const crawlersPlugin = createBackendPlugin({
  pluginId: 'crawlers',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        cache: coreServices.cache,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        airflow: airflowServiceRef,
        claims: crawlerClaimServiceRef,
      },
      async init({
        logger,
        auditor,
        auth,
        config,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        cache,
        lifecycle,
        catalog,
        airflow,
        claims,
      }) {
        const settings = readCrawlersBackendSettings(config);
        permissionsRegistry.addPermissions(crawlersPermissions);

        const crawlerAirflow = createCrawlerAirflowService({
          airflow,
          claims,
          cache: createAirflowCache({ cache, logger, ttls: settings.ttls }),
          logger,
          maxLogChunkBytes: settings.limits.maxLogChunkBytes,
        });

        lifecycle.addStartupHook(() => {
          for (const name of airflow.listInstanceNames()) {
            airflow
              .getInstance(name)
              .warmUp()
              .catch(error =>
                logger.warn('Airflow instance is not reachable yet', {
                  instance: name,
                  error: toError(error).message,
                }),
              );
          }
        });

        httpRouter.use(
          await createRouter({
            auditor,
            auth,
            httpAuth,
            permissions,
            catalog,
            crawlerAirflow,
            maxConfBytes: settings.maxConfBytes,
            limits: settings.limits,
          }),
        );
      },
    });
  },
});
