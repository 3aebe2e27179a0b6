/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  AirflowApiVersion,
  CrawlersDag,
  CrawlersDagRun,
  CrawlersImportError,
  CrawlersTaskInstance,
  CrawlersTaskLog,
} from '@crawler-platform/plugin-crawlers-common';

/**
 * Authentication settings of an Airflow instance.
 *
 * @public
 */
export type AirflowAuthConfig =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'password'; username: string; password: string }
  | { type: 'bearer'; token: string };

/**
 * One configured Airflow instance (`crawlers.airflow.instances[]`).
 *
 * @public
 */
export interface AirflowInstanceConfig {
  name: string;
  baseUrl: string;
  uiUrl: string;
  apiVersion: 'auto' | AirflowApiVersion;
  auth: AirflowAuthConfig;
  timeoutMs: number;
}

/**
 * A page of items with Airflow's `total_entries`.
 *
 * @public
 */
export interface AirflowPage<T> {
  items: T[];
  totalEntries: number;
}

/**
 * Options of {@link AirflowInstanceClient.listDagRuns}.
 *
 * @public
 */
export interface AirflowListDagRunsOptions {
  /** Page size, 1-100. */
  limit: number;
  offset: number;
  /** Only runs in one of these states. */
  states?: string[];
}

/**
 * Options of {@link AirflowInstanceClient.getTaskLog}.
 *
 * @public
 */
export interface AirflowTaskLogOptions {
  /** Continuation token from a previous chunk. */
  token?: string;
  /** Map index of a mapped task; -1 (the default) for an unmapped one. */
  mapIndex?: number;
}

/**
 * Options of {@link AirflowInstanceClient.triggerDagRun}.
 *
 * @public
 */
export interface AirflowTriggerOptions {
  conf?: Record<string, unknown>;
  note?: string;
}

/**
 * Client of one Airflow instance; the same interface for the v1 and v2 REST APIs.
 *
 * @remarks
 * Non-ok responses are thrown as `ResponseError` from `@backstage/errors`; timeouts and connection failures as
 * {@link AirflowUnavailableError}.
 *
 * @public
 */
export interface AirflowInstanceClient {
  /** The instance's configuration name. */
  readonly name: string;
  /** URL of the Airflow UI for links. */
  readonly uiUrl: string;
  /** The API version, probed once when configured as `auto`. */
  getApiVersion(): Promise<AirflowApiVersion>;
  /** Probes the API version and, for \`password\` auth, obtains a JWT, so that the first user request does not wait for them. */
  warmUp(): Promise<void>;
  getDag(dagId: string): Promise<CrawlersDag>;
  listDagRuns(
    dagId: string,
    options: AirflowListDagRunsOptions,
  ): Promise<AirflowPage<CrawlersDagRun>>;
  /** All task instances of a run (follows pagination). */
  listTaskInstances(
    dagId: string,
    runId: string,
  ): Promise<CrawlersTaskInstance[]>;
  getTaskLog(
    dagId: string,
    runId: string,
    taskId: string,
    tryNumber: number,
    options?: AirflowTaskLogOptions,
  ): Promise<CrawlersTaskLog>;
  /** All import errors of the instance (follows pagination). */
  listImportErrors(): Promise<CrawlersImportError[]>;
  triggerDagRun(
    dagId: string,
    options?: AirflowTriggerOptions,
  ): Promise<CrawlersDagRun>;
  setDagPaused(dagId: string, isPaused: boolean): Promise<CrawlersDag>;
}

/**
 * Access to every configured Airflow instance.
 *
 * @public
 */
export interface AirflowService {
  /** Names of the configured instances, the default first. */
  listInstanceNames(): string[];
  /** The client of an instance, or of the default instance when no name is given; throws NotFoundError if unknown. */
  getInstance(name?: string): AirflowInstanceClient;
}
