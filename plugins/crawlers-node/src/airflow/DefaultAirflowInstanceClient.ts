/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  AirflowApiVersion,
  CrawlersDag,
  CrawlersDagRun,
  CrawlersImportError,
  CrawlersTaskInstance,
  CrawlersTaskLog,
} from '@crawler-platform/plugin-crawlers-common';
import { AirflowHttp, AirflowRequest, segment } from './AirflowHttp';
import { AirflowUnavailableError } from './errors';
import {
  mapDagRunV1,
  mapDagRunV2,
  mapDagV1,
  mapDagV2,
  mapImportError,
  mapLogContentV1,
  mapLogContentV2,
  mapTaskInstance,
} from './mappers';
import type {
  AirflowCollection,
  AirflowInstanceClient,
  AirflowInstanceConfig,
  AirflowListDagRunsOptions,
  AirflowListDagsOptions,
  AirflowListRecentDagRunsOptions,
  AirflowPage,
  AirflowTaskLogOptions,
  AirflowTriggerOptions,
} from './types';

/** Page size used when following pagination (Airflow's default maximum_page_limit is 100). */
const PAGE_SIZE = 100;
/** Upper bound of pages followed, to bound memory. */
const MAX_PAGES = 50;

type Json = Record<string, any>;

/** A page size within Airflow's bounds (1 to its default `maximum_page_limit` of 100). */
function pageLimit(limit: number): number {
  return Math.min(PAGE_SIZE, Math.max(1, Math.floor(limit)));
}

/**
 * Airflow client of one instance for both REST API versions.
 *
 * @public
 */
export class DefaultAirflowInstanceClient implements AirflowInstanceClient {
  readonly name: string;
  readonly uiUrl: string;
  readonly config: AirflowInstanceConfig;
  private readonly http: AirflowHttp;
  private version?: Promise<AirflowApiVersion>;

  /** Creates the client of one configured instance; `now` exists for tests of JWT expiry. */
  static create(options: {
    config: AirflowInstanceConfig;
    logger: LoggerService;
    now?: () => number;
  }): DefaultAirflowInstanceClient {
    return new DefaultAirflowInstanceClient(options);
  }

  private constructor(
    private readonly options: {
      config: AirflowInstanceConfig;
      logger: LoggerService;
      now?: () => number;
    },
  ) {
    this.name = options.config.name;
    this.uiUrl = options.config.uiUrl;
    this.config = options.config;
    this.http = new AirflowHttp(options.config, options.logger, options.now);
  }

  getApiVersion(): Promise<AirflowApiVersion> {
    const configured = this.options.config.apiVersion;
    if (configured !== 'auto') {
      return Promise.resolve(configured);
    }
    if (!this.version) {
      this.version = this.probe().catch(error => {
        this.version = undefined;
        throw error;
      });
    }
    return this.version;
  }

  async warmUp(): Promise<void> {
    await this.getApiVersion();
    await this.http.prepareAuth();
  }

  private async probe(): Promise<AirflowApiVersion> {
    for (const candidate of ['v2', 'v1'] as const) {
      if (await this.http.probe(candidate)) {
        this.options.logger.info('Detected the Airflow REST API version', {
          instance: this.name,
          apiVersion: candidate,
        });
        return candidate;
      }
    }
    throw new AirflowUnavailableError(
      `Airflow instance "${this.name}" serves neither /api/v2/version nor /api/v1/version: check its baseUrl`,
      502,
    );
  }

  private async call<T>(request: AirflowRequest): Promise<T> {
    return this.http.json<T>(await this.getApiVersion(), request);
  }

  /** An answer about another DAG than the one asked for is an upstream error, never passed on. */
  private sameDag<T extends { dagId: string }>(
    requested: string,
    item: T,
    what: string,
  ): T {
    if (item.dagId !== requested) {
      throw new AirflowUnavailableError(
        `Airflow instance "${
          this.name
        }" answered ${what} of DAG "${requested}" with data of DAG "${String(
          item.dagId,
        ).slice(0, 250)}"`,
        502,
      );
    }
    return item;
  }

  async getDag(dagId: string): Promise<CrawlersDag> {
    const version = await this.getApiVersion();
    const dag = await this.http.json<Json>(version, {
      method: 'GET',
      path: `/dags/${segment(dagId)}`,
    });
    return this.sameDag(
      dagId,
      version === 'v1' ? mapDagV1(dag) : mapDagV2(dag),
      'the DAG request',
    );
  }

  async listDags(
    options: AirflowListDagsOptions,
  ): Promise<AirflowPage<CrawlersDag>> {
    const version = await this.getApiVersion();
    const page = await this.http.json<Json>(version, {
      method: 'GET',
      path: '/dags',
      query: {
        limit: pageLimit(options.limit),
        offset: options.offset,
        // v1 takes one field, v2 a list: the same query string either way.
        order_by: version === 'v1' ? 'dag_id' : ['dag_id'],
      },
    });
    const map = version === 'v1' ? mapDagV1 : mapDagV2;
    return {
      items: (page.dags ?? []).map((d: Json) => map(d)),
      totalEntries:
        typeof page.total_entries === 'number' ? page.total_entries : 0,
    };
  }

  async listRecentDagRuns(
    options: AirflowListRecentDagRunsOptions,
  ): Promise<AirflowPage<CrawlersDagRun>> {
    const version = await this.getApiVersion();
    const page = await this.http.json<Json>(version, {
      method: 'GET',
      path: '/dags/~/dagRuns',
      query: {
        limit: pageLimit(options.limit),
        offset: options.offset,
        order_by: version === 'v1' ? '-execution_date' : ['-run_after'],
      },
    });
    const map = version === 'v1' ? mapDagRunV1 : mapDagRunV2;
    return {
      items: (page.dag_runs ?? []).map((r: Json) => map(r)),
      totalEntries:
        typeof page.total_entries === 'number' ? page.total_entries : 0,
    };
  }

  async listDagRuns(
    dagId: string,
    options: AirflowListDagRunsOptions,
  ): Promise<AirflowPage<CrawlersDagRun>> {
    const version = await this.getApiVersion();
    const page = await this.http.json<Json>(version, {
      method: 'GET',
      path: `/dags/${segment(dagId)}/dagRuns`,
      query: {
        limit: options.limit,
        offset: options.offset,
        order_by: version === 'v1' ? '-execution_date' : ['-run_after'],
        state: options.states?.length ? options.states : undefined,
      },
    });
    const map = version === 'v1' ? mapDagRunV1 : mapDagRunV2;
    return {
      items: (page.dag_runs ?? []).map((r: Json) =>
        this.sameDag(dagId, map(r), 'the run list'),
      ),
      totalEntries: page.total_entries ?? 0,
    };
  }

  private async listAll<T>(
    path: string,
    itemsKey: string,
    map: (item: Json) => T,
  ): Promise<AirflowCollection<T>> {
    const items: T[] = [];
    let totalEntries = 0;
    for (let pageIndex = 0; pageIndex < MAX_PAGES; pageIndex++) {
      const page = await this.call<Json>({
        method: 'GET',
        path,
        query: { limit: PAGE_SIZE, offset: items.length },
      });
      const pageItems: Json[] = page[itemsKey] ?? [];
      totalEntries =
        typeof page.total_entries === 'number' ? page.total_entries : 0;
      items.push(...pageItems.map(map));
      if (pageItems.length === 0 || items.length >= totalEntries) {
        return { items, truncated: false, totalEntries };
      }
    }
    this.options.logger.warn('Stopped paging at the page bound', {
      instance: this.name,
      path,
      read: items.length,
      totalEntries,
    });
    return { items, truncated: true, totalEntries };
  }

  async listTaskInstances(
    dagId: string,
    runId: string,
  ): Promise<AirflowCollection<CrawlersTaskInstance>> {
    const all = await this.listAll(
      `/dags/${segment(dagId)}/dagRuns/${segment(runId)}/taskInstances`,
      'task_instances',
      (t: Json) => {
        if (typeof t.dag_id === 'string' && t.dag_id !== dagId) {
          this.sameDag(dagId, { dagId: t.dag_id }, 'the task instance list');
        }
        return mapTaskInstance(t);
      },
    );
    return all;
  }

  listImportErrors(): Promise<AirflowCollection<CrawlersImportError>> {
    return this.listAll('/importErrors', 'import_errors', mapImportError);
  }

  async getTaskLog(
    dagId: string,
    runId: string,
    taskId: string,
    tryNumber: number,
    options: AirflowTaskLogOptions = {},
  ): Promise<CrawlersTaskLog> {
    const version = await this.getApiVersion();
    const log = await this.http.json<Json>(version, {
      method: 'GET',
      path: `/dags/${segment(dagId)}/dagRuns/${segment(
        runId,
      )}/taskInstances/${segment(taskId)}/logs/${segment(tryNumber)}`,
      query: {
        map_index: options.mapIndex,
        token: options.token,
      },
    });
    return {
      tryNumber,
      lines:
        version === 'v1'
          ? mapLogContentV1(log.content)
          : mapLogContentV2(log.content),
      continuationToken:
        typeof log.continuation_token === 'string'
          ? log.continuation_token
          : null,
    };
  }

  async triggerDagRun(
    dagId: string,
    options: AirflowTriggerOptions = {},
  ): Promise<CrawlersDagRun> {
    const version = await this.getApiVersion();
    const body: Json =
      version === 'v1'
        ? { conf: options.conf ?? {} }
        : { logical_date: null, conf: options.conf ?? {} };
    if (options.note !== undefined) {
      body.note = options.note;
    }
    const run = await this.http.json<Json>(version, {
      method: 'POST',
      path: `/dags/${segment(dagId)}/dagRuns`,
      body,
    });
    return this.sameDag(
      dagId,
      version === 'v1' ? mapDagRunV1(run) : mapDagRunV2(run),
      'the trigger',
    );
  }

  async setDagPaused(dagId: string, isPaused: boolean): Promise<CrawlersDag> {
    const version = await this.getApiVersion();
    const dag = await this.http.json<Json>(version, {
      method: 'PATCH',
      path: `/dags/${segment(dagId)}`,
      query: { update_mask: ['is_paused'] },
      commaKeys: ['update_mask'],
      body: { is_paused: isPaused },
    });
    return this.sameDag(
      dagId,
      version === 'v1' ? mapDagV1(dag) : mapDagV2(dag),
      'the pause request',
    );
  }
}
