/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonValue } from '@backstage/types';
import type {
  AirflowInstanceClient,
  AirflowService,
} from '@crawler-platform/plugin-crawlers-node';
import type {
  CrawlersDag,
  CrawlersDagRun,
  CrawlersDagSummary,
  CrawlersImportError,
  CrawlersTaskInstance,
  CrawlersUpstreamError,
} from '@crawler-platform/plugin-crawlers-common';
import type { AirflowCache, CachedResult } from '../AirflowCache';
import type { CrawlerAirflowService, CrawlerTarget } from './types';
import { toRouteError, toUpstreamError } from './upstreamErrors';

/** Number of runs shown per DAG in the overview. */
export const RECENT_RUNS = 25;

const asJson = <T>(value: T) => value as unknown as JsonValue;

function fileStem(filename: string): string {
  const base = filename.split('/').pop() ?? filename;
  return base.replace(/\.py$/, '');
}

/**
 * Picks the import errors that belong to a crawler: files that are the fileloc of one of its DAGs (Airflow 3 names
 * them relative to the bundle, so a fileloc ending in `/<filename>` matches too), or whose name (without `.py`)
 * is one of its DAG ids (with `-` or `_`), for DAGs that never parsed.
 */
export function selectImportErrors(
  importErrors: CrawlersImportError[],
  dagIds: string[],
  dags: Array<CrawlersDag | null>,
): CrawlersImportError[] {
  const files = new Set(
    dags.map(d => d?.fileloc).filter((f): f is string => !!f),
  );
  const stems = new Set(
    dagIds.flatMap(id => [id, id.replace(/-/g, '_'), id.replace(/_/g, '-')]),
  );
  const isDagFile = (filename: string) =>
    files.has(filename) ||
    [...files].some(f => f.endsWith(`/${filename.replace(/^\/+/, '')}`));
  return importErrors.filter(
    e => isDagFile(e.filename) || stems.has(fileStem(e.filename)),
  );
}

function oldest(...results: Array<CachedResult<unknown>>): string | null {
  const times = results
    .map(r => r.fetchedAt)
    .filter((t): t is string => t !== null)
    .sort();
  return times[0] ?? null;
}

/**
 * Creates the entity-scoped Airflow service.
 */
export function createCrawlerAirflowService(options: {
  airflow: AirflowService;
  cache: AirflowCache;
  logger: LoggerService;
}): CrawlerAirflowService {
  const { airflow, cache, logger } = options;

  const clientFor = (target: CrawlerTarget): AirflowInstanceClient =>
    airflow.getInstance(target.instance);

  async function apiVersionOf(client: AirflowInstanceClient) {
    try {
      return await client.getApiVersion();
    } catch {
      return null;
    }
  }

  async function dagSummary(
    client: AirflowInstanceClient,
    dagId: string,
  ): Promise<CrawlersDagSummary> {
    const scope = { instance: client.name, dagId };
    const [dag, runs] = await Promise.all([
      cache.read(scope, 'dag', 'meta', async () =>
        asJson(await client.getDag(dagId)),
      ),
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
    const errors: CrawlersUpstreamError[] = [];
    if (dag.error) {
      errors.push(toUpstreamError(`dag:${dagId}`, dag.error));
    }
    if (runs.error) {
      errors.push(toUpstreamError(`runs:${dagId}`, runs.error));
    }
    return {
      dagId,
      dag: (dag.value as unknown as CrawlersDag | undefined) ?? null,
      recentRuns: (runs.value as unknown as CrawlersDagRun[] | undefined) ?? [],
      fetchedAt: oldest(dag, runs),
      stale: dag.stale || runs.stale,
      errors,
    };
  }

  return {
    async getOverview(target) {
      const client = clientFor(target);
      const [dags, importErrors] = await Promise.all([
        Promise.all(target.dagIds.map(id => dagSummary(client, id))),
        cache.read({ instance: client.name }, 'importErrors', 'all', async () =>
          asJson(await client.listImportErrors()),
        ),
      ]);
      const errors: CrawlersUpstreamError[] = [];
      if (importErrors.error) {
        errors.push(toUpstreamError('importErrors', importErrors.error));
      }
      return {
        entityRef: target.entityRef,
        instance: {
          name: client.name,
          apiVersion: await apiVersionOf(client),
          uiUrl: client.uiUrl,
        },
        dags,
        importErrors: selectImportErrors(
          (importErrors.value as unknown as CrawlersImportError[]) ?? [],
          target.dagIds,
          dags.map(d => d.dag),
        ),
        importErrorsFetchedAt: importErrors.fetchedAt,
        importErrorsStale: importErrors.stale,
        errors,
      };
    },

    async listRuns(target, dagId, { limit, offset, states }) {
      const client = clientFor(target);
      const key = `page:${limit}:${offset}:${(states ?? []).join(',')}`;
      const result = await cache.read(
        { instance: client.name, dagId },
        'runs',
        key,
        async () =>
          asJson(await client.listDagRuns(dagId, { limit, offset, states })),
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
      const result = await cache.read(
        { instance: client.name, dagId },
        'taskInstances',
        `run:${runId}`,
        async () => asJson(await client.listTaskInstances(dagId, runId)),
      );
      return {
        dagId,
        runId,
        taskInstances:
          (result.value as unknown as CrawlersTaskInstance[] | undefined) ?? [],
        fetchedAt: result.fetchedAt,
        stale: result.stale,
        errors: result.error
          ? [toUpstreamError(`taskInstances:${dagId}/${runId}`, result.error)]
          : [],
      };
    },

    async getTaskLog(target, dagId, runId, taskId, tryNumber, logOptions) {
      const client = clientFor(target);
      try {
        const log = await client.getTaskLog(
          dagId,
          runId,
          taskId,
          tryNumber,
          logOptions,
        );
        return { dagId, runId, taskId, log };
      } catch (error) {
        throw toRouteError(
          `Reading the log of ${dagId}/${runId}/${taskId}`,
          error,
        );
      }
    },

    async triggerRun(target, dagId, triggerOptions) {
      const client = clientFor(target);
      try {
        const run = await client.triggerDagRun(dagId, triggerOptions);
        logger.info('Triggered a DAG run', {
          entityRef: target.entityRef,
          instance: client.name,
          dagId,
          runId: run.runId,
        });
        return { run };
      } catch (error) {
        throw toRouteError(`Triggering ${dagId}`, error);
      } finally {
        await cache.invalidateDag(client.name, dagId);
      }
    },

    async setPaused(target, dagId, isPaused) {
      const client = clientFor(target);
      try {
        const dag = await client.setDagPaused(dagId, isPaused);
        logger.info(isPaused ? 'Paused a DAG' : 'Unpaused a DAG', {
          entityRef: target.entityRef,
          instance: client.name,
          dagId,
        });
        return { dag };
      } catch (error) {
        throw toRouteError(
          `${isPaused ? 'Pausing' : 'Unpausing'} ${dagId}`,
          error,
        );
      } finally {
        await cache.invalidateDag(client.name, dagId);
      }
    },
  };
}
