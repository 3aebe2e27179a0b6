/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/*
 * Development harness: `yarn start` in this folder serves the crawlers plugin alone on http://localhost:7008
 * against the sandbox Airflows (`yarn workspace @crawler-platform/sandbox start`: Airflow 2 on 7181, Airflow 3
 * on 7182), its EKS stand-in (AWS on 4566, Kubernetes API on 7443) and CodeCommit, with an in-memory catalog holding
 * two crawler entities and mock authentication. The EKS token and CodeCommit use the AWS SDK's default credentials:
 * export the sandbox's dummy pair first, as scripts/portal.sh does.
 *
 *   curl -s localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow2/airflow | jq
 *   curl -s localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow3/dags/news_crawler/runs?limit=5 | jq
 *   curl -s -X POST -H 'content-type: application/json' -d '{"conf":{"pages":1}}' \
 *     localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow3/dags/news_crawler/runs | jq
 *   curl -s -X PATCH -H 'content-type: application/json' -d '{"isPaused":true}' \
 *     localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow2/dags/news_crawler | jq
 *   curl -s localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow2/pods | jq
 *   curl -s localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow3/git-sync | jq
 *   curl -s localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow2/overview | jq
 *   curl -s -X POST -H 'content-type: application/json' -d '{}' \
 *     localhost:7008/api/crawlers/entities/component/default/news-crawler-airflow2/pods/cleanup | jq
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_IDS,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from '@crawler-platform/plugin-crawlers-common';

const SANDBOX_AWS = 'http://127.0.0.1:4566';
const dagRepository = {
  repositoryName: 'airflow-dags',
  region: 'eu-west-1',
  endpoint: SANDBOX_AWS,
};

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
              dagRepository,
              kubernetes: { cluster: 'sandbox', release: 'airflow2' },
            },
            {
              name: 'airflow3',
              baseUrl: 'http://127.0.0.1:7182',
              auth: { type: 'password', username: 'admin', password: 'admin' },
              dagRepository,
              kubernetes: { cluster: 'sandbox', release: 'airflow3' },
            },
          ],
        },
        clusters: [
          {
            type: 'eks',
            name: 'sandbox',
            region: 'eu-west-1',
            clusterName: 'crawlers-sandbox',
            endpoint: SANDBOX_AWS,
          },
        ],
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
          [ANNOTATION_KUBERNETES_NAMESPACE]: 'news-crawler',
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
