/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TestPipeline } from '@backstage/plugin-search-backend-node';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_IDS,
} from '@crawler-platform/plugin-crawlers-common';
import {
  AirflowInstanceConfig,
  DefaultAirflowService,
  DefaultCrawlerClaimService,
} from '@crawler-platform/plugin-crawlers-node';
import type { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import { CrawlerCollatorFactoryOptions } from '../CrawlerCollatorFactory';

/** A crawler entity (a Component of type crawler) naming DAGs on an instance. */
export function crawlerEntity(
  name: string,
  options: {
    dagIds: string;
    instance?: string;
    title?: string;
    description?: string;
    owner?: string;
    system?: string;
    links?: Array<{ url: string; type?: string; title?: string }>;
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(options.title ? { title: options.title } : {}),
      ...(options.description ? { description: options.description } : {}),
      ...(options.links ? { links: options.links } : {}),
      annotations: {
        [ANNOTATION_CRAWLERS_DAG_IDS]: options.dagIds,
        ...(options.instance
          ? { [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: options.instance }
          : {}),
      },
    },
    spec: {
      type: 'crawler',
      lifecycle: 'production',
      owner: options.owner ?? 'crawler-team',
      ...(options.system ? { system: options.system } : {}),
    },
  };
}

/** Settings of a test Airflow instance (API version fixed, so that no probe is made). */
export function instanceConfig(
  name: string,
  baseUrl: string,
  apiVersion: 'v1' | 'v2',
  overrides: Partial<AirflowInstanceConfig> = {},
): AirflowInstanceConfig {
  return {
    name,
    baseUrl,
    uiUrl: `${baseUrl}/ui/`,
    apiVersion,
    auth: { type: 'none' },
    timeoutMs: 2000,
    maxConcurrentRequests: 8,
    claims: 'tag',
    ...overrides,
  };
}

/** The collator dependencies over test instances and entities: the real Airflow client and claim check. */
export function collatorOptions(options: {
  instances: AirflowInstanceConfig[];
  entities: Entity[];
}) {
  const logger = mockServices.logger.mock();
  const deps: CrawlerCollatorFactoryOptions = {
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities: options.entities }),
    airflow: DefaultAirflowService.create({
      instances: options.instances,
      logger,
    }),
    claims: DefaultCrawlerClaimService.create({
      reader: {
        readFile: async () => {
          throw new Error('DAG claims are decided by tags, not files');
        },
      },
      logger,
    }),
    logger,
  };
  return { deps, logger };
}

/** Config of the collators. */
export function collatorConfig(crawler: JsonObject = {}) {
  return new ConfigReader({ search: { collators: { crawler } } });
}

/** Runs a collator factory through the search test pipeline. */
export async function collate(factory: DocumentCollatorFactory) {
  return TestPipeline.fromCollator(await factory.getCollator()).execute();
}
