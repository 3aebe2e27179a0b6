/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import path from 'node:path';
import { NowSource, StateStore } from '../state/StateStore';
import { SandboxLogger } from '../util/logger';
import { applyDefaults } from './defaults';
import {
  alreadyExists,
  badRequest,
  conflict,
  KubeApiError,
  notFound,
} from './errors';
import { recordEvent } from './events';
import {
  applyCreateBody,
  applyMergePatch,
  checkBodyName,
  jsonMergePatch,
  jsonPatch,
  mergePatched,
} from './patch';
import { emptyKubeState, KubeObjectTable } from './objectTable';
import { PodLogs } from './podLogs';
import { authorize, forbidden, isAdminUser } from './rbac';
import { objectMatcher } from './selectors';
import { KubeStoreApi } from './storeApi';
import { validate } from './validation';
import {
  apiVersionOf,
  AuthorizationAttributes,
  AuthorizationDecision,
  clone,
  KUBE_RESOURCES,
  KubeAdmissionPlugin,
  KubeChangeListener,
  KubeEventInput,
  KubeListOptions,
  KubeObject,
  KubeReadLogOptions,
  KubeResource,
  KubeState,
  kubeTimestamp,
} from './types';

// The store's names before it was divided by domain, for existing importers of './KubeStore'.
export {
  badRequest,
  KubeApiError,
  notFound,
  qualifiedResource,
} from './errors';
export { jsonMergePatch, jsonPatch } from './patch';
export { KUBE_RESOURCES } from './types';
export type {
  AuthorizationAttributes,
  KubeObject,
  KubeResource,
  KubeStatus,
} from './types';

/** Options of a {@link KubeStore}. */
export interface KubeStoreOptions {
  /** The data folder; the state is kept in `<dataDir>/kube.json`. In memory only when absent. */
  dataDir?: string;
  /** The clock of timestamps and log times (default: the wall clock). */
  clock?: NowSource;
  /** Where failures of change listeners are reported (default: silent). */
  logger?: SandboxLogger;
}

const BUILT_IN_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/**
 * The object store of the Kubernetes stand-in (cluster `crawlers-sandbox`): CRUD with resourceVersions, selectors
 * and watches, persisted as JSON under `<dataDir>/kube.json`. Validation, defaults, patches, container logs, events
 * and RBAC live in their own modules beside it.
 */
export class KubeStore implements KubeStoreApi {
  private readonly store: StateStore<KubeState>;
  private readonly objects: KubeObjectTable;
  private readonly logs: PodLogs;
  private readonly admission = new Set<KubeAdmissionPlugin>();

  constructor(options: KubeStoreOptions = {}) {
    this.store = new StateStore<KubeState>({
      file: options.dataDir
        ? path.join(options.dataDir, 'kube.json')
        : undefined,
      initial: emptyKubeState,
      clock: options.clock,
      logger: options.logger,
      writeDelayMs: 50,
    });
    this.objects = new KubeObjectTable(this.store);
    this.logs = new PodLogs(this.store.state.logs, this.store);
    for (const ns of BUILT_IN_NAMESPACES) {
      if (!this.objects.namespaceExists(ns)) {
        this.create('namespaces', undefined, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns },
        });
      }
    }
  }

  now(): Date {
    return this.store.now();
  }

  /** Writes the state to disk now. */
  flush(): void {
    this.store.flush();
  }

  /** Writes the state to disk and stops the store's timers. */
  close(): void {
    this.store.close();
  }

  onChange(listener: KubeChangeListener): () => void {
    return this.objects.onChange(listener);
  }

  addAdmission(plugin: KubeAdmissionPlugin): () => void {
    this.admission.add(plugin);
    return () => {
      this.admission.delete(plugin);
    };
  }

  get resourceVersion(): string {
    return this.objects.resourceVersion;
  }

  private checkNamespace(
    resource: KubeResource,
    namespace: string | undefined,
  ): void {
    if (!KUBE_RESOURCES[resource].namespaced) return;
    if (!namespace) throw badRequest(`a namespace is required for ${resource}`);
    if (!this.objects.namespaceExists(namespace))
      throw notFound('namespaces', namespace);
  }

  // ------------------------------------------------------------------ CRUD

  /** Creates an object (`dryRun`: validate and default it, store nothing). */
  create(
    resource: KubeResource,
    requestNamespace: string | undefined,
    body: KubeObject,
    options: { dryRun?: boolean } = {},
  ): KubeObject {
    const info = KUBE_RESOURCES[resource];
    const obj = clone(body) as KubeObject;
    obj.apiVersion = apiVersionOf(resource);
    obj.kind = info.kind;
    obj.metadata = obj.metadata ?? ({} as KubeObject['metadata']);
    const namespace = this.placeInNamespace(resource, requestNamespace, obj);
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${crypto
        .randomBytes(3)
        .toString('hex')
        .slice(0, 5)}`;
    }
    for (const plugin of this.admission) plugin(resource, obj);
    validate(resource, obj);
    const key = this.objects.key(resource, namespace, obj.metadata.name);
    if (this.objects.has(resource, key)) {
      throw alreadyExists(resource, obj.metadata.name);
    }
    delete obj.metadata.deletionTimestamp;
    obj.metadata.uid = crypto.randomUUID();
    obj.metadata.creationTimestamp = kubeTimestamp(this.now());
    if (options.dryRun) {
      applyDefaults(resource, obj);
      return clone(obj);
    }
    obj.metadata.resourceVersion = this.objects.nextVersion();
    applyDefaults(resource, obj);
    this.objects.insert(resource, key, obj);
    if (
      resource === 'namespaces' &&
      !this.objects.has('serviceaccounts', `${obj.metadata.name}/default`)
    ) {
      this.create('serviceaccounts', obj.metadata.name, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default' },
      });
    }
    return clone(obj);
  }

  /** Sets the namespace of a new object from the request and the body (which must agree); returns it. */
  private placeInNamespace(
    resource: KubeResource,
    requestNamespace: string | undefined,
    obj: KubeObject,
  ): string | undefined {
    if (!KUBE_RESOURCES[resource].namespaced) {
      delete obj.metadata.namespace;
      return requestNamespace;
    }
    if (
      obj.metadata.namespace &&
      requestNamespace &&
      obj.metadata.namespace !== requestNamespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const namespace = requestNamespace ?? obj.metadata.namespace;
    this.checkNamespace(resource, namespace);
    obj.metadata.namespace = namespace;
    return namespace;
  }

  get(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    return clone(this.objects.find(resource, namespace, name));
  }

  exists(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): boolean {
    return this.objects.lookup(resource, namespace, name) !== undefined;
  }

  matcher(
    resource: KubeResource,
    namespace: string | undefined,
    options: KubeListOptions = {},
  ): (obj: KubeObject) => boolean {
    return objectMatcher(resource, namespace, options);
  }

  /** Lists objects sorted by namespace and name; throws BadRequest for selectors the API server would reject. */
  list(
    resource: KubeResource,
    namespace: string | undefined,
    options: KubeListOptions = {},
  ): KubeObject[] {
    const matches = this.matcher(resource, namespace, options);
    return this.objects
      .values(resource)
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
    const existing = this.objects.find(resource, namespace, name);
    const obj = clone(body) as KubeObject;
    obj.metadata = obj.metadata ?? ({} as KubeObject['metadata']);
    checkBodyName(obj, name);
    if (
      obj.metadata.resourceVersion &&
      obj.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(resource, name);
    }
    return this.storeVersion(resource, existing, obj);
  }

  /**
   * Stores a new version of `existing`: identity fields kept, validated, defaulted, a new resourceVersion
   * (`dryRun`: validated and defaulted, nothing stored).
   */
  private storeVersion(
    resource: KubeResource,
    existing: KubeObject,
    obj: KubeObject,
    dryRun = false,
  ): KubeObject {
    const info = KUBE_RESOURCES[resource];
    obj.apiVersion = apiVersionOf(resource);
    obj.kind = info.kind;
    obj.metadata = {
      ...obj.metadata,
      name: existing.metadata.name,
      namespace: existing.metadata.namespace,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
    };
    if (!info.namespaced) delete obj.metadata.namespace;
    validate(resource, obj);
    applyDefaults(resource, obj, existing);
    if (dryRun) {
      return clone({
        ...obj,
        metadata: {
          ...obj.metadata,
          resourceVersion: existing.metadata.resourceVersion,
        },
      });
    }
    return this.objects.update(
      resource,
      existing.metadata.namespace,
      existing.metadata.name,
      obj,
    );
  }

  /** JSON merge patch (RFC 7386); also used for strategic merge patches, whose list merging the sandbox does not do. */
  mergePatch(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    patch: unknown,
  ): KubeObject {
    const existing = this.objects.find(resource, namespace, name);
    return this.storeVersion(
      resource,
      existing,
      mergePatched(resource, name, existing, patch),
    );
  }

  /** RFC 6902 JSON patch. */
  jsonPatch(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    ops: unknown,
  ): KubeObject {
    const existing = this.objects.find(resource, namespace, name);
    return this.storeVersion(
      resource,
      existing,
      jsonPatch(existing, ops) as KubeObject,
    );
  }

  /**
   * Server-side apply, simplified: create the object, or merge it into the existing one (`dryRun`: the result,
   * nothing stored).
   */
  apply(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    options: { dryRun?: boolean } = {},
  ): KubeObject {
    checkBodyName(body, name);
    if (
      !this.objects.has(resource, this.objects.key(resource, namespace, name))
    ) {
      return this.create(
        resource,
        namespace,
        applyCreateBody(body, name),
        options,
      );
    }
    const existing = this.objects.find(resource, namespace, name);
    return this.storeVersion(
      resource,
      existing,
      mergePatched(resource, name, existing, applyMergePatch(body)),
      options.dryRun,
    );
  }

  delete(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const existing = this.objects.find(resource, namespace, name);
    if (resource === 'namespaces') {
      for (const r of Object.keys(KUBE_RESOURCES) as KubeResource[]) {
        if (!KUBE_RESOURCES[r].namespaced) continue;
        for (const o of this.objects.values(r)) {
          if (o.metadata.namespace === name)
            this.delete(r, name, o.metadata.name);
        }
      }
    }
    if (resource === 'pods') {
      this.logs.forget(namespace, name);
    }
    const deleted = clone(existing);
    deleted.metadata.deletionTimestamp = kubeTimestamp(this.now());
    if (resource === 'namespaces') {
      deleted.status = { phase: 'Terminating' };
    }
    const key = this.objects.key(resource, namespace, name);
    this.objects.remove(resource, key, deleted);
    return deleted;
  }

  deleteCollection(
    resource: KubeResource,
    namespace: string | undefined,
    options: KubeListOptions = {},
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
    const obj = clone(this.objects.find('pods', namespace, name));
    obj.status = jsonMergePatch(obj.status ?? {}, status) as Record<
      string,
      unknown
    >;
    return this.objects.update('pods', namespace, name, obj);
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
    const existing = this.objects.find('pods', namespace, name);
    const obj = jsonMergePatch(clone(existing), patch) as KubeObject;
    return this.objects.update('pods', namespace, name, obj);
  }

  // ------------------------------------------------------------------ logs, events, RBAC

  /** Appends lines to a container's current log (one line per `\n`-separated line of text). */
  appendLog(
    namespace: string,
    pod: string,
    container: string,
    text: string,
  ): void {
    this.logs.append(namespace, pod, container, text);
  }

  /** A container restarted: its current log becomes the `previous` one. */
  rotateLog(namespace: string, pod: string, container: string): void {
    this.logs.rotate(namespace, pod, container);
  }

  /** Reads a container log as `GET pods/{name}/log` does, with the API server's errors. */
  readLog(
    namespace: string,
    pod: string,
    container: string | undefined,
    options: KubeReadLogOptions = {},
  ): string {
    return this.logs.read(
      this.objects.find('pods', namespace, pod),
      container,
      options,
    );
  }

  /** Records an Event about an object; an identical repeat bumps `count` and `lastTimestamp`, as the real recorder does. */
  recordEvent(
    namespace: string,
    involved: KubeObject,
    event: KubeEventInput,
  ): KubeObject {
    const events = this.objects.values('events');
    return recordEvent(this, events, namespace, involved, event);
  }

  isAdmin(user: string): boolean {
    return isAdminUser(user);
  }

  /** RBAC from the stored Roles and RoleBindings (ClusterRoles are not modelled: only admins act at cluster scope). */
  authorize(
    user: string,
    attrs: AuthorizationAttributes,
  ): AuthorizationDecision {
    return authorize(
      {
        roleBindings: namespace => this.list('rolebindings', namespace),
        role: (namespace, name) =>
          this.objects.lookup('roles', namespace, name),
      },
      user,
      attrs,
    );
  }

  /** The 403 the API server returns when `authorize` denies, with the real message format. */
  forbidden(user: string, attrs: AuthorizationAttributes): KubeApiError {
    return forbidden(user, attrs);
  }

  /** Throws {@link forbidden} unless `authorize` allows. */
  assertAllowed(user: string, attrs: AuthorizationAttributes): void {
    if (!this.authorize(user, attrs).allowed) {
      throw this.forbidden(user, attrs);
    }
  }
}
