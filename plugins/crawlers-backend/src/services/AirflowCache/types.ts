/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { JsonValue } from '@backstage/types';

/**
 * Result of a cached read: the value (fresh or stale), when it was fetched, and the error of a failed refresh.
 */
export interface CachedResult<T> {
  /** Undefined only when the fetch failed and no earlier value exists. */
  value: T | undefined;
  /** ISO time the value was fetched from Airflow; null without a value. */
  fetchedAt: string | null;
  /** True when the value is older than its TTL because the refresh failed. */
  stale: boolean;
  /** The refresh failure, if any. */
  error?: unknown;
}

/**
 * Kinds of cached upstream answers, each with its own TTL: Airflow (`dag`, `runs`, `taskInstances`,
 * `importErrors`), Kubernetes (`pods` for pod and event lists, `namespaces`, `gitSync` for git-sync pods and logs,
 * `clusterConfig` for Roles, RoleBindings and the pod template), container and task logs the diagnosis reads (`logs`),
 * AWS (`aws`: Fargate profiles, route tables, VPC endpoints, IAM role and ECR repository policies) and CodeCommit
 * (`repositoryHead` for branch heads, `repositoryHistory` for commits and differences, which never change).
 */
export type AirflowResourceKind =
  | 'dag'
  | 'runs'
  | 'taskInstances'
  | 'importErrors'
  | 'pods'
  | 'namespaces'
  | 'gitSync'
  | 'clusterConfig'
  | 'logs'
  | 'aws'
  | 'repositoryHead'
  | 'repositoryHistory';

/**
 * What a cached value belongs to: an instance, optionally one of its DAGs or a named group (e.g. the pods of a
 * namespace); DAGs and groups have a generation that invalidation bumps.
 */
export interface AirflowCacheScope {
  instance: string;
  dagId?: string;
  group?: string;
}

/**
 * Read-through cache of upstream (Airflow, Kubernetes, CodeCommit) answers with per-resource TTLs, request coalescing, stale-on-error and
 * per-DAG invalidation.
 */
export interface AirflowCache {
  /**
   * Returns the cached value of `key` if fresh; otherwise fetches it once for all concurrent callers, stores it,
   * and on failure returns the last good value marked stale together with the error.
   *
   * @param scope - instance and DAG the value belongs to (the DAG is omitted for instance-wide values)
   */
  read<T extends JsonValue>(
    scope: AirflowCacheScope,
    kind: AirflowResourceKind,
    key: string,
    fetch: () => Promise<T>,
  ): Promise<CachedResult<T>>;
  /** Makes every cached value of one DAG outdated (after a trigger or pause). */
  invalidateDag(instance: string, dagId: string): Promise<void>;
  /** Makes every cached value of a group outdated (after a pod cleanup). */
  invalidateGroup(instance: string, group: string): Promise<void>;
}
