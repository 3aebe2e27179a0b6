/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { IndexableDocument } from '@backstage/plugin-search-common';
import type { CrawlersSearchDocument } from '@crawler-platform/plugin-crawlers-common';
import type { ScannedDag } from './DagScanner';

/**
 * A search document of the Crawler Platform: one Airflow DAG, with the crawler entity whose claim it confirms.
 *
 * @remarks
 * Documents of type `crawler` are claimed DAGs: `location` is the entity page (`/catalog/<namespace>/<kind>/<name>`)
 * with `?dag=<DAG id>` appended, because search engines key documents by location (Lunr keeps one per location across
 * all types, so the bare page would replace the catalog's own document of the entity, and a crawler's second DAG its
 * first); `authorization.resourceRef` is the entity ref. Documents of type `crawler-unclaimed` are DAGs no entity
 * claims: `location` is the DAG in the Airflow UI, the entity fields are null and there is no `authorization`.
 * Every document has every field (null when unknown), since Lunr learns the searchable fields from the first one.
 * The fields are those of `CrawlersSearchDocument` in crawlers-common, which the frontend's result list item reads.
 *
 * @public
 */
export interface CrawlerSearchDocument
  extends IndexableDocument,
    CrawlersSearchDocument {}

/** The DAG's page in the Airflow UI of its version. */
export function airflowDagUrl(scanned: ScannedDag): string {
  const base = scanned.instance.uiUrl.replace(/\/+$/, '');
  const dag = encodeURIComponent(scanned.dag.dagId);
  return scanned.apiVersion === 'v1'
    ? `${base}/dags/${dag}/grid`
    : `${base}/dags/${dag}`;
}

/** The search document of a scanned DAG, claimed or not. */
export function toCrawlerSearchDocument(
  scanned: ScannedDag,
): CrawlerSearchDocument {
  const { dag, entity, lastRun } = scanned;
  const airflowUrl = airflowDagUrl(scanned);
  const common = {
    instance: scanned.instance.name,
    dagId: dag.dagId,
    dagDisplayName: dag.displayName,
    airflowUrl,
    dagOwners: dag.owners,
    tags: dag.tags,
    schedule: dag.schedule,
    paused: dag.isPaused,
    lastRunState: lastRun ? String(lastRun.state) : null,
    lastRunAt: lastRun
      ? lastRun.startDate ?? lastRun.runAfter ?? lastRun.logicalDate
      : null,
    hasImportErrors: dag.hasImportErrors,
  };
  if (!entity) {
    return {
      title: dag.displayName,
      text: dag.description ?? '',
      location: airflowUrl,
      entityRef: null,
      entityTitle: null,
      owner: null,
      system: null,
      targets: [],
      ...common,
    };
  }
  return {
    title: `${entity.title} · ${dag.displayName}`,
    text: entity.description ?? dag.description ?? '',
    location: `${entity.page}?dag=${encodeURIComponent(dag.dagId)}`,
    authorization: { resourceRef: entity.ref },
    entityRef: entity.ref,
    entityTitle: entity.title,
    owner: entity.owner,
    system: entity.system,
    targets: entity.targets,
    ...common,
  };
}
