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
  /** The git-syncs by Airflow instance name (`airflow2`, `airflow3`). */
  instances: Record<string, GitSync>;
  port?: number;
  latencyMs?: number;
  logger?: SandboxLogger;
};

/**
 * Forwards `/<instance>/<path>` to the git-sync HTTP endpoint of that instance's git-sync pod (what a port-forward
 * to its `--http-bind` port would reach): the running git-sync process answers — readiness on every path but
 * `/metrics` (503 `repo is not ready` until that process's first sync, then 200 with an empty body), `/metrics` only
 * with `--http-metrics`. When no process listens (none runs, or it has no `--http-bind`) the sandbox answers 502
 * with the reason, as a proxy would. `/` answers 200 once every instance's sidecar is ready, else 503.
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
      res.status(503).type('text/plain').send('repo is not ready\n');
      return;
    }
    res.status(200).end();
  });
  app.get(/^\/([^/]+)(\/.*)?$/, async (req, res, next) => {
    const params = req.params as unknown as Record<string, string | undefined>;
    const sync = options.instances[params[0] ?? ''];
    if (!sync) {
      next();
      return;
    }
    let answer;
    try {
      answer = await sync.http(params[1] ?? '/');
    } catch (e) {
      next(e);
      return;
    }
    if (!answer) {
      const pod = sync.pod();
      res
        .status(502)
        .type('text/plain')
        .send(
          pod
            ? `no git-sync HTTP endpoint listens in pod airflow/${pod.name} (no running git-sync process with --http-bind)\n`
            : `no pod of ${sync.workload.release}-${sync.workload.component} exists\n`,
        );
      return;
    }
    res.status(answer.status).type(answer.contentType).send(answer.body);
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
