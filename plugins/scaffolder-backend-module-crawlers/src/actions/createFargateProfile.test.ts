/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { CreateFargateProfileCommand } from '@aws-sdk/client-eks';
import { ConflictError, InputError } from '@backstage/errors';
import {
  actionContext,
  CheckpointStore,
  outputsOf,
  testDeps,
} from '../__testUtils__/context';
import { createAwsEksFargateProfileCreateAction } from './createFargateProfile';
import { fakeEksAndEc2 } from './__testUtils__/createFargateProfile.fakes';

const ENTITY = 'component:default/news-crawler';
const ROLE = 'arn:aws:iam::123456789012:role/crawlers-fargate-pod-execution';
const PRIVATE = ['subnet-0private1', 'subnet-0private2'];

describe('aws:eks:fargate-profile:create', () => {
  let fake: ReturnType<typeof fakeEksAndEc2>;
  let now: number;
  const sleeps: number[] = [];
  const action = createAwsEksFargateProfileCreateAction({
    ...testDeps({ crawlers: { aws: { region: 'eu-west-1' } } }),
    wait: {
      now: () => now,
      sleep: async ms => {
        sleeps.push(ms);
        now += ms;
      },
    },
  });

  beforeEach(() => {
    fake = fakeEksAndEc2();
    now = 0;
    sleeps.length = 0;
  });

  afterEach(() => fake.restore());

  const run = (
    input: Record<string, unknown> = {},
    opts: { dryRun?: boolean; checkpoints?: CheckpointStore } = {},
  ) => {
    const ctx = actionContext({
      input: {
        clusterName: 'crawlers',
        entityRef: ENTITY,
        namespace: 'crawler-news-crawler',
        podExecutionRoleArn: ROLE,
        ...input,
      },
      workspacePath: '/tmp',
      ...opts,
    });
    return { ctx, done: action.handler(ctx as any) };
  };

  it('should create the shared crawler-* profile on the private subnets and wait for ACTIVE with progress', async () => {
    const { ctx, done } = run();
    await done;
    expect(
      fake.eks.commandCalls(CreateFargateProfileCommand)[0].args[0].input,
    ).toEqual({
      clusterName: 'crawlers',
      fargateProfileName: 'crawlers',
      podExecutionRoleArn: ROLE,
      subnets: PRIVATE,
      selectors: [{ namespace: 'crawler-*' }],
      tags: { 'crawler-platform.io/shared-profile': 'true' },
    });
    expect(sleeps).toEqual([10_000, 10_000]);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'Fargate profile crawlers is CREATING (10s)',
    );
    expect(outputsOf(ctx)).toMatchObject({
      profileName: 'crawlers',
      status: 'ACTIVE',
      state: 'created',
    });
  });

  it('should adopt the shared profile on later runs without creating another', async () => {
    fake.add('crawlers', {
      selectors: [{ namespace: 'crawler-*' }],
      podExecutionRoleArn: ROLE,
      subnets: PRIVATE,
      tags: { 'crawler-platform.io/shared-profile': 'true' },
    });
    const { ctx, done } = run({ namespace: 'crawler-price-crawler' });
    await done;
    expect(fake.writes()).toBe(0);
    expect(outputsOf(ctx).state).toBe('adopted');
  });

  it('should create a per-crawler profile tagged with the entity and adopt it when it is this entity’s', async () => {
    await run({ mode: 'perCrawler' }).done;
    const input = fake.eks.commandCalls(CreateFargateProfileCommand)[0].args[0]
      .input;
    expect(input).toMatchObject({
      fargateProfileName: 'crawler-news-crawler',
      selectors: [{ namespace: 'crawler-news-crawler' }],
      tags: { 'crawler-platform.io/entity': ENTITY },
    });
    const again = run({ mode: 'perCrawler' });
    await again.done;
    expect(fake.writes()).toBe(1);
    expect(outputsOf(again.ctx).state).toBe('adopted');
  });

  it("should refuse another entity's per-crawler profile, and a profile of the shared name that is not the platform's", async () => {
    fake.add('crawler-news-crawler', {
      tags: { 'crawler-platform.io/entity': 'component:default/other' },
    });
    await expect(run({ mode: 'perCrawler' }).done).rejects.toThrow(
      'Fargate profile "crawler-news-crawler" already exists and belongs to component:default/other',
    );
    fake.add('crawlers', { tags: {} });
    await expect(run().done).rejects.toThrow(ConflictError);
    expect(fake.writes()).toBe(0);
  });

  it('should name the difference of an existing profile, as profiles are immutable', async () => {
    fake.add('crawlers', {
      selectors: [{ namespace: 'crawler-*', labels: { team: 'a' } }],
      podExecutionRoleArn: ROLE,
      subnets: PRIVATE,
      tags: { 'crawler-platform.io/shared-profile': 'true' },
    });
    const { done } = run();
    await expect(done).rejects.toThrow(
      'Fargate profile "crawlers" exists with selectors [{"namespace":"crawler-*","labels":[["team","a"]]}] instead of [{"namespace":"crawler-*","labels":[]}]. Fargate profiles are immutable',
    );
    expect(fake.writes()).toBe(0);
  });

  it('should refuse to create an eleventh profile, naming the quota', async () => {
    for (let i = 0; i < 10; i++) fake.add(`p${i}`, {});
    await expect(run({ mode: 'perCrawler' }).done).rejects.toThrow(
      'already has 10 Fargate profiles, the EKS quota (L-33415657',
    );
  });

  it('should only read in a dry run', async () => {
    const { ctx, done } = run({}, { dryRun: true });
    await done;
    expect(fake.writes()).toBe(0);
    expect(outputsOf(ctx)).toMatchObject({
      state: 'planned',
      status: 'planned',
    });
  });

  it('should report bad input as InputError saying what to fix', async () => {
    await expect(run({ profileName: 'eks-crawlers' }).done).rejects.toThrow(
      'starts with the reserved prefix eks-',
    );
    await expect(
      run({
        selectors: Array.from({ length: 6 }, (_, i) => ({
          namespace: `n${i}`,
        })),
      }).done,
    ).rejects.toThrow('a Fargate profile has 1 to 5 selectors');
    await expect(
      run({
        selectors: [
          {
            namespace: 'crawler-*',
            labels: { a: '1', b: '1', c: '1', d: '1', e: '1', f: '1' },
          },
        ],
      }).done,
    ).rejects.toThrow('selectors[0] has 6 labels');
    await expect(
      run({ selectors: [{ namespace: 'team-*' }] }).done,
    ).rejects.toThrow('no selector matches namespace "crawler-news-crawler"');
    await expect(run({ subnets: ['subnet-0public1'] }).done).rejects.toThrow(
      InputError,
    );
    await expect(run({ subnets: ['subnet-0public1'] }).done).rejects.toThrow(
      'subnets: subnet-0public1 is public (route table rtb-public sends 0.0.0.0/0 to igw-1)',
    );
    expect(fake.writes()).toBe(0);
  });

  it('should warn about a private subnet without a NAT route and without ECR/STS endpoints', async () => {
    fake.tables['subnet-0private2'] = {
      RouteTableId: 'rtb-isolated',
      Routes: [],
    };
    const { ctx, done } = run({ subnets: PRIVATE });
    await done;
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Subnets subnet-0private2 have no NAT route and the VPC has no ecr.api, ecr.dkr, s3, sts endpoint',
      ),
    );
  });

  it('should time out while the profile is still CREATING', async () => {
    fake.restore();
    fake = fakeEksAndEc2({ creatingPolls: 1000 });
    await expect(run({ timeoutSeconds: 30 }).done).rejects.toThrow(
      'Fargate profile crawlers is still CREATING after 30s (timeoutSeconds 30)',
    );
  });

  it('should wait on a rerun after a timeout without creating the profile again', async () => {
    fake.restore();
    fake = fakeEksAndEc2({ creatingPolls: 5 });
    const checkpoints = new CheckpointStore();
    await expect(
      run({ timeoutSeconds: 20 }, { checkpoints }).done,
    ).rejects.toThrow('still CREATING');
    const { ctx, done } = run({ timeoutSeconds: 20 }, { checkpoints });
    await done;
    expect(fake.writes()).toBe(1);
    expect(outputsOf(ctx)).toMatchObject({ status: 'ACTIVE' });
  });

  it('should adopt a profile created by the same platform between the read and the create', async () => {
    fake.eks.on(CreateFargateProfileCommand).callsFakeOnce(() => {
      fake.add('crawlers', {
        selectors: [{ namespace: 'crawler-*' }],
        podExecutionRoleArn: ROLE,
        subnets: PRIVATE,
        tags: { 'crawler-platform.io/shared-profile': 'true' },
      });
      throw Object.assign(new Error('Fargate Profile already exists'), {
        name: 'ResourceInUseException',
      });
    });
    const { ctx, done } = run();
    await done;
    expect(outputsOf(ctx)).toMatchObject({ status: 'ACTIVE' });
  });
});
