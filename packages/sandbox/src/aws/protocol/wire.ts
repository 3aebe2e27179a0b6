/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';

/** An ISO timestamp as the JSON protocols send it (epoch seconds). */
export const toEpoch = (iso: string | undefined) =>
  iso ? Date.parse(iso) / 1000 : undefined;

/** Pages a list the way the JSON services do: `nextToken` is an opaque (base64) offset. */
export function page<T>(
  items: T[],
  maxResults: unknown,
  nextToken: unknown,
  defaultMax = 100,
): { items: T[]; nextToken?: string } {
  const start =
    typeof nextToken === 'string' && nextToken
      ? Number(Buffer.from(nextToken, 'base64').toString('utf8'))
      : 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new AwsServiceError(
      'InvalidContinuationTokenException',
      'The specified continuation token is not valid.',
    );
  }
  const max =
    typeof maxResults === 'number' && maxResults > 0 ? maxResults : defaultMax;
  const slice = items.slice(start, start + max);
  const next =
    start + max < items.length
      ? Buffer.from(String(start + max)).toString('base64')
      : undefined;
  return { items: slice, nextToken: next };
}

/** Decodes a blob member (base64 on the wire). */
export function b64(value: unknown, field: string): Buffer | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new AwsServiceError(
      'SerializationException',
      `${field} must be a base64 encoded blob`,
    );
  }
  return Buffer.from(value, 'base64');
}
