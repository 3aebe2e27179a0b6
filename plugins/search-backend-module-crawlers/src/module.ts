/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import {
  airflowServiceRef,
  crawlerClaimServiceRef,
} from '@crawler-platform/plugin-crawlers-node';
import {
  readCollatorConfigOptions,
  readScheduleConfigOptions,
} from './collators/config';
import { CrawlerCollatorFactory } from './collators/CrawlerCollatorFactory';
import { UnclaimedDagCollatorFactory } from './collators/UnclaimedDagCollatorFactory';

/**
 * Search backend module that indexes the Airflow DAGs of crawlers (type `crawler`) and, when
 * `search.collators.crawler.includeUnclaimed` is on, the DAGs no crawler claims (type `crawler-unclaimed`), on the
 * schedule `search.collators.crawler.schedule` (once per run across replicas, through the scheduler service).
 *
 * @public
 */
export const searchModuleCrawlersCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'crawlers-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
        catalog: catalogServiceRef,
        airflow: airflowServiceRef,
        claims: crawlerClaimServiceRef,
      },
      async init({ config, scheduler, indexRegistry, ...options }) {
        const schedule = scheduler.createScheduledTaskRunner(
          readScheduleConfigOptions(config),
        );
        indexRegistry.addCollator({
          schedule,
          factory: CrawlerCollatorFactory.fromConfig(config, options),
        });
        if (readCollatorConfigOptions(config).includeUnclaimed) {
          indexRegistry.addCollator({
            schedule,
            factory: UnclaimedDagCollatorFactory.fromConfig(config, options),
          });
        }
      },
    });
  },
});
