/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersGitSyncResponse,
  CrawlersPodCleanupResponse,
  CrawlersPodsResponse,
} from '@crawler-platform/plugin-crawlers-common';
import type { CrawlerTarget } from '../CrawlerAirflowService';
import type { PodDetails } from './pods';

/** Limits on what one caller can multiply in the Kubernetes routes (`crawlers.limits`). */
export interface CrawlerKubernetesLimits {
  maxPodsListed: number;
  maxEventsListed: number;
  maxEventsPerPod: number;
  maxGitSyncPods: number;
  maxGitSyncLogBytes: number;
  maxGitSyncLogLines: number;
}

/**
 * The reads of one request: a cache read (or DAG claim check) that several sections of the request need is made once
 * and its answer shared among them, e.g. the Airflow namespace's events that both the overview's git-sync and pods
 * sections read. Create one per request with {@link createKubeReadScope}; never keep it beyond the request.
 */
export interface CrawlerKubernetesReadScope {
  readonly reads: Map<string, Promise<unknown>>;
}

/** The pods response and each shown pod's details, by `<namespace>/<name>`. */
export interface CrawlerPodsRead {
  response: CrawlersPodsResponse;
  details: Map<string, PodDetails | undefined>;
}

/** A new {@link CrawlerKubernetesReadScope}. */
export function createKubeReadScope(): CrawlerKubernetesReadScope {
  return { reads: new Map() };
}

/**
 * Entity-scoped Kubernetes operations behind the routes: the crawler's pods, their cleanup, and the git-sync state
 * of its Airflow instance. Callers have already checked the caller's permission on the target entity; the service
 * shows pods only of DAGs whose claim holds, and operator pods only in a namespace whose claim holds. Read
 * operations never throw because of the cluster or CodeCommit: failures are section errors.
 */
export interface CrawlerKubernetesService {
  /** KubernetesPodOperator pods in the crawler's namespace and KubernetesExecutor worker pods in Airflow's. */
  listPods(
    target: CrawlerTarget,
    scope?: CrawlerKubernetesReadScope,
  ): Promise<CrawlersPodsResponse>;
  /**
   * The same pods with the spec and status details the diagnosis reads (by `<namespace>/<name>`); the details are
   * never sent to a browser as such.
   */
  readPods(
    target: CrawlerTarget,
    scope?: CrawlerKubernetesReadScope,
  ): Promise<CrawlerPodsRead>;
  /**
   * Deletes the crawler's finished (Succeeded/Failed) KubernetesPodOperator pods in its own namespace, checking the
   * namespace and DAG claims against the cluster and Airflow as they are now. Throws 403 when the namespace claim
   * does not hold.
   */
  cleanupPods(target: CrawlerTarget): Promise<CrawlersPodCleanupResponse>;
  /** git-sync of the crawler's Airflow instance compared with the head of the branch it follows. */
  getGitSync(
    target: CrawlerTarget,
    scope?: CrawlerKubernetesReadScope,
  ): Promise<CrawlersGitSyncResponse>;
}
