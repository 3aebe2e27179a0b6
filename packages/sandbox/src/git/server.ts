/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
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
import { cgiEnvironment, plainText, runGitHttpBackend } from './cgi';
import { recordRefUpdates, refSnapshot } from './pushRecording';

export { GIT_HTTP_BACKEND } from './cgi';

export interface GitServerOptions {
  world: AwsWorld;
  port: number;
  logger?: SandboxLogger;
  /** Static HTTPS git credentials (default: the sandbox's). */
  gitCredentials?: { username: string; password: string };
  /** AWS credentials SigV4 git passwords are checked against (default: the sandbox's dummy credentials). */
  awsCredentials?: SigV4Credentials;
}

/** The git server's settings every request is handled with. */
type GitServerContext = {
  world: AwsWorld;
  logger: SandboxLogger;
  staticCredentials: { username: string; password: string };
  aws: SigV4Credentials;
};

/**
 * Checks the request's credentials for the repository. Resolves to the authenticated user, or answers 401/403
 * and resolves to undefined.
 */
function authenticate(
  ctx: GitServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  repository: string,
  logMeta: Record<string, unknown>,
): string | undefined {
  const auth = checkGitCredentials({
    authorization: req.headers.authorization,
    repository,
    host: req.headers.host ?? '',
    region: ctx.world.region,
    now: new Date(), // passwords are signed with the wall clock
    staticCredentials: ctx.staticCredentials,
    aws: ctx.aws,
  });
  if (!auth.ok) {
    logMeta.auth = auth.reason;
    plainText(
      res,
      auth.status,
      auth.status === 401 ? 'Authentication required' : 'Forbidden',
      {
        ...(auth.status === 401
          ? { 'www-authenticate': 'Basic realm="CodeCommit"' }
          : {}),
      },
    );
    return undefined;
  }
  logMeta.auth = auth.method; // the git username is half of a credential: not logged
  return auth.user;
}

/** Serves one Smart HTTP request of `/v1/repos/<name>/...` through git-http-backend. */
async function handleGitRequest(
  ctx: GitServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  logMeta: Record<string, unknown>,
) {
  const { world } = ctx;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const m = /^\/v1\/repos\/([^/]+)(\/.*)?$/.exec(url.pathname);
  if (!m) {
    plainText(
      res,
      404,
      `Not found: git repositories are served at /v1/repos/<name>`,
    );
    return;
  }
  const repository = decodeURIComponent(m[1]);
  const rest = m[2] ?? '/';
  logMeta.repository = repository;
  const user = authenticate(ctx, req, res, repository, logMeta);
  if (user === undefined) return;
  if (!world.codecommit.exists(repository)) {
    plainText(res, 404, `repository '${repository}' not found`);
    return;
  }
  const gitDir = world.codecommit.repoPath(repository);
  const isReceive = rest === '/git-receive-pack';
  const before = isReceive ? await refSnapshot(gitDir) : undefined;

  await runGitHttpBackend({
    req,
    res,
    env: cgiEnvironment(req, {
      gitDir,
      repository,
      rest,
      query: url.search.replace(/^\?/, ''),
      user,
    }),
    logger: ctx.logger,
    logMeta,
    // Record the ref updates before the response ends, so that when `git push` returns the push is visible to the
    // AWS APIs, as it is in CodeCommit.
    beforeEnd: async code => {
      if (isReceive && code === 0 && before) {
        await recordRefUpdates({
          world,
          logger: ctx.logger,
          repository,
          gitDir,
          before,
        });
      }
    },
  });
}

/** Handles one request and writes its log line; a failure answers 500 (or cuts a started response) and is logged. */
function serveGitRequest(
  ctx: GitServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const { logger } = ctx;
  const logMeta: Record<string, unknown> = {
    method: req.method,
    path: (req.url ?? '').split('?')[0],
  };
  handleGitRequest(ctx, req, res, logMeta)
    .catch(e => {
      logger.error('git request failed', {
        ...logMeta,
        error: (e as Error).message,
      });
      if (!res.headersSent) plainText(res, 500, 'internal error');
      else res.destroy();
    })
    .finally(() => {
      logger.info('git request', { ...logMeta, status: res.statusCode });
    });
}

/**
 * CodeCommit's git side: Smart HTTP at `/v1/repos/<name>` through git's real `git-http-backend`, with CodeCommit's
 * authentication (static HTTPS git credentials or a SigV4 git password). Only repositories created with CodeCommit
 * CreateRepository exist. A push that updates branches is recorded in the world (default branch, image builds).
 */
export async function startGitServer(
  options: GitServerOptions,
): Promise<RunningServer> {
  const ctx: GitServerContext = {
    world: options.world,
    logger: options.logger ?? silentLogger,
    staticCredentials: options.gitCredentials ?? {
      username: SANDBOX_GIT_USERNAME,
      password: SANDBOX_GIT_PASSWORD,
    },
    aws: options.awsCredentials ?? {
      accessKeyId: SANDBOX_ACCESS_KEY_ID,
      secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
    },
  };
  const server = http.createServer((req, res) =>
    serveGitRequest(ctx, req, res),
  );
  const running = await listen(server, options.port);
  options.world.codecommit.setGitBaseUrl(running.url);
  return running;
}
