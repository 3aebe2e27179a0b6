/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersAirflowResponse,
  CrawlersDagRunsPage,
  CrawlersPauseResponse,
  CrawlersTaskInstancesResponse,
  CrawlersTaskLogResponse,
  CrawlersTriggerResponse,
} from '@crawler-platform/plugin-crawlers-common';

/** The Airflow side of one crawler entity, taken from its annotations. */
export interface CrawlerTarget {
  entityRef: string;
  /** Airflow instance name; the default instance when undefined. */
  instance?: string;
  dagIds: string[];
}

/**
 * Entity-scoped Airflow operations behind the routes. Callers have already checked that every DAG id belongs to
 * the target entity and that the caller may act on it.
 */
export interface CrawlerAirflowService {
  getOverview(target: CrawlerTarget): Promise<CrawlersAirflowResponse>;
  listRuns(
    target: CrawlerTarget,
    dagId: string,
    options: { limit: number; offset: number; states?: string[] },
  ): Promise<CrawlersDagRunsPage>;
  listTaskInstances(
    target: CrawlerTarget,
    dagId: string,
    runId: string,
  ): Promise<CrawlersTaskInstancesResponse>;
  getTaskLog(
    target: CrawlerTarget,
    dagId: string,
    runId: string,
    taskId: string,
    tryNumber: number,
    options: { token?: string; mapIndex?: number },
  ): Promise<CrawlersTaskLogResponse>;
  triggerRun(
    target: CrawlerTarget,
    dagId: string,
    options: { conf?: Record<string, unknown>; note?: string },
  ): Promise<CrawlersTriggerResponse>;
  setPaused(
    target: CrawlerTarget,
    dagId: string,
    isPaused: boolean,
  ): Promise<CrawlersPauseResponse>;
}
