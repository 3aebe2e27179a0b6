/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { http, HttpResponse } from 'msw';
import {
  fakeJwt,
  v1Dag,
  v1ImportError,
  v1Log,
  v1Run,
  v1TaskInstance,
  v1Version,
  v2Dag,
  v2ImportError,
  v2Log,
  v2Run,
  v2TaskInstance,
  v2Version,
} from './fixtures';

/**
 * A request the fake Airflow received.
 *
 * @public
 */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

/**
 * Options of {@link fakeAirflow}.
 *
 * @public
 */
export interface FakeAirflowOptions {
  baseUrl: string;
  version: 'v1' | 'v2';
  dags: string[];
  runsPerDag?: number;
  taskInstancesPerRun?: number;
  importErrorFiles?: string[];
  /** Extra tags per DAG id, e.g. the claim tag `backstage:component:default/shop` that confirms an entity's claim. */
  dagTags?: Record<string, string[]>;
  /** Fields of a DAG's answer to override per DAG id (`description`, `has_import_errors`, `timetable_summary`, …). */
  dagOverrides?: Record<string, Record<string, unknown>>;
  /**
   * The runs of a DAG, newest first, as field overrides of the run fixture (`state`, `start_date`, …); a DAG not
   * listed has `runsPerDag` fixture runs. `GET /dags/~/dagRuns` lists the runs of every DAG by logical date
   * (v1) or `run_after` (v2), newest first.
   */
  dagRuns?: Record<string, Array<Record<string, unknown>>>;
  /** v1: Basic credentials; v2: credentials for POST /auth/token. */
  credentials?: { username: string; password: string };
  /** Which key POST /auth/token answers with. */
  tokenKey?: 'access_token' | 'jwt_token';
  /** Seconds a JWT lives. */
  tokenLifetimeSeconds?: number;
}

/**
 * State of a fake Airflow: requests received, tokens issued (clear `validTokens` to revoke them), paused DAGs and
 * trigger bodies.
 *
 * @public
 */
export interface FakeAirflowState {
  requests: RecordedRequest[];
  tokensIssued: string[];
  validTokens: Set<string>;
  paused: Map<string, boolean>;
  triggered: unknown[];
}

/** Airflow's default `maximum_page_limit`: a larger `limit` is cut down to it. */
const MAXIMUM_PAGE_LIMIT = 100;

function paginate<T>(items: T[], url: URL, defaultLimit: number) {
  const limit = Math.min(
    Number(url.searchParams.get('limit') ?? defaultLimit),
    MAXIMUM_PAGE_LIMIT,
  );
  const offset = Number(url.searchParams.get('offset') ?? 0);
  return items.slice(offset, offset + limit);
}

/**
 * msw handlers of an in-memory Airflow 2 (`/api/v1`) or Airflow 3 (`/api/v2`) that answers with spec-shaped
 * bodies and enforces its authentication.
 *
 * @public
 */
export function fakeAirflow(options: FakeAirflowOptions) {
  const { baseUrl, version } = options;
  const v1 = version === 'v1';
  const defaultLimit = v1 ? 100 : 50;
  let tokenCounter = 0;
  const state: FakeAirflowState = {
    requests: [],
    tokensIssued: [],
    validTokens: new Set(),
    paused: new Map(),
    triggered: [],
  };

  const tagsOf = (dagId: string) =>
    ['crawler', ...(options.dagTags?.[dagId] ?? [])].map(name =>
      v1 ? { name } : { name, dag_id: dagId, dag_display_name: dagId },
    );
  const dagBody = (dagId: string) =>
    (v1 ? v1Dag : v2Dag)(dagId, {
      ...options.dagOverrides?.[dagId],
      is_paused: state.paused.get(dagId) ?? false,
      tags: tagsOf(dagId),
    });
  const runs = (dagId: string) => {
    const given = options.dagRuns?.[dagId];
    return given
      ? given.map((overrides, i) =>
          (v1 ? v1Run : v2Run)(dagId, given.length - 1 - i, overrides),
        )
      : Array.from({ length: options.runsPerDag ?? 3 }, (_, i) =>
          (v1 ? v1Run : v2Run)(dagId, i),
        );
  };
  /** Every DAG's runs, newest first by the key the client orders by. */
  const allRuns = () => {
    const key = v1 ? 'execution_date' : 'run_after';
    return options.dags
      .flatMap(runs)
      .sort((a: Record<string, any>, b: Record<string, any>) =>
        String(b[key] ?? '').localeCompare(String(a[key] ?? '')),
      );
  };
  const importErrors = (options.importErrorFiles ?? []).map((f, i) =>
    (v1 ? v1ImportError : v2ImportError)(i + 1, f),
  );
  const notFound = (detail: string) =>
    v1
      ? HttpResponse.json(
          { type: 'about:blank', title: 'Not Found', status: 404, detail },
          { status: 404 },
        )
      : HttpResponse.json({ detail }, { status: 404 });
  const unauthorized = () =>
    v1
      ? HttpResponse.json(
          {
            type: 'about:blank',
            title: 'Unauthorized',
            status: 401,
            detail: 'Unauthorized',
          },
          { status: 401 },
        )
      : HttpResponse.json({ detail: 'Not authenticated' }, { status: 401 });

  function authorized(request: Request): boolean {
    const creds = options.credentials;
    if (!creds) {
      return true;
    }
    const header = request.headers.get('authorization') ?? '';
    if (v1) {
      return (
        header ===
        `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString(
          'base64',
        )}`
      );
    }
    return (
      header.startsWith('Bearer ') && state.validTokens.has(header.slice(7))
    );
  }

  const handler = http.all(`${baseUrl}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const text = request.method === 'GET' ? '' : await request.text();
    const body = text ? JSON.parse(text) : undefined;
    state.requests.push({
      method: request.method,
      url,
      headers: request.headers,
      body,
    });
    const path = url.pathname.slice(
      new URL(baseUrl).pathname.replace(/\/$/, '').length,
    );

    if (path === '/auth/token' && request.method === 'POST' && !v1) {
      const creds = options.credentials;
      if (
        !creds ||
        body?.username !== creds.username ||
        body?.password !== creds.password
      ) {
        return HttpResponse.json(
          { detail: 'Invalid credentials' },
          { status: 401 },
        );
      }
      const token = fakeJwt(
        Math.floor(Date.now() / 1000) + (options.tokenLifetimeSeconds ?? 3600),
        `admin-${++tokenCounter}`,
      );
      state.tokensIssued.push(token);
      state.validTokens.add(token);
      return HttpResponse.json(
        { [options.tokenKey ?? 'access_token']: token },
        { status: 201 },
      );
    }

    const prefix = `/api/${version}`;
    if (!path.startsWith(`${prefix}/`)) {
      return new HttpResponse(null, { status: 404 });
    }
    const rest = path.slice(prefix.length);
    if (rest === '/version') {
      return HttpResponse.json(v1 ? v1Version : v2Version);
    }
    if (!authorized(request)) {
      return unauthorized();
    }
    const segments = rest.split('/').slice(1).map(decodeURIComponent);
    const [root, dagId, sub, runId, tiRoot, taskId, logs, tryNumber] = segments;

    if (root === 'importErrors' && segments.length === 1) {
      return HttpResponse.json({
        import_errors: paginate(importErrors, url, defaultLimit),
        total_entries: importErrors.length,
      });
    }
    if (root === 'dags' && segments.length === 1 && request.method === 'GET') {
      const all = [...options.dags].sort();
      return HttpResponse.json({
        dags: paginate(all, url, defaultLimit).map(dagBody),
        total_entries: all.length,
      });
    }
    if (
      root === 'dags' &&
      dagId === '~' &&
      sub === 'dagRuns' &&
      segments.length === 3 &&
      request.method === 'GET'
    ) {
      const all = allRuns();
      return HttpResponse.json({
        dag_runs: paginate(all, url, defaultLimit),
        total_entries: all.length,
      });
    }
    if (root !== 'dags' || !dagId) {
      return notFound(`No route ${rest}`);
    }
    if (!options.dags.includes(dagId)) {
      return notFound(`DAG with dag_id: '${dagId}' not found`);
    }
    if (segments.length === 2 && request.method === 'GET') {
      return HttpResponse.json(dagBody(dagId));
    }
    if (segments.length === 2 && request.method === 'PATCH') {
      state.paused.set(dagId, body.is_paused);
      return HttpResponse.json(dagBody(dagId));
    }
    if (
      sub === 'dagRuns' &&
      segments.length === 3 &&
      request.method === 'GET'
    ) {
      const all = runs(dagId);
      return HttpResponse.json({
        dag_runs: paginate(all, url, defaultLimit),
        total_entries: all.length,
      });
    }
    if (
      sub === 'dagRuns' &&
      segments.length === 3 &&
      request.method === 'POST'
    ) {
      state.triggered.push(body);
      const run = (v1 ? v1Run : v2Run)(dagId, 9, {
        dag_run_id: 'manual__2026-01-02T00:00:00+00:00',
        run_type: 'manual',
        state: 'queued',
        start_date: null,
        end_date: null,
        conf: body.conf ?? {},
        ...(v1
          ? { external_trigger: true }
          : { triggered_by: 'rest_api', duration: null, logical_date: null }),
      });
      return HttpResponse.json(run);
    }
    if (
      sub === 'dagRuns' &&
      tiRoot === 'taskInstances' &&
      segments.length === 5
    ) {
      const all = Array.from(
        { length: options.taskInstancesPerRun ?? 2 },
        (_, i) =>
          (v1 ? v1TaskInstance : v2TaskInstance)(dagId, runId, `task_${i}`),
      );
      return HttpResponse.json({
        task_instances: paginate(all, url, defaultLimit),
        total_entries: all.length,
      });
    }
    if (
      sub === 'dagRuns' &&
      tiRoot === 'taskInstances' &&
      logs === 'logs' &&
      tryNumber
    ) {
      return HttpResponse.json(v1 ? v1Log : v2Log);
    }
    return notFound(`No route ${rest} for ${taskId ?? ''}`);
  });

  return { handlers: [handler], state };
}
