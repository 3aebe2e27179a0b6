/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import {
  SigV4Credentials,
  SigV4FailureKind,
  SigV4Result,
  verifySignedRequest,
} from '../../util/sigv4';
import { AwsServiceError } from '../errors';
import { RequestContext } from './types';

/** Signature failures as the awsQuery services (STS, IAM) name them. */
const QUERY_AUTH_ERRORS: Record<SigV4FailureKind, string> = {
  unknownKey: 'InvalidClientTokenId',
  missing: 'MissingAuthenticationToken',
  malformed: 'IncompleteSignature',
  expired: 'SignatureDoesNotMatch',
  mismatch: 'SignatureDoesNotMatch',
};

/** Signature failures as the JSON services (CodeCommit, ECR, EKS) name them. */
const JSON_AUTH_ERRORS: Record<SigV4FailureKind, string> = {
  unknownKey: 'UnrecognizedClientException',
  missing: 'MissingAuthenticationTokenException',
  malformed: 'IncompleteSignatureException',
  expired: 'InvalidSignatureException',
  mismatch: 'InvalidSignatureException',
};

/** The error a service answers a request with a bad or missing signature with. */
export function signatureError(
  ctx: RequestContext,
  result: Exclude<SigV4Result, { ok: true }>,
): AwsServiceError {
  if (ctx.protocol === 'ec2Query') {
    return result.kind === 'mismatch'
      ? new AwsServiceError('SignatureDoesNotMatch', result.message, 403)
      : new AwsServiceError(
          'AuthFailure',
          'AWS was not able to validate the provided access credentials',
          401,
        );
  }
  if (ctx.protocol === 'awsQuery') {
    return new AwsServiceError(
      QUERY_AUTH_ERRORS[result.kind],
      result.message,
      403,
    );
  }
  const code = JSON_AUTH_ERRORS[result.kind];
  return new AwsServiceError(
    code,
    result.message,
    ctx.protocol === 'restJson1' ? 403 : 400,
  );
}

/** Checks the request's SigV4 signature; throws the service's error when it is not valid. */
export function checkSignature(
  req: http.IncomingMessage,
  rawUrl: string,
  body: Buffer,
  credentials: SigV4Credentials,
  ctx: RequestContext,
): void {
  const auth = verifySignedRequest(
    { method: req.method ?? 'GET', rawUrl, headers: req.headers, body },
    credentials,
    new Date(), // signatures are made with the wall clock, whatever the sandbox clock says
  );
  if (!auth.ok) {
    throw signatureError(ctx, auth);
  }
}
