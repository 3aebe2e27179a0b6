/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import { Reply, RestRoute } from './types';

function segments(pathname: string): string[] {
  return pathname.split('/').filter(Boolean);
}

/**
 * Finds the route of a restJson1 request: same method, same number of (non-empty) path segments, equal literal
 * segments; `{label}` segments are captured URI-decoded.
 */
export function matchRoute(
  routes: RestRoute[],
  method: string,
  pathname: string,
): { operation: string; labels: Record<string, string> } | undefined {
  const parts = segments(pathname).map(decodeURIComponent);
  for (const route of routes) {
    const pattern = segments(route.path);
    if (route.method !== method || pattern.length !== parts.length) continue;
    const labels: Record<string, string> = {};
    const matches = pattern.every((p, i) => {
      const label = /^\{(\w+)\}$/.exec(p);
      if (label) labels[label[1]] = parts[i];
      return label !== null || p === parts[i];
    });
    if (matches) return { operation: route.operation, labels };
  }
  return undefined;
}

/** The error for a path and method no route serves. */
export function unknownRoute(method: string, pathname: string) {
  return new AwsServiceError(
    'UnknownOperationException',
    `No operation for ${method} ${pathname}`,
    404,
  );
}

/** restJson1 errors: the exception name in `x-amzn-ErrorType`, `message` and modelled members in the body. */
export function restJsonError(err: AwsServiceError): Reply {
  return {
    status: err.status,
    body: { message: err.message, ...err.fields },
    headers: { 'x-amzn-errortype': err.code },
  };
}
