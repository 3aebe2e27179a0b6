/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { ConflictError, InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeStore, startKubeApiServer } from '@crawler-platform/sandbox';
import { Secret } from 'kubernetes-models/v1';
import yaml from 'yaml';
import {
  actionContext,
  CheckpointStore,
  loggedText,
  outputsOf,
} from '../__testUtils__/context';
import {
  createKubernetesGitSyncSecretApplyAction,
  gitSyncSecretManifest,
} from './applyGitSyncSecret';
import { examples } from './applyGitSyncSecret.examples';

const ENTITY = 'resource:default/airflow-dags';
const PASSWORD = 'c0dec0mmit-Git-Pa55word+/=';
const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');

describe('kubernetes:git-sync-secret:apply', () => {
  let kube: KubeStore;
  let server: { url: string; close(): Promise<void> };
  let action: ReturnType<typeof createKubernetesGitSyncSecretApplyAction>;

  beforeEach(async () => {
    kube = new KubeStore();
    server = await startKubeApiServer({ kube, port: 0 });
    for (const name of ['airflow', 'airflow3']) {
      kube.create('namespaces', undefined, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      } as any);
    }
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'crawlers', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'admin', token: 'sandbox-admin-token' }],
      contexts: [{ name: 'c', cluster: 'crawlers', user: 'admin' }],
      currentContext: 'c',
    });
    action = createKubernetesGitSyncSecretApplyAction({
      clusters: {
        listClusterNames: () => ['crawlers'],
        getCluster: name => ({ name, kubeConfig: async () => kc }),
      },
    });
  });

  afterEach(async () => {
    await server.close();
    kube.close();
  });

  const run = (
    input: Record<string, unknown> = {},
    opts: { dryRun?: boolean; checkpoints?: CheckpointStore } = {},
  ) => {
    const ctx = actionContext({
      input: {
        entityRef: ENTITY,
        username: 'git-sync-at-000000000000',
        password: PASSWORD,
        ...input,
      },
      workspacePath: '/tmp',
      ...opts,
    });
    return { ctx, done: action.handler(ctx as any) };
  };
  const secrets = () => JSON.stringify(kube.list('secrets' as any, undefined));

  it('should create the Secret with the git-sync v3 and v4 key names and never log or output the password', async () => {
    const { ctx, done } = run();
    await done;
    const secret = kube.get('secrets', 'airflow', 'git-credentials') as any;
    expect(Object.keys(secret.data).sort()).toEqual([
      'GITSYNC_PASSWORD',
      'GITSYNC_USERNAME',
      'GIT_SYNC_PASSWORD',
      'GIT_SYNC_USERNAME',
    ]);
    expect(decode(secret.data.GIT_SYNC_PASSWORD)).toBe(PASSWORD);
    expect(decode(secret.data.GITSYNC_PASSWORD)).toBe(PASSWORD);
    expect(decode(secret.data.GITSYNC_USERNAME)).toBe(
      'git-sync-at-000000000000',
    );
    expect(secret.metadata.annotations['crawler-platform.io/entity']).toBe(
      ENTITY,
    );
    expect(outputsOf(ctx)).toMatchObject({
      state: 'created',
      cluster: 'crawlers',
    });
    const leaked = loggedText(ctx) + JSON.stringify(outputsOf(ctx));
    expect(leaked).not.toContain(PASSWORD);
    expect(leaked).not.toContain(secret.data.GITSYNC_PASSWORD);
  });

  it('should build a manifest that validates against the Kubernetes schema', () => {
    const manifest = gitSyncSecretManifest({
      namespace: 'airflow',
      secretName: 'git-credentials',
      entityRef: ENTITY,
      username: 'u',
      password: 'p',
    });
    expect(() => new Secret(manifest as any).validate()).not.toThrow();
  });

  it('should adopt and update its own Secret on a rerun (rotating the password)', async () => {
    await run().done;
    const { ctx, done } = run({ password: 'rotated' });
    await done;
    expect(outputsOf(ctx).state).toBe('adopted');
    const secret = kube.get('secrets', 'airflow', 'git-credentials') as any;
    expect(decode(secret.data.GIT_SYNC_PASSWORD)).toBe('rotated');
  });

  it('should refuse a Secret of another entity, or of none, and leave it unchanged', async () => {
    kube.create('secrets', 'airflow', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'git-credentials',
        namespace: 'airflow',
        annotations: { 'crawler-platform.io/entity': 'resource:default/other' },
      },
      data: { GIT_SYNC_PASSWORD: 'b3RoZXI=' },
    } as any);
    kube.create('secrets', 'airflow3', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'git-credentials', namespace: 'airflow3' },
      data: {},
    } as any);
    const before = secrets();
    await expect(run().done).rejects.toThrow(ConflictError);
    await expect(run().done).rejects.toThrow(
      /belongs to resource:default\/other/,
    );
    await expect(run({ namespace: 'airflow3' }).done).rejects.toThrow(
      /has no annotation crawler-platform.io\/entity/,
    );
    expect(secrets()).toBe(before);
  });

  it('should change nothing in a dry run', async () => {
    const before = secrets();
    const { ctx, done } = run({}, { dryRun: true });
    await done;
    expect(outputsOf(ctx).state).toBe('planned');
    expect(secrets()).toBe(before);
  });

  it('should reject bad input before any request', async () => {
    await expect(run({ password: '' }).done).rejects.toThrow(InputError);
    await expect(run({ namespace: 'Air_flow' }).done).rejects.toThrow(
      /not a valid Kubernetes namespace name/,
    );
    await expect(run({ cluster: 'nope' }).done).rejects.toThrow(
      /cluster "nope" is not configured/,
    );
    expect(kube.exists('secrets', 'airflow', 'git-credentials')).toBe(false);
  });

  it('should not apply again on a resumed task whose checkpoint is recorded', async () => {
    const checkpoints = new CheckpointStore();
    await run({}, { checkpoints }).done;
    kube.delete('secrets', 'airflow', 'git-credentials');
    await run({}, { checkpoints }).done;
    expect(checkpoints.ran).toHaveLength(1);
  });

  it.each(examples.map((e, i) => [i, e.description]))(
    'should run example %i: %s',
    async index => {
      const step = yaml.parse(examples[index as number].example).steps[0];
      expect(step.action).toBe(action.id);
      const input = JSON.parse(
        JSON.stringify(step.input)
          .replace('${{ secrets.gitPassword }}', 'secret')
          .replace('${{ parameters.gitUsername }}', 'git-sync'),
      );
      const ctx = actionContext({ input, workspacePath: '/tmp' });
      await action.handler(ctx as any);
      expect(outputsOf(ctx).state).toBe('created');
      expect(
        kube.exists(
          'secrets',
          input.namespace ?? 'airflow',
          input.secretName ?? 'git-credentials',
        ),
      ).toBe(true);
    },
  );
});
