/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { ConflictError, InputError } from '@backstage/errors';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import type { CrawlersClusterService } from '@crawler-platform/plugin-crawlers-node';
import {
  KubeApiError,
  KubeStore,
  startKubeApiServer,
} from '@crawler-platform/sandbox';
import { Namespace, Secret, ServiceAccount } from 'kubernetes-models/v1';
import {
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  actionContext,
  CheckpointStore,
  loggedText,
  outputsOf,
} from '../__testUtils__/context';
import { createKubernetesCrawlerNamespaceApplyAction } from './applyCrawlerNamespace';
import { crawlerNamespaceManifests } from './applyCrawlerNamespace.manifests';

const ENTITY = 'component:default/news-crawler';
const NS = 'crawler-news-crawler';
const PASSWORD = 'ghp_s3cr3t-token-value';

/** A `clusters` service whose one cluster is the in-process sandbox Kubernetes API (plain http, admin token). */
function sandboxClusters(url: string): CrawlersClusterService {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'crawlers', server: url, skipTLSVerify: true }],
    users: [{ name: 'admin', token: 'sandbox-admin-token' }],
    contexts: [{ name: 'crawlers', cluster: 'crawlers', user: 'admin' }],
    currentContext: 'crawlers',
  });
  return {
    listClusterNames: () => ['crawlers'],
    getCluster: name => ({ name, kubeConfig: async () => kc }),
  };
}

/** Checks a manifest against the Kubernetes schemas (kubernetes-models). */
function validateManifest(m: any) {
  const models: Record<string, any> = {
    Namespace,
    Secret,
    ServiceAccount,
    Role,
    RoleBinding,
  };
  new models[m.kind](m).validate();
}

describe('kubernetes:crawler-namespace:apply', () => {
  let kube: KubeStore;
  let server: { url: string; close(): Promise<void> };
  let action: ReturnType<typeof createKubernetesCrawlerNamespaceApplyAction>;

  beforeEach(async () => {
    kube = new KubeStore();
    server = await startKubeApiServer({ kube, port: 0 });
    action = createKubernetesCrawlerNamespaceApplyAction({
      clusters: sandboxClusters(server.url),
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await server.close();
    kube.close();
  });

  const run = (
    input: Record<string, unknown> = {},
    opts: { dryRun?: boolean; checkpoints?: CheckpointStore } = {},
  ) => {
    const ctx = actionContext({
      input: { namespace: NS, entityRef: ENTITY, ...input },
      workspacePath: '/tmp',
      ...opts,
    });
    return { ctx, done: action.handler(ctx as any) };
  };

  const snapshot = () =>
    JSON.stringify(
      ['namespaces', 'serviceaccounts', 'roles', 'rolebindings', 'secrets'].map(
        r => kube.list(r as any, undefined),
      ),
    );

  const ownNamespace = (owner?: string) =>
    kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: NS,
        ...(owner
          ? { annotations: { 'crawler-platform.io/entity': owner } }
          : {}),
      },
    } as any);

  it('should create the annotated namespace, the IRSA service account and the RBAC the operator needs', async () => {
    const roleArn = 'arn:aws:iam::123456789012:role/news-crawler-irsa';
    const { ctx, done } = run({ roleArn });
    await done;
    const ns = kube.get('namespaces', undefined, NS);
    expect(ns.metadata.annotations).toEqual({
      'crawler-platform.io/entity': ENTITY,
    });
    expect(ns.metadata.labels).toMatchObject({
      'app.kubernetes.io/part-of': 'crawler-platform',
    });
    expect(
      kube.get('serviceaccounts', NS, 'crawler').metadata.annotations,
    ).toMatchObject({ 'eks.amazonaws.com/role-arn': roleArn });
    expect((kube.get('roles', NS, 'airflow-pod-runner') as any).rules).toEqual([
      {
        apiGroups: [''],
        resources: ['pods'],
        verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'],
      },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['events'], verbs: ['list', 'watch'] },
    ]);
    expect(
      (kube.get('rolebindings', NS, 'airflow-pod-runner') as any).subjects,
    ).toEqual([
      { kind: 'ServiceAccount', name: 'airflow-worker', namespace: 'airflow' },
    ]);
    expect(outputsOf(ctx)).toEqual({
      namespace: NS,
      serviceAccountName: 'crawler',
      cluster: 'crawlers',
      applied: [
        `Namespace/${NS}`,
        'ServiceAccount/crawler',
        'Role/airflow-pod-runner',
        'RoleBinding/airflow-pod-runner',
      ],
      state: 'created',
    });
  });

  it('should let Airflow’s worker do what the operator does in the namespace, and no more', async () => {
    await run().done;
    const user = 'system:serviceaccount:airflow:airflow-worker';
    const can = (verb: string, resource: string, subresource?: string) =>
      kube.authorize(user, {
        verb,
        resource,
        subresource,
        namespace: NS,
        apiGroup: '',
      } as any).allowed;
    expect(can('patch', 'pods')).toBe(true);
    expect(can('get', 'pods', 'log')).toBe(true);
    expect(can('watch', 'events')).toBe(true);
    expect(can('get', 'secrets')).toBe(false);
  });

  it('should generate manifests that validate against the Kubernetes schemas', () => {
    const manifests = crawlerNamespaceManifests({
      namespace: NS,
      entityRef: ENTITY,
      labels: { 'app.kubernetes.io/part-of': 'crawler-platform' },
      serviceAccountName: 'crawler',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      airflowServiceAccount: { namespace: 'airflow', name: 'airflow-worker' },
      roleName: 'airflow-pod-runner',
      pullSecret: {
        name: 'ghcr',
        registry: 'ghcr.io',
        username: 'bot',
        password: PASSWORD,
      },
    });
    expect(manifests.map(m => m.kind)).toEqual([
      'Namespace',
      'Secret',
      'ServiceAccount',
      'Role',
      'RoleBinding',
    ]);
    for (const m of manifests) expect(() => validateManifest(m)).not.toThrow();
    expect(() =>
      validateManifest({ ...manifests[3], rules: [{ verbs: 'get' }] }),
    ).toThrow();
  });

  it('should adopt a namespace annotated with this entity', async () => {
    ownNamespace('Component:default/News-Crawler');
    const { ctx, done } = run();
    await done;
    expect(outputsOf(ctx).state).toBe('adopted');
    expect(kube.exists('rolebindings', NS, 'airflow-pod-runner')).toBe(true);
  });

  it("should refuse another entity's namespace and an unannotated one without changing anything", async () => {
    ownNamespace('component:default/price-crawler');
    const before = snapshot();
    const first = run();
    await expect(first.done).rejects.toThrow(ConflictError);
    await expect(first.done).rejects.toThrow(
      `Namespace "${NS}" in cluster crawlers already exists and belongs to component:default/price-crawler`,
    );
    expect(snapshot()).toBe(before);
    kube.delete('namespaces', undefined, NS);
    ownNamespace();
    await expect(run().done).rejects.toThrow(
      'has no annotation crawler-platform.io/entity',
    );
  });

  it('should refuse a namespace another entity created between the read and the create', async () => {
    jest
      .spyOn(KubernetesObjectApi.prototype, 'read')
      .mockImplementationOnce(async () => {
        ownNamespace('component:default/price-crawler');
        throw Object.assign(new Error('not found'), { code: 404 });
      });
    await expect(run().done).rejects.toThrow(
      'belongs to component:default/price-crawler',
    );
    expect(kube.list('serviceaccounts', NS).map(s => s.metadata.name)).toEqual([
      'default',
    ]);
  });

  it('should send a new namespace with dryRun=All and change nothing', async () => {
    const before = snapshot();
    const { ctx, done } = run({}, { dryRun: true });
    await done;
    expect(snapshot()).toBe(before);
    expect(outputsOf(ctx)).toMatchObject({
      state: 'planned',
      applied: [`Namespace/${NS}`],
    });
  });

  it('should dry-run every object of an adopted namespace and change nothing', async () => {
    ownNamespace(ENTITY);
    const before = snapshot();
    const { ctx, done } = run(
      { roleArn: 'arn:aws:iam::123456789012:role/r' },
      { dryRun: true },
    );
    await done;
    expect(snapshot()).toBe(before);
    expect(outputsOf(ctx).applied).toHaveLength(4);
  });

  it('should report bad input as InputError saying what to fix', async () => {
    await expect(run({ namespace: 'Crawler_News' }).done).rejects.toThrow(
      'namespace "Crawler_News" is not a valid Kubernetes name',
    );
    await expect(
      run({ airflowServiceAccount: 'airflow-worker' }).done,
    ).rejects.toThrow('use system:serviceaccount:<namespace>:<name>');
    await expect(run({ cluster: 'prod' }).done).rejects.toThrow(
      'cluster "prod" is not configured; configured clusters: crawlers',
    );
    await expect(
      run({
        imagePullSecret: {
          name: 'ecr',
          registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
          username: 'AWS',
          password: PASSWORD,
        },
      }).done,
    ).rejects.toThrow(InputError);
    expect(kube.exists('namespaces', undefined, NS)).toBe(false);
  });

  it('should store the pull secret as dockerconfigjson and never log or output the password', async () => {
    const { ctx, done } = run({
      imagePullSecret: {
        name: 'ghcr-credentials',
        registry: 'ghcr.io',
        username: 'bot',
        password: PASSWORD,
      },
    });
    await done;
    const secret = kube.get('secrets', NS, 'ghcr-credentials') as any;
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const config = JSON.parse(
      Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString(),
    );
    expect(config.auths['ghcr.io']).toMatchObject({
      username: 'bot',
      password: PASSWORD,
    });
    expect(
      (kube.get('serviceaccounts', NS, 'crawler') as any).imagePullSecrets,
    ).toEqual([{ name: 'ghcr-credentials' }]);
    expect(loggedText(ctx)).not.toContain(PASSWORD);
    expect(JSON.stringify(outputsOf(ctx))).not.toContain(PASSWORD);
  });

  it('should finish on a rerun after a failure half-way, without applying the done objects again', async () => {
    let failures = 1;
    kube.addAdmission(resource => {
      if (resource === 'rolebindings' && failures-- > 0) {
        throw new KubeApiError(500, 'InternalError', 'etcd is unavailable');
      }
    });
    const checkpoints = new CheckpointStore();
    await expect(run({}, { checkpoints }).done).rejects.toThrow(
      'etcd is unavailable',
    );
    expect(kube.exists('rolebindings', NS, 'airflow-pod-runner')).toBe(false);
    const ranBefore = checkpoints.ran.length;
    await run({}, { checkpoints }).done;
    expect(checkpoints.ran.slice(ranBefore)).toEqual([
      `k8s.crawlers.${NS}.RoleBinding/airflow-pod-runner`,
    ]);
    expect(kube.exists('rolebindings', NS, 'airflow-pod-runner')).toBe(true);
  });
});
