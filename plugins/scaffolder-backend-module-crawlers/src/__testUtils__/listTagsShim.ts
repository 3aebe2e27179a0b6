/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through proxy in front of the sandbox's AWS endpoint that answers CodeCommit `ListTagsForResource` from the
 * sandbox's own repository records **only while the sandbox does not serve that operation** (it answers
 * `UnknownOperationException`). Everything else, and that operation once the sandbox serves it, goes through
 * unchanged (the request keeps its Host header, so SigV4 still verifies at the sandbox).
 */
export async function startListTagsShim(options: {
  target: string;
  /** The tags the sandbox stored for a repository (CreateRepository's `tags`). */
  tagsOf: (repositoryName: string) => Record<string, string> | undefined;
}) {
  const target = new URL(options.target);
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', d => body.push(d));
    req.on('end', () => {
      const payload = Buffer.concat(body);
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        up => {
          const chunks: Buffer[] = [];
          up.on('data', d => chunks.push(d));
          up.on('end', () => {
            const answer = Buffer.concat(chunks);
            const unserved =
              req.headers['x-amz-target'] ===
                'CodeCommit_20150413.ListTagsForResource' &&
              answer.toString('utf8').includes('UnknownOperationException');
            if (unserved) {
              const { resourceArn } = JSON.parse(payload.toString('utf8'));
              const name = String(resourceArn).split(':').pop()!;
              res.writeHead(200, {
                'content-type': 'application/x-amz-json-1.1',
              });
              res.end(JSON.stringify({ tags: options.tagsOf(name) ?? {} }));
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(answer);
          });
        },
      );
      upstream.on('error', e => {
        res.writeHead(502).end(e.message);
      });
      upstream.end(payload);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
