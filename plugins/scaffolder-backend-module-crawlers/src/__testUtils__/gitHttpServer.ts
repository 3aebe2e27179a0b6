/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const GIT_HTTP_BACKEND = execFileSync('git', ['--exec-path'], {
  encoding: 'utf8',
}).trim();

/** One request the test git server received. */
export type GitRequest = {
  method: string;
  path: string;
  service?: string;
  authorization?: string;
};

/**
 * A git Smart HTTP server for unit tests: real `git http-backend` over bare repositories in `root`
 * (`/v1/repos/<name>` → `<root>/<name>.git`), recording each request with its Authorization header. Hooks move a
 * branch meanwhile: `beforePushAdvertisement` before the refs a push starts from are advertised, `beforeReceivePack`
 * after that, before the pack is accepted; `failPushes` fails that many pushes with a 500.
 */
export async function startGitHttpServer(root: string) {
  const requests: GitRequest[] = [];
  const state = {
    failPushes: 0,
    beforeReceivePack: undefined as undefined | (() => Promise<void> | void),
    beforePushAdvertisement: undefined as
      | undefined
      | (() => Promise<void> | void),
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/v1\/repos\/([\w.-]+)(\/.*)$/.exec(url.pathname);
    const service =
      url.searchParams.get('service') ??
      ['git-receive-pack', 'git-upload-pack'].find(s =>
        url.pathname.endsWith(`/${s}`),
      );
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      service: service ?? undefined,
      authorization: req.headers.authorization,
    });
    if (!m || !fs.existsSync(path.join(root, `${m[1]}.git`))) {
      res.writeHead(404).end('not found\n');
      return;
    }
    if (!req.headers.authorization) {
      res
        .writeHead(401, { 'www-authenticate': 'Basic realm="test"' })
        .end('credentials required\n');
      return;
    }
    if (req.method === 'POST' && service === 'git-receive-pack') {
      if (state.failPushes > 0) {
        state.failPushes--;
        req.resume();
        res.writeHead(500).end('push failed on purpose\n');
        return;
      }
      await state.beforeReceivePack?.();
    }
    if (req.method === 'GET' && service === 'git-receive-pack') {
      await state.beforePushAdvertisement?.();
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${m[1]}.git${m[2]}`,
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
      REMOTE_USER: 'test',
      REMOTE_ADDR: '127.0.0.1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
    };
    if (req.headers['content-encoding']) {
      env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    }
    if (req.headers['git-protocol']) {
      env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    }
    const child = spawn(path.join(GIT_HTTP_BACKEND, 'git-http-backend'), [], {
      env,
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headerDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headerDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head
        .subarray(0, end)
        .toString('latin1')
        .split('\r\n')) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    child.on('close', () => res.end());
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    /** Creates an empty bare repository served at `/v1/repos/<name>`. */
    createRepository(name: string): string {
      const dir = path.join(root, `${name}.git`);
      execFileSync('git', ['init', '--quiet', '--bare', dir]);
      execFileSync('git', [
        '--git-dir',
        dir,
        'config',
        'http.receivepack',
        'true',
      ]);
      return dir;
    },
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
