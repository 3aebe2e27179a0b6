/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { JsonValue } from '@backstage/types';
import type {
  AirflowCollection,
  AirflowInstanceClient,
  AirflowService,
  CrawlerClaimService,
} from '@crawler-platform/plugin-crawlers-node';
import type {
  CrawlersDag,
  CrawlersDagClaim,
  CrawlersDagRun,
  CrawlersDagSummary,
  CrawlersImportError,
  CrawlersTaskInstance,
  CrawlersTaskLog,
  CrawlersUpstreamError,
} from '@crawler-platform/plugin-crawlers-common';
import type { AirflowCache, CachedResult } from '../AirflowCache';
import type {
  CrawlerAirflowService,
  CrawlerDagClaimResult,
  CrawlerTarget,
} from './types';
import { toRouteError, toUpstreamError } from './upstreamErrors';

/** Number of runs shown per DAG in the overview. */
export const RECENT_RUNS = 25;

/** Run pages beyond this many pages deep are fetched for the caller but not kept in the cache. */
export const CACHED_RUN_PAGES = 10;

const asJson = <T>(value: T) => value as unknown as JsonValue;

function oldest(...results: Array<CachedResult<unknown>>): string | null {
  const times = results
    .map(r => r.fetchedAt)
    .filter((t): t is string => t !== null)
    .sort();
  return times[0] ?? null;
}

/** Caps a log chunk at `maxBytes` of message text, saying so in a last line. */
export function capLogChunk(
  log: CrawlersTaskLog,
  maxBytes: number,
): CrawlersTaskLog {
  let used = 0;
  const lines = [];
  for (const line of log.lines) {
    const size = Buffer.byteLength(line.message);
    if (used + size > maxBytes) {
      const total = log.lines.reduce(
        (n, l) => n + Buffer.byteLength(l.message),
        0,
      );
      lines.push({
        timestamp: null,
        level: 'warning',
        message: `[crawlers] log chunk cut at ${maxBytes} bytes of ${total} (crawlers.limits.maxLogChunkBytes)`,
      });
      return { ...log, lines };
    }
    used += size;
    lines.push(line);
  }
  return log;
}

/**
 * Creates the entity-scoped Airflow service.
 */
export function createCrawlerAirflowService(options: {
  airflow: AirflowService;
  claims: CrawlerClaimService;
  cache: AirflowCache;
  logger: LoggerService;
  maxLogChunkBytes: number;
}): CrawlerAirflowService {
  const { airflow, claims, cache, logger, maxLogChunkBytes } = options;

  const clientFor = (target: CrawlerTarget): AirflowInstanceClient =>
    airflow.getInstance(target.instance);

  const readDag = (client: AirflowInstanceClient, dagId: string) =>
    cache.read({ instance: client.name, dagId }, 'dag', 'meta', async () =>
      asJson(await client.getDag(dagId)),
    );

  /**
   * The claim of the target on a DAG, from the cached DAG metadata (`fresh` reads Airflow first, for writes).
   * Throws 403 with the fix when the claim does not hold, and the upstream error when the DAG cannot be read.
   */
  async function requireClaim(
    client: AirflowInstanceClient,
    target: CrawlerTarget,
    dagId: string,
    fresh = false,
  ): Promise<CrawlersDag> {
    let dag: CrawlersDag;
    if (fresh) {
      try {
        dag = await client.getDag(dagId);
      } catch (error) {
        throw toRouteError(`Reading DAG ${dagId}`, error);
      }
    } else {
      const result = await readDag(client, dagId);
      if (!result.value) {
        throw toRouteError(`Reading DAG ${dagId}`, result.error);
      }
      dag = result.value as unknown as CrawlersDag;
    }
    const claim = claims.checkDag(client, target.entityRef, dag);
    if (!claim.holds) {
      throw new NotAllowedError(claim.reason);
    }
    return dag;
  }

  async function invalidate(client: AirflowInstanceClient, dagId: string) {
    try {
      await cache.invalidateDag(client.name, dagId);
    } catch (error) {
      // The write succeeded in Airflow: a cache failure must not turn it into a failure the user retries.
      logger.warn('Could not invalidate cached Airflow answers after a write', {
        instance: client.name,
        dagId,
        error: String(error),
      });
    }
  }

  async function dagSummary(
    client: AirflowInstanceClient,
    target: CrawlerTarget,
    dagId: string,
  ): Promise<CrawlersDagSummary> {
    const scope = { instance: client.name, dagId };
    // The runs are read alongside the DAG so that a cold overview waits for one round trip; they are returned only
    // when the DAG confirms the claim.
    const [dag, runs] = await Promise.all([
      readDag(client, dagId),
      cache.read(scope, 'runs', `recent:${RECENT_RUNS}`, async () =>
        asJson(
          (
            await client.listDagRuns(dagId, {
              limit: RECENT_RUNS,
              offset: 0,
            })
          ).items,
        ),
      ),
    ]);
    const value = dag.value as unknown as CrawlersDag | undefined;
    if (!value) {
      return {
        dagId,
        claim: null,
        dag: null,
        recentRuns: [],
        fetchedAt: null,
        stale: false,
        errors: [toUpstreamError(`dag:${dagId}`, dag.error)],
      };
    }
    const claim: CrawlersDagClaim = claims.checkDag(
      client,
      target.entityRef,
      value,
    );
    if (!claim.holds) {
      return {
        dagId,
        claim,
        dag: null,
        recentRuns: [],
        fetchedAt: null,
        stale: false,
        errors: [
          { source: `claim:${dagId}`, status: 403, message: claim.reason! },
        ],
      };
    }
    const errors: CrawlersUpstreamError[] = [];
    if (dag.error) {
      errors.push(toUpstreamError(`dag:${dagId}`, dag.error));
    }
    if (runs.error) {
      errors.push(toUpstreamError(`runs:${dagId}`, runs.error));
    }
    return {
      dagId,
      claim,
      dag: value,
      recentRuns: (runs.value as unknown as CrawlersDagRun[] | undefined) ?? [],
      fetchedAt: oldest(dag, runs),
      stale: dag.stale || runs.stale,
      errors,
    };
  }

  async function checkDagClaim(
    client: AirflowInstanceClient,
    target: CrawlerTarget,
    dagId: string,
    fresh: boolean,
  ): Promise<CrawlerDagClaimResult> {
    let result: CachedResult<JsonValue>;
    if (fresh) {
      result = await client.getDag(dagId).then(
        dag => ({
          value: asJson(dag),
          fetchedAt: new Date().toISOString(),
          stale: false,
        }),
        error => ({ value: undefined, fetchedAt: null, stale: false, error }),
      );
    } else {
      result = await readDag(client, dagId);
    }
    const dag = result.value as unknown as CrawlersDag | undefined;
    if (!dag) {
      return {
        dagId,
        dag: null,
        claim: null,
        error: toUpstreamError(`dag:${dagId}`, result.error),
        fetchedAt: null,
        stale: false,
      };
    }
    const claim = claims.checkDag(client, target.entityRef, dag);
    return {
      dagId,
      dag,
      claim,
      ...(claim.holds
        ? {}
        : {
            error: {
              source: `claim:${dagId}`,
              status: 403,
              message: claim.reason!,
            },
          }),
      fetchedAt: result.fetchedAt,
      stale: result.stale,
    };
  }
  return {
    checkDagClaims(target, claimOptions) {
      const client = clientFor(target);
      return Promise.all(
        target.dagIds.map(dagId =>
          checkDagClaim(client, target, dagId, claimOptions?.fresh ?? false),
        ),
      );
    },
    async getOverview(target) {
      const client = clientFor(target);
      const [apiVersion, dags, importErrors, fileClaims] = await Promise.all([
        client.getApiVersion().then(
          v => ({ value: v, error: undefined }),
          error => ({ value: null, error }),
        ),
        Promise.all(target.dagIds.map(id => dagSummary(client, target, id))),
        cache.read({ instance: client.name }, 'importErrors', 'all', async () =>
          asJson(await client.listImportErrors()),
        ),
        claims.checkDagFiles(client, target.entityRef, target.dagFiles),
      ]);
      const errors: CrawlersUpstreamError[] = [];
      if (apiVersion.error) {
        errors.push(toUpstreamError('apiVersion', apiVersion.error));
      }
      if (importErrors.error) {
        errors.push(toUpstreamError('importErrors', importErrors.error));
      }
      const collection = importErrors.value as unknown as
        | AirflowCollection<CrawlersImportError>
        | undefined;
      if (collection?.truncated) {
        errors.push({
          source: 'importErrors',
          status: 200,
          severity: 'warning',
          message: `Airflow reports ${collection.totalEntries} import errors; only the first ${collection.items.length} were read`,
        });
      }
      for (const file of fileClaims) {
        if (file.error) {
          errors.push({
            ...toUpstreamError(`dagFile:${file.path}`, file.error),
            message: `Could not read ${file.path} from the DAG repository to confirm the claim`,
          });
        } else if (!file.holds) {
          errors.push({
            source: `claim:${file.path}`,
            status: 403,
            message: file.reason!,
          });
        }
      }
      return {
        entityRef: target.entityRef,
        instance: {
          name: client.name,
          apiVersion: apiVersion.value,
          uiUrl: client.uiUrl,
        },
        dags,
        importErrors: claims.selectImportErrors(client, {
          importErrors: collection?.items ?? [],
          claimedDags: dags
            .filter(d => d.claim?.holds && d.dag)
            .map(d => d.dag!),
          claimedFiles: fileClaims.filter(f => f.holds).map(f => f.path),
        }),
        importErrorsFetchedAt: importErrors.fetchedAt,
        importErrorsStale: importErrors.stale,
        errors,
      };
    },

    async listRuns(target, dagId, { limit, offset, states }) {
      const client = clientFor(target);
      await requireClaim(client, target, dagId);
      const fetch = async () =>
        asJson(await client.listDagRuns(dagId, { limit, offset, states }));
      const result =
        offset < CACHED_RUN_PAGES * limit
          ? await cache.read(
              { instance: client.name, dagId },
              'runs',
              `page:${limit}:${offset}:${(states ?? []).join(',')}`,
              fetch,
            )
          : await fetch().then(
              value => ({
                value,
                fetchedAt: new Date().toISOString(),
                stale: false,
                error: undefined,
              }),
              error => ({
                value: undefined,
                fetchedAt: null,
                stale: false,
                error,
              }),
            );
      const page = result.value as unknown as
        | { items: CrawlersDagRun[]; totalEntries: number }
        | undefined;
      return {
        dagId,
        runs: page?.items ?? [],
        totalEntries: page?.totalEntries ?? 0,
        limit,
        offset,
        fetchedAt: result.fetchedAt,
        stale: result.stale,
        errors: result.error
          ? [toUpstreamError(`runs:${dagId}`, result.error)]
          : [],
      };
    },

    async listTaskInstances(target, dagId, runId) {
      const client = clientFor(target);
      await requireClaim(client, target, dagId);
      const result = await cache.read(
        { instance: client.name, dagId },
        'taskInstances',
        `run:${runId}`,
        async () => asJson(await client.listTaskInstances(dagId, runId)),
      );
      const collection = result.value as unknown as
        | AirflowCollection<CrawlersTaskInstance>
        | undefined;
      const errors: CrawlersUpstreamError[] = result.error
        ? [toUpstreamError(`taskInstances:${dagId}/${runId}`, result.error)]
        : [];
      if (collection?.truncated) {
        errors.push({
          source: `taskInstances:${dagId}/${runId}`,
          status: 200,
          severity: 'warning',
          message: `The run has ${collection.totalEntries} task instances; only the first ${collection.items.length} were read`,
        });
      }
      return {
        dagId,
        runId,
        taskInstances: collection?.items ?? [],
        fetchedAt: result.fetchedAt,
        stale: result.stale,
        errors,
      };
    },

    async getTaskLog(target, dagId, runId, taskId, tryNumber, logOptions) {
      const client = clientFor(target);
      await requireClaim(client, target, dagId);
      try {
        const log = await client.getTaskLog(
          dagId,
          runId,
          taskId,
          tryNumber,
          logOptions,
        );
        return {
          dagId,
          runId,
          taskId,
          log: capLogChunk(log, maxLogChunkBytes),
        };
      } catch (error) {
        throw toRouteError(
          `Reading the log of ${dagId}/${runId}/${taskId}`,
          error,
        );
      }
    },

    async triggerRun(target, dagId, triggerOptions) {
      const client = clientFor(target);
      await requireClaim(client, target, dagId, true);
      let run: CrawlersDagRun;
      try {
        run = await client.triggerDagRun(dagId, triggerOptions);
      } catch (error) {
        await invalidate(client, dagId);
        throw toRouteError(`Triggering ${dagId}`, error);
      }
      logger.info('Triggered a DAG run', {
        entityRef: target.entityRef,
        instance: client.name,
        dagId,
        runId: run.runId,
      });
      await invalidate(client, dagId);
      return { run };
    },

    async setPaused(target, dagId, isPaused) {
      const client = clientFor(target);
      await requireClaim(client, target, dagId, true);
      let dag: CrawlersDag;
      try {
        dag = await client.setDagPaused(dagId, isPaused);
      } catch (error) {
        await invalidate(client, dagId);
        throw toRouteError(
          `${isPaused ? 'Pausing' : 'Unpausing'} ${dagId}`,
          error,
        );
      }
      logger.info(isPaused ? 'Paused a DAG' : 'Unpaused a DAG', {
        entityRef: target.entityRef,
        instance: client.name,
        dagId,
      });
      await invalidate(client, dagId);
      return { dag };
    },
  };
}
