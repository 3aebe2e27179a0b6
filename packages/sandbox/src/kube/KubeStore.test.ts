/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_AIRFLOW_SERVICE_ACCOUNT } from '../constants';
import { recordingLogger, tempDataDir } from '../testing/helpers';
import { jsonMergePatch, KubeApiError, KubeStore } from './KubeStore';

describe('KubeStore', () => {
  let data: ReturnType<typeof tempDataDir>;

  beforeEach(() => {
    data = tempDataDir();
  });

  afterEach(() => data.remove());

  it('should persist objects and logs in <dataDir>/kube.json across instances', () => {
    const a = new KubeStore({ dataDir: data.dir });
    a.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns' },
    });
    a.create('pods', 'ns', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i:1' }] },
    });
    a.appendLog('ns', 'p', 'c', 'persisted line');
    a.flush();
    const b = new KubeStore({ dataDir: data.dir });
    expect(b.get('pods', 'ns', 'p').metadata.uid).toBe(
      a.get('pods', 'ns', 'p').metadata.uid,
    );
    expect(b.readLog('ns', 'p', undefined)).toBe('persisted line\n');
    expect(Number(b.resourceVersion)).toBe(Number(a.resourceVersion));
  });

  it('should notify listeners, name objects from generateName and cascade namespace deletion', () => {
    const kube = new KubeStore();
    const seen: string[] = [];
    const off = kube.onChange((type, resource, obj) =>
      seen.push(`${type} ${resource} ${obj.metadata.name}`),
    );
    kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns' },
    });
    const pod = kube.create('pods', 'ns', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: '', generateName: 'task-' },
      spec: { containers: [{ name: 'c', image: 'i:1' }] },
    });
    expect(pod.metadata.name).toMatch(/^task-[0-9a-f]{5}$/);
    kube.delete('namespaces', undefined, 'ns');
    off();
    expect(seen).toEqual([
      'ADDED namespaces ns',
      'ADDED serviceaccounts default',
      `ADDED pods ${pod.metadata.name}`,
      'DELETED serviceaccounts default',
      `DELETED pods ${pod.metadata.name}`,
      'DELETED namespaces ns',
    ]);
    expect(() => kube.get('pods', 'ns', pod.metadata.name)).toThrow(
      KubeApiError,
    );
  });

  it('should authorize service accounts from Roles and RoleBindings, honouring resourceNames', () => {
    const kube = new KubeStore();
    kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns' },
    });
    kube.create('roles', 'ns', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r' },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get'] },
        {
          apiGroups: [''],
          resources: ['secrets'],
          verbs: ['get'],
          resourceNames: ['git-credentials'],
        },
      ],
    });
    kube.create('rolebindings', 'ns', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'r',
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: 'airflow-worker',
          namespace: 'airflow',
        },
      ],
    });
    const user = SANDBOX_AIRFLOW_SERVICE_ACCOUNT;
    expect(
      kube.authorize(user, {
        verb: 'create',
        resource: 'pods',
        namespace: 'ns',
      }),
    ).toMatchObject({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "b/ns" of Role "r" to ServiceAccount "airflow-worker/airflow"',
    });
    expect(
      kube.authorize(user, {
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        namespace: 'ns',
      }).allowed,
    ).toBe(false);
    expect(
      kube.authorize(user, {
        verb: 'get',
        resource: 'secrets',
        namespace: 'ns',
        name: 'git-credentials',
      }).allowed,
    ).toBe(true);
    expect(
      kube.authorize(user, {
        verb: 'get',
        resource: 'secrets',
        namespace: 'ns',
        name: 'other',
      }).allowed,
    ).toBe(false);
    expect(
      kube.authorize('system:serviceaccount:ns:default', {
        verb: 'get',
        resource: 'pods',
        namespace: 'ns',
      }).allowed,
    ).toBe(false);
    expect(
      kube.authorize('kubernetes-admin', {
        verb: 'delete',
        resource: 'namespaces',
      }).allowed,
    ).toBe(true);
    expect(() =>
      kube.assertAllowed(user, { verb: 'list', resource: 'namespaces' }),
    ).toThrow(
      `namespaces is forbidden: User "${user}" cannot list resource "namespaces" in API group "" at the cluster scope`,
    );
  });

  it('should log a failing change listener without failing the write or the other listeners', () => {
    const logger = recordingLogger();
    const kube = new KubeStore({ logger });
    const seen: string[] = [];
    kube.onChange(() => {
      throw new Error('listener broke');
    });
    const off = kube.onChange((type, resource, obj) =>
      seen.push(`${type} ${resource} ${obj.metadata.name}`),
    );
    kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns' },
    });
    off();
    kube.delete('namespaces', undefined, 'ns');
    expect(seen).toEqual([
      'ADDED namespaces ns',
      'ADDED serviceaccounts default',
    ]);
    expect(logger.lines.map(l => l.message)).toContain(
      'kube ADDED namespaces listener failed: listener broke',
    );
  });

  it('should merge-patch per RFC 7386', () => {
    expect(
      jsonMergePatch(
        { a: 1, b: { c: 2, d: 3 }, e: [1] },
        { b: { c: null, x: 1 }, e: [2] },
      ),
    ).toEqual({ a: 1, b: { d: 3, x: 1 }, e: [2] });
  });
});
