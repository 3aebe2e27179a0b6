/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@aws-sdk/types';

/** The token prefix EKS (aws-iam-authenticator) expects. @public */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/**
 * A token is accepted for 15 minutes after its signing time; it is replaced after 14 (the authenticator's cushion).
 *
 * @public
 */
export const EKS_TOKEN_LIFETIME_MS = 14 * 60 * 1000;

/**
 * An EKS bearer token: `k8s-aws-v1.` + base64url (no padding) of a SigV4-presigned
 * `GET https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15` whose signed headers include
 * `x-k8s-aws-id: <cluster id>` (aws-iam-authenticator pkg/token/token.go).
 *
 * @public
 */
export async function createEksToken(options: {
  /** The cluster's name (or the `x-k8s-aws-id` configured for it). */
  clusterId: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** Signing time; now when absent. */
  signingDate?: Date;
}): Promise<{ token: string; expiresAt: Date }> {
  const signingDate = options.signingDate ?? new Date();
  const hostname = `sts.${options.region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      headers: { host: hostname, 'x-k8s-aws-id': options.clusterId },
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    }),
    // "sent for legacy reasons", ignored by STS: validity is 15 minutes after X-Amz-Date.
    { expiresIn: 60, signingDate },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(
      ([key, value]) =>
        `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`,
    )
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return {
    token: `${EKS_TOKEN_PREFIX}${Buffer.from(url, 'utf8').toString(
      'base64url',
    )}`,
    expiresAt: new Date(signingDate.getTime() + EKS_TOKEN_LIFETIME_MS),
  };
}
