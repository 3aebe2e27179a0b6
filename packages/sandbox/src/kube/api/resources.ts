/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { badRequest, methodNotAllowed, unknownPath } from '../errors';
import { patchTypeOf } from '../patch';
import {
  apiVersionOf,
  AuthorizationAttributes,
  KUBE_RESOURCES,
  KubeListOptions,
  KubeObject,
} from '../types';
import { contentTypeOf, KubeRequest, requestBody, sendJson } from './http';
import { route, requestVerb, Route } from './routing';
import { handleWatch } from './watch';

/**
 * A request on a resource path (`/api/v1/...`, `/apis/<group>/<version>/...`): routed, authorized with the store's
 * RBAC, then served by the handler of its verb. Unknown paths and subresources other than `pods/log` are 404.
 */
export async function handleResourceRequest(r: KubeRequest): Promise<void> {
  const rt = route(r.url.pathname);
  if (!rt) throw unknownPath();
  r.meta.resource = rt.subresource
    ? `${rt.resource}/${rt.subresource}`
    : rt.resource;
  r.meta.namespace = rt.namespace;
  if (rt.subresource && !(rt.resource === 'pods' && rt.subresource === 'log')) {
    throw unknownPath();
  }
  const verb = requestVerb(r.method, rt, r.url);
  r.meta.verb = verb;
  if (rt.subresource === 'log' && verb !== 'get') throw methodNotAllowed();
  const attrs: AuthorizationAttributes = {
    verb,
    resource: rt.resource,
    subresource: rt.subresource,
    namespace: rt.resource === 'namespaces' ? rt.name : rt.namespace,
    apiGroup: rt.group,
    name: rt.name,
  };
  r.kube.assertAllowed(r.user, attrs);
  const selectors: KubeListOptions = {
    labelSelector: r.url.searchParams.get('labelSelector') ?? undefined,
    fieldSelector: r.url.searchParams.get('fieldSelector') ?? undefined,
  };
  switch (verb) {
    case 'list':
      return list(r, rt, selectors);
    case 'get':
      return rt.subresource === 'log' ? readLog(r, rt) : get(r, rt);
    case 'create':
      return create(r, rt);
    case 'update':
      return sendJson(
        r.res,
        200,
        r.kube.replace(rt.resource, rt.namespace, rt.name!, requestBody(r)),
      );
    case 'patch':
      return patch(r, rt);
    case 'delete':
      return remove(r, rt);
    case 'watch':
      return handleWatch(r, rt, selectors);
    case 'deletecollection':
      return deleteCollection(r, rt, selectors);
    default:
      throw methodNotAllowed();
  }
}

/** Items of a list carry no apiVersion and kind (the list has them). */
function stripForList(o: KubeObject) {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

function list(r: KubeRequest, rt: Route, selectors: KubeListOptions) {
  const items = r.kube.list(rt.resource, rt.namespace, selectors);
  sendJson(r.res, 200, {
    kind: `${KUBE_RESOURCES[rt.resource].kind}List`,
    apiVersion: apiVersionOf(rt.resource),
    metadata: { resourceVersion: r.kube.resourceVersion },
    items: items.map(stripForList),
  });
}

function get(r: KubeRequest, rt: Route) {
  sendJson(r.res, 200, r.kube.get(rt.resource, rt.namespace, rt.name!));
}

/** `GET pods/{name}/log` as plain text. */
function readLog(r: KubeRequest, rt: Route) {
  const params = r.url.searchParams;
  const num = (name: string) => {
    const v = params.get(name);
    if (v === null) return undefined;
    if (!/^-?\d+$/.test(v))
      throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
    return Number(v);
  };
  const text = r.kube.readLog(
    rt.namespace!,
    rt.name!,
    params.get('container') ?? undefined,
    {
      tailLines: num('tailLines'),
      sinceSeconds: num('sinceSeconds'),
      previous: params.get('previous') === 'true',
      timestamps: params.get('timestamps') === 'true',
    },
  );
  r.res.writeHead(200, {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(text),
  });
  r.res.end(text);
}

function create(r: KubeRequest, rt: Route) {
  const obj = requestBody(r);
  const dryRun = r.url.searchParams.get('dryRun');
  if (dryRun !== null && dryRun !== 'All') {
    throw badRequest(`Unsupported value: "${dryRun}": supported values: "All"`);
  }
  sendJson(
    r.res,
    201,
    r.kube.create(rt.resource, rt.namespace, obj, {
      dryRun: dryRun === 'All',
    }),
  );
}

/** PATCH by content type: server-side apply (201 when it created the object), JSON patch, merge/strategic. */
function patch(r: KubeRequest, rt: Route) {
  const body = requestBody(r);
  const { kube } = r;
  const name = rt.name!;
  const type = patchTypeOf(contentTypeOf(r));
  if (type === 'apply') {
    if (!r.url.searchParams.get('fieldManager')) {
      throw badRequest(
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    const dryRun = r.url.searchParams.get('dryRun');
    if (dryRun !== null && dryRun !== 'All') {
      throw badRequest(
        `Unsupported value: "${dryRun}": supported values: "All"`,
      );
    }
    const existed = kube.exists(rt.resource, rt.namespace, name);
    sendJson(
      r.res,
      existed ? 200 : 201,
      kube.apply(rt.resource, rt.namespace, name, body, {
        dryRun: dryRun === 'All',
      }),
    );
  } else if (type === 'json') {
    sendJson(r.res, 200, kube.jsonPatch(rt.resource, rt.namespace, name, body));
  } else {
    // Merge and strategic merge patches alike: the sandbox does not merge lists by key.
    sendJson(
      r.res,
      200,
      kube.mergePatch(rt.resource, rt.namespace, name, body),
    );
  }
}

/** DELETE: pods and namespaces answer with the deleted object, other resources with a success Status. */
function remove(r: KubeRequest, rt: Route) {
  const deleted = r.kube.delete(rt.resource, rt.namespace, rt.name!);
  if (rt.resource === 'pods' || rt.resource === 'namespaces') {
    sendJson(r.res, 200, deleted);
    return;
  }
  sendJson(r.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: rt.name,
      ...(rt.group ? { group: rt.group } : {}),
      kind: rt.resource,
      uid: deleted.metadata.uid,
    },
  });
}

function deleteCollection(
  r: KubeRequest,
  rt: Route,
  selectors: KubeListOptions,
) {
  r.kube.deleteCollection(rt.resource, rt.namespace, selectors);
  sendJson(r.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
  });
}
