/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KUBE_RESOURCES, KubeResource, KubeStatus } from './types';

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

/** The `details` of a Status about one object of `resource`. */
export function detailsFor(
  resource: KubeResource,
  name?: string,
): KubeStatus['details'] {
  const group = KUBE_RESOURCES[resource].group;
  return { name, ...(group ? { group } : {}), kind: resource };
}

/** `pods "x" not found` (404). */
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

/** A 400 BadRequest with the given message. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

/** `pods "x" already exists` (409). */
export function alreadyExists(
  resource: KubeResource,
  name: string,
): KubeApiError {
  return new KubeApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(
      resource,
      KUBE_RESOURCES[resource].group,
    )} "${name}" already exists`,
    detailsFor(resource, name),
  );
}

/** The 409 of a write with a stale `metadata.resourceVersion`. */
export function conflict(resource: KubeResource, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(
      resource,
      KUBE_RESOURCES[resource].group,
    )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsFor(resource, name),
  );
}

/** One failed field of a 422 Invalid. */
export interface InvalidCause {
  field: string;
  reason: string;
  detail: string;
}

/** `Pod "x" is invalid: spec.containers: Required value` (422) with `details.causes`. */
export function invalid(
  resource: KubeResource,
  name: string,
  causes: InvalidCause[],
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

/** The generic 404 of a path the API server does not serve. */
export function unknownPath(): KubeApiError {
  return new KubeApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}

/** 405 for a method the resource does not allow. */
export function methodNotAllowed(): KubeApiError {
  return new KubeApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/**
 * The V1Status-like body of a Kubernetes API error, when `error` carries one: the store's {@link KubeApiError}
 * (`status`) or an @kubernetes/client-node ApiException (`body`).
 */
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

/** True when `error` is a Kubernetes 404 (the object or its namespace does not exist). */
export function isNotFound(error: unknown): boolean {
  return kubeErrorStatus(error)?.code === 404;
}
