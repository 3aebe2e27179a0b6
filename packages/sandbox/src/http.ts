/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import type { Express, RequestHandler } from 'express';
import { listen as listenServer, RunningServer } from './util/http';
import { SandboxLogger } from './util/logger';

export type { RunningServer };

/** Serves an express app on 127.0.0.1 only; port 0 picks a free port. */
export function listen(app: Express, port: number): Promise<RunningServer> {
  const server = http.createServer(app);
  server.keepAliveTimeout = 1000;
  return listenServer(server, port);
}

/** Logs each request once it is answered: one `<name> request` line with method, path, status and time. */
export function requestLogger(
  name: string,
  logger: SandboxLogger | undefined,
): RequestHandler {
  return (req, res, next) => {
    if (!logger) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info(`${name} request`, {
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      });
    });
    next();
  };
}

/** Delays every response by a fixed number of milliseconds (the benchmark latency knob). */
export function withLatency(latencyMs: number | undefined): RequestHandler {
  return (_req, _res, next) => {
    if (!latencyMs || latencyMs <= 0) {
      next();
      return;
    }
    setTimeout(next, latencyMs);
  };
}
