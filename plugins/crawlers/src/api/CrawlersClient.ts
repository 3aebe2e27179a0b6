/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CrawlersAirflowResponse,
  CrawlersDagRequest,
  CrawlersDagRunsPage,
  CrawlersDiagnosisResponse,
  CrawlersEntityRequest,
  CrawlersGitSyncResponse,
  CrawlersListRunsRequest,
  CrawlersOverviewResponse,
  CrawlersPauseResponse,
  CrawlersPodCleanupResponse,
  CrawlersPodsResponse,
  CrawlersSetPausedRequest,
  CrawlersTaskInstancesRequest,
  CrawlersTaskInstancesResponse,
  CrawlersTaskLogRequest,
  CrawlersTaskLogResponse,
  CrawlersTriggerResponse,
  CrawlersTriggerRunRequest,
} from '@crawler-platform/plugin-crawlers-common';
import type { CrawlersApi } from './CrawlersApi';

const enc = encodeURIComponent;

function entityPath(ref: CompoundEntityRef): string {
  return `/entities/${enc(ref.kind.toLocaleLowerCase('en-US'))}/${enc(
    ref.namespace || 'default',
  )}/${enc(ref.name)}`;
}

function dagPath(request: CrawlersDagRequest): string {
  return `${entityPath(request.entityRef)}/dags/${enc(request.dagId)}`;
}

/**
 * {@link CrawlersApi} over HTTP: URLs from `discoveryApi.getBaseUrl('crawlers')`, requests through `fetchApi` (which
 * adds the user's token); a non-ok response throws a `ResponseError` carrying the backend's error body.
 *
 * @public
 */
export class CrawlersClient implements CrawlersApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /** {@inheritDoc CrawlersApi.getAirflow} */
  getAirflow(request: CrawlersEntityRequest): Promise<CrawlersAirflowResponse> {
    return this.get(`${entityPath(request.entityRef)}/airflow`);
  }

  /** {@inheritDoc CrawlersApi.getOverview} */
  getOverview(
    request: CrawlersEntityRequest,
  ): Promise<CrawlersOverviewResponse> {
    return this.get(`${entityPath(request.entityRef)}/overview`);
  }

  /** {@inheritDoc CrawlersApi.listRuns} */
  listRuns(request: CrawlersListRunsRequest): Promise<CrawlersDagRunsPage> {
    const query = new URLSearchParams();
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.offset !== undefined) {
      query.set('offset', String(request.offset));
    }
    if (request.states?.length) query.set('state', request.states.join(','));
    const qs = query.toString();
    return this.get(`${dagPath(request)}/runs${qs ? `?${qs}` : ''}`);
  }

  /** {@inheritDoc CrawlersApi.listTaskInstances} */
  listTaskInstances(
    request: CrawlersTaskInstancesRequest,
  ): Promise<CrawlersTaskInstancesResponse> {
    return this.get(
      `${dagPath(request)}/runs/${enc(request.runId)}/taskInstances`,
    );
  }

  /** {@inheritDoc CrawlersApi.getTaskLog} */
  getTaskLog(
    request: CrawlersTaskLogRequest,
  ): Promise<CrawlersTaskLogResponse> {
    const query = new URLSearchParams();
    if (request.token) query.set('token', request.token);
    if (request.mapIndex !== undefined && request.mapIndex >= 0) {
      query.set('mapIndex', String(request.mapIndex));
    }
    const qs = query.toString();
    return this.get(
      `${dagPath(request)}/runs/${enc(request.runId)}/taskInstances/${enc(
        request.taskId,
      )}/logs/${enc(String(request.tryNumber))}${qs ? `?${qs}` : ''}`,
    );
  }

  /** {@inheritDoc CrawlersApi.triggerRun} */
  triggerRun(
    request: CrawlersTriggerRunRequest,
  ): Promise<CrawlersTriggerResponse> {
    const body: { conf?: Record<string, unknown>; note?: string } = {};
    if (request.conf !== undefined) body.conf = request.conf;
    if (request.note) body.note = request.note;
    return this.send('POST', `${dagPath(request)}/runs`, body);
  }

  /** {@inheritDoc CrawlersApi.setPaused} */
  setPaused(request: CrawlersSetPausedRequest): Promise<CrawlersPauseResponse> {
    return this.send('PATCH', dagPath(request), {
      isPaused: request.isPaused,
    });
  }

  /** {@inheritDoc CrawlersApi.listPods} */
  listPods(request: CrawlersEntityRequest): Promise<CrawlersPodsResponse> {
    return this.get(`${entityPath(request.entityRef)}/pods`);
  }

  /** {@inheritDoc CrawlersApi.cleanupPods} */
  cleanupPods(
    request: CrawlersEntityRequest,
  ): Promise<CrawlersPodCleanupResponse> {
    return this.send(
      'POST',
      `${entityPath(request.entityRef)}/pods/cleanup`,
      {},
    );
  }

  /** {@inheritDoc CrawlersApi.getGitSync} */
  getGitSync(request: CrawlersEntityRequest): Promise<CrawlersGitSyncResponse> {
    return this.get(`${entityPath(request.entityRef)}/git-sync`);
  }

  /** {@inheritDoc CrawlersApi.getDiagnosis} */
  getDiagnosis(
    request: CrawlersEntityRequest,
  ): Promise<CrawlersDiagnosisResponse> {
    return this.get(`${entityPath(request.entityRef)}/diagnosis`);
  }

  private async get<T>(path: string): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('crawlers');
    const res = await this.fetchApi.fetch(`${base}${path}`);
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }

  private async send<T>(
    method: 'POST' | 'PATCH',
    path: string,
    body: unknown,
  ): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('crawlers');
    const res = await this.fetchApi.fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
