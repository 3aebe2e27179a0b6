/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import express, { Request, Response, Router } from 'express';
import { ApiContext } from './context';

function listTaskInstances(api: ApiContext, req: Request, res: Response) {
  const { dag_id: dagId, run_id: runId } = req.params;
  if (dagId !== '~' && runId !== '~') api.run(dagId, runId);
  else if (dagId !== '~') api.dag(dagId);
  const q = api.query(req);
  const { limit, offset } = api.page(q);
  const states = q.list('state');
  q.done();
  const noState = api.dialect.noStateName;
  const selected = api.instance.taskInstances.filter(
    t =>
      (dagId === '~' || t.dag_id === dagId) &&
      (runId === '~' || t.run_id === runId) &&
      (states.length === 0 || states.includes(String(t.state ?? noState))),
  );
  api.send(res, 200, {
    task_instances: selected
      .slice(offset, offset + limit)
      .map(t => api.ser.taskInstance(t)),
    total_entries: selected.length,
  });
}

/** `GET /dags/{dag_id}/dagRuns/{run_id}/taskInstances` (`~` allowed for both). */
export function taskInstanceRoutes(api: ApiContext): Router {
  const router = express.Router();
  router.get(
    '/dags/:dag_id/dagRuns/:run_id/taskInstances',
    api.wrap((req, res) => listTaskInstances(api, req, res)),
  );
  return router;
}
