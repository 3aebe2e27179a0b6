/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { crawlersPermissions } from '@crawler-platform/plugin-crawlers-common';
import {
  airflowServiceRef,
  CodeCommitDagRepositoryReader,
  crawlerClaimServiceRef,
  crawlersClusterServiceRef,
  readCrawlersClustersConfig,
} from '@crawler-platform/plugin-crawlers-node';
import { toError } from '@backstage/errors';
import { registerCrawlerActions } from './actions/crawlerActions';
import { readCrawlersBackendSettings } from './config';
import { createRouter } from './router';
import { createCrawlerTargetResolver } from './targets';
import { createAirflowCache } from './services/AirflowCache';
import { createCrawlerAirflowService } from './services/CrawlerAirflowService';
import { createCrawlerKubernetesService } from './services/CrawlerKubernetesService';
import {
  createAwsClusterAccess,
  createCrawlerDiagnosisService,
} from './services/CrawlerDiagnosisService';
import { createCrawlerOverviewService } from './services/CrawlerOverviewService';

/**
 * The crawlers backend plugin: entity-scoped Airflow and Kubernetes API under `/api/crawlers`, the diagnosis of the
 * nine field failures, and the read-only AI tools `get-crawler-status` and `diagnose-crawler`.
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
        clusters: crawlersClusterServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
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
        clusters,
        actionsRegistry,
      }) {
        const settings = readCrawlersBackendSettings(config);
        permissionsRegistry.addPermissions(crawlersPermissions);

        const upstreamCache = createAirflowCache({
          cache,
          logger,
          ttls: settings.ttls,
        });
        const crawlerAirflow = createCrawlerAirflowService({
          airflow,
          claims,
          cache: upstreamCache,
          logger,
          maxLogChunkBytes: settings.limits.maxLogChunkBytes,
        });
        const clusterConfigs = readCrawlersClustersConfig(config);
        const clusterRegions = new Map(
          clusterConfigs.flatMap(c =>
            c.type === 'kubeconfig' ? [] : [[c.name, c.region] as const],
          ),
        );
        const crawlerKubernetes = createCrawlerKubernetesService({
          airflow,
          claims,
          crawlerAirflow,
          clusters,
          history: CodeCommitDagRepositoryReader.fromConfig(config, { logger }),
          cache: upstreamCache,
          logger,
          limits: settings.limits,
          timeoutMs: settings.kubernetesTimeoutMs,
          clusterRegion: name => clusterRegions.get(name),
        });
        const crawlerDiagnosis = createCrawlerDiagnosisService({
          airflow,
          crawlerAirflow,
          crawlerKubernetes,
          clusters,
          cache: upstreamCache,
          logger,
          limits: settings.limits,
          timeoutMs: settings.kubernetesTimeoutMs,
          awsAccess: createAwsClusterAccess({
            clusters: clusterConfigs,
            credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
            timeoutMs: settings.awsTimeoutMs,
          }),
        });
        const crawlerOverview = createCrawlerOverviewService({
          airflow,
          crawlerAirflow,
          crawlerKubernetes,
          crawlerDiagnosis,
          logger,
        });
        const resolveCrawlerTarget = createCrawlerTargetResolver({
          auth,
          permissions,
          catalog,
          maxDagIdsPerEntity: settings.limits.maxDagIdsPerEntity,
        });
        registerCrawlerActions({
          actionsRegistry,
          resolveCrawlerTarget,
          crawlerOverview,
          crawlerDiagnosis,
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
            httpAuth,
            resolveCrawlerTarget,
            crawlerAirflow,
            crawlerKubernetes,
            crawlerOverview,
            crawlerDiagnosis,
            maxConfBytes: settings.maxConfBytes,
            limits: settings.limits,
          }),
        );
      },
    });
  },
});
