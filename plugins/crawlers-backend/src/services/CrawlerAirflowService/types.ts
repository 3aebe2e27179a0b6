/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersAirflowResponse,
  CrawlersDag,
  CrawlersDagClaim,
  CrawlersUpstreamError,
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
  /** DAG file paths in the DAG repository (annotation `crawler-platform.io/dag-files`). */
  dagFiles: string[];
  /** The crawler's Kubernetes namespace (annotation `backstage.io/kubernetes-namespace`), not yet checked. */
  kubernetesNamespace?: string;
}

/** The claim check of one of the target's DAGs. */
export interface CrawlerDagClaimResult {
  dagId: string;
  /** The DAG as Airflow has it; null when it could not be read. Only use it when the claim holds. */
  dag: CrawlersDag | null;
  /** Null when the DAG could not be read. */
  claim: CrawlersDagClaim | null;
  /** Why the DAG could not be read (`dag:<id>`), or why the claim does not hold (`claim:<id>`, 403). */
  error?: CrawlersUpstreamError;
  fetchedAt: string | null;
  stale: boolean;
}

/**
 * Entity-scoped Airflow operations behind the routes. Callers have already checked that every DAG id is named by
 * the target entity and that the caller may act on it; the service checks that each DAG confirms the entity's
 * claim (its claim tag) before it returns any data of the DAG or changes it, and answers 403 otherwise.
 */
export interface CrawlerAirflowService {
  getOverview(target: CrawlerTarget): Promise<CrawlersAirflowResponse>;
  /**
   * The claim check of each of the target's DAGs, from the cached DAG metadata (`fresh` reads Airflow first, for
   * writes). Never throws for one DAG: its failure is in its `error`.
   */
  checkDagClaims(
    target: CrawlerTarget,
    options?: { fresh?: boolean },
  ): Promise<CrawlerDagClaimResult[]>;
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
