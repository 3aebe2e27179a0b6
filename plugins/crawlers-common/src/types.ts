/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Airflow REST API version of an instance: `v1` is Airflow 2.x (`/api/v1`), `v2` is Airflow 3.x (`/api/v2`).
 *
 * @public
 */
export type AirflowApiVersion = 'v1' | 'v2';

/**
 * State of a DAG run (the same four values in both API versions).
 *
 * @public
 */
export type CrawlersDagRunState = 'queued' | 'running' | 'success' | 'failed';

/**
 * A DAG as the crawlers plugin models it, whatever the Airflow version.
 *
 * @public
 */
export interface CrawlersDag {
  dagId: string;
  displayName: string;
  description: string | null;
  isPaused: boolean;
  /** v1 `is_active`; v2 `!is_stale`. */
  isActive: boolean;
  /** v1 `schedule_interval` (rendered as text); v2 `timetable_summary`. */
  schedule: string | null;
  /** Logical date of the next run (v1 `next_dagrun`, v2 `next_dagrun_logical_date`). */
  nextRunLogicalDate: string | null;
  /** When the next run will be created (v1 `next_dagrun_create_after`, v2 `next_dagrun_run_after`). */
  nextRunAfter: string | null;
  owners: string[];
  tags: string[];
  fileloc: string | null;
  /** v2 `relative_fileloc` (relative to the DAG bundle); null on v1. */
  relativeFileloc: string | null;
  /** v2 `bundle_name`; null on v1. */
  bundleName: string | null;
  hasImportErrors: boolean;
}

/**
 * A DAG run.
 *
 * @public
 */
export interface CrawlersDagRun {
  dagId: string;
  runId: string;
  state: CrawlersDagRunState | string;
  runType: string;
  /** v1 `logical_date` (or `execution_date`); v2 nullable `logical_date`. */
  logicalDate: string | null;
  /** v2 `run_after`; v1 has no such field and repeats the logical date. */
  runAfter: string | null;
  startDate: string | null;
  endDate: string | null;
  /** Seconds between start and end (v2 `duration`, computed for v1). */
  durationSeconds: number | null;
  /** v1 `external_trigger` as "external"; v2 `triggered_by`. */
  triggeredBy: string | null;
  conf: Record<string, unknown> | null;
  note: string | null;
}

/**
 * A task instance of a DAG run.
 *
 * @public
 */
export interface CrawlersTaskInstance {
  taskId: string;
  mapIndex: number;
  state: string | null;
  tryNumber: number;
  maxTries: number | null;
  operator: string | null;
  startDate: string | null;
  endDate: string | null;
  durationSeconds: number | null;
  hostname: string | null;
}

/**
 * A DAG file that Airflow failed to import.
 *
 * @public
 */
export interface CrawlersImportError {
  id: number;
  filename: string;
  timestamp: string | null;
  stackTrace: string;
  /** v2 only. */
  bundleName: string | null;
}

/**
 * One line of a task log; v2 structured messages keep their timestamp and level.
 *
 * @public
 */
export interface CrawlersLogLine {
  timestamp: string | null;
  level: string | null;
  message: string;
}

/**
 * One chunk of a task log.
 *
 * @public
 */
export interface CrawlersTaskLog {
  tryNumber: number;
  lines: CrawlersLogLine[];
  /** Pass back as `token` to read the next chunk; null when Airflow sent none. */
  continuationToken: string | null;
}

/**
 * An upstream failure reported in a response section instead of failing the whole response.
 *
 * @public
 */
export interface CrawlersUpstreamError {
  /** What failed, e.g. `dag:shop-products`, `runs:shop-products`, `importErrors`. */
  source: string;
  /**
   * HTTP status from Airflow; 502 when it could not be reached or answered about something else, 504 on timeout,
   * 403 for a claim that does not hold.
   */
  status: number;
  message: string;
  /** `warning` when the section still has data but is incomplete (e.g. paging stopped at its bound). Default: error. */
  severity?: 'error' | 'warning';
}

/**
 * Whether an entity's claim on a DAG holds: the DAG must carry the entity's claim tag (`backstage:<entity ref>`),
 * unless the Airflow instance is configured with `claims: annotation`.
 *
 * @public
 */
export interface CrawlersDagClaim {
  holds: boolean;
  /** The tag that confirms the claim. */
  tag: string;
  /** How the claim was decided: by the DAG's tag, or by the annotation alone (`claims: annotation`). */
  mode: 'tag' | 'annotation';
  /** Why the claim does not hold and what to add to the DAG file; absent when it holds. */
  reason?: string;
}

/**
 * Airflow instance facts the browser may see (never the API base URL or credentials).
 *
 * @public
 */
export interface CrawlersAirflowInstanceInfo {
  name: string;
  apiVersion: AirflowApiVersion | null;
  uiUrl: string | null;
}

/**
 * Per-DAG part of the `/airflow` response.
 *
 * @public
 */
export interface CrawlersDagSummary {
  dagId: string;
  /** The claim check; null when the DAG could not be read. No DAG data is returned unless it holds. */
  claim: CrawlersDagClaim | null;
  dag: CrawlersDag | null;
  /** Last 25 runs, newest first. */
  recentRuns: CrawlersDagRun[];
  /** When the oldest of the shown values was fetched from Airflow. */
  fetchedAt: string | null;
  /** True when a value is served from cache after a failed refresh. */
  stale: boolean;
  errors: CrawlersUpstreamError[];
}

/**
 * Response of `GET /api/crawlers/entities/:kind/:namespace/:name/airflow`.
 *
 * @public
 */
export interface CrawlersAirflowResponse {
  entityRef: string;
  instance: CrawlersAirflowInstanceInfo;
  dags: CrawlersDagSummary[];
  /** Import errors of this crawler's files. */
  importErrors: CrawlersImportError[];
  importErrorsFetchedAt: string | null;
  importErrorsStale: boolean;
  /** Failures and warnings outside a DAG section (import errors, version probe, file claims, truncated paging). */
  errors: CrawlersUpstreamError[];
}

/**
 * Response of the runs route: one page of runs.
 *
 * @public
 */
export interface CrawlersDagRunsPage {
  dagId: string;
  runs: CrawlersDagRun[];
  totalEntries: number;
  limit: number;
  offset: number;
  fetchedAt: string | null;
  stale: boolean;
  errors: CrawlersUpstreamError[];
}

/**
 * Response of the task instances route.
 *
 * @public
 */
export interface CrawlersTaskInstancesResponse {
  dagId: string;
  runId: string;
  taskInstances: CrawlersTaskInstance[];
  fetchedAt: string | null;
  stale: boolean;
  errors: CrawlersUpstreamError[];
}

/**
 * Response of the task log route.
 *
 * @public
 */
export interface CrawlersTaskLogResponse {
  dagId: string;
  runId: string;
  taskId: string;
  log: CrawlersTaskLog;
}

/**
 * Response of the trigger route.
 *
 * @public
 */
export interface CrawlersTriggerResponse {
  run: CrawlersDagRun;
}

/**
 * Response of the pause route.
 *
 * @public
 */
export interface CrawlersPauseResponse {
  dag: CrawlersDag;
}
