/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CrawlersAirflowResponse,
  CrawlersDagRunState,
  CrawlersDagRunsPage,
  CrawlersGitSyncResponse,
  CrawlersOverviewResponse,
  CrawlersPauseResponse,
  CrawlersPodCleanupResponse,
  CrawlersPodsResponse,
  CrawlersTaskInstancesResponse,
  CrawlersTaskLogResponse,
  CrawlersTriggerResponse,
} from '@crawler-platform/plugin-crawlers-common';

/**
 * The crawler a request is about: the catalog entity, never a URL.
 *
 * @public
 */
export interface CrawlersEntityRequest {
  /** The crawler's catalog entity (kind, namespace, name). */
  entityRef: CompoundEntityRef;
}

/**
 * One request about a DAG of the crawler.
 *
 * @public
 */
export interface CrawlersDagRequest extends CrawlersEntityRequest {
  /** One of the DAG ids of the crawler's annotation. */
  dagId: string;
}

/**
 * A page of a DAG's runs; `limit` is one of the backend's page sizes (10, 25, 50, 100) and `offset` a multiple of it.
 *
 * @public
 */
export interface CrawlersListRunsRequest extends CrawlersDagRequest {
  /** Runs per page; default 25. */
  limit?: 10 | 25 | 50 | 100;
  /** First run of the page, a multiple of `limit`; default 0. */
  offset?: number;
  /** Only runs in these states; default all. */
  states?: CrawlersDagRunState[];
}

/**
 * The task instances of one DAG run.
 *
 * @public
 */
export interface CrawlersTaskInstancesRequest extends CrawlersDagRequest {
  /** The run's id, e.g. `manual__2026-01-01T00:00:00+00:00`. */
  runId: string;
}

/**
 * One chunk of a task try's log; pass the previous chunk's `continuationToken` as `token` to read on.
 *
 * @public
 */
export interface CrawlersTaskLogRequest extends CrawlersTaskInstancesRequest {
  /** The task's id. */
  taskId: string;
  /** The try, from 1. */
  tryNumber: number;
  /** The map index of a mapped task; -1 or absent for an unmapped one. */
  mapIndex?: number;
  /** The previous chunk's `continuationToken`; absent for the first chunk. */
  token?: string;
}

/**
 * A new run of a DAG: the body of `POST …/dags/:dagId/runs`.
 *
 * @public
 */
export interface CrawlersTriggerRunRequest extends CrawlersDagRequest {
  /** The run's `conf`: a JSON object. */
  conf?: Record<string, unknown>;
  /** A note shown with the run in Airflow. */
  note?: string;
}

/**
 * Pause or unpause a DAG: the body of `PATCH …/dags/:dagId`.
 *
 * @public
 */
export interface CrawlersSetPausedRequest extends CrawlersDagRequest {
  /** True to pause, false to unpause. */
  isPaused: boolean;
}

/**
 * The crawlers backend (`/api/crawlers`) as the browser sees it. Every method names the crawler by its catalog entity;
 * the response types come from `@crawler-platform/plugin-crawlers-common`.
 *
 * @public
 */
export type CrawlersApi = {
  /** DAGs with their claims and last 25 runs, and the import errors of the crawler's files. */
  getAirflow(request: CrawlersEntityRequest): Promise<CrawlersAirflowResponse>;
  /** Latest and next run per DAG, git-sync summary and pod summary, each section with its own errors. */
  getOverview(
    request: CrawlersEntityRequest,
  ): Promise<CrawlersOverviewResponse>;
  /** One page of a DAG's runs, newest first. */
  listRuns(request: CrawlersListRunsRequest): Promise<CrawlersDagRunsPage>;
  /** The task instances of a run. */
  listTaskInstances(
    request: CrawlersTaskInstancesRequest,
  ): Promise<CrawlersTaskInstancesResponse>;
  /** One chunk of a task try's log. */
  getTaskLog(request: CrawlersTaskLogRequest): Promise<CrawlersTaskLogResponse>;
  /** Triggers a run (permission `crawlers.dag.trigger`). */
  triggerRun(
    request: CrawlersTriggerRunRequest,
  ): Promise<CrawlersTriggerResponse>;
  /** Pauses or unpauses a DAG (permission `crawlers.dag.pause`). */
  setPaused(request: CrawlersSetPausedRequest): Promise<CrawlersPauseResponse>;
  /** The crawler's KubernetesPodOperator and worker pods with their events. */
  listPods(request: CrawlersEntityRequest): Promise<CrawlersPodsResponse>;
  /** Deletes the crawler's finished KubernetesPodOperator pods (permission `crawlers.pod.delete`). */
  cleanupPods(
    request: CrawlersEntityRequest,
  ): Promise<CrawlersPodCleanupResponse>;
  /** git-sync of the crawler's Airflow compared with the repository head. */
  getGitSync(request: CrawlersEntityRequest): Promise<CrawlersGitSyncResponse>;
};

/**
 * The API reference of {@link CrawlersApi}.
 *
 * @public
 */
export const crawlersApiRef = createApiRef<CrawlersApi>({
  id: 'plugin.crawlers.service',
});
