/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import express from 'express';
import { GitSync } from './GitSync';
import { listen, requestLogger, RunningServer, withLatency } from '../http';
import { SandboxLogger } from '../util/logger';

/** Options of {@link startGitSyncServer}. */
export type GitSyncServerOptions = {
  /** The sidecars by Airflow instance name (`airflow2`, `airflow3`). */
  instances: Record<string, GitSync>;
  port?: number;
  latencyMs?: number;
  logger?: SandboxLogger;
};

/**
 * Serves each sidecar's git-sync HTTP endpoint under `/<instance>`: `/<instance>/` is the readiness probe (503
 * "repo is not ready" until the first sync, then 200 with an empty body) and `/<instance>/metrics` the Prometheus
 * text. `/` answers 200 once every sidecar is ready.
 */
export async function startGitSyncServer(
  options: GitSyncServerOptions,
): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogger('git-sync', options.logger));
  app.use(withLatency(options.latencyMs));
  const names = Object.keys(options.instances);

  app.get('/', (_req, res) => {
    const notReady = names.filter(n => !options.instances[n].isReady());
    if (notReady.length > 0) {
      res.status(503).type('text/plain').send('repo is not ready');
      return;
    }
    res.status(200).end();
  });
  app.get('/:instance/', (req, res, next) => {
    const sync = options.instances[req.params.instance];
    if (!sync) {
      next();
      return;
    }
    if (!sync.isReady()) {
      res.status(503).type('text/plain').send('repo is not ready');
      return;
    }
    res.status(200).end();
  });
  app.get('/:instance/metrics', async (req, res, next) => {
    const sync = options.instances[req.params.instance];
    if (!sync) {
      next();
      return;
    }
    res
      .status(200)
      .type(sync.registry.contentType)
      .send(await sync.metrics());
  });
  app.use((_req, res) => {
    res
      .status(404)
      .type('text/plain')
      .send(
        `404 page not found (known paths: /, ${names
          .map(n => `/${n}/, /${n}/metrics`)
          .join(', ')})\n`,
      );
  });
  return listen(app, options.port ?? 0);
}
