/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import express, { NextFunction, Request, Response } from 'express';
import {
  SANDBOX_AIRFLOW_PASSWORD,
  SANDBOX_AIRFLOW_USERNAME,
} from '../constants';
import { listen, requestLogger, RunningServer, withLatency } from '../http';
import { SandboxLogger } from '../util/logger';
import { AirflowInstance } from './AirflowInstance';
import { ApiDialect } from './dialect/types';
import { v1Dialect } from './dialect/v1';
import { v2Dialect } from './dialect/v2';
import { ApiError } from './params';
import { mountAuth } from './routes/auth';
import { ApiContext } from './routes/context';
import { dagRoutes } from './routes/dags';
import { dagRunRoutes } from './routes/dagRuns';
import { importErrorRoutes } from './routes/importErrors';
import { logRoutes } from './routes/logs';
import { monitorRoutes } from './routes/monitor';
import { taskInstanceRoutes } from './routes/taskInstances';
import { Serializer } from './serialize';
import { TaskInstanceRecord } from './types';

export { v1TextWanted } from './dialect/v1';

/** Options of {@link startAirflowServer}. */
export type AirflowServerOptions = {
  instance: AirflowInstance;
  port?: number;
  latencyMs?: number;
  logger?: SandboxLogger;
  /** API user (Basic auth on Airflow 2, `POST /auth/token` on Airflow 3). Default admin/admin. */
  username?: string;
  password?: string;
  /** Airflow 3 `[api_auth] jwt_expiration_time` in seconds. Default 86400. */
  tokenExpirySeconds?: number;
  /** Signs JWTs, continuation tokens and file tokens. Random per start unless given. */
  secret?: string;
  /** `[api] maximum_page_limit`. Default 100. */
  maximumPageLimit?: number;
};

const DIALECTS: Record<'v1' | 'v2', ApiDialect> = {
  v1: v1Dialect,
  v2: v2Dialect,
};

/** Answers what no route matched (404), unreadable JSON bodies and failures, in the version's error shape. */
function mountFallbacks(
  app: express.Express,
  api: ApiContext,
  logger: SandboxLogger | undefined,
) {
  const dialect = api.dialect;
  app.use((req, res) => {
    dialect.sendError(res, dialect.routeNotFound(req.path));
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number; type?: string }).status;
    if (
      status === 400 &&
      (err as { type?: string }).type === 'entity.parse.failed'
    ) {
      dialect.sendInvalidJson(res);
      return;
    }
    logger?.error(`${api.instance.name} request failed`, {
      error: (err as Error)?.message,
    });
    dialect.sendError(
      res,
      new ApiError(
        500,
        'Internal Server Error',
        'The sandbox failed to handle the request; see its log',
      ),
    );
  });
}

/**
 * Serves one Airflow instance's REST API: `/api/v1` (Airflow 2, Basic auth) or `/api/v2` (Airflow 3, JWT from
 * `POST /auth/token`), with the endpoints listed in the README and each version's error shapes. The routes live in
 * `routes/` (one module per resource); what differs between the versions lives in `dialect/` and the Serializer.
 */
export async function startAirflowServer(
  options: AirflowServerOptions,
): Promise<RunningServer> {
  const instance = options.instance;
  const dialect = DIALECTS[instance.apiVersion];
  const username = options.username ?? SANDBOX_AIRFLOW_USERNAME;
  const secret = options.secret ?? crypto.randomBytes(32).toString('hex');
  const api = new ApiContext(
    instance,
    dialect,
    new Serializer(instance, secret),
    { username, maximumPageLimit: options.maximumPageLimit ?? 100 },
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(instance.name, options.logger));
  app.use(withLatency(options.latencyMs));
  app.use(
    express.json({
      limit: '5mb',
      strict: false,
      type: ['application/json', 'application/*+json'],
    }),
  );
  app.use(express.urlencoded({ extended: false }));

  mountAuth(app, api, {
    username,
    password: options.password ?? SANDBOX_AIRFLOW_PASSWORD,
    secret,
    tokenExpirySeconds: options.tokenExpirySeconds ?? 86400,
  });
  app.use(dialect.prefix, [
    monitorRoutes(api),
    dagRoutes(api),
    dagRunRoutes(api),
    taskInstanceRoutes(api),
    logRoutes(api, secret),
    importErrorRoutes(api),
  ]);
  mountFallbacks(app, api, options.logger);

  return listen(app, options.port ?? 0);
}

/** Re-exported for tests: the task-instance record type. */
export type { TaskInstanceRecord };
