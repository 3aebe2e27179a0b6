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
import type { StsService } from '../sts/service';
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

/** A session token that does not belong to the temporary credentials, or credentials past their expiry. */
function tokenError(
  ctx: RequestContext,
  kind: 'invalid' | 'expired',
): AwsServiceError {
  const status = ctx.protocol === 'restJson1' ? 403 : 400;
  if (kind === 'invalid') {
    return signatureError(ctx, {
      ok: false,
      kind: 'unknownKey',
      message: 'The security token included in the request is invalid.',
    });
  }
  if (ctx.protocol === 'ec2Query') {
    return new AwsServiceError('RequestExpired', 'Request has expired.', 400);
  }
  return new AwsServiceError(
    ctx.protocol === 'awsQuery' ? 'ExpiredToken' : 'ExpiredTokenException',
    'The security token included in the request is expired',
    status,
  );
}

/** The access key id of an `Authorization: AWS4-HMAC-SHA256 Credential=<key>/…` header. */
function signingKeyId(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return typeof auth === 'string'
    ? /Credential=([^/,\s]+)\//.exec(auth)?.[1]
    : undefined;
}

/**
 * Checks the request's SigV4 signature against the dummy credentials or, for a key STS issued, the temporary
 * credentials and their session token (`x-amz-security-token`, until they expire); throws the service's error when it
 * is not valid. Sets `ctx.caller`.
 */
export function checkSignature(
  req: http.IncomingMessage,
  rawUrl: string,
  body: Buffer,
  keys: { credentials: SigV4Credentials; sts?: StsService },
  ctx: RequestContext,
): void {
  const keyId = signingKeyId(req);
  const session = keyId ? keys.sts?.session(keyId) : undefined;
  const auth = verifySignedRequest(
    { method: req.method ?? 'GET', rawUrl, headers: req.headers, body },
    session
      ? {
          accessKeyId: session.accessKeyId,
          secretAccessKey: session.secretAccessKey,
        }
      : keys.credentials,
    new Date(), // signatures are made with the wall clock, whatever the sandbox clock says
  );
  if (!auth.ok) {
    throw signatureError(ctx, auth);
  }
  if (session) {
    if (auth.sessionToken !== session.sessionToken) {
      throw tokenError(ctx, 'invalid');
    }
    if (Date.parse(session.expiration) <= Date.now()) {
      throw tokenError(ctx, 'expired');
    }
    ctx.caller = keys.sts!.identityOf(session);
  } else {
    ctx.caller = keys.sts?.userIdentity();
  }
}
