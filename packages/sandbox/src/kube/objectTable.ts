/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { StateStore } from '../state/StateStore';
import { notFound } from './errors';
import {
  clone,
  KUBE_RESOURCES,
  KubeChangeListener,
  KubeChangeType,
  KubeObject,
  KubeResource,
  KubeState,
} from './types';

/** The event of the state store's emitter that carries the object changes. */
const CHANGE_EVENT = 'change';

/** The state of a store without objects. */
export function emptyKubeState(): KubeState {
  return {
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
      nodes: {},
    },
    logs: {},
  };
}

/**
 * The objects of `kube.json` by resource and key (`<namespace>/<name>`, or the name of cluster-scoped objects): the
 * resourceVersion counter, writes that persist and notify the watchers, and the watchers themselves. What may be
 * written is decided by the {@link KubeStore} above it.
 */
export class KubeObjectTable {
  constructor(private readonly store: StateStore<KubeState>) {
    // A kube.json written before a resource was served has no slice for it yet.
    for (const resource of Object.keys(KUBE_RESOURCES) as KubeResource[]) {
      store.state.objects[resource] = store.state.objects[resource] ?? {};
    }
  }

  private get state(): KubeState {
    return this.store.state;
  }

  /** The latest resourceVersion. */
  get resourceVersion(): string {
    return String(this.state.resourceVersion);
  }

  key(resource: KubeResource, namespace: string | undefined, name: string) {
    return KUBE_RESOURCES[resource].namespaced ? `${namespace}/${name}` : name;
  }

  namespaceExists(namespace: string): boolean {
    return Boolean(this.state.objects.namespaces[namespace]);
  }

  /** The stored object itself (not a copy), or undefined (also when its namespace does not exist). */
  lookup(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    if (
      KUBE_RESOURCES[resource].namespaced &&
      namespace &&
      !this.namespaceExists(namespace) &&
      resource !== 'events'
    ) {
      return undefined;
    }
    return this.state.objects[resource][this.key(resource, namespace, name)];
  }

  /** Like {@link lookup}, with the API server's 404. */
  find(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const obj = this.lookup(resource, namespace, name);
    if (!obj) throw notFound(resource, name);
    return obj;
  }

  /** True when an object is stored under the key. */
  has(resource: KubeResource, key: string): boolean {
    return Boolean(this.state.objects[resource][key]);
  }

  /** The stored objects themselves (not copies), in insertion order. */
  values(resource: KubeResource): KubeObject[] {
    return Object.values(this.state.objects[resource]);
  }

  nextVersion(): string {
    this.state.resourceVersion += 1;
    return String(this.state.resourceVersion);
  }

  /** Stores a new object under `key` (its resourceVersion already set) and notifies ADDED. */
  insert(resource: KubeResource, key: string, obj: KubeObject): void {
    this.state.objects[resource][key] = obj;
    this.emit('ADDED', resource, obj);
  }

  /** Stores a changed object with a new resourceVersion and notifies MODIFIED; returns a copy. */
  update(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
  ): KubeObject {
    obj.metadata.resourceVersion = this.nextVersion();
    this.state.objects[resource][this.key(resource, namespace, name)] = obj;
    this.emit('MODIFIED', resource, obj);
    return clone(obj);
  }

  /** Removes the object under `key`; `deleted` is what the DELETED notification carries. */
  remove(resource: KubeResource, key: string, deleted: KubeObject): void {
    delete this.state.objects[resource][key];
    this.emit('DELETED', resource, deleted);
  }

  /** Registers a change listener; its failures are logged, never thrown into the API call that made the change. */
  onChange(listener: KubeChangeListener): () => void {
    const deliver = (
      type: KubeChangeType,
      resource: KubeResource,
      obj: KubeObject,
    ) =>
      this.store.guard(`kube ${type} ${resource} listener`, () =>
        listener(type, resource, clone(obj)),
      );
    this.store.events.on(CHANGE_EVENT, deliver);
    return () => {
      this.store.events.off(CHANGE_EVENT, deliver);
    };
  }

  private emit(type: KubeChangeType, resource: KubeResource, obj: KubeObject) {
    this.store.changed();
    this.store.events.emit(CHANGE_EVENT, type, resource, obj);
  }
}
