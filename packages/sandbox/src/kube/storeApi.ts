/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeApiError } from './errors';
import {
  AuthorizationAttributes,
  KubeAdmissionPlugin,
  AuthorizationDecision,
  KubeChangeListener,
  KubeEventInput,
  KubeListOptions,
  KubeObject,
  KubeReadLogOptions,
  KubeResource,
} from './types';

/**
 * The object store of the Kubernetes stand-in, as its users see it: the API server (`server.ts`), the pod lifecycle,
 * git-sync and Airflow. {@link KubeStore} implements it; errors are {@link KubeApiError}s carrying the `Status` the
 * real API server would return.
 */
export interface KubeStoreApi {
  /** The store's clock. */
  now(): Date;
  /** The latest resourceVersion (of a list). */
  readonly resourceVersion: string;
  /** Writes the state to disk now. */
  flush(): void;
  /** Registers a change listener (watch); returns the function that removes it. */
  onChange(listener: KubeChangeListener): () => void;
  /** Registers a mutating admission plugin run on every create; returns the function that removes it. */
  addAdmission(plugin: KubeAdmissionPlugin): () => void;

  /** Creates an object (`dryRun`: validate and default it, store nothing). */
  create(
    resource: KubeResource,
    namespace: string | undefined,
    body: KubeObject,
    options?: { dryRun?: boolean },
  ): KubeObject;
  get(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject;
  /** True when `get` would find the object. */
  exists(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): boolean;
  /** A predicate for objects matching the namespace and selectors; throws BadRequest for invalid selectors. */
  matcher(
    resource: KubeResource,
    namespace: string | undefined,
    options?: KubeListOptions,
  ): (obj: KubeObject) => boolean;
  /** Objects sorted by namespace and name. */
  list(
    resource: KubeResource,
    namespace: string | undefined,
    options?: KubeListOptions,
  ): KubeObject[];
  /** PUT: a stale metadata.resourceVersion gets 409 Conflict. */
  replace(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
  ): KubeObject;
  /** JSON merge patch (RFC 7386), also used for strategic merge patches. */
  mergePatch(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    patch: unknown,
  ): KubeObject;
  /** JSON patch (RFC 6902). */
  jsonPatch(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    ops: unknown,
  ): KubeObject;
  /** Server-side apply, simplified: create, or merge into the existing object (`dryRun`: store nothing). */
  apply(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    options?: { dryRun?: boolean },
  ): KubeObject;
  delete(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): KubeObject;
  deleteCollection(
    resource: KubeResource,
    namespace: string | undefined,
    options?: KubeListOptions,
  ): KubeObject[];

  /** Kubelet / scheduler writes: merges the given fields into the pod's `status`. */
  updatePodStatus(
    namespace: string,
    name: string,
    status: Record<string, unknown>,
  ): KubeObject;
  /** Scheduler-side writes: merge-patches the pod's metadata, spec and status. */
  updatePod(
    namespace: string,
    name: string,
    patch: {
      metadata?: Record<string, unknown>;
      spec?: Record<string, unknown>;
      status?: Record<string, unknown>;
    },
  ): KubeObject;

  /** Appends lines to a container's current log. */
  appendLog(
    namespace: string,
    pod: string,
    container: string,
    text: string,
  ): void;
  /** A container restarted: its current log becomes the `previous` one. */
  rotateLog(namespace: string, pod: string, container: string): void;
  /** `GET pods/{name}/log`. */
  readLog(
    namespace: string,
    pod: string,
    container: string | undefined,
    options?: KubeReadLogOptions,
  ): string;

  /** Records an Event about an object (repeats bump `count`). */
  recordEvent(
    namespace: string,
    involved: KubeObject,
    event: KubeEventInput,
  ): KubeObject;

  isAdmin(user: string): boolean;
  authorize(
    user: string,
    attrs: AuthorizationAttributes,
  ): AuthorizationDecision;
  /** The 403 for a denied request. */
  forbidden(user: string, attrs: AuthorizationAttributes): KubeApiError;
  /** Throws {@link KubeStoreApi.forbidden} unless `authorize` allows. */
  assertAllowed(user: string, attrs: AuthorizationAttributes): void;
}

/**
 * The part of the store the workloads running in the cluster use (git-sync, Airflow's KubernetesPodOperator):
 * small enough for in-memory test doubles.
 */
export type KubeWorkloadApi = Pick<
  KubeStoreApi,
  | 'create'
  | 'get'
  | 'list'
  | 'delete'
  | 'appendLog'
  | 'readLog'
  | 'authorize'
  | 'onChange'
>;
