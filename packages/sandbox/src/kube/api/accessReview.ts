/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeApiError, methodNotAllowed } from '../errors';
import { KubeRequest, requestBody, sendJson } from './http';

/** The path of SelfSubjectAccessReviews (`kubectl auth can-i`). */
export const SELF_SUBJECT_ACCESS_REVIEWS =
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

function invalidReview(): KubeApiError {
  return new KubeApiError(
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

/**
 * `POST selfsubjectaccessreviews`: the store's RBAC decision for the requesting user. Non-resource requests are
 * allowed for administrators only.
 */
export function handleSelfSubjectAccessReview(r: KubeRequest): void {
  if (r.method !== 'POST') throw methodNotAllowed();
  r.meta.verb = 'create';
  const review = requestBody(r);
  const ra = review?.spec?.resourceAttributes;
  const nra = review?.spec?.nonResourceAttributes;
  let status: { allowed: boolean; reason?: string; denied?: boolean };
  if (ra) {
    const decision = r.kube.authorize(r.user, {
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
    status = { allowed: r.kube.isAdmin(r.user) };
  } else {
    throw invalidReview();
  }
  sendJson(r.res, 201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: review.spec,
    status,
  });
}
