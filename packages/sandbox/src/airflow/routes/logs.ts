/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import express, { Request, Response, Router } from 'express';
import { ApiError } from '../params';
import { ApiContext } from './context';

/** Task-instance states after which a try's log does not grow. */
const TERMINAL_TI = new Set([
  'success',
  'failed',
  'upstream_failed',
  'skipped',
]);

type LogPosition = { log_pos: number; end_of_log: boolean };

/** Continuation tokens: `{log_pos, end_of_log}` signed with the server's secret (a forged one → 400). */
export function continuationTokens(secret: string) {
  const hmac = (payload: string) =>
    crypto.createHmac('sha1', secret).update(payload).digest('base64url');
  return {
    sign(data: LogPosition): string {
      const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
      return `${payload}.${hmac(payload)}`;
    },
    read(token: string): LogPosition {
      const [payload, sig] = token.split('.');
      const expected = payload ? hmac(payload) : '';
      if (!payload || !sig || sig !== expected) {
        throw new ApiError(
          400,
          'Bad Request',
          'Bad Signature. Please use only the tokens provided by the API.',
        );
      }
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    },
  };
}

function getLog(
  api: ApiContext,
  tokens: ReturnType<typeof continuationTokens>,
  req: Request,
  res: Response,
) {
  const { dag_id: dagId, run_id: runId, task_id: taskId } = req.params;
  const tryText = req.params.try;
  if (!/^\d+$/.test(tryText)) {
    api.reject([
      {
        type: 'int_parsing',
        loc: ['path', 'try_number'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: tryText,
        v1: `'${tryText}' is not of type 'integer' - 'task_try_number'`,
      },
    ]);
  }
  const tryNumber = Number(tryText);
  const q = api.query(req);
  const fullContent = q.bool('full_content') ?? false;
  q.int('map_index', -1);
  const token = q.string('token');
  q.done();
  const run = api.run(dagId, runId);
  const ti = api.instance.taskInstancesOf(run).find(t => t.task_id === taskId);
  if (!ti) throw api.dialect.taskInstanceNotFound();
  api.dialect.sendLog(res, {
    entries: ti.logs[String(tryNumber)] ?? [],
    start: token && !fullContent ? tokens.read(token).log_pos : 0,
    hostname: ti.hostname,
    logPath: `/opt/airflow/logs/dag_id=${dagId}/run_id=${runId}/task_id=${taskId}/attempt=${tryNumber}.log`,
    endOfLog: TERMINAL_TI.has(String(ti.state)) || tryNumber < ti.try_number,
    accept: req.headers.accept,
    sign: data => tokens.sign(data),
  });
}

/** `GET /dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try}` (`full_content`, `map_index`, `token`). */
export function logRoutes(api: ApiContext, secret: string): Router {
  const router = express.Router();
  const tokens = continuationTokens(secret);
  router.get(
    '/dags/:dag_id/dagRuns/:run_id/taskInstances/:task_id/logs/:try',
    api.wrap((req, res) => getLog(api, tokens, req, res)),
  );
  return router;
}
