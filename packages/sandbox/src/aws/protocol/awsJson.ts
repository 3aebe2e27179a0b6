/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import { Reply } from './types';

/** awsJson1_1 names the operation in `X-Amz-Target: <ServicePrefix>.<Operation>`. */
export function parseTarget(target: string): {
  prefix: string;
  operation: string;
} {
  const [prefix, operation] = target.split('.');
  return { prefix, operation: operation ?? 'Unknown' };
}

/** Parses a JSON request body (undefined when empty); invalid JSON is `errorCode` (status 400). */
export function decodeJsonBody(body: Buffer, errorCode: string): unknown {
  try {
    return body.length ? JSON.parse(body.toString('utf8')) : undefined;
  } catch {
    throw new AwsServiceError(errorCode, 'The request body is not valid JSON.');
  }
}

/** awsJson1_1 errors: the exception name in `__type`, modelled members beside `message`. */
export function awsJsonError(err: AwsServiceError): Reply {
  return {
    status: err.status,
    body: { __type: err.code, message: err.message, ...err.fields },
  };
}
