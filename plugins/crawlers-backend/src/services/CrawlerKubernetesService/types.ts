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
 * Entity-scoped Kubernetes operations behind the routes: the crawler's pods, their cleanup, and the git-sync state
 * of its Airflow instance. Callers have already checked the caller's permission on the target entity; the service
 * shows pods only of DAGs whose claim holds, and operator pods only in a namespace whose claim holds. Read
 * operations never throw because of the cluster or CodeCommit: failures are section errors.
 */
export interface CrawlerKubernetesService {
  /** KubernetesPodOperator pods in the crawler's namespace and KubernetesExecutor worker pods in Airflow's. */
  listPods(target: CrawlerTarget): Promise<CrawlersPodsResponse>;
  /**
   * Deletes the crawler's finished (Succeeded/Failed) KubernetesPodOperator pods in its own namespace, checking the
   * namespace and DAG claims against the cluster and Airflow as they are now. Throws 403 when the namespace claim
   * does not hold.
   */
  cleanupPods(target: CrawlerTarget): Promise<CrawlersPodCleanupResponse>;
  /** git-sync of the crawler's Airflow instance compared with the head of the branch it follows. */
  getGitSync(target: CrawlerTarget): Promise<CrawlersGitSyncResponse>;
}
