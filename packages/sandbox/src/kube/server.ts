/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import YAML from 'yaml';
import { AwsWorld } from '../aws/AwsWorld';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_KUBE_ADMIN_USER,
  SANDBOX_KUBE_STATIC_TOKENS,
  SANDBOX_KUBERNETES_VERSION,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';
import { listen, readBody, RunningServer } from '../util/http';
import { SandboxLogger, silentLogger } from '../util/logger';
import { SigV4Credentials } from '../util/sigv4';
import { EKS_TOKEN_PREFIX, verifyEksToken } from './eksToken';
import {
  AuthorizationAttributes,
  badRequest,
  KUBE_RESOURCES,
  KubeApiError,
  KubeObject,
  KubeResource,
  KubeStore,
} from './KubeStore';

export interface KubeApiServerOptions {
  kube: KubeStore;
  /** When given, the cluster's EKS endpoint is set to this server's URL. */
  world?: AwsWorld;
  port: number;
  clusterName?: string;
  logger?: SandboxLogger;
  /** kubeconfig bearer tokens and the users they map to (default: SANDBOX_KUBE_STATIC_TOKENS). */
  staticTokens?: Readonly<Record<string, string>>;
  /** Credentials EKS tokens must be signed with (default: the sandbox's dummy credentials). */
  credentials?: SigV4Credentials;
}

const GROUPS: Record<string, { version: string; resources: KubeResource[] }> = {
  'rbac.authorization.k8s.io': {
    version: 'v1',
    resources: ['roles', 'rolebindings'],
  },
};

function resourceList(groupVersion: string, resources: KubeResource[]) {
  const entries: Array<Record<string, unknown>> = [];
  for (const r of resources) {
    const info = KUBE_RESOURCES[r];
    entries.push({
      name: r,
      singularName: info.kind.toLowerCase(),
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
      ...(info.shortNames ? { shortNames: info.shortNames } : {}),
    });
    if (r === 'pods') {
      entries.push({
        name: 'pods/log',
        singularName: '',
        namespaced: true,
        kind: 'Pod',
        verbs: ['get'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: entries,
  };
}

interface Route {
  resource: KubeResource;
  group: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Maps a URL path to a resource route, or undefined for unknown paths. */
function route(pathname: string): Route | undefined {
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
  return undefined;
}

/**
 * The Kubernetes API of the EKS cluster stand-in over plain HTTP: EKS bearer tokens and kubeconfig tokens, RBAC from
 * the stored Roles/RoleBindings, `Status` errors, and discovery enough for @kubernetes/client-node.
 */
export async function startKubeApiServer(
  options: KubeApiServerOptions,
): Promise<RunningServer> {
  const { kube } = options;
  const clusterName = options.clusterName ?? SANDBOX_CLUSTER_NAME;
  const logger = options.logger ?? silentLogger;
  const staticTokens = options.staticTokens ?? SANDBOX_KUBE_STATIC_TOKENS;
  const credentials = options.credentials ?? {
    accessKeyId: SANDBOX_ACCESS_KEY_ID,
    secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
  };

  function sendJson(res: http.ServerResponse, status: number, body: unknown) {
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  }

  function authenticate(
    req: http.IncomingMessage,
  ): { user: string } | { error: string } {
    const header = req.headers.authorization;
    if (!header || !/^Bearer\s+/i.test(header))
      return { error: 'no bearer token' };
    const token = header.replace(/^Bearer\s+/i, '').trim();
    if (token.startsWith(EKS_TOKEN_PREFIX)) {
      const result = verifyEksToken({
        token,
        clusterName,
        credentials,
        now: new Date(),
      }); // tokens are signed with the wall clock
      return result.ok
        ? { user: SANDBOX_KUBE_ADMIN_USER }
        : { error: result.reason };
    }
    const user = Object.prototype.hasOwnProperty.call(staticTokens, token)
      ? staticTokens[token]
      : undefined;
    return user ? { user } : { error: 'unknown static token' };
  }

  function discovery(pathname: string, host: string): unknown | undefined {
    switch (pathname.replace(/\/+$/, '')) {
      case '/version': {
        const [major, minor] = SANDBOX_KUBERNETES_VERSION.split('.');
        return {
          major,
          minor: `${minor}+`,
          gitVersion: `v${SANDBOX_KUBERNETES_VERSION}.0-eks-sandbox`,
          gitCommit: '0000000000000000000000000000000000000000',
          gitTreeState: 'clean',
          buildDate: '2026-01-01T00:00:00Z',
          goVersion: 'go1.22.0',
          compiler: 'gc',
          platform: 'linux/amd64',
        };
      }
      case '/api':
        return {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress: host },
          ],
        };
      case '/apis':
        return {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [
            ...Object.entries(GROUPS).map(([name, g]) => [name, g.version]),
            ['authorization.k8s.io', 'v1'],
          ].map(([name, version]) => ({
            name,
            versions: [{ groupVersion: `${name}/${version}`, version }],
            preferredVersion: { groupVersion: `${name}/${version}`, version },
          })),
        };
      case '/api/v1':
        return resourceList('v1', [
          'namespaces',
          'serviceaccounts',
          'secrets',
          'configmaps',
          'pods',
          'events',
        ]);
      case '/apis/rbac.authorization.k8s.io/v1':
        return resourceList('rbac.authorization.k8s.io/v1', [
          'roles',
          'rolebindings',
        ]);
      case '/apis/authorization.k8s.io/v1':
        return {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: 'authorization.k8s.io/v1',
          resources: [
            {
              name: 'selfsubjectaccessreviews',
              singularName: 'selfsubjectaccessreview',
              namespaced: false,
              kind: 'SelfSubjectAccessReview',
              verbs: ['create'],
            },
          ],
        };
      default:
        return undefined;
    }
  }

  function parseBody(raw: Buffer, contentType: string): any {
    if (!raw.length) throw badRequest('the request body is empty');
    const text = raw.toString('utf8');
    try {
      return contentType.includes('yaml') ? YAML.parse(text) : JSON.parse(text);
    } catch (e) {
      throw badRequest(
        `the request body could not be decoded: ${(e as Error).message}`,
      );
    }
  }

  function stripForList(o: KubeObject) {
    const { apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  }

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    meta: Record<string, unknown>,
  ) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const auth = authenticate(req);
    if ('error' in auth) {
      meta.authError = auth.error;
      throw new KubeApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const user = auth.user;
    meta.user = user;
    const body = await readBody(req, 16 * 1024 * 1024);

    if (method === 'GET') {
      const d = discovery(url.pathname, req.headers.host ?? '');
      if (d) {
        sendJson(res, 200, d);
        return;
      }
    }
    if (
      url.pathname.replace(/\/+$/, '') ===
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'
    ) {
      if (method !== 'POST')
        throw new KubeApiError(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        );
      meta.verb = 'create';
      const review = parseBody(body, String(req.headers['content-type'] ?? ''));
      const ra = review?.spec?.resourceAttributes;
      const nra = review?.spec?.nonResourceAttributes;
      let status: { allowed: boolean; reason?: string; denied?: boolean };
      if (ra) {
        const decision = kube.authorize(user, {
          verb: ra.verb ?? '',
          resource: ra.resource ?? '',
          subresource: ra.subresource || undefined,
          namespace: ra.namespace || undefined,
          apiGroup: ra.group ?? '',
          name: ra.name || undefined,
        });
        status = {
          allowed: decision.allowed,
          ...(decision.reason ? { reason: decision.reason } : {}),
        };
      } else if (nra) {
        status = { allowed: kube.isAdmin(user) };
      } else {
        throw new KubeApiError(
          422,
          'Invalid',
          'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
          {
            group: 'authorization.k8s.io',
            kind: 'SelfSubjectAccessReview',
            causes: [
              {
                reason: 'FieldValueInvalid',
                message:
                  'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
                field: 'spec.resourceAttributes',
              },
            ],
          },
        );
      }
      sendJson(res, 201, {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: review.spec,
        status,
      });
      return;
    }

    const r = route(url.pathname);
    if (!r) {
      throw new KubeApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
        {},
      );
    }
    meta.resource = r.subresource
      ? `${r.resource}/${r.subresource}`
      : r.resource;
    meta.namespace = r.namespace;
    if (r.subresource && !(r.resource === 'pods' && r.subresource === 'log')) {
      throw new KubeApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
        {},
      );
    }
    const collection = r.name === undefined;
    const labelSelector = url.searchParams.get('labelSelector') ?? undefined;
    const fieldSelector = url.searchParams.get('fieldSelector') ?? undefined;
    let verb: string;
    const watch =
      url.searchParams.get('watch') === 'true' ||
      url.searchParams.get('watch') === '1';
    if (method === 'GET' && !collection) verb = 'get';
    else if (method === 'GET') verb = watch ? 'watch' : 'list';
    else if (method === 'POST' && collection) verb = 'create';
    else if (method === 'PUT' && !collection) verb = 'update';
    else if (method === 'PATCH' && !collection) verb = 'patch';
    else if (method === 'DELETE')
      verb = collection ? 'deletecollection' : 'delete';
    else
      throw new KubeApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    meta.verb = verb;
    if (r.subresource === 'log' && verb !== 'get') {
      throw new KubeApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    }
    const attrs: AuthorizationAttributes = {
      verb,
      resource: r.resource,
      subresource: r.subresource,
      namespace: r.resource === 'namespaces' ? r.name : r.namespace,
      apiGroup: r.group,
      name: r.name,
    };
    kube.assertAllowed(user, attrs);

    const contentType = String(req.headers['content-type'] ?? '');
    switch (verb) {
      case 'list': {
        const items = kube.list(r.resource, r.namespace, {
          labelSelector,
          fieldSelector,
        });
        const info = KUBE_RESOURCES[r.resource];
        sendJson(res, 200, {
          kind: `${info.kind}List`,
          apiVersion: info.group
            ? `${info.group}/${info.version}`
            : info.version,
          metadata: { resourceVersion: kube.resourceVersion },
          items: items.map(stripForList),
        });
        return;
      }
      case 'get': {
        if (r.subresource === 'log') {
          const num = (name: string) => {
            const v = url.searchParams.get(name);
            if (v === null) return undefined;
            if (!/^-?\d+$/.test(v))
              throw badRequest(
                `${name}: Invalid value: "${v}": must be an integer`,
              );
            return Number(v);
          };
          const text = kube.readLog(
            r.namespace!,
            r.name!,
            url.searchParams.get('container') ?? undefined,
            {
              tailLines: num('tailLines'),
              sinceSeconds: num('sinceSeconds'),
              previous: url.searchParams.get('previous') === 'true',
              timestamps: url.searchParams.get('timestamps') === 'true',
            },
          );
          res.writeHead(200, {
            'content-type': 'text/plain',
            'content-length': Buffer.byteLength(text),
          });
          res.end(text);
          return;
        }
        sendJson(res, 200, kube.get(r.resource, r.namespace, r.name!));
        return;
      }
      case 'create': {
        const obj = parseBody(body, contentType);
        const dryRun = url.searchParams.get('dryRun');
        if (dryRun !== null && dryRun !== 'All') {
          throw badRequest(
            `Unsupported value: "${dryRun}": supported values: "All"`,
          );
        }
        sendJson(
          res,
          201,
          kube.create(r.resource, r.namespace, obj, {
            dryRun: dryRun === 'All',
          }),
        );
        return;
      }
      case 'update':
        sendJson(
          res,
          200,
          kube.replace(
            r.resource,
            r.namespace,
            r.name!,
            parseBody(body, contentType),
          ),
        );
        return;
      case 'patch': {
        const patch = parseBody(body, contentType);
        if (contentType.startsWith('application/apply-patch+yaml')) {
          if (!url.searchParams.get('fieldManager')) {
            throw badRequest(
              'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
            );
          }
          const existed = (() => {
            try {
              kube.get(r.resource, r.namespace, r.name!);
              return true;
            } catch {
              return false;
            }
          })();
          sendJson(
            res,
            existed ? 200 : 201,
            kube.apply(r.resource, r.namespace, r.name!, patch),
          );
        } else if (contentType.startsWith('application/json-patch+json')) {
          sendJson(
            res,
            200,
            kube.jsonPatch(r.resource, r.namespace, r.name!, patch),
          );
        } else if (
          contentType.startsWith('application/merge-patch+json') ||
          contentType.startsWith('application/strategic-merge-patch+json')
        ) {
          sendJson(
            res,
            200,
            kube.mergePatch(r.resource, r.namespace, r.name!, patch),
          );
        } else {
          throw new KubeApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
          );
        }
        return;
      }
      case 'delete': {
        const deleted = kube.delete(r.resource, r.namespace, r.name!);
        if (r.resource === 'pods' || r.resource === 'namespaces') {
          sendJson(res, 200, deleted);
        } else {
          sendJson(res, 200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: {
              name: r.name,
              ...(r.group ? { group: r.group } : {}),
              kind: r.resource,
              uid: deleted.metadata.uid,
            },
          });
        }
        return;
      }
      case 'watch': {
        const matches = kube.matcher(r.resource, r.namespace, {
          labelSelector,
          fieldSelector,
        });
        const timeoutSeconds = Number(
          url.searchParams.get('timeoutSeconds') ?? 1800,
        );
        const fromVersion = url.searchParams.get('resourceVersion');
        res.writeHead(200, { 'content-type': 'application/json' });
        const write = (type: string, obj: KubeObject) =>
          res.write(`${JSON.stringify({ type, object: obj })}\n`);
        // Without a resourceVersion (or with "0") a watch starts with synthetic ADDED events for the current state;
        // the sandbox keeps no history, so a later resourceVersion streams changes from now on.
        if (!fromVersion || fromVersion === '0') {
          for (const o of kube.list(r.resource, r.namespace, {
            labelSelector,
            fieldSelector,
          })) {
            write('ADDED', o);
          }
        }
        const off = kube.onChange((type, resource, obj) => {
          if (resource === r.resource && matches(obj)) write(type, obj);
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
        return;
      }
      case 'deletecollection': {
        kube.deleteCollection(r.resource, r.namespace, {
          labelSelector,
          fieldSelector,
        });
        sendJson(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
        });
        return;
      }
      default:
        throw new KubeApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }

  const server = http.createServer((req, res) => {
    const meta: Record<string, unknown> = {
      method: req.method,
      path: (req.url ?? '').split('?')[0],
    };
    handle(req, res, meta)
      .catch(e => {
        const err =
          e instanceof KubeApiError
            ? e
            : new KubeApiError(
                500,
                'InternalError',
                `Internal error occurred: ${(e as Error).message}`,
              );
        if (!(e instanceof KubeApiError)) {
          logger.error('kube request failed', {
            ...meta,
            error: (e as Error).message,
          });
        }
        if (!res.headersSent) sendJson(res, err.status.code, err.status);
        else res.destroy();
      })
      .finally(() =>
        logger.info('kube request', { ...meta, status: res.statusCode }),
      );
  });
  const running = await listen(server, options.port);
  options.world?.eks.setClusterEndpoint(clusterName, running.url);
  return running;
}
