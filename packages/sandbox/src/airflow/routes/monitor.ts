/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import express, { Router } from 'express';
import { ApiContext } from './context';

/** A scheduler whose last heartbeat is older than this is unhealthy. */
const HEARTBEAT_TIMEOUT_MS = 60_000;

/** Health (v1 `/health`, v2 `/monitor/health`) and `/version`, both public. */
export function monitorRoutes(api: ApiContext): Router {
  const router = express.Router();
  router.get(api.dialect.healthPath, (_req, res) => {
    const hb = api.instance.latestHeartbeat;
    const healthy =
      hb !== null &&
      api.instance.clock.now().getTime() - new Date(hb).getTime() <
        HEARTBEAT_TIMEOUT_MS;
    api.send(res, 200, api.ser.health(hb, healthy ? 'healthy' : 'unhealthy'));
  });
  router.get('/version', (_req, res) =>
    api.send(res, 200, {
      version: api.instance.airflowVersion,
      git_version: null,
    }),
  );
  return router;
}
