/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import express, { Request, Response, Router } from 'express';
import { DagFilters } from '../dialect/types';
import { ApiError, likeToRegExp, ValidationItem } from '../params';
import { DagRecord } from '../types';
import { ApiContext } from './context';

const TASK_ORDER_KEYS = ['task_id', 'owner', 'retries', 'start_date'];

/** Whether a DAG passes the filters of `GET /dags`. */
function dagMatcher(api: ApiContext, filters: DagFilters) {
  const patterns = filters.patterns?.map(p => likeToRegExp(`%${p}%`));
  const { tags, owners } = filters;
  return (d: DagRecord) => {
    if (filters.onlyActive && !d.isActive) return false;
    if (filters.paused !== undefined && d.isPaused !== filters.paused)
      return false;
    if (patterns && !patterns.some(p => p.test(d.spec.dag_id))) return false;
    if (tags.length > 0) {
      const ok = filters.tagsAll
        ? tags.every(t => d.spec.tags.includes(t))
        : tags.some(t => d.spec.tags.includes(t));
      if (!ok) return false;
    }
    if (owners.length > 0 && !owners.some(o => d.spec.owners.includes(o)))
      return false;
    if (
      filters.hasImportErrors !== undefined &&
      api.ser.hasImportErrors(d) !== filters.hasImportErrors
    )
      return false;
    return true;
  };
}

function listDags(api: ApiContext, req: Request, res: Response) {
  const q = api.query(req);
  const { limit, offset } = api.page(q);
  const filters = api.dialect.dagFilters(q);
  const cmp = api.orderBy<DagRecord>(q, 'dag_id', {
    dag_id: d => d.spec.dag_id,
    dag_display_name: d => d.spec.dag_id,
    last_parsed_time: d => d.lastParsed,
    is_paused: d => (d.isPaused ? 1 : 0),
    fileloc: d => d.fileloc,
    ...api.dialect.dagOrderFields(api.instance),
  });
  q.done();
  const matches = dagMatcher(api, filters);
  const selected: DagRecord[] = [];
  for (const id of api.instance.sortedDagIds) {
    const d = api.instance.dags.get(id)!;
    if (matches(d)) selected.push(d);
  }
  // The DAGs are kept sorted by dag_id already.
  const rawOrder = api.dialect.orderKeys(q).join(',');
  if (rawOrder && rawOrder !== 'dag_id') selected.sort(cmp);
  api.send(res, 200, {
    dags: selected.slice(offset, offset + limit).map(d => api.ser.dag(d)),
    total_entries: selected.length,
  });
}

function listTasks(api: ApiContext, req: Request, res: Response) {
  const dag = api.dag(req.params.dag_id);
  const q = api.query(req);
  const order = q.string('order_by') ?? 'task_id';
  q.done();
  const key = order.replace(/^-/, '');
  if (!TASK_ORDER_KEYS.includes(key)) {
    throw new ApiError(
      400,
      'Bad Request',
      `Ordering with '${key}' is disallowed or the attribute does not exist on the model`,
    );
  }
  const tasks = dag.spec.tasks
    .map(t => api.ser.task(dag, t))
    .sort((a, b) => {
      const c = String(a[key]).localeCompare(String(b[key]));
      return order.startsWith('-') ? -c : c;
    });
  api.send(res, 200, { tasks, total_entries: tasks.length });
}

/** The problems of a `PATCH /dags/{dag_id}` body (`{"is_paused": bool}`). */
function patchBodyProblems(api: ApiContext, body: any): ValidationItem[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return [
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body ?? null,
        v1: `${JSON.stringify(body ?? null)} is not of type 'object'`,
      },
    ];
  }
  const problems: ValidationItem[] = [];
  for (const key of Object.keys(body)) {
    if (key === 'is_paused') continue;
    const problem = api.dialect.unknownBodyField(key, body[key], []);
    if (problem) problems.push(problem);
  }
  if (body.is_paused === undefined) {
    problems.push({
      type: 'missing',
      loc: ['body', 'is_paused'],
      msg: 'Field required',
      input: body,
      v1: "'is_paused' is a required property",
    });
  } else if (typeof body.is_paused !== 'boolean') {
    problems.push({
      type: 'bool_type',
      loc: ['body', 'is_paused'],
      msg: 'Input should be a valid boolean',
      input: body.is_paused,
      v1: `${JSON.stringify(
        body.is_paused,
      )} is not of type 'boolean' - 'is_paused'`,
    });
  }
  return problems;
}

function patchDag(api: ApiContext, req: Request, res: Response) {
  const q = api.query(req);
  const mask = q
    .list('update_mask')
    .flatMap(m => m.split(','))
    .map(m => m.trim())
    .filter(Boolean);
  q.done();
  const dag = api.dag(req.params.dag_id);
  api.reject(patchBodyProblems(api, req.body));
  if (mask.length > 0 && mask.some(m => m !== 'is_paused')) {
    throw new ApiError(
      400,
      'Bad Request',
      'Only `is_paused` field can be updated through the REST API',
    );
  }
  api.instance.setPaused(dag.spec.dag_id, req.body.is_paused);
  api.send(res, 200, api.ser.dag(dag));
}

/** `GET /dags`, `GET /dags/{dag_id}` (and `/details`, `/tasks`), `PATCH /dags/{dag_id}`. */
export function dagRoutes(api: ApiContext): Router {
  const router = express.Router();
  router.get(
    '/dags',
    api.wrap((req, res) => listDags(api, req, res)),
  );
  router.get(
    '/dags/:dag_id',
    api.wrap((req, res) =>
      api.send(res, 200, api.ser.dag(api.dag(req.params.dag_id))),
    ),
  );
  router.get(
    '/dags/:dag_id/details',
    api.wrap((req, res) =>
      api.send(res, 200, api.ser.dagDetails(api.dag(req.params.dag_id))),
    ),
  );
  router.get(
    '/dags/:dag_id/tasks',
    api.wrap((req, res) => listTasks(api, req, res)),
  );
  router.patch(
    '/dags/:dag_id',
    api.wrap((req, res) => patchDag(api, req, res)),
  );
  return router;
}
