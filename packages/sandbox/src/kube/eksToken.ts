/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SigV4Credentials, verifyPresignedUrl } from '../util/sigv4';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
const MAX_TOKEN_BYTES = 4096;
const TOKEN_VALIDITY_MS = 15 * 60 * 1000;

export type EksTokenResult =
  | { ok: true; accessKeyId: string; sessionToken?: string }
  | { ok: false; reason: string };

/**
 * Verifies an EKS bearer token as aws-iam-authenticator does (domain-facts §6), except that the presigned STS
 * GetCallerIdentity URL is checked locally against the dummy credentials instead of being sent to STS.
 */
export function verifyEksToken(options: {
  token: string;
  clusterName: string;
  credentials: SigV4Credentials;
  now: Date;
}): EksTokenResult {
  const { token } = options;
  if (!token.startsWith(EKS_TOKEN_PREFIX)) {
    return {
      ok: false,
      reason: 'token is missing expected "k8s-aws-v1." prefix',
    };
  }
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) {
    return { ok: false, reason: 'token is too large' };
  }
  const encoded = token.slice(EKS_TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(encoded)) {
    return { ok: false, reason: 'illegal base64 data in token' };
  }
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'token does not decode to a URL' };
  }
  if (url.protocol !== 'https:') {
    return {
      ok: false,
      reason: `unexpected scheme ${url.protocol} in pre-signed URL`,
    };
  }
  if (!/^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.test(url.hostname)) {
    return {
      ok: false,
      reason: `unexpected hostname "${url.hostname}" in pre-signed URL`,
    };
  }
  if (url.pathname !== '/') {
    return { ok: false, reason: 'unexpected path in pre-signed URL' };
  }
  const q = url.searchParams;
  if (q.get('Action') !== 'GetCallerIdentity') {
    return {
      ok: false,
      reason: `unexpected action parameter in pre-signed URL: ${q.get(
        'Action',
      )}`,
    };
  }
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('x-k8s-aws-id')) {
    return {
      ok: false,
      reason:
        'client did not sign the x-k8s-aws-id header in the pre-signed URL',
    };
  }
  const expires = q.get('X-Amz-Expires');
  if (
    expires === null ||
    !/^\d+$/.test(expires) ||
    Number(expires) < 0 ||
    Number(expires) > 900
  ) {
    return {
      ok: false,
      reason: `invalid X-Amz-Expires parameter in pre-signed URL: ${expires}`,
    };
  }
  const result = verifyPresignedUrl(
    { method: 'GET', url, headers: { 'x-k8s-aws-id': options.clusterName } },
    options.credentials,
  );
  if (!result.ok) {
    return {
      ok: false,
      reason:
        result.kind === 'mismatch'
          ? `signature does not match: the token was tampered with, signed with other credentials, or is not for cluster ${options.clusterName}`
          : result.message,
    };
  }
  const age = options.now.getTime() - result.date.getTime();
  if (age > TOKEN_VALIDITY_MS || age < -TOKEN_VALIDITY_MS) {
    return {
      ok: false,
      reason: 'X-Amz-Date parameter is expired (15 minute expiration)',
    };
  }
  return {
    ok: true,
    accessKeyId: result.accessKeyId,
    sessionToken: result.sessionToken,
  };
}
