/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import { AwsWorld } from '../aws/AwsWorld';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_KUBE_STATIC_TOKENS,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';
import { listen, readBody, RunningServer } from '../util/http';
import { SandboxLogger, silentLogger } from '../util/logger';
import { SigV4Credentials } from '../util/sigv4';
import {
  handleSelfSubjectAccessReview,
  SELF_SUBJECT_ACCESS_REVIEWS,
} from './api/accessReview';
import { authenticate, KubeAuthenticator } from './api/auth';
import { discovery } from './api/discovery';
import { sendJson } from './api/http';
import { handleResourceRequest } from './api/resources';
import { KubeApiError } from './errors';
import { KubeStoreApi } from './storeApi';

export interface KubeApiServerOptions {
  kube: KubeStoreApi;
  /** When given, the cluster's EKS endpoint is set to this server's URL. */
  world?: AwsWorld;
  port: number;
  clusterName?: string;
  logger?: SandboxLogger;
  /** kubeconfig bearer tokens and the users they map to (default: SANDBOX_KUBE_STATIC_TOKENS). */
  staticTokens?: Readonly<Record<string, string>>;
  /** Credentials EKS tokens must be signed with (default: the sandbox's dummy credentials). */
  credentials?: SigV4Credentials;
}

/** Largest request body accepted. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Answers one request: health probes, then (authenticated) discovery, SelfSubjectAccessReviews and resource
 * requests. Errors are thrown as {@link KubeApiError}s.
 */
async function handle(
  kube: KubeStoreApi,
  auth: KubeAuthenticator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  meta: Record<string, unknown>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  const authenticated = authenticate(req, auth);
  if ('error' in authenticated) {
    meta.authError = authenticated.error;
    throw new KubeApiError(401, 'Unauthorized', 'Unauthorized');
  }
  const user = authenticated.user;
  meta.user = user;
  const body = await readBody(req, MAX_BODY_BYTES);
  if (method === 'GET') {
    const d = discovery(url.pathname, req.headers.host ?? '');
    if (d) {
      sendJson(res, 200, d);
      return;
    }
  }
  const request = { req, res, url, method, user, body, kube, meta };
  if (url.pathname.replace(/\/+$/, '') === SELF_SUBJECT_ACCESS_REVIEWS) {
    handleSelfSubjectAccessReview(request);
    return;
  }
  await handleResourceRequest(request);
}

/** Answers a failed request with its Status (500 InternalError, logged, for anything but a KubeApiError). */
function sendError(
  res: http.ServerResponse,
  e: unknown,
  logger: SandboxLogger,
  meta: Record<string, unknown>,
): void {
  const err =
    e instanceof KubeApiError
      ? e
      : new KubeApiError(
          500,
          'InternalError',
          `Internal error occurred: ${(e as Error).message}`,
        );
  if (!(e instanceof KubeApiError)) {
    logger.error('kube request failed', {
      ...meta,
      error: (e as Error).message,
    });
  }
  if (!res.headersSent) sendJson(res, err.status.code, err.status);
  else res.destroy();
}

/**
 * The Kubernetes API of the EKS cluster stand-in over plain HTTP: EKS bearer tokens and kubeconfig tokens, RBAC from
 * the stored Roles/RoleBindings, `Status` errors, and discovery enough for @kubernetes/client-node.
 */
export async function startKubeApiServer(
  options: KubeApiServerOptions,
): Promise<RunningServer> {
  const { kube } = options;
  const clusterName = options.clusterName ?? SANDBOX_CLUSTER_NAME;
  const logger = options.logger ?? silentLogger;
  const auth: KubeAuthenticator = {
    clusterName,
    staticTokens: options.staticTokens ?? SANDBOX_KUBE_STATIC_TOKENS,
    credentials: options.credentials ?? {
      accessKeyId: SANDBOX_ACCESS_KEY_ID,
      secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
    },
  };
  const server = http.createServer((req, res) => {
    const meta: Record<string, unknown> = {
      method: req.method,
      path: (req.url ?? '').split('?')[0],
    };
    handle(kube, auth, req, res, meta)
      .catch(e => sendError(res, e, logger, meta))
      .finally(() =>
        logger.info('kube request', { ...meta, status: res.statusCode }),
      );
  });
  const running = await listen(server, options.port);
  options.world?.eks.setClusterEndpoint(clusterName, running.url);
  return running;
}
