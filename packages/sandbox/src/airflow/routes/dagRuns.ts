/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import express, { Request, Response, Router } from 'express';
import { ApiError } from '../params';
import { RunRecord } from '../types';
import { ApiContext } from './context';
import { readTriggerBody } from './triggerBody';

const RUN_STATES = ['queued', 'running', 'success', 'failed'] as const;

function listRuns(api: ApiContext, req: Request, res: Response) {
  const dagId = req.params.dag_id;
  if (dagId !== '~') api.dag(dagId);
  const q = api.query(req);
  const { limit, offset } = api.page(q);
  const states = q.list('state');
  for (const s of states) {
    if (!(RUN_STATES as readonly string[]).includes(s)) {
      q.problems.push({
        type: 'enum',
        loc: ['query', 'state'],
        msg: "Input should be 'queued', 'running', 'success' or 'failed'",
        input: s,
        v1: `'${s}' is not one of ['queued', 'running', 'success', 'failed'] - 'state'`,
      });
    }
  }
  const { runTypes, bounds } = api.dialect.runFilters(q);
  const cmp = api.orderBy<RunRecord>(q, 'id', {
    id: r => r.id,
    state: r => r.state,
    dag_id: r => r.dag_id,
    dag_run_id: r => r.run_id,
    run_id: r => r.run_id,
    run_after: r => r.run_after,
    start_date: r => r.start_date,
    end_date: r => r.end_date,
    ...api.dialect.runOrderFields,
  });
  q.done();
  const selected = api.instance.runs.filter(r => {
    if (dagId !== '~' && r.dag_id !== dagId) return false;
    if (states.length > 0 && !states.includes(r.state)) return false;
    if (runTypes.length > 0 && !runTypes.includes(r.run_type)) return false;
    for (const b of bounds) {
      const v = b.get(r);
      if (b.gte && (!v || new Date(v) < b.gte)) return false;
      if (b.lte && (!v || new Date(v) > b.lte)) return false;
    }
    return true;
  });
  selected.sort(cmp);
  api.send(res, 200, {
    dag_runs: selected.slice(offset, offset + limit).map(r => api.ser.run(r)),
    total_entries: selected.length,
  });
}

function triggerRun(api: ApiContext, req: Request, res: Response) {
  const dag = api.dag(req.params.dag_id);
  const body = readTriggerBody(api.dialect, req.body, problems =>
    api.reject(problems),
  );
  try {
    const run = api.instance.trigger(dag.spec.dag_id, {
      run_id: body.dagRunId,
      logical_date: body.logicalDate,
      conf: body.conf,
      note: body.note,
      user: api.username,
    });
    api.send(res, 200, api.ser.run(run));
  } catch (e) {
    if ((e as { conflict?: boolean }).conflict) {
      throw new ApiError(409, (e as Error).message, (e as Error).message);
    }
    throw e;
  }
}

/** `GET /dags/{dag_id}/dagRuns` (`~` = every DAG), `GET …/dagRuns/{run_id}`, `POST /dags/{dag_id}/dagRuns`. */
export function dagRunRoutes(api: ApiContext): Router {
  const router = express.Router();
  router.get(
    '/dags/:dag_id/dagRuns',
    api.wrap((req, res) => listRuns(api, req, res)),
  );
  router.get(
    '/dags/:dag_id/dagRuns/:run_id',
    api.wrap((req, res) =>
      api.send(
        res,
        200,
        api.ser.run(api.run(req.params.dag_id, req.params.run_id)),
      ),
    ),
  );
  router.post(
    '/dags/:dag_id/dagRuns',
    api.wrap((req, res) => triggerRun(api, req, res)),
  );
  return router;
}
