/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/*
 * Development harness: `yarn start` in this folder serves the crawlers plugin alone on http://localhost:7008
 * against the sandbox Airflows (`yarn workspace @crawler-platform/sandbox start`: Airflow 2 on 7181, Airflow 3
 * on 7182), with an in-memory catalog holding two crawler entities and mock authentication.
 *
 *   curl -s localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow2/airflow | jq
 *   curl -s localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow3/dags/news_crawler/runs?limit=5 | jq
 *   curl -s -X POST -H 'content-type: application/json' -d '{"conf":{"pages":1}}' \
 *     localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow3/dags/news_crawler/runs | jq
 *   curl -s -X PATCH -H 'content-type: application/json' -d '{"isPaused":true}' \
 *     localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow2/dags/news_crawler | jq
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_IDS,
} from '@crawler-platform/plugin-crawlers-common';

const backend = createBackend();

backend.add(
  mockServices.rootConfig.factory({
    data: {
      backend: {
        baseUrl: 'http://localhost:7008',
        listen: { port: 7008 },
      },
      crawlers: {
        airflow: {
          instances: [
            {
              name: 'airflow2',
              baseUrl: 'http://127.0.0.1:7181',
              auth: { type: 'basic', username: 'admin', password: 'admin' },
            },
            {
              name: 'airflow3',
              baseUrl: 'http://127.0.0.1:7182',
              auth: { type: 'password', username: 'admin', password: 'admin' },
            },
          ],
        },
      },
    },
  }),
);
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  catalogServiceMock.factory({
    entities: (['airflow2', 'airflow3'] as const).map(instance => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `news-crawler-${instance}`,
        namespace: 'default',
        annotations: {
          [ANNOTATION_CRAWLERS_DAG_IDS]: 'news_crawler,price_crawler_backfill',
          [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: instance,
        },
      },
      spec: {
        type: 'crawler',
        lifecycle: 'experimental',
        owner: 'user:default/mock',
      },
    })),
  }),
);
backend.add(import('../src'));

backend.start();
