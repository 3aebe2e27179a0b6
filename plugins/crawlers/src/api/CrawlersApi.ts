/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CrawlersAirflowResponse,
  CrawlersDagRunsPage,
  CrawlersDiagnosisResponse,
  CrawlersEntityRequest,
  CrawlersGitSyncResponse,
  CrawlersListRunsRequest,
  CrawlersOverviewResponse,
  CrawlersPauseResponse,
  CrawlersPodCleanupResponse,
  CrawlersPodsResponse,
  CrawlersSetPausedRequest,
  CrawlersTaskInstancesRequest,
  CrawlersTaskInstancesResponse,
  CrawlersTaskLogRequest,
  CrawlersTaskLogResponse,
  CrawlersTriggerResponse,
  CrawlersTriggerRunRequest,
} from '@crawler-platform/plugin-crawlers-common';

/**
 * The crawlers backend (`/api/crawlers`) as the browser sees it. Every method names the crawler by its catalog entity;
 * its request and response types come from `@crawler-platform/plugin-crawlers-common`.
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
  /**
   * The diagnosis of the known field failures: findings (most severe first) with their evidence and fix, and the
   * outcome of every check.
   */
  getDiagnosis(
    request: CrawlersEntityRequest,
  ): Promise<CrawlersDiagnosisResponse>;
};

/**
 * The API reference of {@link CrawlersApi}.
 *
 * @public
 */
export const crawlersApiRef = createApiRef<CrawlersApi>({
  id: 'plugin.crawlers.service',
});
