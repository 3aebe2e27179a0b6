/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  AirflowApiVersion,
  CrawlersDag,
  CrawlersDagRun,
} from '@crawler-platform/plugin-crawlers-common';
import type {
  AirflowInstanceClient,
  AirflowService,
  CrawlerClaimService,
} from '@crawler-platform/plugin-crawlers-node';
import { defaults } from './config';
import {
  CrawlerEntityIndex,
  CrawlerEntitySummary,
  readCrawlerEntityIndex,
} from './crawlerEntities';

/** One DAG as the collators see it: its instance, the entity whose claim holds (if any) and its last run. */
export interface ScannedDag {
  instance: AirflowInstanceClient;
  apiVersion: AirflowApiVersion;
  dag: CrawlersDag;
  /** The entity that names the DAG and whose claim the DAG confirms; undefined for an unclaimed DAG. */
  entity?: CrawlerEntitySummary;
  /** The DAG's latest run; null when it has none (or, for an unclaimed DAG, none among the recent runs). */
  lastRun: CrawlersDagRun | null;
}

/** Which DAGs a scan yields. */
export type ScanSelection = 'claimed' | 'unclaimed';

/** The latest run of each DAG among an instance's newest runs. */
interface RecentRuns {
  latest: Map<string, CrawlersDagRun>;
  /** True when every run of the instance was read: a DAG without an entry has no run at all. */
  complete: boolean;
}

/** Dependencies of {@link DagScanner}. */
export interface DagScannerOptions {
  auth: AuthService;
  catalog: CatalogService;
  airflow: AirflowService;
  claims: CrawlerClaimService;
  logger: LoggerService;
  /** Newest runs of each instance read for last runs (0 = none). */
  recentRuns: number;
}

/**
 * Walks the DAGs of every configured Airflow instance one page at a time and decides, per DAG, which crawler entity
 * (if any) holds a claim on it. Memory is bounded by two DAG pages, the instance's recent runs and one summary per
 * crawler entity, whatever the number of DAGs.
 */
export class DagScanner {
  constructor(private readonly options: DagScannerOptions) {}

  /**
   * The DAGs of every instance, claimed or unclaimed ones. An instance that cannot be read is logged and skipped
   * (the DAGs it yielded before failing stay in this collation).
   */
  async *scan(selection: ScanSelection): AsyncGenerator<ScannedDag> {
    const { airflow, logger } = this.options;
    const instanceNames = airflow.listInstanceNames();
    const entities = await readCrawlerEntityIndex({
      ...this.options,
      instanceNames,
      pageSize: defaults.entityPageSize,
    });
    for (const name of instanceNames) {
      const instance = airflow.getInstance(name);
      let count = 0;
      try {
        for await (const scanned of this.scanInstance(
          instance,
          entities,
          selection,
        )) {
          count++;
          yield scanned;
        }
        logger.info('Collated the DAGs of an Airflow instance', {
          instance: name,
          selection,
          documents: count,
        });
      } catch (error) {
        logger.warn(
          'Skipped an Airflow instance whose DAGs could not be read; its DAGs are missing from this collation',
          { instance: name, selection, documents: count, error: String(error) },
        );
      }
    }
  }

  private async *scanInstance(
    instance: AirflowInstanceClient,
    entities: CrawlerEntityIndex,
    selection: ScanSelection,
  ): AsyncGenerator<ScannedDag> {
    const apiVersion = await instance.getApiVersion();
    const recent = await this.readRecentRuns(instance);
    const named = entities.get(instance.name) ?? new Map();
    const limit = defaults.dagPageSize;
    let offset = 0;
    let previousIds = new Set<string>();
    let next = instance.listDags({ limit, offset });
    for (;;) {
      const page = await next;
      offset += page.items.length;
      const more =
        page.items.length > 0 &&
        offset < page.totalEntries &&
        offset < defaults.maxDagsPerInstance;
      if (more) {
        // The next page is read while this one is enriched; a failure surfaces when it is awaited.
        next = instance.listDags({ limit, offset });
        next.catch(() => undefined);
      } else if (offset >= defaults.maxDagsPerInstance) {
        this.options.logger.warn('Stopped reading DAGs at the bound', {
          instance: instance.name,
          read: offset,
          totalEntries: page.totalEntries,
        });
      }
      // A DAG added while paging shifts the list by one: skip what the previous page already gave.
      const seen = previousIds;
      const fresh = page.items.filter(dag => !seen.has(dag.dagId));
      previousIds = new Set(page.items.map(dag => dag.dagId));
      const selected = fresh
        .map(dag => ({
          dag,
          entity: this.claimant(instance, named.get(dag.dagId), dag),
        }))
        .filter(({ entity }) => (selection === 'claimed') === !!entity);
      const scanned = await Promise.all(
        selected.map(async ({ dag, entity }) => ({
          instance,
          apiVersion,
          dag,
          entity,
          lastRun: await this.lastRun(instance, dag.dagId, recent, !!entity),
        })),
      );
      yield* scanned;
      if (!more) {
        return;
      }
    }
  }

  /** The entity whose claim on the DAG holds: of those that name it, the first (by ref) the claim check accepts. */
  private claimant(
    instance: AirflowInstanceClient,
    candidates: CrawlerEntitySummary[] | undefined,
    dag: CrawlersDag,
  ): CrawlerEntitySummary | undefined {
    if (!candidates?.length) {
      return undefined;
    }
    const holding = candidates.filter(candidate => {
      const claim = this.options.claims.checkDag(instance, candidate.ref, dag);
      if (!claim.holds) {
        this.options.logger.debug(
          'Not enriching a DAG with an entity whose claim it refuses',
          {
            instance: instance.name,
            dagId: dag.dagId,
            entity: candidate.ref,
            reason: claim.reason,
          },
        );
      }
      return claim.holds;
    });
    if (holding.length > 1) {
      this.options.logger.warn(
        'A DAG confirms the claims of several entities; its search document names the first',
        {
          instance: instance.name,
          dagId: dag.dagId,
          entities: holding.map(e => e.ref).join(', '),
        },
      );
    }
    return holding[0];
  }

  /** Reads the instance's newest runs (pages of 100, up to `recentRuns`) and keeps the latest run of each DAG. */
  private async readRecentRuns(
    instance: AirflowInstanceClient,
  ): Promise<RecentRuns> {
    const latest = new Map<string, CrawlersDagRun>();
    const wanted = this.options.recentRuns;
    let read = 0;
    while (read < wanted) {
      const page = await instance.listRecentDagRuns({
        limit: Math.min(defaults.dagPageSize, wanted - read),
        offset: read,
      });
      for (const run of page.items) {
        if (!latest.has(run.dagId)) {
          latest.set(run.dagId, run);
        }
      }
      read += page.items.length;
      if (page.items.length === 0 || read >= page.totalEntries) {
        return { latest, complete: true };
      }
    }
    return { latest, complete: false };
  }

  /**
   * A DAG's latest run: from the recent runs when it is among them; otherwise, for a claimed DAG, asked for (one
   * request), and for an unclaimed one left unknown, so that the cost of a collation does not grow with the number
   * of DAGs no crawler owns.
   */
  private async lastRun(
    instance: AirflowInstanceClient,
    dagId: string,
    recent: RecentRuns,
    claimed: boolean,
  ): Promise<CrawlersDagRun | null> {
    const known = recent.latest.get(dagId);
    if (known || recent.complete || !claimed) {
      return known ?? null;
    }
    try {
      const page = await instance.listDagRuns(dagId, { limit: 1, offset: 0 });
      return page.items[0] ?? null;
    } catch (error) {
      // The DAG went away between the list and this request.
      if (error instanceof ResponseError && error.response.status === 404) {
        return null;
      }
      throw error;
    }
  }
}
