/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * Annotation naming the Airflow DAG id(s) of a crawler, comma-separated
 * (for example `shop-products,shop-prices`).
 *
 * @public
 */
export const ANNOTATION_CRAWLERS_DAG_IDS = 'crawler-platform.io/dag-ids';

/**
 * Annotation naming the configured Airflow instance that runs the crawler's DAGs
 * (`crawlers.airflow.instances[].name`); the first configured instance when absent.
 *
 * @public
 */
export const ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE =
  'crawler-platform.io/airflow-instance';

/**
 * Pattern a DAG id must match: Airflow's own key rule (letters, digits, `_`, `.`, `-`), at most 250 characters.
 *
 * @public
 */
export const CRAWLERS_DAG_ID_PATTERN = /^[A-Za-z0-9_.-]{1,250}$/;

/**
 * The Airflow link of an entity, read from its annotations.
 *
 * @public
 */
export interface CrawlersEntityLink {
  /** DAG ids in annotation order, without duplicates. */
  dagIds: string[];
  /** Airflow instance name, or undefined for the default (first) instance. */
  airflowInstance?: string;
}

/**
 * Tells whether an entity carries a non-empty crawler DAG id annotation.
 *
 * @public
 */
export function isCrawlersAvailable(entity: Entity): boolean {
  const value = entity.metadata.annotations?.[ANNOTATION_CRAWLERS_DAG_IDS];
  return typeof value === 'string' && value.split(',').some(v => v.trim());
}

/**
 * Splits a comma-separated DAG id annotation value into trimmed, de-duplicated ids and checks each one.
 *
 * @public
 */
export function parseCrawlersDagIds(value: string): string[] {
  const ids: string[] = [];
  for (const raw of value.split(',')) {
    const id = raw.trim();
    if (!id) {
      continue;
    }
    if (!CRAWLERS_DAG_ID_PATTERN.test(id) || id === '.' || id === '..') {
      throw new InputError(
        `Annotation ${ANNOTATION_CRAWLERS_DAG_IDS} holds an invalid DAG id "${id.slice(
          0,
          80,
        )}": use 1-250 letters, digits, "_", "." or "-", separated by commas`,
      );
    }
    if (!ids.includes(id)) {
      ids.push(id);
    }
  }
  return ids;
}

/**
 * Reads the crawler annotations of an entity.
 *
 * @remarks
 * Throws `InputError` from `@backstage/errors` when the DAG id annotation is missing, empty or invalid.
 *
 * @public
 */
export function parseCrawlersAnnotations(entity: Entity): CrawlersEntityLink {
  const annotations = entity.metadata.annotations ?? {};
  const dagIds = parseCrawlersDagIds(
    annotations[ANNOTATION_CRAWLERS_DAG_IDS] ?? '',
  );
  if (dagIds.length === 0) {
    throw new InputError(
      `Entity has no DAG ids: set the annotation ${ANNOTATION_CRAWLERS_DAG_IDS} to a comma-separated list of DAG ids`,
    );
  }
  const instance = annotations[ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]?.trim();
  return instance ? { dagIds, airflowInstance: instance } : { dagIds };
}
