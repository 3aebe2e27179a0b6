/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /**
       * The crawler collators of `@crawler-platform/plugin-search-backend-module-crawlers`: one search document per
       * Airflow DAG of the instances in `crawlers.airflow.instances`.
       */
      crawler?: {
        /**
         * How often the DAGs are indexed; each run happens once across all replicas. An invalid schedule fails the
         * backend's start naming this key.
         *
         * @default { frequency: { minutes: 10 }, timeout: { minutes: 15 }, initialDelay: { seconds: 3 } }
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Also index the DAGs that no crawler entity claims, as documents of type `crawler-unclaimed` that link to the
         * Airflow UI and that only users granted `crawlers.unclaimed.read` find.
         *
         * @default false
         */
        includeUnclaimed?: boolean;
        /**
         * How many of each instance's newest runs (all DAGs, `GET /dags/~/dagRuns`, pages of 100) are read once per
         * collation to learn the DAGs' last runs, 0 to 10000. A claimed DAG not among them is asked for its last run
         * (one request); an unclaimed one is indexed without it. 0 asks every claimed DAG.
         *
         * @default 500
         */
        recentRuns?: number;
      };
    };
  };
}
