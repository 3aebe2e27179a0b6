/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { methodNotAllowed } from '../errors';
import { KUBE_RESOURCES, KubeResource } from '../types';
import { GROUPS } from './discovery';

/** The resource a request path names. */
export interface Route {
  resource: KubeResource;
  group: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Maps a URL path to a resource route, or undefined for unknown paths. */
export function route(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    rest = parts.slice(2);
  } else if (
    parts[0] === 'apis' &&
    GROUPS[parts[1]] &&
    parts[2] === GROUPS[parts[1]].version
  ) {
    group = parts[1];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  const known = (r: string): r is KubeResource =>
    Object.prototype.hasOwnProperty.call(KUBE_RESOURCES, r) &&
    KUBE_RESOURCES[r as KubeResource].group === group;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, resource, name, subresource, ...extra] = rest;
    if (
      !known(resource) ||
      !KUBE_RESOURCES[resource].namespaced ||
      extra.length
    )
      return undefined;
    return { resource, group, namespace, name, subresource };
  }
  if (rest[0] === 'namespaces' && group === '' && rest.length <= 2) {
    return { resource: 'namespaces', group, name: rest[1] };
  }
  if (rest.length === 1 && known(rest[0])) {
    return { resource: rest[0], group };
  }
  if (
    rest.length === 2 &&
    known(rest[0]) &&
    !KUBE_RESOURCES[rest[0]].namespaced
  ) {
    return { resource: rest[0], group, name: rest[1] };
  }
  return undefined;
}

/** The RBAC verb of a request on a route (`watch=true` lists are watches); 405 for other methods. */
export function requestVerb(method: string, r: Route, url: URL): string {
  const collection = r.name === undefined;
  const watch =
    url.searchParams.get('watch') === 'true' ||
    url.searchParams.get('watch') === '1';
  if (method === 'GET' && !collection) return 'get';
  if (method === 'GET') return watch ? 'watch' : 'list';
  if (method === 'POST' && collection) return 'create';
  if (method === 'PUT' && !collection) return 'update';
  if (method === 'PATCH' && !collection) return 'patch';
  if (method === 'DELETE') return collection ? 'deletecollection' : 'delete';
  throw methodNotAllowed();
}
