/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The search types of the Crawler Platform's documents: `crawler` for DAGs a crawler entity claims, `crawler-unclaimed`
 * for DAGs no entity claims (indexed only with `search.collators.crawler.includeUnclaimed`).
 *
 * @public
 */
export type CrawlersSearchType = 'crawler' | 'crawler-unclaimed';

/**
 * A search document of the Crawler Platform, as `@crawler-platform/plugin-search-backend-module-crawlers` indexes it
 * and the search result list item reads it: one Airflow DAG, with the crawler entity whose claim it confirms. Every
 * field is present (null when unknown).
 *
 * @public
 */
export interface CrawlersSearchDocument {
  /** Claimed: `<entity title> · <DAG display name>`; unclaimed: the DAG display name. */
  title: string;
  /** The entity's description, else the DAG's; empty when neither has one. */
  text: string;
  /** Claimed: the entity page with `?dag=<DAG id>`; unclaimed: the DAG in the Airflow UI. */
  location: string;
  /** The Airflow instance name (`crawlers.airflow.instances[].name`). */
  instance: string;
  /** The DAG id. */
  dagId: string;
  /** The DAG's display name (its id unless the DAG sets one). */
  dagDisplayName: string;
  /** The DAG in the Airflow UI (Airflow 2: its grid view). */
  airflowUrl: string;
  /** The crawler entity whose claim holds, e.g. `component:default/news-crawler`; null when unclaimed. */
  entityRef: string | null;
  /** The entity's title (else its name); null when unclaimed. */
  entityTitle: string | null;
  /** The entity's `spec.owner` as a full ref (`group:default/crawler-team`); null when unclaimed. */
  owner: string | null;
  /** The entity's `spec.system` as a full ref; null when it names none or the DAG is unclaimed. */
  system: string | null;
  /** The URLs of the entity's `metadata.links` of type `crawl-target`: the sites the crawler crawls. */
  targets: string[];
  /** The DAG's owners in Airflow. */
  dagOwners: string[];
  /** The DAG's tags in Airflow (claim tags included). */
  tags: string[];
  /** The schedule as Airflow shows it (`@daily`, `0 * * * *`, …); null for a DAG without one. */
  schedule: string | null;
  /** Whether the DAG is paused in Airflow. */
  paused: boolean;
  /** State of the latest run (`queued`, `running`, `success`, `failed`); null when there is none or it is unknown. */
  lastRunState: string | null;
  /** When the latest run started, else when it was due; null when there is none or it is unknown. */
  lastRunAt: string | null;
  /** Whether the DAG's file currently fails to import (Airflow keeps the last good DAG). */
  hasImportErrors: boolean;
}
