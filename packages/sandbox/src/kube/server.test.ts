/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  VersionApi,
  Watch,
} from '@kubernetes/client-node';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_AIRFLOW_SERVICE_ACCOUNT,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';
import { eventually, recordingLogger } from '../testing/helpers';
import { RunningServer } from '../util/http';
import { KubeStore } from './KubeStore';
import { nodeGroupNode, registerNode } from './nodes';
import { startKubeApiServer } from './server';

async function mintEksToken(
  options: { cluster?: string; secret?: string; signingDate?: Date } = {},
): Promise<string> {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: SANDBOX_ACCESS_KEY_ID,
      secretAccessKey: options.secret ?? SANDBOX_SECRET_ACCESS_KEY,
    },
    region: 'eu-west-1',
    service: 'sts',
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https',
    hostname: 'sts.eu-west-1.amazonaws.com',
    path: '/',
    headers: {
      host: 'sts.eu-west-1.amazonaws.com',
      'x-k8s-aws-id': options.cluster ?? SANDBOX_CLUSTER_NAME,
    },
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
  });
  const signed = await signer.presign(request, {
    expiresIn: 60,
    signingDate: options.signingDate,
  });
  const query = Object.entries(signed.query ?? {})
    .map(
      ([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`,
    )
    .join('&');
  const url = `https://${signed.hostname}${signed.path}?${query}`;
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}

function clientConfig(server: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: SANDBOX_CLUSTER_NAME, server, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: SANDBOX_CLUSTER_NAME, user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

async function apiError(p: Promise<unknown>): Promise<ApiException<any>> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiException);
    const err = e as ApiException<any>;
    if (typeof err.body === 'string') {
      err.body = JSON.parse(err.body);
    }
    expect(err.code).toBeGreaterThanOrEqual(400);
    return err;
  }
  throw new Error('expected the call to fail');
}

const pod = (
  name: string,
  labels: Record<string, string> = {},
  image = 'busybox:1.36',
) => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'base', image }], restartPolicy: 'Never' },
});

describe('startKubeApiServer', () => {
  let kube: KubeStore;
  let server: RunningServer;
  let core: CoreV1Api;
  let rbac: RbacAuthorizationV1Api;
  const logger = recordingLogger();

  beforeEach(async () => {
    kube = new KubeStore();
    server = await startKubeApiServer({ kube, port: 0, logger });
    const kc = clientConfig(server.url, 'sandbox-admin-token');
    core = kc.makeApiClient(CoreV1Api);
    rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  });

  afterEach(async () => {
    await server.close();
  });

  it('should serve namespaces with AlreadyExists and NotFound Status errors', async () => {
    const created = await core.createNamespace({
      body: { metadata: { name: 'crawler-one' } },
    });
    expect(created.status?.phase).toBe('Active');
    expect(
      (await core.readNamespace({ name: 'crawler-one' })).metadata?.uid,
    ).toBe(created.metadata?.uid);
    const list = await core.listNamespace();
    expect(list.items.map(n => n.metadata?.name)).toContain('crawler-one');
    const exists = await apiError(
      core.createNamespace({ body: { metadata: { name: 'crawler-one' } } }),
    );
    expect(exists.code).toBe(409);
    expect(exists.body).toMatchObject({
      kind: 'Status',
      reason: 'AlreadyExists',
      message: 'namespaces "crawler-one" already exists',
      code: 409,
    });
    const missing = await apiError(core.readNamespace({ name: 'nope' }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({
      reason: 'NotFound',
      message: 'namespaces "nope" not found',
      details: { name: 'nope', kind: 'namespaces' },
    });
    await core.deleteNamespace({ name: 'crawler-one' });
    expect(
      (await apiError(core.readNamespace({ name: 'crawler-one' }))).code,
    ).toBe(404);
  });

  it('should create the default service account and serve service accounts, secrets and config maps', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ns1' } } });
    expect(
      (
        await core.readNamespacedServiceAccount({
          name: 'default',
          namespace: 'ns1',
        })
      ).metadata?.name,
    ).toBe('default');
    await core.createNamespacedServiceAccount({
      namespace: 'ns1',
      body: {
        metadata: {
          name: 'crawler',
          annotations: {
            'eks.amazonaws.com/role-arn': 'arn:aws:iam::000000000000:role/r',
          },
        },
      },
    });
    const sa = await core.readNamespacedServiceAccount({
      name: 'crawler',
      namespace: 'ns1',
    });
    expect(sa.metadata?.annotations?.['eks.amazonaws.com/role-arn']).toContain(
      'role/r',
    );

    await core.createNamespacedSecret({
      namespace: 'ns1',
      body: {
        metadata: { name: 'git' },
        stringData: { GITSYNC_PASSWORD: 'p' },
      },
    });
    const secret = await core.readNamespacedSecret({
      name: 'git',
      namespace: 'ns1',
    });
    expect(secret.type).toBe('Opaque');
    expect(
      Buffer.from(secret.data!.GITSYNC_PASSWORD, 'base64').toString(),
    ).toBe('p');

    await core.createNamespacedConfigMap({
      namespace: 'ns1',
      body: { metadata: { name: 'cm' }, data: { a: '1', b: '2' } },
    });
    const current = await core.readNamespacedConfigMap({
      name: 'cm',
      namespace: 'ns1',
    });
    const replaced = await core.replaceNamespacedConfigMap({
      name: 'cm',
      namespace: 'ns1',
      body: { ...current, data: { a: '10' } },
    });
    expect(replaced.data).toEqual({ a: '10' });
    const stale = await apiError(
      core.replaceNamespacedConfigMap({
        name: 'cm',
        namespace: 'ns1',
        body: { ...current, data: { a: 'x' } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    const merged = await core.patchNamespacedConfigMap(
      { name: 'cm', namespace: 'ns1', body: { data: { b: '20', a: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.data).toEqual({ b: '20' });
    const applied = await core.patchNamespacedConfigMap(
      {
        name: 'applied',
        namespace: 'ns1',
        fieldManager: 'crawlers',
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'applied' },
          data: { x: '1' },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    expect(applied.data).toEqual({ x: '1' });
    const reapplied = await core.patchNamespacedConfigMap(
      {
        name: 'applied',
        namespace: 'ns1',
        fieldManager: 'crawlers',
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'applied', labels: { a: 'b' } },
          data: { x: '2' },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    expect(reapplied).toMatchObject({
      data: { x: '2' },
      metadata: { labels: { a: 'b' } },
    });
    const jsonPatched = await core.patchNamespacedConfigMap({
      name: 'applied',
      namespace: 'ns1',
      body: [{ op: 'add', path: '/data/y', value: '3' }],
    });
    expect(jsonPatched.data).toEqual({ x: '2', y: '3' });
  });

  it('should reject invalid objects with 422 Invalid and details.causes', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ns2' } } });
    const err = await apiError(
      core.createNamespacedPod({
        namespace: 'ns2',
        body: {
          metadata: { name: 'p' },
          spec: { containers: [{ name: 'base' }] },
        } as any,
      }),
    );
    expect(err.code).toBe(422);
    expect(err.body).toMatchObject({
      reason: 'Invalid',
      message: 'Pod "p" is invalid: spec.containers[0].image: Required value',
      details: {
        name: 'p',
        kind: 'Pod',
        causes: [
          {
            reason: 'FieldValueRequired',
            field: 'spec.containers[0].image',
            message: 'Required value',
          },
        ],
      },
    });
    const badName = await apiError(
      core.createNamespace({ body: { metadata: { name: 'Bad_Name' } } }),
    );
    expect(badName.code).toBe(422);
    expect(badName.body.details.causes[0].field).toBe('metadata.name');
    const noNs = await apiError(
      core.createNamespacedPod({ namespace: 'missing', body: pod('p') }),
    );
    expect(noNs.body.message).toBe('namespaces "missing" not found');
  });

  it('should list pods with label and field selectors and delete them singly and by collection', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ns3' } } });
    await core.createNamespacedPod({
      namespace: 'ns3',
      body: pod('a', { dag_id: 'd1', kubernetes_pod_operator: 'True' }),
    });
    await core.createNamespacedPod({
      namespace: 'ns3',
      body: pod('b', { dag_id: 'd2', kubernetes_pod_operator: 'True' }),
    });
    await core.createNamespacedPod({
      namespace: 'ns3',
      body: pod('c', { other: 'x' }),
    });
    kube.updatePodStatus('ns3', 'b', { phase: 'Running' });
    const byLabel = await core.listNamespacedPod({
      namespace: 'ns3',
      labelSelector: 'kubernetes_pod_operator=True,dag_id in (d1,d3)',
    });
    expect(byLabel.items.map(p => p.metadata?.name)).toEqual(['a']);
    const byPhase = await core.listNamespacedPod({
      namespace: 'ns3',
      fieldSelector: 'status.phase=Running',
    });
    expect(byPhase.items.map(p => p.metadata?.name)).toEqual(['b']);
    const byName = await core.listNamespacedPod({
      namespace: 'ns3',
      fieldSelector: 'metadata.name=c',
    });
    expect(byName.items.map(p => p.metadata?.name)).toEqual(['c']);
    const notRunning = await core.listNamespacedPod({
      namespace: 'ns3',
      fieldSelector: 'status.phase!=Running',
      labelSelector: '!other',
    });
    expect(notRunning.items.map(p => p.metadata?.name)).toEqual(['a']);
    const badField = await apiError(
      core.listNamespacedPod({ namespace: 'ns3', fieldSelector: 'spec.foo=1' }),
    );
    expect(badField.code).toBe(400);
    const all = await core.listPodForAllNamespaces({
      labelSelector: 'kubernetes_pod_operator=True',
    });
    expect(all.items).toHaveLength(2);

    const got = await core.readNamespacedPod({ name: 'a', namespace: 'ns3' });
    expect(got.status?.phase).toBe('Pending');
    await core.deleteNamespacedPod({ name: 'a', namespace: 'ns3' });
    expect(
      (await apiError(core.readNamespacedPod({ name: 'a', namespace: 'ns3' })))
        .body.message,
    ).toBe('pods "a" not found');
    await core.deleteCollectionNamespacedPod({
      namespace: 'ns3',
      labelSelector: 'kubernetes_pod_operator=True',
    });
    expect(
      (await core.listNamespacedPod({ namespace: 'ns3' })).items.map(
        p => p.metadata?.name,
      ),
    ).toEqual(['c']);
  });

  it('should serve pods/log with container, tailLines and previous', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ns4' } } });
    await core.createNamespacedPod({
      namespace: 'ns4',
      body: {
        metadata: { name: 'p' },
        spec: {
          containers: [
            { name: 'base', image: 'x:1' },
            { name: 'side', image: 'y:1' },
          ],
        },
      },
    });
    const waiting = await apiError(
      core.readNamespacedPodLog({
        name: 'p',
        namespace: 'ns4',
        container: 'base',
      }),
    );
    expect(waiting.code).toBe(400);
    kube.appendLog('ns4', 'p', 'base', 'one\ntwo\nthree');
    kube.appendLog('ns4', 'p', 'side', 'side-line');
    expect(
      await core.readNamespacedPodLog({
        name: 'p',
        namespace: 'ns4',
        container: 'base',
      }),
    ).toBe('one\ntwo\nthree\n');
    expect(
      await core.readNamespacedPodLog({
        name: 'p',
        namespace: 'ns4',
        container: 'base',
        tailLines: 2,
      }),
    ).toBe('two\nthree\n');
    const noContainer = await apiError(
      core.readNamespacedPodLog({ name: 'p', namespace: 'ns4' }),
    );
    expect(noContainer.body.message).toBe(
      'a container name must be specified for pod p, choose one of: [base side]',
    );
    const noPrevious = await apiError(
      core.readNamespacedPodLog({
        name: 'p',
        namespace: 'ns4',
        container: 'base',
        previous: true,
      }),
    );
    expect(noPrevious.body.message).toBe(
      'previous terminated container "base" in pod "p" not found',
    );
    kube.rotateLog('ns4', 'p', 'base');
    kube.appendLog('ns4', 'p', 'base', 'second run');
    expect(
      await core.readNamespacedPodLog({
        name: 'p',
        namespace: 'ns4',
        container: 'base',
        previous: true,
      }),
    ).toBe('one\ntwo\nthree\n');
    expect(
      await core.readNamespacedPodLog({
        name: 'p',
        namespace: 'ns4',
        container: 'base',
      }),
    ).toBe('second run\n');
  });

  it('should list events with field selectors', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ns5' } } });
    const p = await core.createNamespacedPod({
      namespace: 'ns5',
      body: pod('p'),
    });
    kube.recordEvent('ns5', p as any, {
      type: 'Warning',
      reason: 'FailedScheduling',
      message: 'm',
      component: 'fargate-scheduler',
    });
    kube.recordEvent('ns5', p as any, {
      type: 'Warning',
      reason: 'FailedScheduling',
      message: 'm',
      component: 'fargate-scheduler',
    });
    const events = await core.listNamespacedEvent({
      namespace: 'ns5',
      fieldSelector: 'involvedObject.name=p,type=Warning',
    });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({
      reason: 'FailedScheduling',
      count: 2,
      source: { component: 'fargate-scheduler' },
    });
  });

  it('should enforce RBAC for the Airflow service account with the real Forbidden message', async () => {
    await core.createNamespace({ body: { metadata: { name: 'crawler-two' } } });
    await core.createNamespacedPod({
      namespace: 'crawler-two',
      body: pod('x'),
    });
    kube.appendLog('crawler-two', 'x', 'base', 'hello');
    await rbac.createNamespacedRole({
      namespace: 'crawler-two',
      body: {
        metadata: { name: 'airflow-pods' },
        rules: [
          {
            apiGroups: [''],
            resources: ['pods'],
            verbs: ['get', 'list', 'create', 'delete', 'watch'],
          },
        ],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'crawler-two',
      body: {
        metadata: { name: 'airflow-pods' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'airflow-pods',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'airflow-worker',
            namespace: 'airflow',
          },
        ],
      },
    });
    expect(
      (
        await rbac.readNamespacedRole({
          name: 'airflow-pods',
          namespace: 'crawler-two',
        })
      ).rules,
    ).toHaveLength(1);
    const worker = clientConfig(
      server.url,
      'sandbox-airflow-worker-token',
    ).makeApiClient(CoreV1Api);
    expect(
      (await worker.readNamespacedPod({ name: 'x', namespace: 'crawler-two' }))
        .metadata?.name,
    ).toBe('x');
    const forbidden = await apiError(
      worker.readNamespacedPodLog({
        name: 'x',
        namespace: 'crawler-two',
        container: 'base',
      }),
    );
    expect(forbidden.code).toBe(403);
    expect(forbidden.body).toMatchObject({
      reason: 'Forbidden',
      message: `pods "x" is forbidden: User "${SANDBOX_AIRFLOW_SERVICE_ACCOUNT}" cannot get resource "pods/log" in API group "" in the namespace "crawler-two"`,
    });
    const otherNs = await apiError(
      worker.listNamespacedPod({ namespace: 'default' }),
    );
    expect(otherNs.body.message).toBe(
      `pods is forbidden: User "${SANDBOX_AIRFLOW_SERVICE_ACCOUNT}" cannot list resource "pods" in API group "" in the namespace "default"`,
    );
    const review = await clientConfig(
      server.url,
      'sandbox-airflow-worker-token',
    )
      .makeApiClient(AuthorizationV1Api)
      .createSelfSubjectAccessReview({
        body: {
          spec: {
            resourceAttributes: {
              namespace: 'crawler-two',
              verb: 'get',
              resource: 'pods',
              subresource: 'log',
            },
          },
        },
      });
    expect(review.status?.allowed).toBe(false);
    await rbac.patchNamespacedRole(
      {
        name: 'airflow-pods',
        namespace: 'crawler-two',
        body: {
          rules: [
            {
              apiGroups: [''],
              resources: ['pods', 'pods/log'],
              verbs: ['get', 'list', 'create', 'delete'],
            },
          ],
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(
      await worker.readNamespacedPodLog({
        name: 'x',
        namespace: 'crawler-two',
        container: 'base',
      }),
    ).toBe('hello\n');
  });

  it('should accept an EKS token minted with @smithy/signature-v4 and reject tampered, wrong-cluster and expired ones', async () => {
    const token = await mintEksToken();
    const eks = clientConfig(server.url, token).makeApiClient(CoreV1Api);
    expect((await eks.listNamespace()).items.length).toBeGreaterThan(0);
    expect(logger.lines.some(l => l.meta?.user === 'kubernetes-admin')).toBe(
      true,
    );

    const decoded = Buffer.from(
      token.slice('k8s-aws-v1.'.length),
      'base64url',
    ).toString();
    const tampered = `k8s-aws-v1.${Buffer.from(
      decoded.replace('Version=2011-06-15', 'Version=2011-06-16'),
    ).toString('base64url')}`;
    for (const bad of [
      tampered,
      await mintEksToken({ cluster: 'other-cluster' }),
      await mintEksToken({ secret: 'wrong' }),
      await mintEksToken({
        signingDate: new Date(Date.now() - 20 * 60 * 1000),
      }),
      'k8s-aws-v1.!!!',
      `k8s-aws-v1.${'A'.repeat(5000)}`,
    ]) {
      const err = await apiError(
        clientConfig(server.url, bad).makeApiClient(CoreV1Api).listNamespace(),
      );
      expect(err.code).toBe(401);
      const raw = await fetch(`${server.url}/api/v1/namespaces`, {
        headers: { authorization: `Bearer ${bad}` },
      });
      expect(raw.status).toBe(401);
      expect(await raw.json()).toMatchObject({
        kind: 'Status',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    expect(JSON.stringify(logger.lines)).not.toContain(token);
  });

  it('should answer /version and discovery', async () => {
    const kc = clientConfig(server.url, 'sandbox-admin-token');
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.32/);
    const resources = await core.getAPIResources();
    expect(resources.resources.map(r => r.name)).toEqual(
      expect.arrayContaining(['pods', 'pods/log', 'namespaces', 'secrets']),
    );
  });

  it('should serve nodes at cluster scope to admins only, with get, list, watch, taint validation and discovery', async () => {
    registerNode(
      kube,
      nodeGroupNode('ip-10-0-1-23.eu-west-1.compute.internal', kube.now()),
    );
    const node = await core.readNode({
      name: 'ip-10-0-1-23.eu-west-1.compute.internal',
    });
    expect(node.spec?.taints).toEqual([
      { key: 'dedicated', value: 'airflow', effect: 'NoSchedule' },
    ]);
    expect(node.status?.nodeInfo?.kubeletVersion).toMatch(/^v1\.32\./);
    expect(
      (
        await core.listNode({
          labelSelector: 'eks.amazonaws.com/nodegroup=airflow',
        })
      ).items,
    ).toHaveLength(1);
    const seen: string[] = [];
    const controller = await new Watch(
      clientConfig(server.url, 'sandbox-admin-token'),
    ).watch(
      '/api/v1/nodes',
      {},
      (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
      () => undefined,
    );
    await core.createNode({
      body: {
        metadata: { name: 'fargate-ip-10-0-5-6.eu-west-1.compute.internal' },
        spec: {
          taints: [
            {
              key: 'eks.amazonaws.com/compute-type',
              value: 'fargate',
              effect: 'NoSchedule',
            },
          ],
        },
      },
    });
    await eventually(() => seen.length >= 2, 'node watch events');
    controller.abort();
    expect(seen).toEqual([
      'ADDED ip-10-0-1-23.eu-west-1.compute.internal',
      'ADDED fargate-ip-10-0-5-6.eu-west-1.compute.internal',
    ]);
    const invalid = await apiError(
      core.createNode({
        body: {
          metadata: { name: 'bad' },
          spec: { taints: [{ key: 'k', effect: 'Sometimes' }] },
        },
      }),
    );
    expect(invalid.code).toBe(422);
    const worker = clientConfig(server.url, 'sandbox-airflow-worker-token');
    const forbidden = await apiError(
      worker.makeApiClient(CoreV1Api).listNode(),
    );
    expect(forbidden.body.message).toBe(
      `nodes is forbidden: User "${SANDBOX_AIRFLOW_SERVICE_ACCOUNT}" cannot list resource "nodes" in API group "" at the cluster scope`,
    );
    const resources = await core.getAPIResources();
    expect(resources.resources.find(r => r.name === 'nodes')).toMatchObject({
      namespaced: false,
      kind: 'Node',
      verbs: expect.arrayContaining(['get', 'list', 'watch']),
    });
  });

  it('should validate without storing on dryRun=All and stream changes to a watch', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ns6' } } });
    const dry = await core.createNamespacedPod({
      namespace: 'ns6',
      body: pod('dry'),
      dryRun: 'All',
    });
    expect(dry.status?.phase).toBe('Pending');
    expect(
      (
        await apiError(
          core.readNamespacedPod({ name: 'dry', namespace: 'ns6' }),
        )
      ).code,
    ).toBe(404);

    await core.createNamespacedPod({
      namespace: 'ns6',
      body: pod('before', { w: '1' }),
    });
    const seen: string[] = [];
    const kc = clientConfig(server.url, 'sandbox-admin-token');
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/ns6/pods',
      { labelSelector: 'w=1' },
      (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
      () => undefined,
    );
    await core.createNamespacedPod({
      namespace: 'ns6',
      body: pod('after', { w: '1' }),
    });
    await core.createNamespacedPod({
      namespace: 'ns6',
      body: pod('ignored', { w: '2' }),
    });
    await core.deleteNamespacedPod({ name: 'before', namespace: 'ns6' });
    await eventually(() => seen.length >= 3, 'watch events');
    controller.abort();
    expect(seen).toEqual(['ADDED before', 'ADDED after', 'DELETED before']);
  });
});
