/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import path from 'node:path';
import { SANDBOX_KUBE_ADMIN_USER } from '../constants';
import { JsonFile } from '../util/persist';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SUPPORTED_FIELDS,
} from './selectors';

export type KubeResource =
  | 'namespaces'
  | 'serviceaccounts'
  | 'secrets'
  | 'configmaps'
  | 'roles'
  | 'rolebindings'
  | 'pods'
  | 'events';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generateName?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

/** The verbs every resource kind of the stand-in serves. */
const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
];

/** Static facts of each served resource. */
export const KUBE_RESOURCES: Record<
  KubeResource,
  {
    kind: string;
    group: string;
    version: string;
    namespaced: boolean;
    shortNames?: string[];
    verbs: string[];
  }
> = {
  namespaces: {
    kind: 'Namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  },
  serviceaccounts: {
    kind: 'ServiceAccount',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['sa'],
    verbs: ALL_VERBS,
  },
  secrets: {
    kind: 'Secret',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: ALL_VERBS,
  },
  configmaps: {
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['cm'],
    verbs: ALL_VERBS,
  },
  pods: {
    kind: 'Pod',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['po'],
    verbs: ALL_VERBS,
  },
  events: {
    kind: 'Event',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['ev'],
    verbs: ALL_VERBS,
  },
  roles: {
    kind: 'Role',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: ALL_VERBS,
  },
  rolebindings: {
    kind: 'RoleBinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: ALL_VERBS,
  },
};

/** A `metav1.Status` failure. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason: string; message: string; field: string }>;
  };
  code: number;
}

/** An API error carrying the `Status` object the real API server would return. */
export class KubeApiError extends Error {
  readonly status: KubeStatus;

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: KubeStatus['details'],
  ) {
    super(message);
    this.name = 'KubeApiError';
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      details,
      code,
    };
  }
}

/** `pods`, `roles.rbac.authorization.k8s.io`: how the API server names a resource in messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

function detailsFor(
  resource: KubeResource,
  name?: string,
): KubeStatus['details'] {
  const group = KUBE_RESOURCES[resource].group;
  return { name, ...(group ? { group } : {}), kind: resource };
}

export function notFound(resource: KubeResource, name: string): KubeApiError {
  return new KubeApiError(
    404,
    'NotFound',
    `${qualifiedResource(
      resource,
      KUBE_RESOURCES[resource].group,
    )} "${name}" not found`,
    detailsFor(resource, name),
  );
}

export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

function invalid(
  resource: KubeResource,
  name: string,
  causes: Array<{ field: string; reason: string; detail: string }>,
): KubeApiError {
  const kind = KUBE_RESOURCES[resource].kind;
  const messages = causes.map(c => `${c.field}: ${c.detail}`);
  return new KubeApiError(
    422,
    'Invalid',
    `${kind} "${name}" is invalid: ${
      messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`
    }`,
    {
      name,
      ...(KUBE_RESOURCES[resource].group
        ? { group: KUBE_RESOURCES[resource].group }
        : {}),
      kind,
      causes: causes.map(c => ({
        reason: c.reason,
        message: c.detail,
        field: c.field,
      })),
    },
  );
}

/** The attributes of one request for authorization. */
export interface AuthorizationAttributes {
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  apiGroup?: string;
  name?: string;
}

const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Events kept by the store. */
const MAX_EVENTS = 5000;

/** Users that bypass RBAC (the EKS cluster creator's access entry maps to cluster-admin). */
const ADMIN_USERS = new Set([SANDBOX_KUBE_ADMIN_USER, 'system:admin']);

interface LogLine {
  t: string;
  line: string;
}

interface KubeState {
  resourceVersion: number;
  objects: Record<KubeResource, Record<string, KubeObject>>;
  logs: Record<
    string,
    Record<string, { current: LogLine[]; previous?: LogLine[] }>
  >;
}

type ChangeListener = (
  type: 'ADDED' | 'MODIFIED' | 'DELETED',
  resource: KubeResource,
  obj: KubeObject,
) => void;

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** RFC 7386 JSON merge patch. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return clone(patch);
  }
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) {
      delete result[k];
    } else {
      result[k] = jsonMergePatch(result[k], v);
    }
  }
  return result;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw badRequest('the JSON patch must be an array of operations');
  }
  let doc = clone(target);
  const parse = (p: string) => {
    if (p === '') return [];
    if (!p.startsWith('/')) throw badRequest(`invalid JSON pointer ${p}`);
    return p
      .slice(1)
      .split('/')
      .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  };
  const parentOf = (tokens: string[]) => {
    let cur: any = doc;
    for (const t of tokens.slice(0, -1)) {
      cur = cur?.[Array.isArray(cur) ? Number(t) : t];
      if (cur === undefined || cur === null)
        throw badRequest(`the path ${tokens.join('/')} does not exist`);
    }
    return cur;
  };
  const get = (tokens: string[]) =>
    tokens.reduce(
      (cur: any, t) =>
        cur === undefined ? undefined : cur[Array.isArray(cur) ? Number(t) : t],
      doc,
    );
  const remove = (tokens: string[]) => {
    const parent = parentOf(tokens);
    const last = tokens[tokens.length - 1];
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else {
      if (!(last in parent))
        throw badRequest(`unable to remove nonexistent key: ${last}`);
      delete parent[last];
    }
  };
  const add = (tokens: string[], value: unknown) => {
    if (tokens.length === 0) {
      doc = clone(value);
      return;
    }
    const parent = parentOf(tokens);
    const last = tokens[tokens.length - 1];
    if (Array.isArray(parent)) {
      if (last === '-') parent.push(clone(value));
      else parent.splice(Number(last), 0, clone(value));
    } else parent[last] = clone(value);
  };
  for (const op of ops as Array<Record<string, any>>) {
    const tokens = parse(String(op.path ?? ''));
    switch (op.op) {
      case 'add':
        add(tokens, op.value);
        break;
      case 'remove':
        remove(tokens);
        break;
      case 'replace':
        if (get(tokens) === undefined)
          throw badRequest(
            `replace operation does not apply: doc is missing key: ${op.path}`,
          );
        remove(tokens);
        add(tokens, op.value);
        break;
      case 'move': {
        const from = parse(String(op.from ?? ''));
        const v = get(from);
        remove(from);
        add(tokens, v);
        break;
      }
      case 'copy':
        add(tokens, get(parse(String(op.from ?? ''))));
        break;
      case 'test':
        if (JSON.stringify(get(tokens)) !== JSON.stringify(op.value))
          throw new KubeApiError(
            422,
            'Invalid',
            `testing value ${op.path} failed`,
          );
        break;
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

/**
 * The object store of the Kubernetes stand-in (cluster `crawlers-sandbox`): validation, resourceVersions, selectors,
 * container logs, events and RBAC, persisted as JSON under `<dataDir>/kube.json`.
 */
export class KubeStore {
  private readonly state: KubeState;
  private readonly file: JsonFile<KubeState>;
  private readonly listeners = new Set<ChangeListener>();
  private readonly clock?: { now(): Date | number };

  constructor(
    options: { dataDir?: string; clock?: { now(): Date | number } } = {},
  ) {
    this.clock = options.clock;
    const file = options.dataDir
      ? path.join(options.dataDir, 'kube.json')
      : undefined;
    const loaded = JsonFile.read<KubeState>(file);
    this.state = loaded ?? {
      resourceVersion: 1000,
      objects: {
        namespaces: {},
        serviceaccounts: {},
        secrets: {},
        configmaps: {},
        roles: {},
        rolebindings: {},
        pods: {},
        events: {},
      },
      logs: {},
    };
    this.file = new JsonFile(file, () => this.state, 50);
    for (const ns of [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ]) {
      if (!this.state.objects.namespaces[ns]) {
        this.create('namespaces', undefined, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns },
        });
      }
    }
  }

  now(): Date {
    const v = this.clock ? this.clock.now() : new Date();
    return v instanceof Date ? v : new Date(v);
  }

  private timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  /** Writes the state to disk now. */
  flush(): void {
    this.file.flush();
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(
    type: 'ADDED' | 'MODIFIED' | 'DELETED',
    resource: KubeResource,
    obj: KubeObject,
  ) {
    this.file.schedule();
    for (const l of [...this.listeners]) {
      try {
        l(type, resource, clone(obj));
      } catch {
        // a listener's failure must not break the API call that caused the change
      }
    }
  }

  private key(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): string {
    return KUBE_RESOURCES[resource].namespaced ? `${namespace}/${name}` : name;
  }

  private nextVersion(): string {
    this.state.resourceVersion += 1;
    return String(this.state.resourceVersion);
  }

  get resourceVersion(): string {
    return String(this.state.resourceVersion);
  }

  private checkNamespace(
    resource: KubeResource,
    namespace: string | undefined,
  ): void {
    if (!KUBE_RESOURCES[resource].namespaced) return;
    if (!namespace) throw badRequest(`a namespace is required for ${resource}`);
    if (!this.state.objects.namespaces[namespace])
      throw notFound('namespaces', namespace);
  }

  private validate(resource: KubeResource, obj: KubeObject): void {
    const name = obj.metadata?.name ?? '';
    const causes: Array<{ field: string; reason: string; detail: string }> = [];
    const nameRule =
      resource === 'namespaces' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
    if (!name) {
      causes.push({
        field: 'metadata.name',
        reason: 'FieldValueRequired',
        detail: 'Required value: name or generateName is required',
      });
    } else if (
      !nameRule.test(name) ||
      name.length > (resource === 'namespaces' ? 63 : 253)
    ) {
      causes.push({
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        detail:
          resource === 'namespaces'
            ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
            : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      });
    }
    for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
      const keyName = k.includes('/') ? k.slice(k.indexOf('/') + 1) : k;
      if (!QUALIFIED_NAME.test(keyName) || keyName.length > 63) {
        causes.push({
          field: 'metadata.labels',
          reason: 'FieldValueInvalid',
          detail: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        });
      }
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
        causes.push({
          field: 'metadata.labels',
          reason: 'FieldValueInvalid',
          detail:
            typeof v === 'string' && v.length > 63
              ? `Invalid value: "${v}": must be no more than 63 characters`
              : `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        });
      }
    }
    if (resource === 'pods') {
      const spec = (obj.spec ?? {}) as Record<string, any>;
      const containers = spec.containers;
      if (!Array.isArray(containers) || containers.length === 0) {
        causes.push({
          field: 'spec.containers',
          reason: 'FieldValueRequired',
          detail: 'Required value',
        });
      } else {
        const seen = new Set<string>();
        for (const [listName, list] of [
          ['initContainers', spec.initContainers ?? []],
          ['containers', containers],
        ] as const) {
          (list as Array<Record<string, any>>).forEach((c, i) => {
            if (!c?.name) {
              causes.push({
                field: `spec.${listName}[${i}].name`,
                reason: 'FieldValueRequired',
                detail: 'Required value',
              });
            } else if (seen.has(c.name)) {
              causes.push({
                field: `spec.${listName}[${i}].name`,
                reason: 'FieldValueDuplicate',
                detail: `Duplicate value: "${c.name}"`,
              });
            } else {
              seen.add(c.name);
            }
            if (!c?.image) {
              causes.push({
                field: `spec.${listName}[${i}].image`,
                reason: 'FieldValueRequired',
                detail: 'Required value',
              });
            }
          });
        }
      }
    }
    if (resource === 'rolebindings') {
      const ref = (obj.roleRef ?? {}) as Record<string, any>;
      if (!ref.name)
        causes.push({
          field: 'roleRef.name',
          reason: 'FieldValueRequired',
          detail: 'Required value',
        });
      if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') {
        causes.push({
          field: 'roleRef.kind',
          reason: 'FieldValueNotSupported',
          detail: `Unsupported value: "${
            ref.kind ?? ''
          }": supported values: "Role", "ClusterRole"`,
        });
      }
    }
    if (resource === 'roles') {
      const rules = (obj.rules ?? []) as Array<Record<string, any>>;
      rules.forEach((r, i) => {
        if (!Array.isArray(r.verbs) || r.verbs.length === 0) {
          causes.push({
            field: `rules[${i}].verbs`,
            reason: 'FieldValueRequired',
            detail: 'Required value: verbs must contain at least one value',
          });
        }
      });
    }
    if (resource === 'secrets') {
      for (const [k, v] of Object.entries(
        (obj.data ?? {}) as Record<string, unknown>,
      )) {
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
          causes.push({
            field: `data[${k}]`,
            reason: 'FieldValueInvalid',
            detail: 'Invalid value: illegal base64 data',
          });
        }
      }
    }
    if (causes.length) {
      throw invalid(resource, name, causes);
    }
  }

  /** Defaults the API server and admission add. */
  private applyDefaults(
    resource: KubeResource,
    obj: KubeObject,
    existing?: KubeObject,
  ): void {
    if (resource === 'namespaces') {
      obj.spec = {
        finalizers: ['kubernetes'],
        ...((obj.spec as object) ?? {}),
      };
      obj.status = { phase: 'Active' };
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': obj.metadata.name,
      };
    }
    if (resource === 'secrets') {
      obj.type = obj.type ?? 'Opaque';
      if (obj.stringData && typeof obj.stringData === 'object') {
        const data = { ...((obj.data as Record<string, string>) ?? {}) };
        for (const [k, v] of Object.entries(
          obj.stringData as Record<string, string>,
        )) {
          data[k] = Buffer.from(String(v)).toString('base64');
        }
        obj.data = data;
        delete obj.stringData;
      }
    }
    if (resource === 'pods') {
      const spec = obj.spec as Record<string, any>;
      spec.restartPolicy = spec.restartPolicy ?? 'Always';
      spec.dnsPolicy = spec.dnsPolicy ?? 'ClusterFirst';
      spec.schedulerName = spec.schedulerName ?? 'default-scheduler';
      spec.serviceAccountName =
        spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
      spec.serviceAccount = spec.serviceAccountName;
      spec.terminationGracePeriodSeconds =
        spec.terminationGracePeriodSeconds ?? 30;
      spec.enableServiceLinks = spec.enableServiceLinks ?? true;
      spec.priority = spec.priority ?? 0;
      spec.preemptionPolicy = spec.preemptionPolicy ?? 'PreemptLowerPriority';
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        c.imagePullPolicy =
          c.imagePullPolicy ??
          (String(c.image).endsWith(':latest') || !String(c.image).includes(':')
            ? 'Always'
            : 'IfNotPresent');
        c.terminationMessagePath =
          c.terminationMessagePath ?? '/dev/termination-log';
        c.terminationMessagePolicy = c.terminationMessagePolicy ?? 'File';
        c.resources = c.resources ?? {};
      }
      if (!existing) {
        obj.status = { phase: 'Pending', qosClass: qosClass(spec) };
      } else if (obj.status === undefined) {
        obj.status = existing.status;
      }
    }
  }

  // ------------------------------------------------------------------ CRUD

  /** Creates an object (`dryRun`: validate and default it, store nothing). */
  create(
    resource: KubeResource,
    requestNamespace: string | undefined,
    body: KubeObject,
    options: { dryRun?: boolean } = {},
  ): KubeObject {
    let namespace = requestNamespace;
    const info = KUBE_RESOURCES[resource];
    const obj = clone(body) as KubeObject;
    obj.apiVersion = info.group
      ? `${info.group}/${info.version}`
      : info.version;
    obj.kind = info.kind;
    obj.metadata = obj.metadata ?? ({} as KubeObject['metadata']);
    if (info.namespaced) {
      if (
        obj.metadata.namespace &&
        namespace &&
        obj.metadata.namespace !== namespace
      ) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      namespace = namespace ?? obj.metadata.namespace;
      this.checkNamespace(resource, namespace);
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${crypto
        .randomBytes(3)
        .toString('hex')
        .slice(0, 5)}`;
    }
    this.validate(resource, obj);
    const key = this.key(resource, namespace, obj.metadata.name);
    if (this.state.objects[resource][key]) {
      throw new KubeApiError(
        409,
        'AlreadyExists',
        `${qualifiedResource(resource, info.group)} "${
          obj.metadata.name
        }" already exists`,
        detailsFor(resource, obj.metadata.name),
      );
    }
    delete obj.metadata.deletionTimestamp;
    obj.metadata.uid = crypto.randomUUID();
    obj.metadata.creationTimestamp = this.timestamp();
    if (options.dryRun) {
      this.applyDefaults(resource, obj);
      return clone(obj);
    }
    obj.metadata.resourceVersion = this.nextVersion();
    this.applyDefaults(resource, obj);
    this.state.objects[resource][key] = obj;
    this.emit('ADDED', resource, obj);
    if (
      resource === 'namespaces' &&
      !this.state.objects.serviceaccounts[`${obj.metadata.name}/default`]
    ) {
      this.create('serviceaccounts', obj.metadata.name, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default' },
      });
    }
    return clone(obj);
  }

  private find(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    if (
      KUBE_RESOURCES[resource].namespaced &&
      namespace &&
      !this.state.objects.namespaces[namespace] &&
      resource !== 'events'
    ) {
      throw notFound(resource, name);
    }
    const obj =
      this.state.objects[resource][this.key(resource, namespace, name)];
    if (!obj) throw notFound(resource, name);
    return obj;
  }

  get(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    return clone(this.find(resource, namespace, name));
  }

  /** Lists objects; throws BadRequest for selectors the API server would reject. */
  /**
   * A predicate for objects of `resource` in `namespace` (all namespaces when undefined) matching the selectors;
   * throws BadRequest for selectors the API server would reject.
   */
  matcher(
    resource: KubeResource,
    namespace: string | undefined,
    options: { labelSelector?: string; fieldSelector?: string } = {},
  ): (obj: KubeObject) => boolean {
    let labels: ReturnType<typeof parseLabelSelector>;
    let fields: ReturnType<typeof parseFieldSelector>;
    try {
      labels = parseLabelSelector(options.labelSelector);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    try {
      fields = parseFieldSelector(options.fieldSelector);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    const supported = SUPPORTED_FIELDS[resource] ?? [
      'metadata.name',
      'metadata.namespace',
    ];
    for (const f of fields) {
      if (!supported.includes(f.field)) {
        throw badRequest(`field label not supported: ${f.field}`);
      }
    }
    return o =>
      (!namespace ||
        !KUBE_RESOURCES[resource].namespaced ||
        o.metadata.namespace === namespace) &&
      matchesLabels(labels, o.metadata.labels) &&
      matchesFields(fields, o);
  }

  /** Lists objects sorted by namespace and name; throws BadRequest for selectors the API server would reject. */
  list(
    resource: KubeResource,
    namespace: string | undefined,
    options: { labelSelector?: string; fieldSelector?: string } = {},
  ): KubeObject[] {
    const matches = this.matcher(resource, namespace, options);
    return Object.values(this.state.objects[resource])
      .filter(matches)
      .sort((a, b) =>
        `${a.metadata.namespace ?? ''}/${a.metadata.name}` <
        `${b.metadata.namespace ?? ''}/${b.metadata.name}`
          ? -1
          : 1,
      )
      .map(clone);
  }

  /** PUT: replaces the object; a stale metadata.resourceVersion gets 409 Conflict. */
  replace(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
  ): KubeObject {
    const existing = this.find(resource, namespace, name);
    const obj = clone(body) as KubeObject;
    obj.metadata = obj.metadata ?? ({} as KubeObject['metadata']);
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      obj.metadata.resourceVersion &&
      obj.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw new KubeApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(
          resource,
          KUBE_RESOURCES[resource].group,
        )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        detailsFor(resource, name),
      );
    }
    return this.store(resource, existing, obj);
  }

  private store(
    resource: KubeResource,
    existing: KubeObject,
    obj: KubeObject,
  ): KubeObject {
    const info = KUBE_RESOURCES[resource];
    obj.apiVersion = info.group
      ? `${info.group}/${info.version}`
      : info.version;
    obj.kind = info.kind;
    obj.metadata = {
      ...obj.metadata,
      name: existing.metadata.name,
      namespace: existing.metadata.namespace,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
    };
    if (!info.namespaced) delete obj.metadata.namespace;
    this.validate(resource, obj);
    this.applyDefaults(resource, obj, existing);
    obj.metadata.resourceVersion = this.nextVersion();
    this.state.objects[resource][
      this.key(resource, existing.metadata.namespace, existing.metadata.name)
    ] = obj;
    this.emit('MODIFIED', resource, obj);
    return clone(obj);
  }

  /** JSON merge patch (RFC 7386); also used for strategic merge patches, whose list merging the sandbox does not do. */
  mergePatch(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    patch: unknown,
  ): KubeObject {
    const existing = this.find(resource, namespace, name);
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw badRequest('the merge patch must be a JSON object');
    }
    const merged = jsonMergePatch(clone(existing), patch) as KubeObject;
    const rv = (patch as any).metadata?.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) {
      throw new KubeApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(
          resource,
          KUBE_RESOURCES[resource].group,
        )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        detailsFor(resource, name),
      );
    }
    return this.store(resource, existing, merged);
  }

  /** RFC 6902 JSON patch. */
  jsonPatch(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    ops: unknown,
  ): KubeObject {
    const existing = this.find(resource, namespace, name);
    return this.store(
      resource,
      existing,
      jsonPatch(existing, ops) as KubeObject,
    );
  }

  /** Server-side apply, simplified: create the object, or merge it into the existing one. */
  apply(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
  ): KubeObject {
    if (body?.metadata?.name && body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const key = this.key(resource, namespace, name);
    if (!this.state.objects[resource][key]) {
      return this.create(resource, namespace, {
        ...body,
        metadata: { ...(body?.metadata ?? {}), name },
      });
    }
    const { resourceVersion: _ignored, ...metadata } =
      body.metadata ?? ({} as KubeObject['metadata']);
    return this.mergePatch(resource, namespace, name, { ...body, metadata });
  }

  delete(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const existing = this.find(resource, namespace, name);
    const key = this.key(resource, namespace, name);
    if (resource === 'namespaces') {
      for (const r of Object.keys(KUBE_RESOURCES) as KubeResource[]) {
        if (!KUBE_RESOURCES[r].namespaced) continue;
        for (const o of Object.values(this.state.objects[r])) {
          if (o.metadata.namespace === name)
            this.delete(r, name, o.metadata.name);
        }
      }
    }
    delete this.state.objects[resource][key];
    if (resource === 'pods') {
      delete this.state.logs[key];
    }
    const deleted = clone(existing);
    deleted.metadata.deletionTimestamp = this.timestamp();
    if (resource === 'namespaces') {
      deleted.status = { phase: 'Terminating' };
    }
    this.emit('DELETED', resource, deleted);
    return deleted;
  }

  deleteCollection(
    resource: KubeResource,
    namespace: string | undefined,
    options: { labelSelector?: string; fieldSelector?: string } = {},
  ): KubeObject[] {
    return this.list(resource, namespace, options).map(o =>
      this.delete(resource, o.metadata.namespace, o.metadata.name),
    );
  }

  /** Updates a pod's status (kubelet / scheduler writes), merging the given fields into `status`. */
  updatePodStatus(
    namespace: string,
    name: string,
    status: Record<string, unknown>,
  ): KubeObject {
    const existing = this.find('pods', namespace, name);
    const obj = clone(existing);
    obj.status = jsonMergePatch(existing.status ?? {}, status) as Record<
      string,
      unknown
    >;
    obj.metadata.resourceVersion = this.nextVersion();
    this.state.objects.pods[this.key('pods', namespace, name)] = obj;
    this.emit('MODIFIED', 'pods', obj);
    return clone(obj);
  }

  /** Scheduler-side writes to a pod (binding, profile label, annotations): merge-patches metadata and spec. */
  updatePod(
    namespace: string,
    name: string,
    patch: {
      metadata?: Record<string, unknown>;
      spec?: Record<string, unknown>;
      status?: Record<string, unknown>;
    },
  ): KubeObject {
    const existing = this.find('pods', namespace, name);
    const obj = jsonMergePatch(clone(existing), patch) as KubeObject;
    obj.metadata.resourceVersion = this.nextVersion();
    this.state.objects.pods[this.key('pods', namespace, name)] = obj;
    this.emit('MODIFIED', 'pods', obj);
    return clone(obj);
  }

  // ------------------------------------------------------------------ logs

  /** Appends lines to a container's current log (one line per `\n`-separated line of text). */
  appendLog(
    namespace: string,
    pod: string,
    container: string,
    text: string,
  ): void {
    const key = `${namespace}/${pod}`;
    const podLogs = (this.state.logs[key] = this.state.logs[key] ?? {});
    const log = (podLogs[container] = podLogs[container] ?? { current: [] });
    const t = this.now().toISOString();
    for (const line of text.replace(/\n$/, '').split('\n')) {
      log.current.push({ t, line });
    }
    if (log.current.length > 10000)
      log.current.splice(0, log.current.length - 10000);
    this.file.schedule();
  }

  /** A container restarted: its current log becomes the `previous` one. */
  rotateLog(namespace: string, pod: string, container: string): void {
    const log = this.state.logs[`${namespace}/${pod}`]?.[container];
    if (log) {
      log.previous = log.current;
      log.current = [];
      this.file.schedule();
    }
  }

  /** Reads a container log as `GET pods/{name}/log` does, with the API server's errors. */
  readLog(
    namespace: string,
    pod: string,
    container: string | undefined,
    options: {
      tailLines?: number;
      previous?: boolean;
      timestamps?: boolean;
      sinceSeconds?: number;
    } = {},
  ): string {
    const obj = this.find('pods', namespace, pod);
    const spec = obj.spec as Record<string, any>;
    const names: string[] = [
      ...(spec.initContainers ?? []),
      ...spec.containers,
    ].map((c: any) => c.name);
    const mainNames: string[] = spec.containers.map((c: any) => c.name);
    let name = container;
    if (!name) {
      if (mainNames.length !== 1) {
        throw badRequest(
          `a container name must be specified for pod ${pod}, choose one of: [${mainNames.join(
            ' ',
          )}]`,
        );
      }
      name = mainNames[0];
    }
    if (!names.includes(name)) {
      throw badRequest(`container ${name} is not valid for pod ${pod}`);
    }
    const logs = this.state.logs[`${namespace}/${pod}`]?.[name];
    let lines: LogLine[];
    if (options.previous) {
      if (!logs?.previous) {
        throw badRequest(
          `previous terminated container "${name}" in pod "${pod}" not found`,
        );
      }
      lines = logs.previous;
    } else {
      const statuses = [
        ...(((obj.status as any)?.initContainerStatuses ?? []) as any[]),
        ...(((obj.status as any)?.containerStatuses ?? []) as any[]),
      ];
      const st = statuses.find(s => s.name === name);
      if (
        !logs?.current.length &&
        !st?.state?.running &&
        !st?.state?.terminated
      ) {
        const reason = st?.state?.waiting?.reason;
        const messages: Record<string, string> = {
          ImagePullBackOff: 'trying and failing to pull image',
          ErrImagePull: "image can't be pulled",
        };
        const why = messages[reason] ?? reason ?? 'ContainerCreating';
        throw badRequest(
          `container "${name}" in pod "${pod}" is waiting to start: ${why}`,
        );
      }
      lines = logs?.current ?? [];
    }
    if (options.sinceSeconds !== undefined) {
      const since = this.now().getTime() - options.sinceSeconds * 1000;
      lines = lines.filter(l => Date.parse(l.t) >= since);
    }
    if (options.tailLines !== undefined) {
      lines = options.tailLines <= 0 ? [] : lines.slice(-options.tailLines);
    }
    return lines
      .map(l =>
        options.timestamps
          ? `${l.t.replace(/Z$/, '000000Z')} ${l.line}`
          : l.line,
      )
      .map(l => `${l}\n`)
      .join('');
  }

  // ------------------------------------------------------------------ events

  /** Records an Event about an object; an identical repeat bumps `count` and `lastTimestamp`, as the real recorder does. */
  recordEvent(
    namespace: string,
    involved: KubeObject,
    event: {
      type: 'Normal' | 'Warning';
      reason: string;
      message: string;
      component: string;
      host?: string;
    },
  ): KubeObject {
    const now = this.timestamp();
    const same = Object.values(this.state.objects.events).find(
      e =>
        e.metadata.namespace === namespace &&
        (e.involvedObject as any)?.uid === involved.metadata.uid &&
        e.reason === event.reason &&
        e.message === event.message &&
        (e.source as any)?.component === event.component,
    );
    if (same) {
      return this.mergePatch('events', namespace, same.metadata.name, {
        count: ((same.count as number) ?? 1) + 1,
        lastTimestamp: now,
      });
    }
    this.pruneEvents();
    return this.create('events', namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${involved.metadata.name}.${crypto
          .randomBytes(8)
          .toString('hex')}`,
        namespace,
      },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
      },
      reason: event.reason,
      message: event.message,
      source: {
        component: event.component,
        ...(event.host ? { host: event.host } : {}),
      },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: event.type,
      eventTime: null,
      reportingComponent: event.component,
      reportingInstance: event.host ?? '',
    });
  }

  /** Keeps at most MAX_EVENTS events, dropping the oldest (the real API server expires them after an hour). */
  private pruneEvents(): void {
    const events = Object.entries(this.state.objects.events);
    if (events.length < MAX_EVENTS) return;
    events
      .sort(
        ([, a], [, b]) =>
          Number(a.metadata.resourceVersion) -
          Number(b.metadata.resourceVersion),
      )
      .slice(0, events.length - MAX_EVENTS + 1)
      .forEach(([, e]) =>
        this.delete('events', e.metadata.namespace, e.metadata.name),
      );
  }

  // ------------------------------------------------------------------ RBAC

  isAdmin(user: string): boolean {
    return ADMIN_USERS.has(user);
  }

  /** RBAC from the stored Roles and RoleBindings (ClusterRoles are not modelled: only admins act at cluster scope). */
  authorize(
    user: string,
    attrs: AuthorizationAttributes,
  ): { allowed: boolean; reason: string } {
    if (this.isAdmin(user)) {
      return {
        allowed: true,
        reason: `user "${user}" is a cluster administrator`,
      };
    }
    if (!attrs.namespace) {
      return { allowed: false, reason: '' };
    }
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
    const group = attrs.apiGroup ?? '';
    const resource = attrs.subresource
      ? `${attrs.resource}/${attrs.subresource}`
      : attrs.resource;
    for (const binding of this.list('rolebindings', attrs.namespace)) {
      const subjects = (binding.subjects ?? []) as Array<
        Record<string, string>
      >;
      const subject = subjects.find(s => {
        if (s.kind === 'ServiceAccount') {
          return (
            sa &&
            s.name === sa[2] &&
            (s.namespace ?? binding.metadata.namespace) === sa[1]
          );
        }
        if (s.kind === 'User') {
          return s.name === user;
        }
        return (
          s.kind === 'Group' &&
          sa &&
          (s.name === 'system:serviceaccounts' ||
            s.name === `system:serviceaccounts:${sa[1]}`)
        );
      });
      const ref = binding.roleRef as Record<string, string>;
      if (!subject || ref.kind !== 'Role') continue;
      const role = this.state.objects.roles[`${attrs.namespace}/${ref.name}`];
      if (!role) continue;
      const rules = (role.rules ?? []) as Array<Record<string, string[]>>;
      const rule = rules.find(
        r =>
          (r.apiGroups ?? []).some(g => g === '*' || g === group) &&
          (r.resources ?? []).some(
            x =>
              x === '*' ||
              x === resource ||
              (x === `${attrs.resource}/*` && attrs.subresource),
          ) &&
          (r.verbs ?? []).some(v => v === '*' || v === attrs.verb) &&
          (!r.resourceNames?.length ||
            (attrs.name !== undefined && r.resourceNames.includes(attrs.name))),
      );
      if (rule) {
        return {
          allowed: true,
          reason: `RBAC: allowed by RoleBinding "${binding.metadata.name}/${
            attrs.namespace
          }" of Role "${ref.name}" to ${subject.kind} "${subject.name}${
            subject.kind === 'ServiceAccount'
              ? `/${subject.namespace ?? attrs.namespace}`
              : ''
          }"`,
        };
      }
    }
    return { allowed: false, reason: '' };
  }

  /** The 403 the API server returns when `authorize` denies, with the real message format. */
  forbidden(user: string, attrs: AuthorizationAttributes): KubeApiError {
    const resource = attrs.subresource
      ? `${attrs.resource}/${attrs.subresource}`
      : attrs.resource;
    const group = attrs.apiGroup ?? '';
    const what = `${qualifiedResource(attrs.resource, group)}${
      attrs.name ? ` "${attrs.name}"` : ''
    }`;
    const scope = attrs.namespace
      ? `in the namespace "${attrs.namespace}"`
      : 'at the cluster scope';
    return new KubeApiError(
      403,
      'Forbidden',
      `${what} is forbidden: User "${user}" cannot ${attrs.verb} resource "${resource}" in API group "${group}" ${scope}`,
      { name: attrs.name, ...(group ? { group } : {}), kind: attrs.resource },
    );
  }

  /** Throws {@link forbidden} unless `authorize` allows. */
  assertAllowed(user: string, attrs: AuthorizationAttributes): void {
    if (!this.authorize(user, attrs).allowed) {
      throw this.forbidden(user, attrs);
    }
  }
}

function qosClass(spec: Record<string, any>): string {
  const containers = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
  ];
  const all = containers.map(c => c.resources ?? {});
  if (all.every(r => !r.requests && !r.limits)) return 'BestEffort';
  const guaranteed = all.every(
    r =>
      r.limits?.cpu &&
      r.limits?.memory &&
      (!r.requests ||
        (String(r.requests.cpu ?? r.limits.cpu) === String(r.limits.cpu) &&
          String(r.requests.memory ?? r.limits.memory) ===
            String(r.limits.memory))),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
