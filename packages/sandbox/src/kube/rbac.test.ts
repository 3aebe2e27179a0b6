/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { forbidden, forbiddenMessage } from './rbac';

describe('forbiddenMessage', () => {
  const user = 'system:serviceaccount:airflow:airflow-worker';

  it('should name a subresource and the namespace as the API server does', () => {
    expect(
      forbiddenMessage(user, {
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        namespace: 'ns',
        name: 'x',
      }),
    ).toBe(
      `pods "x" is forbidden: User "${user}" cannot get resource "pods/log" in API group "" in the namespace "ns"`,
    );
  });

  it('should qualify resources of named API groups and say when the request is cluster-scoped', () => {
    expect(
      forbiddenMessage(user, {
        verb: 'list',
        resource: 'roles',
        apiGroup: 'rbac.authorization.k8s.io',
      }),
    ).toBe(
      `roles.rbac.authorization.k8s.io is forbidden: User "${user}" cannot list resource "roles" in API group "rbac.authorization.k8s.io" at the cluster scope`,
    );
  });

  it('should carry the message in a 403 Forbidden Status', () => {
    const attrs = { verb: 'create', resource: 'pods', namespace: 'ns' };
    expect(forbidden(user, attrs).status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: forbiddenMessage(user, attrs),
      reason: 'Forbidden',
      details: { name: undefined, kind: 'pods' },
      code: 403,
    });
  });
});
