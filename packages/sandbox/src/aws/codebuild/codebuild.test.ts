/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  InvalidInputException,
  ListBuildsForProjectCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  StartBuildCommand,
  UpdateProjectCommand,
} from '@aws-sdk/client-codebuild';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  DescribeRepositoriesCommand,
  InvalidParameterException as EcrInvalidParameterException,
  TagResourceCommand,
} from '@aws-sdk/client-ecr';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  InvalidEventPatternException,
  ListTagsForResourceCommand as ListRuleTagsCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceNotFoundException as EventsResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from '../../constants';
import { awsClientConfig, tempDataDir } from '../../testing/helpers';
import { RunningServer } from '../../util/http';
import { AwsWorld } from '../AwsWorld';
import { startAwsServer } from '../server';
import {
  CODEBUILD_EVENTS_ROLE,
  CODEBUILD_SERVICE_ROLE,
  codebuildEventsPolicy,
  codebuildServicePolicy,
  codebuildTarget,
  imageProjectInput,
  pushEventPattern,
  serviceTrustPolicy,
} from './pipeline';

const ACCOUNT = { accountId: SANDBOX_ACCOUNT_ID, region: SANDBOX_REGION };

describe('CodeBuild, EventBridge and ECR settings over the AWS endpoint', () => {
  let data: ReturnType<typeof tempDataDir>;
  let world: AwsWorld;
  let server: RunningServer;
  let codebuild: CodeBuildClient;
  let events: EventBridgeClient;
  let ecr: ECRClient;

  beforeEach(async () => {
    data = tempDataDir();
    world = new AwsWorld({ dataDir: data.dir });
    server = await startAwsServer({ world, port: 0 });
    codebuild = new CodeBuildClient(awsClientConfig(server.url));
    events = new EventBridgeClient(awsClientConfig(server.url));
    ecr = new ECRClient(awsClientConfig(server.url));
    for (const [role, service, policy] of [
      [
        CODEBUILD_SERVICE_ROLE,
        'codebuild.amazonaws.com',
        codebuildServicePolicy(ACCOUNT),
      ],
      [
        CODEBUILD_EVENTS_ROLE,
        'events.amazonaws.com',
        codebuildEventsPolicy(ACCOUNT),
      ],
    ]) {
      world.iam.createRole({
        RoleName: role,
        AssumeRolePolicyDocument: serviceTrustPolicy(service),
      });
      world.iam.putRolePolicy(role, 'pipeline', policy);
    }
  });

  afterEach(async () => {
    codebuild.destroy();
    events.destroy();
    ecr.destroy();
    await server.close();
    world.close();
    data.remove();
  });

  const project = (name = 'alpha') =>
    imageProjectInput(ACCOUNT, {
      project: name,
      repository: name,
      imageRepository: name,
    }) as any;

  it('should create a project, refuse a second one of that name and return both kinds of BatchGetProjects entries', async () => {
    const created = await codebuild.send(
      new CreateProjectCommand({
        ...project(),
        tags: [{ key: 'k', value: 'v' }],
      }),
    );
    expect(created.project).toMatchObject({
      name: 'alpha',
      arn: `arn:aws:codebuild:${SANDBOX_REGION}:${SANDBOX_ACCOUNT_ID}:project/alpha`,
      environment: {
        privilegedMode: true,
        computeType: 'BUILD_GENERAL1_SMALL',
      },
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(created.project?.created).toBeInstanceOf(Date);
    await expect(
      codebuild.send(new CreateProjectCommand(project())),
    ).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    const got = await codebuild.send(
      new BatchGetProjectsCommand({ names: ['alpha', 'missing'] }),
    );
    expect(got.projects?.map(p => p.name)).toEqual(['alpha']);
    expect(got.projectsNotFound).toEqual(['missing']);
  });

  it('should refuse a service role that does not trust codebuild.amazonaws.com', async () => {
    const input = project();
    input.serviceRole = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${CODEBUILD_EVENTS_ROLE}`;
    const error = await codebuild
      .send(new CreateProjectCommand(input))
      .catch(e => e);
    expect(error).toBeInstanceOf(InvalidInputException);
    expect(error.message).toBe(
      `CodeBuild is not authorized to perform: sts:AssumeRole on ${input.serviceRole}`,
    );
  });

  it('should refuse a project name outside CodeBuild pattern and a CODECOMMIT source without a repository URL', async () => {
    await expect(
      codebuild.send(new CreateProjectCommand({ ...project(), name: '-bad' })),
    ).rejects.toThrow(/failed to satisfy constraint/);
    await expect(
      codebuild.send(
        new CreateProjectCommand({
          ...project(),
          source: { type: 'CODECOMMIT', location: 'https://example.com/x' },
        }),
      ),
    ).rejects.toThrow(/Invalid source location/);
  });

  it('should update a project and replace its tags', async () => {
    await codebuild.send(new CreateProjectCommand(project()));
    const updated = await codebuild.send(
      new UpdateProjectCommand({
        name: 'alpha',
        environment: { ...project().environment, privilegedMode: false },
        tags: [
          {
            key: 'crawler-platform.io/entity',
            value: 'component:default/alpha',
          },
        ],
      }),
    );
    expect(updated.project?.environment?.privilegedMode).toBe(false);
    expect(updated.project?.tags).toEqual([
      { key: 'crawler-platform.io/entity', value: 'component:default/alpha' },
    ]);
    await expect(
      codebuild.send(new UpdateProjectCommand({ name: 'missing' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('should start a build, list it newest first and describe it IN_PROGRESS', async () => {
    await codebuild.send(new CreateProjectCommand(project()));
    const first = await codebuild.send(
      new StartBuildCommand({
        projectName: 'alpha',
        sourceVersion: 'refs/heads/main',
      }),
    );
    const second = await codebuild.send(
      new StartBuildCommand({ projectName: 'alpha' }),
    );
    expect(first.build).toMatchObject({
      buildStatus: 'IN_PROGRESS',
      projectName: 'alpha',
      buildNumber: 1,
      sourceVersion: 'refs/heads/main',
    });
    const listed = await codebuild.send(
      new ListBuildsForProjectCommand({ projectName: 'alpha' }),
    );
    expect(listed.ids).toEqual([second.build!.id, first.build!.id]);
    const got = await codebuild.send(
      new BatchGetBuildsCommand({ ids: [first.build!.id!, 'alpha:nope'] }),
    );
    expect(got.builds?.[0]?.id).toBe(first.build!.id);
    expect(got.buildsNotFound).toEqual(['alpha:nope']);
    await expect(
      codebuild.send(new StartBuildCommand({ projectName: 'missing' })),
    ).rejects.toThrow(
      `Project cannot be found: arn:aws:codebuild:${SANDBOX_REGION}:${SANDBOX_ACCOUNT_ID}:project/missing`,
    );
  });

  it('should create a push rule with a CodeBuild target and start a build of the pushed commit', async () => {
    await codebuild.send(new CreateProjectCommand(project()));
    await world.codecommit.createRepository('alpha');
    const rule = await events.send(
      new PutRuleCommand({
        Name: 'alpha-on-push',
        EventPattern: pushEventPattern(ACCOUNT, 'alpha'),
        Tags: [
          {
            Key: 'crawler-platform.io/entity',
            Value: 'component:default/alpha',
          },
        ],
      }),
    );
    expect(rule.RuleArn).toBe(
      `arn:aws:events:${SANDBOX_REGION}:${SANDBOX_ACCOUNT_ID}:rule/alpha-on-push`,
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'alpha-on-push',
        Targets: [codebuildTarget(ACCOUNT, 'alpha')],
      }),
    );
    const described = await events.send(
      new DescribeRuleCommand({ Name: 'alpha-on-push' }),
    );
    expect(described).toMatchObject({
      State: 'ENABLED',
      EventBusName: 'default',
    });
    const targets = await events.send(
      new ListTargetsByRuleCommand({ Rule: 'alpha-on-push' }),
    );
    expect(targets.Targets?.[0]).toMatchObject({ Id: 'codebuild' });
    const tags = await events.send(
      new ListRuleTagsCommand({ ResourceARN: rule.RuleArn }),
    );
    expect(tags.Tags).toEqual([
      { Key: 'crawler-platform.io/entity', Value: 'component:default/alpha' },
    ]);
    const { commitId } = await world.codecommit.createCommit({
      repositoryName: 'alpha',
      branchName: 'main',
      putFiles: [{ filePath: 'a.txt', fileContent: Buffer.from('a') }],
    });
    expect(world.builds.list('alpha')).toMatchObject([
      {
        sourceVersion: commitId,
        initiator: 'rule/alpha-on-push',
        status: 'IN_PROGRESS',
      },
    ]);
  });

  it('should record a failed invocation when the target role may not start the build', async () => {
    await codebuild.send(new CreateProjectCommand(project()));
    await world.codecommit.createRepository('alpha');
    world.iam.deleteRolePolicy(CODEBUILD_EVENTS_ROLE, 'pipeline');
    await events.send(
      new PutRuleCommand({
        Name: 'r',
        EventPattern: pushEventPattern(ACCOUNT, 'alpha'),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'r',
        Targets: [codebuildTarget(ACCOUNT, 'alpha')],
      }),
    );
    await world.codecommit.createCommit({
      repositoryName: 'alpha',
      branchName: 'main',
      putFiles: [{ filePath: 'a.txt', fileContent: Buffer.from('a') }],
    });
    expect(world.builds.list('alpha')).toEqual([]);
    expect(world.eventBridge.rule('r')?.invocations?.[0]).toMatchObject({
      outcome: 'FAILED',
      detail: expect.stringContaining(
        'is not authorized to perform: codebuild:StartBuild',
      ),
    });
  });

  it('should refuse an invalid event pattern, a CodeBuild target without a role and an unknown rule', async () => {
    await expect(
      events.send(
        new PutRuleCommand({ Name: 'r', EventPattern: '{"source": "x"}' }),
      ),
    ).rejects.toBeInstanceOf(InvalidEventPatternException);
    await events.send(
      new PutRuleCommand({ Name: 'r', EventPattern: '{"source": ["x"]}' }),
    );
    const { RoleArn: _r, ...noRole } = codebuildTarget(ACCOUNT, 'alpha');
    await expect(
      events.send(new PutTargetsCommand({ Rule: 'r', Targets: [noRole] })),
    ).rejects.toThrow(/RoleArn is required/);
    await expect(
      events.send(new DescribeRuleCommand({ Name: 'missing' })),
    ).rejects.toBeInstanceOf(EventsResourceNotFoundException);
  });

  it('should keep ECR scan on push, tag mutability exclusions, lifecycle policy and tags', async () => {
    const created = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'alpha',
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          { filterType: 'WILDCARD', filter: 'latest' },
        ],
        tags: [
          {
            Key: 'crawler-platform.io/entity',
            Value: 'component:default/alpha',
          },
        ],
      }),
    );
    const arn = created.repository!.repositoryArn!;
    expect(created.repository).toMatchObject({
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    });
    await ecr.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [{ Key: 'team', Value: 'a' }],
      }),
    );
    const tags = await ecr.send(
      new ListTagsForResourceCommand({ resourceArn: arn }),
    );
    expect(tags.tags).toEqual([
      { Key: 'crawler-platform.io/entity', Value: 'component:default/alpha' },
      { Key: 'team', Value: 'a' },
    ]);
    await expect(
      ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'alpha' })),
    ).rejects.toBeInstanceOf(LifecyclePolicyNotFoundException);
    const policy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: 'keep the last 30 images',
          selection: {
            tagStatus: 'any',
            countType: 'imageCountMoreThan',
            countNumber: 30,
          },
          action: { type: 'expire' },
        },
      ],
    });
    await ecr.send(
      new PutLifecyclePolicyCommand({
        repositoryName: 'alpha',
        lifecyclePolicyText: policy,
      }),
    );
    const got = await ecr.send(
      new GetLifecyclePolicyCommand({ repositoryName: 'alpha' }),
    );
    expect(got.lifecyclePolicyText).toBe(policy);
    await expect(
      ecr.send(
        new PutLifecyclePolicyCommand({
          repositoryName: 'alpha',
          lifecyclePolicyText: policy.replace('"expire"', '"delete"'),
        }),
      ),
    ).rejects.toBeInstanceOf(EcrInvalidParameterException);
    await ecr.send(
      new PutImageTagMutabilityCommand({
        repositoryName: 'alpha',
        imageTagMutability: 'MUTABLE',
      }),
    );
    await ecr.send(
      new PutImageScanningConfigurationCommand({
        repositoryName: 'alpha',
        imageScanningConfiguration: { scanOnPush: false },
      }),
    );
    const described = await ecr.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['alpha'] }),
    );
    expect(described.repositories?.[0]).toMatchObject({
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
    });
  });
});
