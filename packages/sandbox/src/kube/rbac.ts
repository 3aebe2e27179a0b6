/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_KUBE_ADMIN_USER } from '../constants';
import { KubeApiError, qualifiedResource } from './errors';
import {
  AuthorizationAttributes,
  AuthorizationDecision,
  KubeObject,
} from './types';

/** Users that bypass RBAC (the EKS cluster creator's access entry maps to cluster-admin). */
const ADMIN_USERS = new Set([SANDBOX_KUBE_ADMIN_USER, 'system:admin']);

/** True for the users that bypass RBAC. */
export function isAdminUser(user: string): boolean {
  return ADMIN_USERS.has(user);
}

/** Where RBAC reads its Roles and RoleBindings from. */
export interface RbacObjects {
  /** The RoleBindings of a namespace. */
  roleBindings(namespace: string): KubeObject[];
  /** A Role of a namespace, or undefined. */
  role(namespace: string, name: string): KubeObject | undefined;
}

type Subject = Record<string, string>;

/** The subject of `binding` that names `user`, if any. */
function boundSubject(
  binding: KubeObject,
  user: string,
  serviceAccount: RegExpExecArray | null,
): Subject | undefined {
  const subjects = (binding.subjects ?? []) as Subject[];
  return subjects.find(s => {
    if (s.kind === 'ServiceAccount') {
      return (
        serviceAccount &&
        s.name === serviceAccount[2] &&
        (s.namespace ?? binding.metadata.namespace) === serviceAccount[1]
      );
    }
    if (s.kind === 'User') {
      return s.name === user;
    }
    return (
      s.kind === 'Group' &&
      serviceAccount &&
      (s.name === 'system:serviceaccounts' ||
        s.name === `system:serviceaccounts:${serviceAccount[1]}`)
    );
  });
}

/** True when one of the Role's rules allows the request. */
function roleAllows(role: KubeObject, attrs: AuthorizationAttributes): boolean {
  const group = attrs.apiGroup ?? '';
  const resource = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  const rules = (role.rules ?? []) as Array<Record<string, string[]>>;
  return rules.some(
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
}

/** RBAC from the stored Roles and RoleBindings (ClusterRoles are not modelled: only admins act at cluster scope). */
export function authorize(
  objects: RbacObjects,
  user: string,
  attrs: AuthorizationAttributes,
): AuthorizationDecision {
  if (isAdminUser(user)) {
    return {
      allowed: true,
      reason: `user "${user}" is a cluster administrator`,
    };
  }
  if (!attrs.namespace) {
    return { allowed: false, reason: '' };
  }
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  for (const binding of objects.roleBindings(attrs.namespace)) {
    const subject = boundSubject(binding, user, sa);
    const ref = binding.roleRef as Record<string, string>;
    if (!subject || ref.kind !== 'Role') continue;
    const role = objects.role(attrs.namespace, ref.name);
    if (role && roleAllows(role, attrs)) {
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

/**
 * The message the API server's RBAC authorizer puts in a 403 Status, e.g.
 * `pods "x" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"` or
 * `roles.rbac.authorization.k8s.io is forbidden: User "u" cannot list resource "roles" in API group
 * "rbac.authorization.k8s.io" at the cluster scope`.
 */
export function forbiddenMessage(
  user: string,
  attrs: AuthorizationAttributes,
): string {
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
  return `${what} is forbidden: User "${user}" cannot ${attrs.verb} resource "${resource}" in API group "${group}" ${scope}`;
}

/** The 403 the API server returns when authorization denies, with {@link forbiddenMessage}. */
export function forbidden(
  user: string,
  attrs: AuthorizationAttributes,
): KubeApiError {
  const group = attrs.apiGroup ?? '';
  return new KubeApiError(403, 'Forbidden', forbiddenMessage(user, attrs), {
    name: attrs.name,
    ...(group ? { group } : {}),
    kind: attrs.resource,
  });
}
