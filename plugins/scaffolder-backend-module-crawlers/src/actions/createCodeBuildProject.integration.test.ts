/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConflictError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_SECRET_ACCESS_KEY,
  Sandbox,
  startSandbox,
} from '@crawler-platform/sandbox';
import { actionContext, outputsOf, testDeps } from '../__testUtils__/context';
import { createAwsCodeBuildProjectCreateAction } from './createCodeBuildProject';
import { createAwsEcrRepositoryCreateAction } from './createEcrRepository';
import { createAwsEksFargateProfileCreateAction } from './createFargateProfile';

/**
 * The three AWS actions against a real sandbox (its AWS endpoint, SigV4-checked, with AWS's validation): the ECR
 * repository, the image pipeline that builds the crawler's image on a push, and the shared Fargate profile. One
 * sandbox for the file, because starting one takes seconds.
 */
describe('AWS actions against the sandbox', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crawlers-aws-it-'));
  let sandbox: Sandbox;
  let deps: ReturnType<typeof testDeps>;
  const ENTITY = 'component:default/test-crawler';

  beforeAll(async () => {
    sandbox = await startSandbox({
      dataDir,
      delays: {
        buildMs: 10,
        fargateProfileMs: 50,
        scheduleMs: 5,
        pullMs: 5,
        backoffMs: 50,
        runMs: 20,
      },
    });
    await sandbox.ready;
    deps = testDeps(
      {
        crawlers: { aws: { region: 'eu-west-1', endpoint: sandbox.urls.aws } },
      },
      {
        accessKeyId: SANDBOX_ACCESS_KEY_ID,
        secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
      },
    );
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (action: any, input: JsonObject) => {
    const ctx = actionContext({ input, workspacePath: dataDir });
    await action.handler(ctx);
    return outputsOf(ctx);
  };

  it('should create, adopt and guard an ECR repository through the sandbox ECR', async () => {
    const ecr = createAwsEcrRepositoryCreateAction(deps);
    const input = {
      repositoryName: 'crawlers/test-crawler',
      entityRef: ENTITY,
    };
    expect(await run(ecr, input)).toMatchObject({
      state: 'created',
      repositoryUri: `${SANDBOX_ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/crawlers/test-crawler`,
    });
    expect(sandbox.world.ecr.describe('crawlers/test-crawler')).toMatchObject({
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    });
    expect((await run(ecr, input)).state).toBe('adopted');
    await expect(
      run(ecr, { ...input, entityRef: 'component:default/other' }),
    ).rejects.toThrow(ConflictError);
  });

  it("should build the crawler's image with its own CodeBuild project when its code is pushed", async () => {
    const codebuild = createAwsCodeBuildProjectCreateAction(deps);
    const out = await run(codebuild, {
      repositoryName: 'test-crawler',
      imageRepositoryName: 'crawlers/test-crawler',
      entityRef: ENTITY,
      serviceRoleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/crawlers-codebuild`,
      eventsRoleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/crawlers-codebuild-events`,
    });
    expect(out.state).toBe('created');
    const { world } = sandbox;
    await world.codecommit.createRepository('test-crawler');
    const { commitId } = await world.codecommit.createCommit({
      repositoryName: 'test-crawler',
      branchName: 'main',
      putFiles: [
        {
          filePath: 'Dockerfile',
          fileContent: Buffer.from(
            'FROM python:3.12-slim\nCOPY crawler.py .\nCMD ["python", "crawler.py"]\n',
          ),
        },
        {
          filePath: 'buildspec.yml',
          fileContent: Buffer.from(
            'version: 0.2\nphases:\n  build:\n    commands:\n      - docker build -t $REPOSITORY_URI .\n',
          ),
        },
        {
          filePath: 'crawler.py',
          fileContent: Buffer.from('print("crawl")\n'),
        },
      ],
    });
    for (
      let i = 0;
      i < 500 &&
      !world.ecr.getImage('crawlers/test-crawler', commitId.slice(0, 7));
      i++
    ) {
      await new Promise(r => setTimeout(r, 10));
    }
    expect(world.builds.list('test-crawler')).toMatchObject([
      {
        projectName: 'test-crawler',
        initiator: 'rule/test-crawler-on-push',
        status: 'SUCCEEDED',
        imageRepository: 'crawlers/test-crawler',
        commitId,
      },
    ]);
    expect(
      (
        await run(codebuild, {
          repositoryName: 'test-crawler',
          imageRepositoryName: 'crawlers/test-crawler',
          entityRef: ENTITY,
          serviceRoleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/crawlers-codebuild`,
          eventsRoleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/crawlers-codebuild-events`,
        })
      ).state,
    ).toBe('adopted');
  });

  it('should create the shared Fargate profile on the private subnets, wait for ACTIVE, then adopt it', async () => {
    const fargate = createAwsEksFargateProfileCreateAction({
      ...deps,
      wait: { sleep: () => new Promise(r => setTimeout(r, 20)) },
    });
    const input = {
      clusterName: SANDBOX_CLUSTER_NAME,
      entityRef: ENTITY,
      namespace: 'crawler-test-crawler',
      podExecutionRoleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/crawlers-fargate-pod-execution`,
    };
    expect(await run(fargate, input)).toMatchObject({
      profileName: 'crawlers',
      status: 'ACTIVE',
      state: 'created',
    });
    const profile = sandbox.world.eks
      .profiles(SANDBOX_CLUSTER_NAME)
      .find(p => p.fargateProfileName === 'crawlers')!;
    expect(profile.selectors.map(s => s.namespace)).toEqual(['crawler-*']);
    expect(profile.subnets.length).toBeGreaterThan(0);
    expect((await run(fargate, input)).state).toBe('adopted');
  });
});
