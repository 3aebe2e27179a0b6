/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import { SANDBOX_KUBE_ADMIN_USER } from '../../constants';
import { SigV4Credentials } from '../../util/sigv4';
import { EKS_TOKEN_PREFIX, verifyEksToken } from '../eksToken';

/** What authentication checks bearer tokens against. */
export interface KubeAuthenticator {
  clusterName: string;
  /** kubeconfig bearer tokens and the users they map to. */
  staticTokens: Readonly<Record<string, string>>;
  /** Credentials EKS tokens must be signed with. */
  credentials: SigV4Credentials;
}

/**
 * The user of a request's bearer token: an EKS token (`k8s-aws-v1.…`, the cluster admin) or a static kubeconfig
 * token; otherwise why it was refused (for the request log only, the client gets a plain 401).
 */
export function authenticate(
  req: http.IncomingMessage,
  auth: KubeAuthenticator,
): { user: string } | { error: string } {
  const header = req.headers.authorization;
  if (!header || !/^Bearer\s+/i.test(header))
    return { error: 'no bearer token' };
  const token = header.replace(/^Bearer\s+/i, '').trim();
  if (token.startsWith(EKS_TOKEN_PREFIX)) {
    const result = verifyEksToken({
      token,
      clusterName: auth.clusterName,
      credentials: auth.credentials,
      now: new Date(),
    }); // tokens are signed with the wall clock
    return result.ok
      ? { user: SANDBOX_KUBE_ADMIN_USER }
      : { error: result.reason };
  }
  const user = Object.prototype.hasOwnProperty.call(auth.staticTokens, token)
    ? auth.staticTokens[token]
    : undefined;
  return user ? { user } : { error: 'unknown static token' };
}
