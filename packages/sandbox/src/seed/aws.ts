/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { CreateProjectCommand } from '@aws-sdk/client-codebuild';
import { CreateRepositoryCommand } from '@aws-sdk/client-codecommit';
import { CreateRepositoryCommand as CreateEcrRepositoryCommand } from '@aws-sdk/client-ecr';
import {
  CreateFargateProfileCommand,
  DescribeClusterCommand,
} from '@aws-sdk/client-eks';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CODEBUILD_EVENTS_ROLE,
  CODEBUILD_SERVICE_ROLE,
  codebuildEventsPolicy,
  codebuildServicePolicy,
  codebuildTarget,
  imageProjectInput,
  pushEventPattern,
  serviceTrustPolicy,
} from '../aws/codebuild/pipeline';
import {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_DAG_REPOSITORY,
  SANDBOX_REGION,
} from '../constants';
import { crawlerRepositoryFiles, SeedCrawler } from '../seedContent';
import { SandboxLogger } from '../util/logger';
import { SeedClients } from './clients';
import { pushFiles } from './git';

/** What the crawlers' AWS resources build on: the cluster's OIDC issuer and the Fargate pod execution role. */
export type SharedAws = {
  /** The cluster's OIDC issuer without `https://`. */
  issuer: string;
  fargateRoleArn: string;
  /** The clone URL of the shared DAG repository. */
  dagRepoUrl: string;
};

/** The Fargate pod execution role of the seeded profiles. */
export const FARGATE_POD_EXECUTION_ROLE = 'crawlers-fargate-pod-execution';
/** The AWS managed policy that lets Fargate pull ECR images with the pod execution role (domain-facts §8). */
export const FARGATE_POD_EXECUTION_POLICY_ARN =
  'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy';

/**
 * Attaches the Fargate pod execution policy to the role. An IAM stand-in that does not serve AttachRolePolicy
 * (`InvalidAction`) is logged and the seeding goes on; any other error fails the seeding.
 */
async function attachFargatePolicy(iam: IAMClient, logger: SandboxLogger) {
  try {
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: FARGATE_POD_EXECUTION_ROLE,
        PolicyArn: FARGATE_POD_EXECUTION_POLICY_ARN,
      }),
    );
  } catch (e) {
    const name = (e as Error)?.name;
    if (name !== 'InvalidAction' && name !== 'UnknownOperationException')
      throw e;
    logger.warn('the IAM stand-in does not serve AttachRolePolicy', {
      role: FARGATE_POD_EXECUTION_ROLE,
      policy: FARGATE_POD_EXECUTION_POLICY_ARN,
      error: (e as Error).message,
    });
  }
}

const ACCOUNT = { accountId: SANDBOX_ACCOUNT_ID, region: SANDBOX_REGION };

/**
 * The image pipelines' roles: the CodeBuild service role (pull CodeCommit, push ECR) and the role EventBridge
 * assumes to start builds, each with its inline policy.
 */
async function seedPipelineRoles(iam: IAMClient): Promise<void> {
  const roles: Array<[string, string, string]> = [
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
  ];
  await Promise.all(
    roles.map(async ([RoleName, service, PolicyDocument]) => {
      await iam.send(
        new CreateRoleCommand({
          RoleName,
          AssumeRolePolicyDocument: serviceTrustPolicy(service),
        }),
      );
      await iam.send(
        new PutRolePolicyCommand({
          RoleName,
          PolicyName: 'image-pipeline',
          PolicyDocument,
        }),
      );
    }),
  );
}

/**
 * A crawler's image pipeline (before its code is pushed): the CodeBuild project building its `buildspec.yml` into
 * ECR, and the EventBridge rule starting it on pushes to `main`.
 */
async function seedImagePipeline(
  clients: SeedClients,
  crawler: SeedCrawler,
): Promise<void> {
  await clients.codebuild.send(
    new CreateProjectCommand(
      imageProjectInput(ACCOUNT, {
        project: crawler.name,
        repository: crawler.name,
        imageRepository: crawler.name,
      }) as any,
    ),
  );
  const rule = `${crawler.name}-on-push`;
  await clients.events.send(
    new PutRuleCommand({
      Name: rule,
      EventPattern: pushEventPattern(ACCOUNT, crawler.name),
      Description: `Builds ${crawler.name}'s image on pushes to main`,
    }),
  );
  await clients.events.send(
    new PutTargetsCommand({
      Rule: rule,
      Targets: [codebuildTarget(ACCOUNT, crawler.name)],
    }),
  );
}

/**
 * Looks up the cluster and creates the Fargate pod execution role (with AmazonEKSFargatePodExecutionRolePolicy),
 * the image pipelines' roles and the shared DAG repository.
 */
export async function seedSharedAws(
  clients: SeedClients,
  logger: SandboxLogger,
): Promise<SharedAws> {
  const [cluster, fargateRole, dagRepo] = await Promise.all([
    clients.eks.send(
      new DescribeClusterCommand({ name: SANDBOX_CLUSTER_NAME }),
    ),
    clients.iam.send(
      new CreateRoleCommand({
        RoleName: FARGATE_POD_EXECUTION_ROLE,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    ),
    clients.codecommit.send(
      new CreateRepositoryCommand({
        repositoryName: SANDBOX_DAG_REPOSITORY,
        repositoryDescription:
          'Shared Airflow DAG repository, synced by git-sync',
      }),
    ),
  ]);
  await Promise.all([
    attachFargatePolicy(clients.iam, logger),
    seedPipelineRoles(clients.iam),
  ]);
  return {
    issuer: (cluster.cluster?.identity?.oidc?.issuer ?? '').replace(
      /^https:\/\//,
      '',
    ),
    fargateRoleArn: fargateRole.Role!.Arn!,
    dagRepoUrl: dagRepo.repositoryMetadata!.cloneUrlHttp!,
  };
}

/** The crawler's IRSA role, trusted by its service account through the cluster's OIDC provider. */
function createIrsaRole(
  clients: SeedClients,
  crawler: SeedCrawler,
  issuer: string,
) {
  return clients.iam.send(
    new CreateRoleCommand({
      RoleName: `${crawler.name}-irsa`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: {
              Federated: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:oidc-provider/${issuer}`,
            },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${issuer}:sub`]: `system:serviceaccount:${crawler.namespace}:${crawler.serviceAccount}`,
              },
            },
          },
        ],
      }),
    }),
  );
}

/**
 * A crawler's AWS side: IRSA role, ECR repository, image pipeline (CodeBuild project and push rule), code repository
 * (pushed with git: the rule starts the build of the image) and a Fargate profile for the crawler's namespace.
 * Resolves to the IRSA role's ARN.
 */
export async function seedCrawlerAws(
  clients: SeedClients,
  crawler: SeedCrawler,
  shared: SharedAws,
): Promise<string> {
  // Independent of each other; all exist before the push, whose rule starts the build that pushes to ECR.
  const [role, , , repo] = await Promise.all([
    createIrsaRole(clients, crawler, shared.issuer),
    clients.ecr.send(
      new CreateEcrRepositoryCommand({ repositoryName: crawler.name }),
    ),
    seedImagePipeline(clients, crawler),
    clients.codecommit.send(
      new CreateRepositoryCommand({
        repositoryName: crawler.name,
        repositoryDescription: crawler.description,
      }),
    ),
  ]);
  await Promise.all([
    pushFiles(
      repo.repositoryMetadata!.cloneUrlHttp!,
      'main',
      crawlerRepositoryFiles(crawler),
      `Create ${crawler.name}`,
    ),
    clients.eks.send(
      new CreateFargateProfileCommand({
        clusterName: SANDBOX_CLUSTER_NAME,
        fargateProfileName: crawler.name,
        podExecutionRoleArn: shared.fargateRoleArn,
        selectors: [{ namespace: crawler.namespace }],
      }),
    ),
  ]);
  return role.Role!.Arn!;
}
