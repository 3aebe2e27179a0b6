/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { KubeConfig } from '@kubernetes/client-node';
import type { CrawlersClusterService } from '@crawler-platform/plugin-crawlers-node';
import {
  AwsWorld,
  KubeStore,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
  startAwsServer,
  startKubeApiServer,
} from '@crawler-platform/sandbox';
import {
  actionContext,
  CheckpointStore,
  outputsOf,
  testDeps,
} from '../__testUtils__/context';
import { createAwsEcrRepositoryCreateAction } from './createEcrRepository';
import { createKubernetesCrawlerNamespaceApplyAction } from './applyCrawlerNamespace';
import { createCrawlersOwnershipCheckAction } from './crawlersOwnershipCheck';

const ENTITY = 'component:default/web-shop';
const OTHER = 'component:default/news-crawler';
const CREDENTIALS = {
  accessKeyId: SANDBOX_ACCESS_KEY_ID,
  secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
};

/** A `clusters` service whose one cluster is the in-process sandbox Kubernetes API. */
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

describe('crawlers:ownership:check', () => {
  let dataDir: string;
  let world: AwsWorld;
  let aws: Awaited<ReturnType<typeof startAwsServer>>;
  let kube: KubeStore;
  let kubeServer: { url: string; close(): Promise<void> };
  let action: ReturnType<typeof createCrawlersOwnershipCheckAction>;
  /** Entities the catalog has, with their `spec.owner`. */
  let catalogOwners: Record<string, string>;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownership-check-'));
    world = new AwsWorld({ dataDir });
    aws = await startAwsServer({ world, port: 0 });
    kube = new KubeStore();
    kubeServer = await startKubeApiServer({ kube, port: 0 });
    const deps = testDeps(
      { crawlers: { aws: { region: SANDBOX_REGION, endpoint: aws.url } } },
      CREDENTIALS,
    );
    catalogOwners = {};
    action = createCrawlersOwnershipCheckAction({
      catalogOwner: async ref => catalogOwners[ref],
      actions: [
        createAwsEcrRepositoryCreateAction(deps),
        createKubernetesCrawlerNamespaceApplyAction({
          clusters: sandboxClusters(kubeServer.url),
        }),
      ],
    });
  });

  afterEach(async () => {
    await kubeServer.close();
    kube.close();
    await aws.close();
    world.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const steps = (entityRef = ENTITY) => [
    {
      action: 'aws:ecr:repository:create',
      input: { repositoryName: 'web-shop', entityRef },
    },
    {
      action: 'kubernetes:crawler-namespace:apply',
      input: {
        namespace: 'crawler-web-shop',
        entityRef,
        serviceAccountName: 'web-shop',
      },
    },
  ];

  const run = (
    input: Record<string, unknown>,
    opts: {
      dryRun?: boolean;
      checkpoints?: CheckpointStore;
      user?: { ref: string; groups: string[] };
    } = {},
  ) => {
    const { user, ...rest } = opts;
    const ctx = actionContext({
      input: input as any,
      workspacePath: dataDir,
      ...rest,
    });
    const withUser = user
      ? {
          ...ctx,
          user: {
            ref: user.ref,
            entity: {
              relations: user.groups.map(targetRef => ({
                type: 'memberOf',
                targetRef,
              })),
            },
          },
        }
      : ctx;
    return { ctx, done: action.handler(withUser as any) };
  };

  /** Everything the checked steps could write. */
  const state = () =>
    JSON.stringify({
      ecr: world.ecr.list(),
      kube: ['namespaces', 'serviceaccounts', 'roles', 'rolebindings'].map(r =>
        kube.list(r as any, undefined),
      ),
    });

  const ecr = () =>
    new ECRClient({
      region: SANDBOX_REGION,
      endpoint: aws.url,
      credentials: CREDENTIALS,
    });

  const foreignNamespace = () =>
    kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'crawler-web-shop',
        annotations: { 'crawler-platform.io/entity': OTHER },
      },
    } as any);

  it('should pass when everything is absent, writing nothing and recording no checkpoint', async () => {
    const before = state();
    const checkpoints = new CheckpointStore();
    const { ctx, done } = run(
      { entityRef: ENTITY, steps: steps() },
      { checkpoints },
    );
    await done;
    expect(outputsOf(ctx).checked).toEqual([
      'aws:ecr:repository:create: planned',
      'kubernetes:crawler-namespace:apply: planned',
    ]);
    expect(state()).toBe(before);
    expect(checkpoints.ran).toEqual([]);
  });

  it('should pass for resources that are already this entity’s (adopted later by the real steps)', async () => {
    await ecr().send(
      new CreateRepositoryCommand({
        repositoryName: 'web-shop',
        tags: [{ Key: 'crawler-platform.io/entity', Value: ENTITY }],
      }),
    );
    const before = state();
    const { ctx, done } = run({ entityRef: ENTITY, steps: steps() });
    await done;
    expect(outputsOf(ctx).checked).toHaveLength(2);
    expect(state()).toBe(before);
  });

  it('should fail with the refusal of the one step whose resource is another entity’s, changing nothing', async () => {
    foreignNamespace();
    const before = state();
    const { done } = run({ entityRef: ENTITY, steps: steps() });
    await expect(done).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(OTHER),
    });
    expect(state()).toBe(before);
    expect(world.ecr.exists('web-shop')).toBe(false);
  });

  it('should name every refused resource when several belong to others or to none', async () => {
    foreignNamespace();
    await ecr().send(
      new CreateRepositoryCommand({ repositoryName: 'web-shop' }),
    );
    const before = state();
    const { done } = run({ entityRef: ENTITY, steps: steps() });
    await expect(done).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /^2 steps would not adopt what they found; nothing was changed:\n- .*web-shop.*\n- .*crawler-web-shop/s,
      ),
    });
    expect(state()).toBe(before);
  });

  it('should behave the same in a template dry run', async () => {
    foreignNamespace();
    const { done } = run(
      { entityRef: ENTITY, steps: steps() },
      { dryRun: true },
    );
    await expect(done).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('should reject a step naming another entity, or with input its action refuses, as InputError naming the step', async () => {
    await expect(
      run({ entityRef: ENTITY, steps: steps(OTHER) }).done,
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^steps\[0\] \(aws:ecr:repository:create\): entityRef must be component:default\/web-shop/,
      ),
    });
    await expect(
      run({
        entityRef: ENTITY,
        steps: [
          { action: 'aws:ecr:repository:create', input: { entityRef: ENTITY } },
        ],
      }).done,
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('repositoryName'),
    });
    await expect(
      run({ entityRef: 'not a ref!', steps: steps() }).done,
    ).rejects.toMatchObject({ name: 'InputError' });
  });

  it('should offer only the dry-runnable actions it was given, never itself', () => {
    const schema = action.schema?.input as any;
    expect(schema.properties.steps.items.properties.action.enum.sort()).toEqual(
      ['aws:ecr:repository:create', 'kubernetes:crawler-namespace:apply'],
    );
  });

  describe('an entity the catalog already has', () => {
    const guest = {
      ref: 'user:default/guest',
      groups: ['group:default/crawler-team'],
    };

    it('should refuse a user who is not its owner before any step runs, naming the owner', async () => {
      catalogOwners[ENTITY] = 'group:default/web-team';
      const before = state();
      const { ctx, done } = run(
        { entityRef: ENTITY, steps: steps() },
        { user: guest },
      );
      await expect(done).rejects.toThrow(
        'component:default/web-shop is already in the catalog, owned by group:default/web-team; only its owners may run this template for it (the run is user:default/guest)',
      );
      expect(state()).toBe(before);
      expect(ctx.output).not.toHaveBeenCalled();
    });

    it('should let a member of the owning group go on (a bare owner name is a group in the entity’s namespace)', async () => {
      catalogOwners[ENTITY] = 'crawler-team';
      const { ctx, done } = run(
        { entityRef: ENTITY, steps: steps() },
        { user: guest },
      );
      await done;
      expect(outputsOf(ctx).checked).toHaveLength(2);
    });

    it('should let the owning user go on', async () => {
      catalogOwners[ENTITY] = 'user:default/guest';
      const { done } = run(
        { entityRef: ENTITY, steps: steps() },
        { user: { ref: 'user:default/guest', groups: [] } },
      );
      await expect(done).resolves.toBeUndefined();
    });

    it('should refuse a run without a signed-in user', async () => {
      catalogOwners[ENTITY] = 'group:default/crawler-team';
      const { done } = run({ entityRef: ENTITY, steps: steps() });
      await expect(done).rejects.toThrow(
        '(the run is not by a signed-in user)',
      );
    });
  });
});
