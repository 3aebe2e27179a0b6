/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultAirflowService } from './airflow/DefaultAirflowService';
import type { AirflowService } from './airflow/types';

/**
 * Service ref of the Airflow client, built by default from `crawlers.airflow.instances`.
 *
 * @public
 */
export const airflowServiceRef = createServiceRef<AirflowService>({
  id: 'crawlers.airflow',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      factory: ({ config, logger }) =>
        DefaultAirflowService.fromConfig(config, { logger }),
    }),
});
