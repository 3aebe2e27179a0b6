/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import { listen, RunningServer } from './util/http';

/**
 * A reverse proxy on 127.0.0.1 that holds every request for `latencyMs` before passing it to `target`: the
 * benchmark latency knob for stand-ins that do not take one themselves (AWS, Kubernetes). Bodies and responses
 * stream through unchanged.
 */
export async function startLatencyProxy(options: {
  target: string;
  port: number;
  latencyMs: number;
}): Promise<RunningServer> {
  const target = new URL(options.target);
  const server = http.createServer((req, res) => {
    const forward = () => {
      const upstream = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        response => {
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
        },
      );
      upstream.on('error', err => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'text/plain' });
        }
        res.end(
          `sandbox latency proxy: upstream ${options.target} failed: ${err.message}`,
        );
      });
      req.pipe(upstream);
    };
    req.pause();
    setTimeout(() => {
      req.resume();
      forward();
    }, options.latencyMs);
  });
  return listen(server, options.port);
}
