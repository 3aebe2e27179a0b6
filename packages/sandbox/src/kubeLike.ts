/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The part of part A's KubeStore (src/kube/KubeStore.ts) that git-sync and Airflow use. Part B depends on this
 * structural subset only, so the real KubeStore and small in-memory test doubles both fit.
 */

/** A Kubernetes object as the store holds it. */
export type KubeObjectLike = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generateName?: string;
  };
  [k: string]: unknown;
};

/** The attributes of an RBAC check. */
export type AuthorizeAttributes = {
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  apiGroup?: string;
  name?: string;
};

/** What git-sync and Airflow need from the Kubernetes stand-in. */
export interface KubeStoreLike {
  create(resource: any, namespace: string | undefined, obj: any): unknown;
  get(resource: any, namespace: string | undefined, name: string): unknown;
  list(
    resource: any,
    namespace: string | undefined,
    options?: { labelSelector?: string; fieldSelector?: string },
  ): unknown;
  delete(resource: any, namespace: string | undefined, name: string): unknown;
  appendLog(
    namespace: string,
    pod: string,
    container: string,
    text: string,
  ): unknown;
  readLog(
    namespace: string,
    pod: string,
    container: string | undefined,
    options?: { tailLines?: number; previous?: boolean },
  ): unknown;
  authorize(
    user: string,
    attributes: AuthorizeAttributes,
  ): { allowed: boolean; reason?: string } | unknown;
  onChange(
    listener: (
      type: 'ADDED' | 'MODIFIED' | 'DELETED',
      resource: any,
      obj: any,
    ) => void,
  ): () => void;
}

/** The V1Status-like body of a Kubernetes API error, when `error` carries one. */
export function kubeErrorStatus(
  error: unknown,
): { code?: number; reason?: string; message?: string } | undefined {
  if (error && typeof error === 'object') {
    const status = (error as { status?: unknown }).status;
    if (status && typeof status === 'object') {
      return status as { code?: number; reason?: string; message?: string };
    }
    const body = (error as { body?: unknown }).body;
    if (body && typeof body === 'object') {
      return body as { code?: number; reason?: string; message?: string };
    }
  }
  return undefined;
}

/**
 * The message the Kubernetes API server's RBAC authorizer puts in a 403 Status, e.g.
 * `pods "x" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"`.
 */
export function forbiddenMessage(
  user: string,
  attributes: AuthorizeAttributes,
): string {
  const resource = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  const subject = attributes.name
    ? `${attributes.resource} "${attributes.name}"`
    : attributes.resource;
  const where = attributes.namespace
    ? ` in the namespace "${attributes.namespace}"`
    : ' at the cluster scope';
  return `${subject} is forbidden: User "${user}" cannot ${
    attributes.verb
  } resource "${resource}" in API group "${attributes.apiGroup ?? ''}"${where}`;
}
