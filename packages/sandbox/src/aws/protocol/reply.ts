/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import { AwsServiceError } from '../errors';
import { awsJsonError } from './awsJson';
import { queryError, queryResponse } from './awsQuery';
import { ec2Error, ec2Response } from './ec2Query';
import { restJsonError } from './restJson';
import { Protocol, Reply, RequestContext } from './types';

const CONTENT_TYPES: Record<Protocol, string> = {
  awsQuery: 'text/xml',
  ec2Query: 'text/xml',
  awsJson1_1: 'application/x-amz-json-1.1',
  restJson1: 'application/json',
};

/** Frames an operation's result in its protocol's envelope (status 200). */
export function successReply(
  ctx: RequestContext,
  result: unknown,
  xmlNamespace: string | undefined,
): Reply {
  if (ctx.protocol === 'awsQuery') {
    return {
      status: 200,
      body: queryResponse(
        ctx.operation,
        xmlNamespace,
        ctx.requestId,
        result as string,
      ),
    };
  }
  if (ctx.protocol === 'ec2Query') {
    return {
      status: 200,
      body: ec2Response(
        ctx.operation,
        xmlNamespace,
        ctx.requestId,
        result as string,
      ),
    };
  }
  return { status: 200, body: result };
}

/** Serialises an error the way the request's protocol does, so the SDK throws its typed exception. */
export function errorReply(
  ctx: RequestContext,
  err: AwsServiceError,
  xmlNamespace: string | undefined,
): Reply {
  switch (ctx.protocol) {
    case 'ec2Query':
      return { status: err.status, body: ec2Error(err, ctx.requestId) };
    case 'awsQuery':
      return {
        status: err.status,
        body: queryError(err, xmlNamespace, ctx.requestId),
      };
    case 'restJson1':
      return restJsonError(err);
    default:
      return awsJsonError(err);
  }
}

/** The error answered for an unexpected failure (a bug or a failed git command), status 500. */
export function internalError(ctx: RequestContext, e: unknown) {
  return new AwsServiceError(
    ctx.protocol === 'awsQuery' || ctx.protocol === 'ec2Query'
      ? 'InternalFailure'
      : 'InternalServerException',
    `The sandbox failed to handle the request: ${(e as Error).message}`,
    500,
  );
}

/** Writes a reply with the protocol's content type and the request id. */
export function writeReply(
  res: http.ServerResponse,
  ctx: RequestContext,
  reply: Reply,
): void {
  const payload =
    typeof reply.body === 'string'
      ? reply.body
      : JSON.stringify(reply.body ?? {});
  res.writeHead(reply.status, {
    'content-type': CONTENT_TYPES[ctx.protocol],
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': ctx.requestId,
    ...reply.headers,
  });
  res.end(payload);
}
