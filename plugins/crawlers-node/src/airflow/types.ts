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
 * The DAG repository an Airflow instance follows with git-sync (`crawlers.airflow.instances[].dagRepository`).
 *
 * @public
 */
export interface AirflowDagRepositoryConfig {
  type: 'codecommit';
  /** CodeCommit repository name. */
  repositoryName: string;
  /** The branch git-sync follows. */
  branch: string;
  /** AWS region of the repository; the SDK's default region when absent. */
  region?: string;
  /** AWS account of the repository, for `aws.accounts` credentials; the main account when absent. */
  accountId?: string;
  /** AWS endpoint override (a VPC endpoint, or a local stand-in); the SDK's default when absent. */
  endpoint?: string;
  /** The chart's `dags.gitSync.subPath`: the folder of the repository Airflow reads DAGs from ('' = the root). */
  subPath: string;
  /** The chart's `dags.mountPath`: git-sync's link is `<mountPath>/repo`, absolute DAG file paths start there. */
  mountPath: string;
}

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
  /** Requests in flight to this instance at most; more wait their turn. */
  maxConcurrentRequests: number;
  /**
   * How an entity's claim on a DAG is confirmed: `tag` (the DAG carries `backstage:<entity ref>`) or `annotation`
   * (the entity's annotation alone; only for DAG repositories whose writers are all trusted).
   */
  claims: 'tag' | 'annotation';
  /** The DAG repository, for import errors of files that never parsed; none configured when absent. */
  dagRepository?: AirflowDagRepositoryConfig;
  /** Where the instance runs (its cluster, namespace and Helm release), for pods and git-sync; absent when unknown. */
  kubernetes?: AirflowKubernetesConfig;
}

/**
 * Where an Airflow instance runs (`crawlers.airflow.instances[].kubernetes`).
 *
 * @public
 */
export interface AirflowKubernetesConfig {
  /** A cluster of `crawlers.clusters` (or `kubernetes.clusterLocatorMethods`). */
  cluster: string;
  /** The namespace of Airflow's pods (scheduler, dag-processor, KubernetesExecutor workers). */
  namespace: string;
  /** The Helm release: Airflow's pods carry the label `release: <release>` (chart defaults). */
  release: string;
}

/**
 * A whole collection read by following pagination, and whether paging stopped at its bound before the end.
 *
 * @public
 */
export interface AirflowCollection<T> {
  items: T[];
  /** True when more items exist than were read (the page bound was reached). */
  truncated: boolean;
  /** Airflow's `total_entries`. */
  totalEntries: number;
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
 * Options of {@link AirflowInstanceClient.listDags}: one page of the instance's DAGs, ordered by DAG id.
 *
 * @public
 */
export interface AirflowListDagsOptions {
  /** Page size, 1-100 (Airflow's default `maximum_page_limit` is 100). */
  limit: number;
  /** DAGs to skip. */
  offset: number;
}

/**
 * Options of {@link AirflowInstanceClient.listRecentDagRuns}: one page of the runs of every DAG, newest first.
 *
 * @public
 */
export interface AirflowListRecentDagRunsOptions {
  /** Page size, 1-100. */
  limit: number;
  /** Runs to skip. */
  offset: number;
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
  /** The instance's settings (credentials included: never send them to a browser or a log). */
  readonly config: AirflowInstanceConfig;
  /** URL of the Airflow UI for links. */
  readonly uiUrl: string;
  /** The API version, probed once when configured as `auto`. */
  getApiVersion(): Promise<AirflowApiVersion>;
  /** Probes the API version and, for \`password\` auth, obtains a JWT, so that the first user request does not wait for them. */
  warmUp(): Promise<void>;
  getDag(dagId: string): Promise<CrawlersDag>;
  /**
   * One page of the instance's active DAGs, ordered by DAG id (v1 and v2 `GET /dags`); callers page with `offset`
   * until a page comes back empty or `totalEntries` is reached.
   */
  listDags(options: AirflowListDagsOptions): Promise<AirflowPage<CrawlersDag>>;
  /** Runs of one DAG, newest first (by logical date on v1, by `run_after` on v2). */
  listDagRuns(
    dagId: string,
    options: AirflowListDagRunsOptions,
  ): Promise<AirflowPage<CrawlersDagRun>>;
  /**
   * One page of the runs of every DAG (`GET /dags/~/dagRuns`), newest first in the order {@link
   * AirflowInstanceClient.listDagRuns} uses for one DAG, so the first run seen of a DAG is its latest.
   */
  listRecentDagRuns(
    options: AirflowListRecentDagRunsOptions,
  ): Promise<AirflowPage<CrawlersDagRun>>;
  /** All task instances of a run (follows pagination up to its bound). */
  listTaskInstances(
    dagId: string,
    runId: string,
  ): Promise<AirflowCollection<CrawlersTaskInstance>>;
  getTaskLog(
    dagId: string,
    runId: string,
    taskId: string,
    tryNumber: number,
    options?: AirflowTaskLogOptions,
  ): Promise<CrawlersTaskLog>;
  /** All import errors of the instance (follows pagination up to its bound). */
  listImportErrors(): Promise<AirflowCollection<CrawlersImportError>>;
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
