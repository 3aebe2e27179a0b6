/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type {
  CrawlersDeletedPod,
  CrawlersPod,
  CrawlersPodsResponse,
  CrawlersUpstreamError,
} from '@crawler-platform/plugin-crawlers-common';
import {
  AirflowService,
  checkNamespaceClaim,
  CrawlerClaimService,
  CrawlersClusterService,
  DagRepositoryHistory,
  makeSafeLabelValue,
} from '@crawler-platform/plugin-crawlers-node';
import type { AirflowCache, CachedResult } from '../AirflowCache';
import type {
  CrawlerAirflowService,
  CrawlerDagClaimResult,
  CrawlerTarget,
} from '../CrawlerAirflowService';
import { createGitSyncReader } from './gitSync';
import {
  describeKubeError,
  kubeStatusCode,
  toKubeSectionError,
} from './kubeApi';
import {
  eventsByPod,
  EventRecord,
  PodDetails,
  PodRecord,
  toCrawlersPod,
} from './pods';
import {
  BoundedList,
  createKubeReads,
  KubeContext,
  namespaceGroup,
} from './reads';
import type {
  CrawlerKubernetesLimits,
  CrawlerKubernetesReadScope,
  CrawlerKubernetesService,
  CrawlerPodsRead,
} from './types';

/** A Kubernetes namespace name (RFC 1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Pod deletions in flight at once during a cleanup. */
const DELETE_CONCURRENCY = 5;

/** Thrown by the cleanup route when the cluster or Airflow fails in a way the caller cannot fix (502/504). */
export class UpstreamRequestFailedError extends CustomErrorBase {
  name = 'UpstreamRequestFailedError' as const;
  constructor(message: string, readonly statusCode: number, cause?: unknown) {
    super(message, cause);
  }
}

/** Maps a failed Kubernetes call of a write route to one of our errors. */
function toRouteError(action: string, cluster: string, error: unknown): Error {
  const { status, message } = describeKubeError(cluster, error);
  const text = `${action} failed: ${message}`;
  switch (status) {
    case 404:
      return new NotFoundError(text);
    case 409:
      return new ConflictError(text);
    case 504:
      return new UpstreamRequestFailedError(text, 504, error);
    default:
      return new UpstreamRequestFailedError(text, 502, error);
  }
}

function oldest(results: Array<CachedResult<unknown> | undefined>) {
  return (
    results
      .map(r => r?.fetchedAt)
      .filter((t): t is string => !!t)
      .sort()[0] ?? null
  );
}

/** Options of {@link createCrawlerKubernetesService}. */
export interface CrawlerKubernetesServiceOptions {
  airflow: AirflowService;
  claims: CrawlerClaimService;
  crawlerAirflow: CrawlerAirflowService;
  clusters: CrawlersClusterService;
  history: DagRepositoryHistory;
  cache: AirflowCache;
  logger: LoggerService;
  limits: CrawlerKubernetesLimits;
  /** Timeout of each Kubernetes API call (`crawlers.kubernetes.timeoutMs`). */
  timeoutMs: number;
  /** The AWS region of a cluster, for CodeCommit when git-sync's URL names none. */
  clusterRegion?: (cluster: string) => string | undefined;
  now?: () => number;
}

/** Creates the entity-scoped Kubernetes service. */
export function createCrawlerKubernetesService(
  options: CrawlerKubernetesServiceOptions,
): CrawlerKubernetesService {
  const { crawlerAirflow, cache, logger, limits } = options;
  const now = options.now ?? Date.now;
  const reads = createKubeReads(options);
  const getGitSync = createGitSyncReader({
    reads,
    history: options.history,
    claims: options.claims,
    limits,
    clusterRegion: options.clusterRegion ?? (() => undefined),
    now,
  });

  /** The DAG label values of the target's DAGs, each with its DAG id. */
  function dagLabels(target: CrawlerTarget): Map<string, string> {
    return new Map(target.dagIds.map(id => [makeSafeLabelValue(id), id]));
  }
  const dagSelector = (labels: Iterable<string>) =>
    `dag_id in (${[...labels].sort().join(',')})`;

  /** The target's namespace, or why it cannot be used. */
  function crawlerNamespace(
    target: CrawlerTarget,
  ): { name: string } | { error: CrawlersUpstreamError } {
    const name = target.kubernetesNamespace;
    if (!name) {
      return {
        error: {
          source: 'namespace',
          status: 200,
          severity: 'warning',
          message: `${target.entityRef} names no Kubernetes namespace, so its KubernetesPodOperator pods are not shown: add the annotation backstage.io/kubernetes-namespace with the namespace its pods run in`,
        },
      };
    }
    if (!NAMESPACE_NAME.test(name)) {
      return {
        error: {
          source: 'namespace',
          status: 400,
          message: `The annotation backstage.io/kubernetes-namespace of ${
            target.entityRef
          } is "${name.slice(
            0,
            80,
          )}", which is not a Kubernetes namespace name (lower-case letters, digits and "-", at most 63)`,
        },
      };
    }
    return { name };
  }

  /** Claimed DAG labels and the errors of DAGs whose claim does not hold or could not be read. */
  function claimedLabels(results: CrawlerDagClaimResult[]): {
    labels: Map<string, string>;
    errors: CrawlersUpstreamError[];
  } {
    const labels = new Map<string, string>();
    const errors: CrawlersUpstreamError[] = [];
    for (const r of results) {
      if (r.claim?.holds) {
        labels.set(makeSafeLabelValue(r.dagId), r.dagId);
      } else if (r.error) {
        errors.push(r.error);
      }
    }
    return { labels, errors };
  }

  async function readPods(
    target: CrawlerTarget,
    scope?: CrawlerKubernetesReadScope,
  ): Promise<CrawlerPodsRead> {
    const ctx: KubeContext = reads.context(target, scope);
    const ns = crawlerNamespace(target);
    const base: CrawlersPodsResponse = {
      entityRef: target.entityRef,
      instance: ctx.client.name,
      cluster: ctx.kube?.cluster ?? null,
      namespaces: {
        crawler: 'name' in ns ? ns.name : null,
        airflow: ctx.kube?.namespace ?? null,
      },
      namespaceClaim: null,
      pods: [],
      truncated: false,
      fetchedAt: null,
      stale: false,
      errors: [],
    };
    const details = new Map<string, PodDetails | undefined>();
    if (ctx.error) {
      return { response: { ...base, errors: [ctx.error] }, details };
    }
    const { kube, access } = ctx;
    const all = dagLabels(target);
    const selector = dagSelector(all.keys());
    // Everything is read at once, claims included; pods of DAGs or a namespace whose claim does not hold are
    // dropped before the answer, so that a cold request waits for one round trip.
    const [
      claimResults,
      nsRead,
      operatorPods,
      operatorEvents,
      workerPods,
      workerEvents,
    ] = await Promise.all([
      reads.dagClaims(ctx, target),
      'name' in ns ? reads.namespace(ctx, ns.name) : undefined,
      'name' in ns
        ? reads.pods(ctx, ns.name, `kubernetes_pod_operator=True,${selector}`)
        : undefined,
      'name' in ns ? reads.events(ctx, ns.name) : undefined,
      reads.pods(
        ctx,
        kube.namespace,
        `release=${kube.release},kubernetes_executor=True,${selector}`,
      ),
      reads.events(ctx, kube.namespace),
    ]);
    const { labels, errors } = claimedLabels(claimResults);
    if ('error' in ns) {
      errors.push(ns.error);
    }
    const kubeError = (source: string, result?: CachedResult<unknown>) => {
      if (result?.error) {
        errors.push(toKubeSectionError(source, access.cluster, result.error));
      }
    };
    let namespaceClaim = null;
    if ('name' in ns && nsRead) {
      if (nsRead.value) {
        namespaceClaim = checkNamespaceClaim(
          nsRead.value.exists
            ? { metadata: { annotations: nsRead.value.annotations } }
            : undefined,
          target.entityRef,
          ns.name,
        );
        if (!namespaceClaim.holds) {
          errors.push({
            source: 'claim:namespace',
            status: 403,
            message: namespaceClaim.reason!,
          });
        }
      } else {
        kubeError(`namespace:${ns.name}`, nsRead);
      }
    }
    const lists: Array<{
      result?: CachedResult<BoundedList<PodRecord>>;
      namespace: string;
      kind: 'operator' | 'worker';
    }> = [{ result: workerPods, namespace: kube.namespace, kind: 'worker' }];
    if ('name' in ns && namespaceClaim?.holds) {
      lists.unshift({
        result: operatorPods,
        namespace: ns.name,
        kind: 'operator',
      });
      if (ns.name !== kube.namespace) {
        kubeError(`events:${ns.name}`, operatorEvents);
      }
    }
    kubeError(`events:${kube.namespace}`, workerEvents);
    // The crawler's namespace's events only when its claim holds (and once when it is Airflow's namespace).
    const ownEvents =
      namespaceClaim?.holds && 'name' in ns && ns.name !== kube.namespace
        ? operatorEvents
        : undefined;
    const events: EventRecord[] = [
      ...(ownEvents?.value?.items ?? []),
      ...(workerEvents.value?.items ?? []),
    ];
    const byPod = eventsByPod(events, limits.maxEventsPerPod);
    for (const list of [ownEvents, workerEvents]) {
      if (list?.value?.truncated) {
        errors.push({
          source: 'events',
          status: 200,
          severity: 'warning',
          message: `A namespace has more pod events than are read (crawlers.limits.maxEventsListed = ${limits.maxEventsListed}); some pods may show none`,
        });
      }
    }
    const pods: CrawlersPod[] = [];
    let truncated = false;
    const seen = new Set<string>();
    for (const list of lists) {
      kubeError(`pods:${list.namespace}`, list.result);
      if (list.result?.value?.truncated) {
        truncated = true;
        errors.push({
          source: `pods:${list.namespace}`,
          status: 200,
          severity: 'warning',
          message: `More ${list.kind} pods exist than are read (crawlers.limits.maxPodsListed = ${limits.maxPodsListed})`,
        });
      }
      for (const record of list.result?.value?.items ?? []) {
        const dagId = record.dagLabel ? labels.get(record.dagLabel) : undefined;
        const key = `${record.namespace}/${record.name}`;
        if (dagId === undefined || record.kind !== list.kind || seen.has(key)) {
          continue;
        }
        seen.add(key);
        details.set(key, record.details);
        pods.push(toCrawlersPod(record, dagId, byPod, now()));
      }
    }
    pods.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
    const used = [...lists.map(l => l.result), workerEvents, ownEvents, nsRead];
    return {
      response: {
        ...base,
        namespaceClaim,
        pods,
        truncated,
        fetchedAt: oldest(used),
        stale: used.some(r => r?.stale),
        errors,
      },
      details,
    };
  }

  async function deleteAll(
    ctx: Extract<KubeContext, { access: unknown }>,
    records: PodRecord[],
  ): Promise<{ deleted: PodRecord[]; errors: CrawlersUpstreamError[] }> {
    const access = ctx.access!;
    const deleted: PodRecord[] = [];
    const errors: CrawlersUpstreamError[] = [];
    const queue = [...records];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const record = r;
        try {
          await access.call(core =>
            core.deleteNamespacedPod({
              name: record.name,
              namespace: record.namespace,
              // Never another pod that took the name in the meantime.
              body: record.uid ? { preconditions: { uid: record.uid } } : {},
            }),
          );
          deleted.push(record);
        } catch (error) {
          if (kubeStatusCode(error) !== 404) {
            errors.push(
              toKubeSectionError(`pod:${record.name}`, access.cluster, error),
            );
          }
        }
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(DELETE_CONCURRENCY, records.length) },
        worker,
      ),
    );
    return { deleted, errors };
  }

  async function cleanupPods(target: CrawlerTarget) {
    const ctx = reads.context(target);
    if (ctx.error) {
      throw new NotFoundError(ctx.error.message);
    }
    const ns = crawlerNamespace(target);
    if ('error' in ns) {
      throw new InputError(ns.error.message);
    }
    const { access } = ctx;
    const selector = `kubernetes_pod_operator=True,${dagSelector(
      dagLabels(target).keys(),
    )}`;
    // A write decides on the namespace, the DAGs and the pods as they are now, not on cached copies.
    const [claimResults, nsRead, podsRead] = await Promise.all([
      crawlerAirflow.checkDagClaims(target, { fresh: true }),
      reads.namespace(ctx, ns.name, true),
      reads.pods(ctx, ns.name, selector, true),
    ]);
    if (!nsRead.value) {
      throw toRouteError(
        `Reading namespace ${ns.name}`,
        access.cluster,
        nsRead.error,
      );
    }
    const claim = checkNamespaceClaim(
      nsRead.value.exists
        ? { metadata: { annotations: nsRead.value.annotations } }
        : undefined,
      target.entityRef,
      ns.name,
    );
    if (!claim.holds) {
      throw new NotAllowedError(claim.reason);
    }
    const { labels, errors } = claimedLabels(claimResults);
    if (labels.size === 0) {
      const reasons = errors.map(e => e.message).join(' ');
      if (errors.some(e => !e.source.startsWith('claim:'))) {
        // Airflow could not say whether the claims hold: not the caller's fault, and nothing was deleted.
        throw new UpstreamRequestFailedError(
          `The DAG claims of ${target.entityRef} could not be checked, so no pod was deleted: ${reasons}`,
          502,
        );
      }
      throw new NotAllowedError(
        `None of the DAGs of ${target.entityRef} confirms its claim, so none of their pods may be deleted: ${reasons}`,
      );
    }
    if (!podsRead.value) {
      throw toRouteError(
        `Listing the pods of ${target.entityRef} in ${ns.name}`,
        access.cluster,
        podsRead.error,
      );
    }
    const mine = podsRead.value.items.filter(
      r =>
        r.kind === 'operator' &&
        r.namespace === ns.name &&
        r.dagLabel !== null &&
        labels.has(r.dagLabel),
    );
    const finished = mine.filter(
      r => (r.phase === 'Succeeded' || r.phase === 'Failed') && !r.deleting,
    );
    const result = await deleteAll(ctx, finished);
    if (result.deleted.length > 0) {
      try {
        await cache.invalidateGroup(
          ctx.client.name,
          namespaceGroup(access.cluster, ns.name),
        );
      } catch (error) {
        logger.warn('Could not invalidate cached pods after a cleanup', {
          namespace: ns.name,
          error: String(error),
        });
      }
    }
    logger.info('Deleted finished KubernetesPodOperator pods', {
      entityRef: target.entityRef,
      cluster: access.cluster,
      namespace: ns.name,
      deleted: result.deleted.length,
      failed: result.errors.length,
    });
    if (podsRead.value.truncated) {
      errors.push({
        source: `pods:${ns.name}`,
        status: 200,
        severity: 'warning',
        message: `More pods exist than are read (crawlers.limits.maxPodsListed = ${limits.maxPodsListed}): run the cleanup again`,
      });
    }
    return {
      entityRef: target.entityRef,
      namespace: ns.name,
      deleted: result.deleted.map(
        (r): CrawlersDeletedPod => ({
          name: r.name,
          namespace: r.namespace,
          phase: r.phase,
          dagId: labels.get(r.dagLabel!)!,
          taskId: r.taskId,
          runId: r.runId,
        }),
      ),
      keptRunning: mine.length - finished.length,
      errors: [...result.errors, ...errors],
    };
  }

  return {
    listPods: async (target, scope) => (await readPods(target, scope)).response,
    readPods,
    cleanupPods,
    getGitSync,
  };
}
