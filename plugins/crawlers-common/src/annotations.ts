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
 * Annotation naming the crawler's DAG files by their path in the DAG repository, comma-separated (for example
 * `dags/shop_backfill.py`). A file that never parsed has no DAG and no tags; its import error is shown to the entity
 * when the file is named here and its source in the DAG repository carries the entity's claim tag.
 *
 * @public
 */
export const ANNOTATION_CRAWLERS_DAG_FILES = 'crawler-platform.io/dag-files';

/**
 * Annotation of the Kubernetes plugin naming the entity's namespace; for a crawler, the namespace its
 * KubernetesPodOperator pods run in. The claim holds only when that Namespace names the entity back with
 * {@link ANNOTATION_CRAWLERS_NAMESPACE_ENTITY}.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/**
 * Annotation on a Kubernetes Namespace naming the catalog entity that owns it (`component:default/shop-crawler`);
 * it confirms the entity's claim on the namespace (refs compare case-insensitively).
 *
 * @public
 */
export const ANNOTATION_CRAWLERS_NAMESPACE_ENTITY =
  'crawler-platform.io/entity';

/**
 * Prefix of the DAG tag that confirms an entity's claim on a DAG: `backstage:<entity ref>` (see the
 * crawlers-node `dagClaimTag` for the rule that keeps tags within Airflow's 100 characters).
 *
 * @public
 */
export const CRAWLERS_CLAIM_TAG_PREFIX = 'backstage:';

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
  /** DAG file paths in the DAG repository (annotation `crawler-platform.io/dag-files`), possibly empty. */
  dagFiles: string[];
  /**
   * The crawler's Kubernetes namespace (annotation `backstage.io/kubernetes-namespace`, trimmed, not checked), or
   * undefined when the entity names none.
   */
  kubernetesNamespace?: string;
}

/** Pattern a DAG file path must match: relative, `/`-separated, a `.py` file, no `.` or `..` segments. */
const DAG_FILE_PATTERN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\.py$/;

/**
 * The one rule for "is a crawler", used by the frontend and the backend alike: a Component of `spec.type: crawler`
 * with a non-empty DAG id annotation.
 *
 * @public
 */
export function isCrawlersAvailable(entity: Entity): boolean {
  if (
    entity.kind.toLocaleLowerCase('en-US') !== 'component' ||
    entity.spec?.type !== 'crawler'
  ) {
    return false;
  }
  const value = entity.metadata.annotations?.[ANNOTATION_CRAWLERS_DAG_IDS];
  return typeof value === 'string' && value.split(',').some(v => v.trim());
}

/**
 * Splits a comma-separated DAG file annotation value into trimmed, de-duplicated repository paths and checks each.
 *
 * @public
 */
export function parseCrawlersDagFiles(value: string): string[] {
  const files: string[] = [];
  for (const raw of value.split(',')) {
    const file = raw.trim().replace(/^\.\//, '');
    if (!file) {
      continue;
    }
    const segments = file.split('/');
    if (
      file.length > 500 ||
      !DAG_FILE_PATTERN.test(file) ||
      segments.some(s => s === '.' || s === '..')
    ) {
      throw new InputError(
        `Annotation ${ANNOTATION_CRAWLERS_DAG_FILES} holds an invalid DAG file path "${file.slice(
          0,
          80,
        )}": use paths of .py files relative to the DAG repository's root (e.g. dags/shop.py), separated by commas`,
      );
    }
    if (!files.includes(file)) {
      files.push(file);
    }
  }
  return files;
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
  const dagFiles = parseCrawlersDagFiles(
    annotations[ANNOTATION_CRAWLERS_DAG_FILES] ?? '',
  );
  const instance = annotations[ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]?.trim();
  const namespace = annotations[ANNOTATION_KUBERNETES_NAMESPACE]?.trim();
  return {
    dagIds,
    dagFiles,
    ...(instance ? { airflowInstance: instance } : {}),
    ...(namespace ? { kubernetesNamespace: namespace } : {}),
  };
}
