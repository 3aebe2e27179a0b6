/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import { startLatencyProxy } from './latencyProxy';
import { listen } from './util/http';

describe('startLatencyProxy', () => {
  it('should pass method, path, headers, body and the response through unchanged', async () => {
    const upstream = await listen(
      http.createServer((req, res) => {
        let body = '';
        req.on('data', c => (body += c));
        req.on('end', () => {
          res.writeHead(201, {
            'content-type': 'application/json',
            'x-upstream': 'yes',
          });
          res.end(
            JSON.stringify({
              method: req.method,
              url: req.url,
              auth: req.headers.authorization,
              body,
            }),
          );
        });
      }),
      0,
    );
    const proxy = await startLatencyProxy({
      target: upstream.url,
      port: 0,
      latencyMs: 5,
    });
    try {
      const res = await fetch(`${proxy.url}/api/v1/things?x=1`, {
        method: 'POST',
        headers: { Authorization: 'Bearer t' },
        body: 'hello',
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-upstream')).toBe('yes');
      expect(await res.json()).toEqual({
        method: 'POST',
        url: '/api/v1/things?x=1',
        auth: 'Bearer t',
        body: 'hello',
      });
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });

  it('should answer 502 with the reason when the upstream is gone', async () => {
    const upstream = await listen(http.createServer(), 0);
    const url = upstream.url;
    await upstream.close();
    const proxy = await startLatencyProxy({
      target: url,
      port: 0,
      latencyMs: 1,
    });
    try {
      const res = await fetch(`${proxy.url}/x`);
      expect(res.status).toBe(502);
      expect(await res.text()).toMatch(
        /sandbox latency proxy: upstream .* failed/,
      );
    } finally {
      await proxy.close();
    }
  });
});
