/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CreateProjectCommand,
  UpdateProjectCommand,
} from '@aws-sdk/client-codebuild';
import { PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ConflictError, InputError } from '@backstage/errors';
import {
  actionContext,
  CheckpointStore,
  outputsOf,
  testDeps,
} from '../__testUtils__/context';
import { createAwsCodeBuildProjectCreateAction } from './createCodeBuildProject';
import { fakeCodeBuildAndEvents } from './__testUtils__/createCodeBuildProject.fakes';

const ENTITY = 'component:default/news-crawler';
const TAG = 'crawler-platform.io/entity';
const ROLE = 'arn:aws:iam::123456789012:role/crawlers-codebuild';
const EVENTS_ROLE = 'arn:aws:iam::123456789012:role/crawlers-codebuild-events';

describe('aws:codebuild:project:create', () => {
  const action = createAwsCodeBuildProjectCreateAction(
    testDeps({ crawlers: { aws: { region: 'eu-west-1' } } }),
  );
  let fake: ReturnType<typeof fakeCodeBuildAndEvents>;

  beforeEach(() => {
    fake = fakeCodeBuildAndEvents();
  });

  afterEach(() => fake.restore());

  const run = (
    input: Record<string, unknown> = {},
    opts: { dryRun?: boolean; checkpoints?: CheckpointStore } = {},
  ) => {
    const ctx = actionContext({
      input: {
        repositoryName: 'news-crawler',
        entityRef: ENTITY,
        serviceRoleArn: ROLE,
        eventsRoleArn: EVENTS_ROLE,
        ...input,
      },
      workspacePath: '/tmp',
      ...opts,
    });
    return { ctx, done: action.handler(ctx as any) };
  };

  /** Runs the action once so the project and rule exist, then forgets the calls. */
  const existingOwnedBy = async (owner: string) => {
    await run({ entityRef: owner }).done;
    fake.codebuild.resetHistory();
    fake.events.resetHistory();
  };

  it('should create a privileged CODECOMMIT project tagged with the entity and a push rule targeting it', async () => {
    const { ctx, done } = run();
    await done;
    const project =
      fake.codebuild.commandCalls(CreateProjectCommand)[0].args[0].input;
    expect(project).toMatchObject({
      name: 'news-crawler',
      source: {
        type: 'CODECOMMIT',
        location:
          'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/news-crawler',
        buildspec: 'buildspec.yml',
      },
      sourceVersion: 'refs/heads/main',
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: { privilegedMode: true, type: 'LINUX_CONTAINER' },
      serviceRole: ROLE,
      tags: [{ key: TAG, value: ENTITY }],
    });
    expect(project.environment?.environmentVariables).toEqual(
      expect.arrayContaining([
        { name: 'IMAGE_REPO_NAME', value: 'news-crawler', type: 'PLAINTEXT' },
        { name: 'AWS_ACCOUNT_ID', value: '123456789012', type: 'PLAINTEXT' },
        {
          name: 'REPOSITORY_URI',
          value: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/news-crawler',
          type: 'PLAINTEXT',
        },
      ]),
    );
    const rule = fake.rules.get('news-crawler-on-push')!;
    expect(JSON.parse(rule.EventPattern!)).toEqual({
      source: ['aws.codecommit'],
      'detail-type': ['CodeCommit Repository State Change'],
      resources: ['arn:aws:codecommit:eu-west-1:123456789012:news-crawler'],
      detail: {
        event: ['referenceCreated', 'referenceUpdated'],
        referenceType: ['branch'],
        referenceName: ['main'],
      },
    });
    expect(rule.Tags).toEqual([{ Key: TAG, Value: ENTITY }]);
    expect(rule.Targets).toEqual([
      {
        Id: 'codebuild',
        Arn: 'arn:aws:codebuild:eu-west-1:123456789012:project/news-crawler',
        RoleArn: EVENTS_ROLE,
        InputTransformer: {
          InputPathsMap: { commitId: '$.detail.commitId' },
          InputTemplate: '{"sourceVersion": <commitId>}',
        },
      },
    ]);
    expect(outputsOf(ctx)).toEqual({
      projectName: 'news-crawler',
      projectArn:
        'arn:aws:codebuild:eu-west-1:123456789012:project/news-crawler',
      ruleName: 'news-crawler-on-push',
      ruleArn:
        'arn:aws:events:eu-west-1:123456789012:rule/news-crawler-on-push',
      state: 'created',
    });
  });

  it('should adopt its own project and rule without writing when they match', async () => {
    await existingOwnedBy(ENTITY);
    const { ctx, done } = run();
    await done;
    expect(fake.writes()).toEqual([]);
    expect(outputsOf(ctx).state).toBe('adopted');
  });

  it('should update an own project whose settings drifted, keeping its tags', async () => {
    await existingOwnedBy(ENTITY);
    fake.projects.get('news-crawler')!.environment!.privilegedMode = false;
    await run().done;
    expect(fake.writes()).toEqual(['UpdateProjectCommand']);
    expect(
      fake.codebuild.commandCalls(UpdateProjectCommand)[0].args[0].input,
    ).toMatchObject({
      environment: { privilegedMode: true },
      tags: [{ key: TAG, value: ENTITY }],
    });
  });

  it("should refuse another entity's project without changing anything", async () => {
    await existingOwnedBy('component:default/price-crawler');
    const { done } = run();
    await expect(done).rejects.toThrow(ConflictError);
    await expect(done).rejects.toThrow(
      'CodeBuild project "news-crawler" already exists and belongs to component:default/price-crawler',
    );
    expect(fake.writes()).toEqual([]);
  });

  it("should refuse a rule of that name that is another entity's before creating the project", async () => {
    await run({
      projectName: 'other',
      ruleName: 'news-crawler-on-push',
      entityRef: 'component:default/x',
    }).done;
    fake.codebuild.resetHistory();
    fake.events.resetHistory();
    await expect(run().done).rejects.toThrow(
      'EventBridge rule "news-crawler-on-push" already exists and belongs to component:default/x',
    );
    expect(fake.writes()).toEqual([]);
  });

  it('should refuse a project another entity created between the read and the create', async () => {
    fake.codebuild.on(CreateProjectCommand).callsFakeOnce(input => {
      fake.projects.set(input.name, {
        name: input.name,
        tags: [{ key: TAG, value: 'component:default/price-crawler' }],
      });
      const e = new Error(`Project already exists: ${input.name}`);
      e.name = 'ResourceAlreadyExistsException';
      throw e;
    });
    await expect(run().done).rejects.toThrow(
      'belongs to component:default/price-crawler',
    );
    expect(fake.writes()).toEqual(['CreateProjectCommand']);
  });

  it('should change nothing in a dry run', async () => {
    const { ctx, done } = run({}, { dryRun: true });
    await done;
    expect(fake.writes()).toEqual([]);
    expect(outputsOf(ctx)).toMatchObject({
      state: 'planned',
      projectArn:
        'arn:aws:codebuild:eu-west-1:123456789012:project/news-crawler',
    });
  });

  it('should report bad names and role ARNs as InputError saying what to fix', async () => {
    await expect(run({ repositoryName: 'bad name' }).done).rejects.toThrow(
      InputError,
    );
    await expect(
      run({ serviceRoleArn: 'crawlers-codebuild' }).done,
    ).rejects.toThrow(
      'serviceRoleArn "crawlers-codebuild" is not an IAM role ARN',
    );
    await expect(run({ ruleName: 'x'.repeat(65) }).done).rejects.toThrow(
      'is not an EventBridge rule name',
    );
    await expect(
      run({ environmentVariables: { CODEBUILD_X: '1' } }).done,
    ).rejects.toThrow('environmentVariables: "CODEBUILD_X" cannot be used');
    await expect(
      run({ serviceRoleArn: 'arn:aws:iam::123456789012:role/untrusted' }).done,
    ).rejects.toThrow(
      'CodeBuild refused the project: CodeBuild is not authorized to perform: sts:AssumeRole',
    );
    expect(fake.writes()).toEqual(['CreateProjectCommand']);
  });

  it('should finish on a rerun after the target failed, without creating the project or rule again', async () => {
    const checkpoints = new CheckpointStore();
    fake.failures.putTargets = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
    });
    await expect(run({}, { checkpoints }).done).rejects.toThrow(
      'Rate exceeded',
    );
    expect(fake.rules.get('news-crawler-on-push')?.Targets).toEqual([]);
    await run({}, { checkpoints }).done;
    expect(fake.codebuild.commandCalls(CreateProjectCommand)).toHaveLength(1);
    expect(fake.events.commandCalls(PutTargetsCommand)).toHaveLength(2);
    expect(fake.rules.get('news-crawler-on-push')?.Targets).toHaveLength(1);
  });
});
