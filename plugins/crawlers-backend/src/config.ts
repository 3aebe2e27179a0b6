/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { AirflowCacheTtls } from './services/AirflowCache';

/** Defaults of the crawlers backend configuration (see config.d.ts). */
export const defaults = {
  cache: {
    dagTtlMs: 60_000,
    runsTtlMs: 15_000,
    taskInstancesTtlMs: 15_000,
    importErrorsTtlMs: 30_000,
    podsTtlMs: 5_000,
    namespacesTtlMs: 30_000,
    gitSyncTtlMs: 10_000,
    clusterConfigTtlMs: 30_000,
    logsTtlMs: 15_000,
    awsTtlMs: 60_000,
    repositoryHeadTtlMs: 10_000,
    staleTtlMs: 86_400_000,
  },
  kubernetes: {
    timeoutMs: 10_000,
  },
  aws: {
    timeoutMs: 10_000,
  },
  trigger: {
    maxConfBytes: 16_384,
  },
  limits: {
    maxDagIdsPerEntity: 20,
    maxRunsOffset: 10_000,
    maxLogChunkBytes: 1_048_576,
    maxRequestBodyBytes: 65_536,
    maxPodsListed: 200,
    maxEventsListed: 500,
    maxEventsPerPod: 10,
    maxGitSyncPods: 5,
    maxGitSyncLogBytes: 524_288,
    maxGitSyncLogLines: 500,
    maxSchedulerLogLines: 2_000,
    maxDiagnosisLogLines: 600,
  },
} as const;

/** Page sizes the runs route accepts; offsets are multiples of the page size (a small set of cache keys). */
export const RUN_PAGE_SIZES = [10, 25, 50, 100] as const;

/** Settings of the crawlers backend read from config. */
export interface CrawlersBackendSettings {
  ttls: AirflowCacheTtls;
  maxConfBytes: number;
  /** Timeout of each Kubernetes API call, in milliseconds. */
  kubernetesTimeoutMs: number;
  /** Timeout of each AWS call of the diagnosis (EKS, EC2, IAM, ECR), in milliseconds. */
  awsTimeoutMs: number;
  limits: {
    maxDagIdsPerEntity: number;
    maxRunsOffset: number;
    maxLogChunkBytes: number;
    maxRequestBodyBytes: number;
    maxPodsListed: number;
    maxEventsListed: number;
    maxEventsPerPod: number;
    maxGitSyncPods: number;
    maxGitSyncLogBytes: number;
    maxGitSyncLogLines: number;
    maxSchedulerLogLines: number;
    maxDiagnosisLogLines: number;
  };
}

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new InputError(`${key} must be a positive whole number`);
  }
  return value;
}

/**
 * Reads `crawlers.cache`, `crawlers.trigger`, `crawlers.kubernetes`, `crawlers.aws` and `crawlers.limits` with their
 * defaults.
 */
export function readCrawlersBackendSettings(
  config: Config,
): CrawlersBackendSettings {
  const c = defaults.cache;
  const l = defaults.limits;
  const limit = (key: keyof typeof l) =>
    positive(config, `crawlers.limits.${key}`, l[key]);
  const stale = positive(config, 'crawlers.cache.staleTtlMs', c.staleTtlMs);
  return {
    ttls: {
      dag: positive(config, 'crawlers.cache.dagTtlMs', c.dagTtlMs),
      runs: positive(config, 'crawlers.cache.runsTtlMs', c.runsTtlMs),
      taskInstances: positive(
        config,
        'crawlers.cache.taskInstancesTtlMs',
        c.taskInstancesTtlMs,
      ),
      importErrors: positive(
        config,
        'crawlers.cache.importErrorsTtlMs',
        c.importErrorsTtlMs,
      ),
      pods: positive(config, 'crawlers.cache.podsTtlMs', c.podsTtlMs),
      namespaces: positive(
        config,
        'crawlers.cache.namespacesTtlMs',
        c.namespacesTtlMs,
      ),
      gitSync: positive(config, 'crawlers.cache.gitSyncTtlMs', c.gitSyncTtlMs),
      clusterConfig: positive(
        config,
        'crawlers.cache.clusterConfigTtlMs',
        c.clusterConfigTtlMs,
      ),
      logs: positive(config, 'crawlers.cache.logsTtlMs', c.logsTtlMs),
      aws: positive(config, 'crawlers.cache.awsTtlMs', c.awsTtlMs),
      repositoryHead: positive(
        config,
        'crawlers.cache.repositoryHeadTtlMs',
        c.repositoryHeadTtlMs,
      ),
      // Commits and the differences between two commits never change: kept as long as stale answers.
      repositoryHistory: stale,
      stale,
    },
    maxConfBytes: positive(
      config,
      'crawlers.trigger.maxConfBytes',
      defaults.trigger.maxConfBytes,
    ),
    kubernetesTimeoutMs: positive(
      config,
      'crawlers.kubernetes.timeoutMs',
      defaults.kubernetes.timeoutMs,
    ),
    awsTimeoutMs: positive(
      config,
      'crawlers.aws.timeoutMs',
      defaults.aws.timeoutMs,
    ),
    limits: {
      maxDagIdsPerEntity: limit('maxDagIdsPerEntity'),
      maxRunsOffset: limit('maxRunsOffset'),
      maxLogChunkBytes: limit('maxLogChunkBytes'),
      maxRequestBodyBytes: limit('maxRequestBodyBytes'),
      maxPodsListed: limit('maxPodsListed'),
      maxEventsListed: limit('maxEventsListed'),
      maxEventsPerPod: limit('maxEventsPerPod'),
      maxGitSyncPods: limit('maxGitSyncPods'),
      maxGitSyncLogBytes: limit('maxGitSyncLogBytes'),
      maxGitSyncLogLines: limit('maxGitSyncLogLines'),
      maxSchedulerLogLines: limit('maxSchedulerLogLines'),
      maxDiagnosisLogLines: limit('maxDiagnosisLogLines'),
    },
  };
}
