/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** A started sandbox server. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Reads a whole request body, inflating gzip/deflate content encodings. */
export async function readBody(
  req: http.IncomingMessage,
  limitBytes = 64 * 1024 * 1024,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      throw new Error(`request body larger than ${limitBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    return zlib.gunzipSync(raw);
  }
  if (encoding === 'deflate') {
    return zlib.inflateSync(raw);
  }
  return raw;
}

/** Starts an HTTP server on 127.0.0.1 and resolves with its URL and a close function. */
export function listen(
  server: http.Server,
  port: number,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((res, rej) => {
            server.close(err => (err ? rej(err) : res()));
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
