/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which upstream a call went to. */
export type UpstreamSource = 'airflow' | 'kube' | 'aws';

/** One upstream call of the backend: what it was, when it started (performance.now()) and how long it took. */
export interface UpstreamCall {
  source: UpstreamSource;
  what: string;
  start: number;
  ms: number;
}

/**
 * Times every fetch the backend makes to the given origins (Airflow goes through global fetch): from the call until
 * the whole body has been read. Each is recorded when it ends; `inFlight` counts those still running.
 */
export function instrumentFetch(origins: string[], calls: UpstreamCall[]) {
  const original = globalThis.fetch;
  let inFlight = 0;
  globalThis.fetch = async (input: any, init?: any) => {
    let url: string;
    if (typeof input === 'string') {
      url = input;
    } else if (input instanceof URL) {
      url = input.href;
    } else {
      url = input.url;
    }
    if (!origins.some(o => url.startsWith(o))) {
      return original(input, init);
    }
    const start = performance.now();
    inFlight++;
    let response: Response;
    let body: ArrayBuffer;
    try {
      response = await original(input, init);
      body = await response.arrayBuffer();
    } finally {
      inFlight--;
    }
    calls.push({
      source: 'airflow',
      what: new URL(url).pathname,
      start,
      ms: performance.now() - start,
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return {
    /** Fetches started and not yet answered. */
    inFlight: () => inFlight,
    restore: () => {
      globalThis.fetch = original;
    },
  };
}

/** A short name of an AWS call: the awsJson/awsQuery operation, else the REST path (EKS). */
function awsOperation(req: http.IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    return target.split('.').pop() ?? target;
  }
  const action = /(?:^|&)Action=([^&]+)/.exec(body.toString('latin1'));
  return action ? action[1] : `${req.method} ${req.url}`;
}

/**
 * A counting reverse proxy on 127.0.0.1 (port 0) in front of one sandbox server, for upstreams the backend does not
 * reach through global fetch (`@kubernetes/client-node` uses node-fetch, the AWS SDK its own HTTP handler). Each call
 * is recorded from the moment its request arrives until its response has been passed on completely. Headers,
 * `Host` included, pass unchanged, so SigV4 signatures made for the proxy's address still verify.
 */
export async function startCountingProxy(options: {
  target: string;
  source: UpstreamSource;
  record(call: UpstreamCall): void;
}): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const what =
        options.source === 'aws'
          ? awsOperation(req, body)
          : (req.url ?? '/').split('?')[0];
      const upstream = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        response => {
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
          response.on('end', () =>
            options.record({
              source: options.source,
              what,
              start,
              ms: performance.now() - start,
            }),
          );
        },
      );
      upstream.on('error', error => {
        options.record({
          source: options.source,
          what: `${what} (failed: ${error.message})`,
          start,
          ms: performance.now() - start,
        });
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'text/plain' });
        }
        res.end(`bench proxy: ${options.target} failed: ${error.message}`);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
