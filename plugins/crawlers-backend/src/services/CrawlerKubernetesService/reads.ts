/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { JsonValue } from '@backstage/types';
import type { CrawlersUpstreamError } from '@crawler-platform/plugin-crawlers-common';
import type {
  AirflowInstanceClient,
  AirflowKubernetesConfig,
  AirflowService,
  CrawlersClusterService,
} from '@crawler-platform/plugin-crawlers-node';
import { parseGitSyncLog } from '@crawler-platform/plugin-crawlers-node';
import type {
  AirflowCache,
  AirflowCacheScope,
  AirflowResourceKind,
  CachedResult,
} from '../AirflowCache';
import type {
  CrawlerAirflowService,
  CrawlerDagClaimResult,
  CrawlerTarget,
} from '../CrawlerAirflowService';
import { GitSyncPodRecord, gitSyncPodRecord } from './gitSyncState';
import { KubeAccess, kubeAccess, kubeStatusCode } from './kubeApi';
import { EventRecord, eventRecord, iso, PodRecord, podRecord } from './pods';
import {
  createKubeReadScope,
  CrawlerKubernetesLimits,
  CrawlerKubernetesReadScope,
} from './types';

/** Where a target's Airflow runs, or why that is not known. */
export type KubeContext =
  | {
      client: AirflowInstanceClient;
      kube: AirflowKubernetesConfig;
      access: KubeAccess;
      /** The request's shared reads. */
      scope: CrawlerKubernetesReadScope;
      error?: undefined;
    }
  | {
      client: AirflowInstanceClient;
      kube?: AirflowKubernetesConfig;
      access?: undefined;
      scope?: undefined;
      error: CrawlersUpstreamError;
    };

/** A list read from the cluster, cut at its limit. */
export interface BoundedList<T> {
  items: T[];
  truncated: boolean;
}

/** A Namespace as its claim needs it. */
export interface NamespaceRead {
  exists: boolean;
  annotations: Record<string, string>;
}

/** What a git-sync log says, as cached (the log text itself is not kept). */
export interface GitSyncLogRead {
  summary: ReturnType<typeof parseGitSyncLog>;
  /** True when the previous container's log was read (the current one was empty after a restart). */
  previous: boolean;
  /** True when the tail reached `maxGitSyncLogBytes` and may have lost its newest lines. */
  cut: boolean;
}

const asJson = <T>(value: T) => value as unknown as JsonValue;
const fromJson = <T>(result: CachedResult<JsonValue>) =>
  result as unknown as CachedResult<T>;

/** The namespace group of a cache entry: pods and events of one namespace, invalidated together by a cleanup. */
export const namespaceGroup = (cluster: string, namespace: string) =>
  `ns:${cluster}/${namespace}`;

/**
 * Runs `read` once per key in a request's scope; later callers of the request share its answer (reads that never
 * reject: cache reads and claim checks, whose failures are part of their answer).
 */
function sharedRead<T>(
  scope: CrawlerKubernetesReadScope,
  key: string,
  read: () => Promise<T>,
): Promise<T> {
  let pending = scope.reads.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = read();
    scope.reads.set(key, pending);
  }
  return pending;
}

/** The Kubernetes reads of the crawlers backend, each cached and coalesced. */
export function createKubeReads(options: {
  airflow: AirflowService;
  crawlerAirflow: CrawlerAirflowService;
  clusters: CrawlersClusterService;
  cache: AirflowCache;
  limits: CrawlerKubernetesLimits;
  timeoutMs: number;
}) {
  const { airflow, crawlerAirflow, clusters, cache, limits, timeoutMs } =
    options;

  /** A cache read made once per request (`ctx.scope`), however many of its sections need it. */
  function cached<T extends JsonValue>(
    ctx: Ready,
    scope: AirflowCacheScope,
    kind: AirflowResourceKind,
    key: string,
    fetch: () => Promise<T>,
  ): Promise<CachedResult<T>> {
    return sharedRead(
      ctx.scope,
      JSON.stringify([scope.instance, scope.dagId, scope.group, kind, key]),
      () => cache.read(scope, kind, key, fetch),
    );
  }

  function context(
    target: CrawlerTarget,
    scope: CrawlerKubernetesReadScope = createKubeReadScope(),
  ): KubeContext {
    const client = airflow.getInstance(target.instance);
    const kube = client.config.kubernetes;
    if (!kube) {
      return {
        client,
        error: {
          source: 'kubernetes:config',
          status: 404,
          message: `Airflow instance "${client.name}" has no Kubernetes settings: add crawlers.airflow.instances[].kubernetes with cluster (a name from crawlers.clusters), namespace (default airflow) and release (default airflow)`,
        },
      };
    }
    try {
      return {
        client,
        kube,
        access: kubeAccess(clusters.getCluster(kube.cluster), timeoutMs),
        scope,
      };
    } catch (error) {
      return {
        client,
        kube,
        error: {
          source: 'kubernetes:config',
          status: 404,
          message: `Airflow instance "${client.name}" names cluster "${
            kube.cluster
          }", which is not configured: add it under crawlers.clusters (or kubernetes.clusterLocatorMethods)${
            error instanceof Error ? ` (${error.message})` : ''
          }`,
        },
      };
    }
  }

  type Ready = Extract<KubeContext, { access: KubeAccess }>;

  async function fetchNamespace(
    ctx: Ready,
    name: string,
  ): Promise<NamespaceRead> {
    try {
      const ns = await ctx.access.call(core => core.readNamespace({ name }));
      return { exists: true, annotations: ns.metadata?.annotations ?? {} };
    } catch (error) {
      if (kubeStatusCode(error) === 404) {
        return { exists: false, annotations: {} };
      }
      throw error;
    }
  }

  async function fetchPods(
    ctx: Ready,
    namespace: string,
    labelSelector: string,
  ): Promise<BoundedList<PodRecord>> {
    const list = await ctx.access.call(core =>
      core.listNamespacedPod({
        namespace,
        labelSelector,
        limit: limits.maxPodsListed,
      }),
    );
    return {
      items: list.items.slice(0, limits.maxPodsListed).map(podRecord),
      truncated:
        !!list.metadata?._continue || list.items.length > limits.maxPodsListed,
    };
  }

  return {
    context,
    cached,

    /** The target's DAG claims as the cache has them, checked once per request. */
    dagClaims(
      ctx: Ready,
      target: CrawlerTarget,
    ): Promise<CrawlerDagClaimResult[]> {
      return sharedRead(ctx.scope, `claims:${target.entityRef}`, () =>
        crawlerAirflow.checkDagClaims(target),
      );
    },

    /** The Namespace (claim check); `fresh` skips the cache (for writes). */
    async namespace(
      ctx: Ready,
      name: string,
      fresh = false,
    ): Promise<CachedResult<NamespaceRead>> {
      if (fresh) {
        return fetchNamespace(ctx, name).then(
          value => ({
            value,
            fetchedAt: new Date().toISOString(),
            stale: false,
          }),
          error => ({ value: undefined, fetchedAt: null, stale: false, error }),
        );
      }
      return fromJson<NamespaceRead>(
        await cached(
          ctx,
          { instance: ctx.client.name },
          'namespaces',
          `${ctx.access.cluster}/${name}`,
          async () => asJson(await fetchNamespace(ctx, name)),
        ),
      );
    },

    /** Pods of a namespace by label selector, at most `maxPodsListed`; `fresh` skips the cache (for writes). */
    async pods(
      ctx: Ready,
      namespace: string,
      labelSelector: string,
      fresh = false,
    ): Promise<CachedResult<BoundedList<PodRecord>>> {
      if (fresh) {
        return fetchPods(ctx, namespace, labelSelector).then(
          value => ({
            value,
            fetchedAt: new Date().toISOString(),
            stale: false,
          }),
          error => ({ value: undefined, fetchedAt: null, stale: false, error }),
        );
      }
      return fromJson<BoundedList<PodRecord>>(
        await cached(
          ctx,
          {
            instance: ctx.client.name,
            group: namespaceGroup(ctx.access.cluster, namespace),
          },
          'pods',
          `pods:${labelSelector}`,
          async () => asJson(await fetchPods(ctx, namespace, labelSelector)),
        ),
      );
    },

    /** The pod events of a namespace: one list, at most `maxEventsListed`, matched to pods in memory. */
    async events(
      ctx: Ready,
      namespace: string,
    ): Promise<CachedResult<BoundedList<EventRecord>>> {
      return fromJson<BoundedList<EventRecord>>(
        await cached(
          ctx,
          {
            instance: ctx.client.name,
            group: namespaceGroup(ctx.access.cluster, namespace),
          },
          'pods',
          'events',
          async () => {
            const list = await ctx.access.call(core =>
              core.listNamespacedEvent({
                namespace,
                fieldSelector: 'involvedObject.kind=Pod',
                limit: limits.maxEventsListed,
              }),
            );
            return asJson({
              items: list.items
                .slice(0, limits.maxEventsListed)
                .map(eventRecord),
              truncated:
                !!list.metadata?._continue ||
                list.items.length > limits.maxEventsListed,
            });
          },
        ),
      );
    },

    /** The pods of the instance's release that run git-sync (scheduler on Airflow 2, dag-processor on Airflow 3). */
    async gitSyncPods(
      ctx: Ready,
    ): Promise<CachedResult<BoundedList<GitSyncPodRecord>>> {
      const { namespace, release } = ctx.kube;
      return fromJson<BoundedList<GitSyncPodRecord>>(
        await cached(
          ctx,
          { instance: ctx.client.name },
          'gitSync',
          `pods:${ctx.access.cluster}/${namespace}/${release}`,
          async () => {
            const list = await ctx.access.call(core =>
              core.listNamespacedPod({
                namespace,
                labelSelector: `release=${release},component in (scheduler,dag-processor)`,
                limit: limits.maxPodsListed,
              }),
            );
            const records = list.items
              .flatMap(pod => {
                const record = gitSyncPodRecord(pod);
                return record
                  ? [
                      {
                        record,
                        created: iso(pod.metadata?.creationTimestamp) ?? '',
                      },
                    ]
                  : [];
              })
              // Running pods first, then the newest: a replaced pod's leftover must not hide the current one.
              .sort(
                (a, b) =>
                  Number(b.record.phase === 'Running') -
                    Number(a.record.phase === 'Running') ||
                  b.created.localeCompare(a.created),
              )
              .map(r => r.record);
            return asJson({
              items: records.slice(0, limits.maxGitSyncPods),
              truncated: records.length > limits.maxGitSyncPods,
            });
          },
        ),
      );
    },

    /**
     * What the log of a pod's git-sync container says: the tail of the current container's log (`tailLines`,
     * `limitBytes`), or of the previous one when the current one is still empty after a restart.
     */
    async gitSyncLog(
      ctx: Ready,
      record: GitSyncPodRecord,
    ): Promise<CachedResult<GitSyncLogRead>> {
      const container = record.logContainer;
      const restarts =
        record.containers.find(c => c.name === container)?.restartCount ?? 0;
      const read = (previous: boolean) =>
        ctx.access.call(core =>
          core.readNamespacedPodLog({
            name: record.name,
            namespace: ctx.kube.namespace,
            container,
            tailLines: limits.maxGitSyncLogLines,
            limitBytes: limits.maxGitSyncLogBytes,
            previous,
          }),
        );
      return fromJson<GitSyncLogRead>(
        await cached(
          ctx,
          { instance: ctx.client.name },
          'gitSync',
          `log:${ctx.access.cluster}/${ctx.kube.namespace}/${record.name}/${
            record.uid ?? ''
          }/${container}/${restarts}`,
          async () => {
            let text = String((await read(false)) ?? '');
            let previous = false;
            if (!text.trim() && restarts > 0) {
              text = String((await read(true)) ?? '');
              previous = true;
            }
            return asJson({
              summary: parseGitSyncLog(text),
              previous,
              cut: Buffer.byteLength(text) >= limits.maxGitSyncLogBytes,
            });
          },
        ),
      );
    },
  };
}

/** The reads of {@link createKubeReads}. */
export type KubeReads = ReturnType<typeof createKubeReads>;
