/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { SandboxLogger } from '../util/logger';

/** The real CGI program of Debian's git. */
export const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** Ends a response with one line of plain text. */
export function plainText(
  res: http.ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    ...headers,
  });
  res.end(`${text}\n`);
}

/** The CGI environment git-http-backend serves one request of an authenticated user with. */
export function cgiEnvironment(
  req: http.IncomingMessage,
  request: {
    gitDir: string;
    repository: string;
    /** The path below `/v1/repos/<name>`. */
    rest: string;
    /** The query string, without `?`. */
    query: string;
    user: string;
  },
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_PROJECT_ROOT: path.dirname(request.gitDir),
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
    PATH_INFO: `/${request.repository}.git${request.rest}`,
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: request.query,
    CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
    REMOTE_USER: request.user,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    GATEWAY_INTERFACE: 'CGI/1.1',
  };
  if (req.headers['content-length'])
    env.CONTENT_LENGTH = String(req.headers['content-length']);
  if (req.headers['content-encoding'])
    env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  if (req.headers['git-protocol'])
    env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  return env;
}

/** Parses a CGI header block (without the blank line): the `Status` header becomes the HTTP status. */
export function parseCgiHeaders(head: Buffer): {
  status: number;
  headers: Record<string, string>;
} {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.toString('latin1').split('\r\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  return { status, headers };
}

/** Turns a CGI program's stdout into an HTTP response: the header block first, then the body as it streams. */
function cgiResponseWriter(res: http.ServerResponse) {
  let headerBuf = Buffer.alloc(0);
  let headersDone = false;
  return {
    headersDone: () => headersDone,
    write(chunk: Buffer) {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      headerBuf = Buffer.concat([headerBuf, chunk]);
      const sep = headerBuf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      headersDone = true;
      const { status, headers } = parseCgiHeaders(headerBuf.subarray(0, sep));
      res.writeHead(status, headers);
      res.write(headerBuf.subarray(sep + 4));
    },
  };
}

/**
 * Runs git-http-backend for one request: pipes the request body in and streams its CGI response out. Resolves once
 * the backend has exited and the response has ended.
 */
export function runGitHttpBackend(options: {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  env: Record<string, string>;
  logger: SandboxLogger;
  logMeta: Record<string, unknown>;
  /** Runs when a backend that sent its response headers has exited, before the response ends. */
  beforeEnd(code: number | null): Promise<void>;
}): Promise<void> {
  const { req, res, logMeta } = options;
  return new Promise<void>((resolve, reject) => {
    const child = spawn(GIT_HTTP_BACKEND, [], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stderr: Buffer[] = [];
    child.stderr.on('data', d => stderr.push(d));
    child.on('error', reject);
    req.pipe(child.stdin);
    child.stdin.on('error', error => {
      options.logger.warn('git-http-backend did not read the whole request', {
        ...logMeta,
        error: error.message,
      });
    });
    const output = cgiResponseWriter(res);
    child.stdout.on('data', output.write);
    child.on('close', async code => {
      logMeta.backendExit = code;
      if (output.headersDone()) {
        await options.beforeEnd(code);
        res.end();
      } else {
        plainText(
          res,
          500,
          `git-http-backend failed: ${Buffer.concat(stderr)
            .toString('utf8')
            .trim()}`,
        );
      }
      resolve();
    });
  });
}
