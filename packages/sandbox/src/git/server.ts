/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { AwsWorld } from '../aws/AwsWorld';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_GIT_PASSWORD,
  SANDBOX_GIT_USERNAME,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';
import { listen, RunningServer } from '../util/http';
import { SandboxLogger, silentLogger } from '../util/logger';
import { SigV4Credentials } from '../util/sigv4';
import { checkGitCredentials } from './auth';
import { gitText } from './gitExec';

/** The real CGI program of Debian's git. */
export const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitServerOptions {
  world: AwsWorld;
  port: number;
  logger?: SandboxLogger;
  /** Static HTTPS git credentials (default: the sandbox's). */
  gitCredentials?: { username: string; password: string };
  /** AWS credentials SigV4 git passwords are checked against (default: the sandbox's dummy credentials). */
  awsCredentials?: SigV4Credentials;
}

async function refSnapshot(gitDir: string): Promise<Map<string, string>> {
  const out = await gitText(
    ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'],
    { gitDir },
  );
  const map = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [sha, ref] = line.split(' ');
    map.set(ref, sha);
  }
  return map;
}

/**
 * CodeCommit's git side: Smart HTTP at `/v1/repos/<name>` through git's real `git-http-backend`, with CodeCommit's
 * authentication (static HTTPS git credentials or a SigV4 git password). Only repositories created with CodeCommit
 * CreateRepository exist. A push that updates branches is recorded in the world (default branch, image builds).
 */
export async function startGitServer(
  options: GitServerOptions,
): Promise<RunningServer> {
  const { world } = options;
  const logger = options.logger ?? silentLogger;
  const staticCredentials = options.gitCredentials ?? {
    username: SANDBOX_GIT_USERNAME,
    password: SANDBOX_GIT_PASSWORD,
  };
  const aws = options.awsCredentials ?? {
    accessKeyId: SANDBOX_ACCESS_KEY_ID,
    secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
  };

  function plain(
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

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    logMeta: Record<string, unknown>,
  ) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/v1\/repos\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) {
      plain(
        res,
        404,
        `Not found: git repositories are served at /v1/repos/<name>`,
      );
      return;
    }
    const repository = decodeURIComponent(m[1]);
    const rest = m[2] ?? '/';
    logMeta.repository = repository;
    const auth = checkGitCredentials({
      authorization: req.headers.authorization,
      repository,
      host: req.headers.host ?? '',
      region: world.region,
      now: new Date(), // passwords are signed with the wall clock
      staticCredentials,
      aws,
    });
    if (!auth.ok) {
      logMeta.auth = auth.reason;
      plain(
        res,
        auth.status,
        auth.status === 401 ? 'Authentication required' : 'Forbidden',
        {
          ...(auth.status === 401
            ? { 'www-authenticate': 'Basic realm="CodeCommit"' }
            : {}),
        },
      );
      return;
    }
    logMeta.auth = auth.method; // the git username is half of a credential: not logged
    if (!world.codecommit.exists(repository)) {
      plain(res, 404, `repository '${repository}' not found`);
      return;
    }
    const gitDir = world.codecommit.repoPath(repository);
    const isReceive = rest === '/git-receive-pack';
    const before = isReceive ? await refSnapshot(gitDir) : undefined;

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_PROJECT_ROOT: path.dirname(gitDir),
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
      PATH_INFO: `/${repository}.git${rest}`,
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
      REMOTE_USER: auth.user,
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

    await new Promise<void>((resolve, reject) => {
      const child = spawn(GIT_HTTP_BACKEND, [], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const stderr: Buffer[] = [];
      child.stderr.on('data', d => stderr.push(d));
      child.on('error', reject);
      req.pipe(child.stdin);
      child.stdin.on('error', () => {});
      let headerBuf = Buffer.alloc(0);
      let headersDone = false;
      child.stdout.on('data', (chunk: Buffer) => {
        if (headersDone) {
          res.write(chunk);
          return;
        }
        headerBuf = Buffer.concat([headerBuf, chunk]);
        const sep = headerBuf.indexOf('\r\n\r\n');
        const sepLen = 4;
        if (sep < 0) return;
        headersDone = true;
        let status = 200;
        const headers: Record<string, string> = {};
        for (const line of headerBuf
          .subarray(0, sep)
          .toString('latin1')
          .split('\r\n')) {
          const i = line.indexOf(':');
          if (i < 0) continue;
          const name = line.slice(0, i).trim();
          const value = line.slice(i + 1).trim();
          if (name.toLowerCase() === 'status')
            status = parseInt(value, 10) || 200;
          else headers[name] = value;
        }
        res.writeHead(status, headers);
        res.write(headerBuf.subarray(sep + sepLen));
      });
      child.on('close', async code => {
        logMeta.backendExit = code;
        // Record the ref updates before the response ends, so that when
        // `git push` returns the push is visible to the AWS APIs, as it is in
        // CodeCommit.
        if (headersDone && isReceive && code === 0 && before) {
          try {
            const after = await refSnapshot(gitDir);
            for (const [ref, sha] of after) {
              if (before.get(ref) !== sha) {
                await world.codecommit.recordPush({
                  repositoryName: repository,
                  branch: ref.replace(/^refs\/heads\//, ''),
                  before: before.get(ref),
                  after: sha,
                });
              }
            }
          } catch (e) {
            logger.error('recording git push failed', {
              repository,
              error: (e as Error).message,
            });
          }
        }
        if (!headersDone) {
          plain(
            res,
            500,
            `git-http-backend failed: ${Buffer.concat(stderr)
              .toString('utf8')
              .trim()}`,
          );
        } else {
          res.end();
        }
        resolve();
      });
    });
  }

  const server = http.createServer((req, res) => {
    const logMeta: Record<string, unknown> = {
      method: req.method,
      path: (req.url ?? '').split('?')[0],
    };
    handle(req, res, logMeta)
      .catch(e => {
        logger.error('git request failed', {
          ...logMeta,
          error: (e as Error).message,
        });
        if (!res.headersSent) plain(res, 500, 'internal error');
        else res.destroy();
      })
      .finally(() => {
        logger.info('git request', { ...logMeta, status: res.statusCode });
      });
  });
  const running = await listen(server, options.port);
  world.codecommit.setGitBaseUrl(running.url);
  return running;
}
