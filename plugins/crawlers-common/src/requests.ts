/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { CrawlersDagRunState } from './types';

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
