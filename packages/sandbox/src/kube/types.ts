/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** The resources the Kubernetes stand-in serves. */
export type KubeResource =
  | 'namespaces'
  | 'serviceaccounts'
  | 'secrets'
  | 'configmaps'
  | 'roles'
  | 'rolebindings'
  | 'pods'
  | 'events'
  | 'nodes';

/** A Kubernetes object as the store holds it. */
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

/** The kind of change a watch event reports. */
export type KubeChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A listener of the store's changes; it receives its own copy of the object. */
export type KubeChangeListener = (
  type: KubeChangeType,
  resource: KubeResource,
  obj: KubeObject,
) => void;

/**
 * A mutating admission plugin (webhook) run on each create, before validation: it may change the new object, e.g.
 * the EKS Fargate webhook setting `schedulerName`.
 */
export type KubeAdmissionPlugin = (
  resource: KubeResource,
  obj: KubeObject,
) => void;

/** Label and field selectors of a list, watch or deletecollection. */
export interface KubeListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** The query parameters of `GET pods/{name}/log`. */
export interface KubeReadLogOptions {
  tailLines?: number;
  previous?: boolean;
  timestamps?: boolean;
  sinceSeconds?: number;
}

/**
 * An Event to record about an object (see `KubeStore.recordEvent`). Components using the legacy core/v1 recorder
 * (the kubelet) fill `source` and count repeats; components on the events.k8s.io/v1 API (the schedulers) give an
 * `action`: their events have an empty `source`, `eventTime` set, and repeats become a `series`.
 */
export interface KubeEventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  /** The node of a kubelet event (`source.host`, `reportingInstance`). */
  host?: string;
  /** `involvedObject.fieldPath`, e.g. `spec.containers{base}`. */
  fieldPath?: string;
  /** events.k8s.io/v1 only: the action (`Scheduling`, `Binding`, `Logging`). */
  action?: string;
  /** events.k8s.io/v1 only: `reportingInstance` (default: the component). */
  reportingInstance?: string;
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

/** An authorization decision; `reason` is empty when denied. */
export interface AuthorizationDecision {
  allowed: boolean;
  reason: string;
}

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

/** One line of a container log, with the time it was written. */
export interface LogLine {
  t: string;
  line: string;
}

/** The logs of one pod by container name: the current run and the one before the last restart. */
export type PodLogRecord = Record<
  string,
  { current: LogLine[]; previous?: LogLine[] }
>;

/** The document persisted as `<dataDir>/kube.json`. */
export interface KubeState {
  resourceVersion: number;
  objects: Record<KubeResource, Record<string, KubeObject>>;
  /** By `<namespace>/<pod>`. */
  logs: Record<string, PodLogRecord>;
}

/** Static facts of a served resource. */
export interface KubeResourceInfo {
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
}

/** The verbs every resource kind of the stand-in serves. */
const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** Static facts of each served resource. */
export const KUBE_RESOURCES: Record<KubeResource, KubeResourceInfo> = {
  namespaces: {
    kind: 'Namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
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
  nodes: {
    kind: 'Node',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['no'],
    verbs: ALL_VERBS,
  },
};

/** `v1`, `rbac.authorization.k8s.io/v1`: the apiVersion of a resource's objects. */
export function apiVersionOf(resource: KubeResource): string {
  const info = KUBE_RESOURCES[resource];
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** A deep copy of a JSON value (undefined stays undefined). */
export function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** An object's timestamp as the API server writes it: RFC 3339 in whole seconds. */
export function kubeTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
