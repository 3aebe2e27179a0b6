/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { AwsWorld } from '../AwsWorld';
import type { AwsAccount } from '../state';

/**
 * The image pipeline of a crawler repository, as the seed creates it through the APIs and the
 * `aws:codebuild:project:create` action does: a CodeBuild project building the repository's `buildspec.yml`
 * (privileged, `IMAGE_REPO_NAME` set) and an EventBridge rule starting it on each push to the branch.
 */

/** The CodeBuild service role of the seeded pipelines. */
export const CODEBUILD_SERVICE_ROLE = 'crawlers-codebuild';
/** The role EventBridge assumes to start the builds. */
export const CODEBUILD_EVENTS_ROLE = 'crawlers-codebuild-events';
/** The build image of the seeded projects (a real CodeBuild curated image name). */
export const CODEBUILD_IMAGE = 'aws/codebuild/amazonlinux2-x86_64-standard:5.0';

/** Trust policy letting an AWS service assume a role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
      },
    ],
  });
}

/** The build role's permissions: pull CodeCommit, log in to ECR and push images, write logs. */
export function codebuildServicePolicy(account: AwsAccount): string {
  const { region, accountId } = account;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['codecommit:GitPull'],
        Resource: `arn:aws:codecommit:${region}:${accountId}:*`,
      },
      { Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:InitiateLayerUpload',
          'ecr:UploadLayerPart',
          'ecr:CompleteLayerUpload',
          'ecr:PutImage',
          'ecr:BatchGetImage',
        ],
        Resource: `arn:aws:ecr:${region}:${accountId}:repository/*`,
      },
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ],
        Resource: '*',
      },
    ],
  });
}

/** The events role's permission: start builds of the account's projects. */
export function codebuildEventsPolicy(account: AwsAccount): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'codebuild:StartBuild',
        Resource: `arn:aws:codebuild:${account.region}:${account.accountId}:project/*`,
      },
    ],
  });
}

/** CreateProject's input for a crawler repository's image build. */
export function imageProjectInput(
  account: AwsAccount,
  p: {
    project: string;
    repository: string;
    imageRepository: string;
    branch?: string;
    privileged?: boolean;
  },
) {
  return {
    name: p.project,
    description: `Builds the worker image of ${p.repository} and pushes it to ECR ${p.imageRepository}`,
    source: {
      type: 'CODECOMMIT',
      location: `https://git-codecommit.${account.region}.amazonaws.com/v1/repos/${p.repository}`,
      buildspec: 'buildspec.yml',
    },
    sourceVersion: `refs/heads/${p.branch ?? 'main'}`,
    artifacts: { type: 'NO_ARTIFACTS' },
    environment: {
      type: 'LINUX_CONTAINER',
      image: CODEBUILD_IMAGE,
      computeType: 'BUILD_GENERAL1_SMALL',
      privilegedMode: p.privileged ?? true,
      environmentVariables: [
        {
          name: 'IMAGE_REPO_NAME',
          value: p.imageRepository,
          type: 'PLAINTEXT',
        },
        { name: 'AWS_ACCOUNT_ID', value: account.accountId, type: 'PLAINTEXT' },
      ],
    },
    serviceRole: `arn:aws:iam::${account.accountId}:role/${CODEBUILD_SERVICE_ROLE}`,
  };
}

/** The push rule's event pattern: CodeCommit reference created or updated on the branch of the repository. */
export function pushEventPattern(
  account: AwsAccount,
  repository: string,
  branch = 'main',
): string {
  return JSON.stringify({
    source: ['aws.codecommit'],
    'detail-type': ['CodeCommit Repository State Change'],
    resources: [
      `arn:aws:codecommit:${account.region}:${account.accountId}:${repository}`,
    ],
    detail: {
      event: ['referenceCreated', 'referenceUpdated'],
      referenceType: ['branch'],
      referenceName: [branch],
    },
  });
}

/** The rule's CodeBuild target: builds exactly the pushed commit (`sourceVersion` from the event). */
export function codebuildTarget(account: AwsAccount, project: string) {
  return {
    Id: 'codebuild',
    Arn: `arn:aws:codebuild:${account.region}:${account.accountId}:project/${project}`,
    RoleArn: `arn:aws:iam::${account.accountId}:role/${CODEBUILD_EVENTS_ROLE}`,
    InputTransformer: {
      InputPathsMap: { commitId: '$.detail.commitId' },
      InputTemplate: '{"sourceVersion": <commitId>}',
    },
  };
}

/**
 * Gives a repository an image pipeline directly in a world (tests): the two roles when missing, the project and the
 * push rule with its target. Goes through the same service methods the API handlers call.
 */
export function createImagePipeline(
  world: AwsWorld,
  p: {
    repository: string;
    imageRepository?: string;
    project?: string;
    branch?: string;
    privileged?: boolean;
  },
): void {
  const project = p.project ?? p.repository;
  for (const [role, service, policy] of [
    [
      CODEBUILD_SERVICE_ROLE,
      'codebuild.amazonaws.com',
      codebuildServicePolicy(world),
    ],
    [
      CODEBUILD_EVENTS_ROLE,
      'events.amazonaws.com',
      codebuildEventsPolicy(world),
    ],
  ]) {
    if (!world.iam.findRole(role)) {
      world.iam.createRole({
        RoleName: role,
        AssumeRolePolicyDocument: serviceTrustPolicy(service),
      });
      world.iam.putRolePolicy(role, 'pipeline', policy);
    }
  }
  world.builds.createProject(
    imageProjectInput(world, {
      project,
      repository: p.repository,
      imageRepository: p.imageRepository ?? p.repository,
      branch: p.branch,
      privileged: p.privileged,
    }),
  );
  const rule = `${project}-on-push`;
  world.eventBridge.putRule({
    Name: rule,
    EventPattern: pushEventPattern(world, p.repository, p.branch),
  });
  world.eventBridge.putTargets(rule, [codebuildTarget(world, project)]);
}
