/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  GetLifecyclePolicyCommand,
  InvalidParameterException,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  Repository,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { ConflictError, InputError } from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import {
  actionContext,
  CheckpointStore,
  outputsOf,
  testDeps,
} from '../__testUtils__/context';
import { createAwsEcrRepositoryCreateAction } from './createEcrRepository';

const ENTITY = 'component:default/news-crawler';
const TAG = 'crawler-platform.io/entity';
const READS = [
  'DescribeRepositoriesCommand',
  'ListTagsForResourceCommand',
  'GetLifecyclePolicyCommand',
];

const POLICY = {
  rules: [
    {
      rulePriority: 1,
      selection: {
        tagStatus: 'any',
        countType: 'imageCountMoreThan',
        countNumber: 30,
      },
      action: { type: 'expire' },
    },
  ],
};

type Stored = {
  repo: Repository;
  tags: Array<{ Key: string; Value: string }>;
  policy?: string;
};

/** A small stateful ECR behind aws-sdk-client-mock. */
function fakeEcr() {
  const mock = mockClient(ECRClient);
  const repos = new Map<string, Stored>();
  const meta = { $metadata: {} };
  const notFound = (name: string) =>
    new RepositoryNotFoundException({
      ...meta,
      message: `The repository with name '${name}' does not exist in the registry with id '123456789012'`,
    });
  const add = (
    name: string,
    owner: string | undefined,
    settings: Partial<Repository> = {},
  ) => {
    repos.set(name, {
      repo: {
        repositoryName: name,
        repositoryArn: `arn:aws:ecr:eu-west-1:123456789012:repository/${name}`,
        repositoryUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}`,
        imageTagMutability: 'MUTABLE',
        imageScanningConfiguration: { scanOnPush: false },
        ...settings,
      },
      tags: owner ? [{ Key: TAG, Value: owner }] : [],
    });
  };
  const byArn = (arn?: string) =>
    [...repos.values()].find(r => r.repo.repositoryArn === arn);
  mock.on(DescribeRepositoriesCommand).callsFake(input => {
    const r = repos.get(input.repositoryNames[0]);
    if (!r) throw notFound(input.repositoryNames[0]);
    return { repositories: [r.repo] };
  });
  mock.on(CreateRepositoryCommand).callsFake(input => {
    if (repos.has(input.repositoryName)) {
      throw new RepositoryAlreadyExistsException({
        ...meta,
        message: 'exists',
      });
    }
    add(input.repositoryName, undefined, {
      imageTagMutability: input.imageTagMutability,
      imageTagMutabilityExclusionFilters:
        input.imageTagMutabilityExclusionFilters,
      imageScanningConfiguration: input.imageScanningConfiguration,
    });
    repos.get(input.repositoryName)!.tags = input.tags;
    return { repository: repos.get(input.repositoryName)!.repo };
  });
  mock
    .on(ListTagsForResourceCommand)
    .callsFake(input => ({ tags: byArn(input.resourceArn)?.tags ?? [] }));
  mock.on(GetLifecyclePolicyCommand).callsFake(input => {
    const policy = repos.get(input.repositoryName)?.policy;
    if (!policy) {
      throw new LifecyclePolicyNotFoundException({ ...meta, message: 'none' });
    }
    return { lifecyclePolicyText: policy };
  });
  const failures: { policy?: Error } = {};
  mock.on(PutLifecyclePolicyCommand).callsFake(input => {
    const failure = failures.policy;
    if (failure) {
      delete failures.policy;
      throw failure;
    }
    repos.get(input.repositoryName)!.policy = input.lifecyclePolicyText;
    return {};
  });
  mock.on(PutImageScanningConfigurationCommand).callsFake(input => {
    repos.get(input.repositoryName)!.repo.imageScanningConfiguration =
      input.imageScanningConfiguration;
    return {};
  });
  mock.on(PutImageTagMutabilityCommand).callsFake(input => {
    Object.assign(repos.get(input.repositoryName)!.repo, {
      imageTagMutability: input.imageTagMutability,
      imageTagMutabilityExclusionFilters:
        input.imageTagMutabilityExclusionFilters,
    });
    return {};
  });
  const writes = () =>
    mock
      .calls()
      .map(c => (c.args[0] as object).constructor.name)
      .filter(name => !READS.includes(name));
  return { mock, repos, add, writes, failures };
}

describe('aws:ecr:repository:create', () => {
  const action = createAwsEcrRepositoryCreateAction(
    testDeps({ crawlers: { aws: { region: 'eu-west-1' } } }),
  );
  let ecr: ReturnType<typeof fakeEcr>;

  beforeEach(() => {
    ecr = fakeEcr();
  });

  afterEach(() => ecr.mock.restore());

  const run = (
    input: Record<string, unknown>,
    opts: { dryRun?: boolean; checkpoints?: CheckpointStore } = {},
  ) => {
    const ctx = actionContext({
      input: { repositoryName: 'news-crawler', entityRef: ENTITY, ...input },
      workspacePath: '/tmp',
      ...opts,
    });
    return { ctx, done: action.handler(ctx as any) };
  };

  it('should create a tagged repository with scan on push and immutable tags except latest', async () => {
    const { ctx, done } = run({ lifecyclePolicy: POLICY });
    await done;
    expect(
      ecr.mock.commandCalls(CreateRepositoryCommand)[0].args[0].input,
    ).toEqual({
      repositoryName: 'news-crawler',
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [
        { filterType: 'WILDCARD', filter: 'latest' },
      ],
      tags: [{ Key: TAG, Value: ENTITY }],
    });
    expect(ecr.repos.get('news-crawler')?.policy).toBe(JSON.stringify(POLICY));
    expect(outputsOf(ctx)).toEqual({
      repositoryName: 'news-crawler',
      repositoryArn:
        'arn:aws:ecr:eu-west-1:123456789012:repository/news-crawler',
      repositoryUri:
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/news-crawler',
      state: 'created',
    });
  });

  it('should adopt a repository tagged with this entity and bring its settings in line', async () => {
    ecr.add('news-crawler', 'Component:default/News-Crawler');
    const { ctx, done } = run({});
    await done;
    expect(ecr.mock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    expect(ecr.writes().sort()).toEqual([
      'PutImageScanningConfigurationCommand',
      'PutImageTagMutabilityCommand',
    ]);
    expect(ecr.repos.get('news-crawler')?.repo).toMatchObject({
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    });
    expect(outputsOf(ctx).state).toBe('adopted');
  });

  it('should adopt a repository whose settings match without writing', async () => {
    ecr.add('news-crawler', ENTITY, {
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE',
    });
    await run({ mutableTags: [] }).done;
    expect(ecr.writes()).toEqual([]);
  });

  it("should refuse another entity's repository, naming it and its owner, without a change", async () => {
    ecr.add('news-crawler', 'component:default/price-crawler');
    const { done } = run({});
    await expect(done).rejects.toThrow(ConflictError);
    await expect(done).rejects.toThrow(
      'ECR repository "news-crawler" already exists and belongs to component:default/price-crawler',
    );
    expect(ecr.writes()).toEqual([]);
  });

  it('should refuse an existing repository without the entity tag', async () => {
    ecr.add('news-crawler', undefined);
    await expect(run({}).done).rejects.toThrow(
      'has no tag crawler-platform.io/entity',
    );
    expect(ecr.writes()).toEqual([]);
  });

  it('should refuse a repository another entity created between the read and the create', async () => {
    ecr.mock.on(CreateRepositoryCommand).callsFakeOnce(() => {
      ecr.add('news-crawler', 'component:default/price-crawler');
      throw new RepositoryAlreadyExistsException({
        $metadata: {},
        message: 'exists',
      });
    });
    await expect(run({ lifecyclePolicy: POLICY }).done).rejects.toThrow(
      'belongs to component:default/price-crawler',
    );
    expect(ecr.writes()).toEqual(['CreateRepositoryCommand']);
  });

  it('should change nothing in a dry run and report the planned repository', async () => {
    const { ctx, done } = run({ lifecyclePolicy: POLICY }, { dryRun: true });
    await done;
    expect(ecr.writes()).toEqual([]);
    expect(outputsOf(ctx)).toMatchObject({
      state: 'planned',
      repositoryUri: '<account>.dkr.ecr.eu-west-1.amazonaws.com/news-crawler',
    });
  });

  it('should only read an own repository with other settings in a dry run', async () => {
    ecr.add('news-crawler', ENTITY);
    await run({ lifecyclePolicy: POLICY }, { dryRun: true }).done;
    expect(ecr.writes()).toEqual([]);
  });

  it('should report a bad repository name, entity ref and tag filter as InputError saying what to fix', async () => {
    await expect(run({ repositoryName: 'News_Crawler!' }).done).rejects.toThrow(
      InputError,
    );
    await expect(run({ repositoryName: 'News_Crawler!' }).done).rejects.toThrow(
      'repositoryName "News_Crawler!" is not a valid ECR repository name',
    );
    await expect(run({ entityRef: 'component:' }).done).rejects.toThrow(
      'is not an entity ref',
    );
    await expect(run({ mutableTags: ['bad tag'] }).done).rejects.toThrow(
      'mutableTags: "bad tag" is not an ECR tag filter',
    );
    expect(ecr.writes()).toEqual([]);
  });

  it('should report a lifecycle policy ECR refuses as InputError naming lifecyclePolicy', async () => {
    ecr.mock.on(PutLifecyclePolicyCommand).rejects(
      new InvalidParameterException({
        $metadata: {},
        message:
          "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure'",
      }),
    );
    const { done } = run({ lifecyclePolicy: POLICY });
    await expect(done).rejects.toThrow(InputError);
    await expect(done).rejects.toThrow('lifecyclePolicy: ECR refused it');
  });

  it('should finish on a rerun after a failure half-way without creating the repository again', async () => {
    const checkpoints = new CheckpointStore();
    ecr.failures.policy = new ECRServiceException({
      name: 'ServerException',
      $fault: 'server',
      $metadata: {},
      message: 'internal error',
    });
    await expect(
      run({ lifecyclePolicy: POLICY }, { checkpoints }).done,
    ).rejects.toThrow('internal error');
    expect(ecr.repos.get('news-crawler')?.policy).toBeUndefined();
    const { ctx, done } = run({ lifecyclePolicy: POLICY }, { checkpoints });
    await done;
    expect(ecr.mock.commandCalls(CreateRepositoryCommand)).toHaveLength(1);
    expect(ecr.repos.get('news-crawler')?.policy).toBe(JSON.stringify(POLICY));
    expect(outputsOf(ctx).state).toBe('adopted');
  });
});
