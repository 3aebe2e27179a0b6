/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_FILES,
  ANNOTATION_CRAWLERS_DAG_IDS,
} from '@crawler-platform/plugin-crawlers-common';
import {
  crawlerClaimServiceRef,
  DefaultCrawlerClaimService,
} from '@crawler-platform/plugin-crawlers-node';
import { fakeAirflow } from '@crawler-platform/plugin-crawlers-node/testUtils';
import { http, passthrough } from 'msw';
import type { SetupServer } from 'msw/node';
import { crawlersPlugin } from '../plugin';

export const AIRFLOW2 = 'http://airflow2.test';
export const AIRFLOW3 = 'http://airflow3.test';
export const AIRFLOW_USER = 'crawler-bot';
export const AIRFLOW_PASSWORD = 'Pa55-w0rd-never-logged';

export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';

function crawler(
  name: string,
  owner: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'crawler', lifecycle: 'production', owner },
  };
}

export const entities: Entity[] = [
  crawler('shop-crawler', ALICE, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: 'shop-products, shop-prices',
    [ANNOTATION_CRAWLERS_DAG_FILES]: 'dags/shop_prices.py',
  }),
  // Owned by Alice like shop-crawler, so ownership alone would allow writes: it claims Bob's DAG and the file of
  // shop-crawler, whose tags name other entities.
  crawler('impostor-crawler', ALICE, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: 'other-dag',
    [ANNOTATION_CRAWLERS_DAG_FILES]: 'dags/shop_prices.py',
  }),
  crawler('news-crawler', ALICE, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: 'news-daily',
    [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: 'airflow3',
  }),
  crawler('other-crawler', BOB, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: 'other-dag',
  }),
  crawler('ghost-crawler', ALICE, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: 'ghost-dag',
    [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: 'airflow9',
  }),
  crawler('plain-service', ALICE, {}),
];

/** Config of two instances: Airflow 2 with Basic auth and Airflow 3 with JWT auth. */
export function airflowConfig(extra: JsonObject = {}): JsonObject {
  return {
    crawlers: {
      airflow: {
        instances: [
          {
            name: 'airflow2',
            baseUrl: AIRFLOW2,
            auth: {
              type: 'basic',
              username: AIRFLOW_USER,
              password: AIRFLOW_PASSWORD,
            },
            timeoutMs: 2000,
            dagRepository: { repositoryName: 'airflow-dags' },
          },
          {
            name: 'airflow3',
            baseUrl: AIRFLOW3,
            uiUrl: 'https://airflow3.example.com',
            auth: {
              type: 'password',
              username: AIRFLOW_USER,
              password: AIRFLOW_PASSWORD,
            },
            timeoutMs: 2000,
          },
        ],
      },
      ...extra,
    },
  };
}

/** The claim tag of an entity of the test catalog. */
export const claimTagOf = (name: string) =>
  `backstage:component:default/${name}`;

/** Files of the test DAG repository `airflow-dags` (the file claims read them). */
export const dagRepositoryFiles: Record<string, string> = {
  'dags/shop_prices.py': `with DAG(dag_id="shop-prices", tags=["crawler", "${claimTagOf(
    'shop-crawler',
  )}"],\n`,
  'dags/unrelated.py': 'with DAG(dag_id="unrelated",\n',
};

/** The claim service over {@link dagRepositoryFiles} instead of CodeCommit. */
export const testClaimServiceFactory = createServiceFactory({
  service: crawlerClaimServiceRef,
  deps: { logger: coreServices.rootLogger },
  factory: ({ logger }) =>
    DefaultCrawlerClaimService.create({
      reader: { readFile: async (_repo, path) => dagRepositoryFiles[path] },
      logger,
    }),
});

/** msw handler that lets supertest reach the test backend on 127.0.0.1; pass it to setupServer(). */
export const localBackendPassthrough = http.all(
  /^http:\/\/127\.0\.0\.1:\d+\//,
  () => passthrough(),
);

/** Registers fake Airflow 2 and 3 instances with msw. */
export function useFakeAirflows(server: SetupServer) {
  const credentials = { username: AIRFLOW_USER, password: AIRFLOW_PASSWORD };
  const v1 = fakeAirflow({
    baseUrl: AIRFLOW2,
    version: 'v1',
    dags: ['shop-products', 'other-dag'],
    dagTags: {
      'shop-products': [claimTagOf('shop-crawler')],
      'other-dag': [claimTagOf('other-crawler')],
    },
    runsPerDag: 30,
    credentials,
    importErrorFiles: [
      '/opt/airflow/dags/repo/dags/shop_prices.py',
      '/opt/airflow/dags/repo/dags/unrelated.py',
    ],
  });
  const v2 = fakeAirflow({
    baseUrl: AIRFLOW3,
    version: 'v2',
    dags: ['news-daily'],
    dagTags: { 'news-daily': [claimTagOf('news-crawler')] },
    runsPerDag: 5,
    credentials,
  });
  server.use(...v1.handlers, ...v2.handlers);
  return { v1: v1.state, v2: v2.state };
}

/**
 * A permission service that behaves like the portal's policy: `read` actions are allowed to everyone, other
 * actions only to the entity's owner.
 */
export function ownerPolicyPermissions(known: Entity[] = entities) {
  return mockServices.permissions.mock({
    authorize: async (requests, options) =>
      requests.map(request => {
        if (request.permission.attributes.action === 'read') {
          return { result: AuthorizeResult.ALLOW };
        }
        const entity = known.find(
          e => stringifyEntityRef(e) === (request as any).resourceRef,
        );
        const principal = options.credentials.principal as {
          userEntityRef?: string;
        };
        return {
          result:
            entity && entity.spec?.owner === principal.userEntityRef
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      }),
  });
}

/** Starts a backend with the crawlers plugin, a mock catalog and the owner policy. */
export async function startCrawlersBackend(
  options: {
    config?: JsonObject;
    logger?: LoggerService;
    entities?: Entity[];
    extraFeatures?: any[];
    /** Use the real claim service (CodeCommit reads) instead of the in-memory DAG repository. */
    realClaimService?: boolean;
    /** A permissions service factory instead of the owner policy. */
    permissions?: any;
  } = {},
) {
  const known = options.entities ?? entities;
  const features: any[] = [
    crawlersPlugin,
    mockServices.rootConfig.factory({
      data: options.config ?? airflowConfig(),
    }),
    catalogServiceMock.factory({ entities: known }),
    options.permissions ?? ownerPolicyPermissions(known).factory,
    ...(options.realClaimService ? [] : [testClaimServiceFactory]),
    ...(options.extraFeatures ?? []),
  ];
  if (options.logger) {
    const logger = options.logger;
    features.push(
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logger as any,
      }),
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => logger,
      }),
    );
  }
  return startTestBackend({ features });
}

/** A logger that keeps every message and its metadata, for tests that grep logs. */
export function captureLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const make = (fields: Record<string, unknown>): LoggerService => {
    const log =
      (level: string) => (message: string, meta?: Error | JsonObject) => {
        const extra =
          meta instanceof Error
            ? { name: meta.name, message: meta.message, stack: meta.stack }
            : meta;
        lines.push(JSON.stringify({ level, message, ...fields, ...extra }));
      };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: meta => make({ ...fields, ...meta }),
    };
  };
  return Object.assign(make({}), { lines });
}

/**
 * The owner policy, except that `crawlers.airflow.read` is refused to one user (a caller who may not read the crawler's
 * data although the catalog shows it the entity).
 */
export function denyReadTo(user: string, known: Entity[] = entities) {
  const owner = ownerPolicyPermissions(known);
  return mockServices.permissions.mock({
    authorize: async (requests, options) => {
      const principal = options.credentials.principal as {
        userEntityRef?: string;
      };
      if (principal.userEntityRef === user) {
        return requests.map(() => ({ result: AuthorizeResult.DENY }));
      }
      return owner.authorize(requests as any, options);
    },
  });
}
