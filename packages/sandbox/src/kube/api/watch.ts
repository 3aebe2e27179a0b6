/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeListOptions, KubeObject } from '../types';
import { KubeRequest } from './http';
import { Route } from './routing';

/**
 * `?watch=true`: one JSON watch event per line until `timeoutSeconds` (default 1800) or the client leaves. Without a
 * resourceVersion (or with "0") the watch starts with synthetic ADDED events for the current state; the sandbox
 * keeps no history, so a later resourceVersion streams changes from now on.
 */
export async function handleWatch(
  r: KubeRequest,
  route: Route,
  selectors: KubeListOptions,
): Promise<void> {
  const { kube, res, url } = r;
  const matches = kube.matcher(route.resource, route.namespace, selectors);
  const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? 1800);
  const fromVersion = url.searchParams.get('resourceVersion');
  res.writeHead(200, { 'content-type': 'application/json' });
  const write = (type: string, obj: KubeObject) =>
    res.write(`${JSON.stringify({ type, object: obj })}\n`);
  if (!fromVersion || fromVersion === '0') {
    for (const o of kube.list(route.resource, route.namespace, selectors)) {
      write('ADDED', o);
    }
  }
  const off = kube.onChange((type, resource, obj) => {
    if (resource === route.resource && matches(obj)) write(type, obj);
  });
  await new Promise<void>(resolve => {
    const timer = setTimeout(
      () => res.end(),
      Math.max(0, timeoutSeconds) * 1000,
    );
    timer.unref?.();
    res.on('close', () => {
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
