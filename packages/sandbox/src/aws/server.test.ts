/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  BranchDoesNotExistException,
  CodeCommitClient,
  CommitIdDoesNotExistException,
  CreateCommitCommand,
  CreateRepositoryCommand,
  FileContentSizeLimitExceededException,
  GetBranchCommand,
  GetCommitCommand,
  GetDifferencesCommand,
  CreatePullRequestCommand,
  GetPullRequestCommand,
  ListPullRequestsCommand,
  ManualMergeRequiredException,
  MergePullRequestByFastForwardCommand,
  PullRequestDoesNotExistException,
  SourceAndDestinationAreSameException,
  GetFileCommand,
  GetFolderCommand,
  FileDoesNotExistException,
  PutFileCommand,
  SameFileContentException,
  GetRepositoryCommand,
  InvalidRepositoryNameException,
  MaximumFileEntriesExceededException,
  NoChangeException,
  ParentCommitIdOutdatedException,
  ParentCommitIdRequiredException,
  RepositoryDoesNotExistException,
  RepositoryNameExistsException,
} from '@aws-sdk/client-codecommit';
import {
  CreateRepositoryCommand as CreateEcrRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import {
  CreateFargateProfileCommand,
  DeleteFargateProfileCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  EKSClient,
  InvalidParameterException,
  ListFargateProfilesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import {
  CreateRoleCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_IAM_USER_ARN,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';
import {
  awsClientConfig,
  eventually,
  recordingLogger,
  tempDataDir,
} from '../testing/helpers';
import { RunningServer } from '../util/http';
import { AwsWorld } from './AwsWorld';
import { startAwsServer } from './server';

const FARGATE_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
});

describe('startAwsServer', () => {
  let data: ReturnType<typeof tempDataDir>;
  let world: AwsWorld;
  let server: RunningServer;
  const logger = recordingLogger();

  beforeEach(async () => {
    data = tempDataDir();
    world = new AwsWorld({
      dataDir: data.dir,
      delays: { fargateProfileMs: 10 },
    });
    server = await startAwsServer({ world, port: 0, logger });
  });

  afterEach(async () => {
    await server.close();
    world.close();
    data.remove();
  });

  const codecommit = () => new CodeCommitClient(awsClientConfig(server.url));

  describe('CodeCommit', () => {
    it('should create and get a repository, and reject a duplicate with RepositoryNameExistsException', async () => {
      const client = codecommit();
      const created = await client.send(
        new CreateRepositoryCommand({
          repositoryName: 'crawler-one',
          repositoryDescription: 'd',
        }),
      );
      expect(created.repositoryMetadata).toMatchObject({
        repositoryName: 'crawler-one',
        accountId: SANDBOX_ACCOUNT_ID,
        Arn: `arn:aws:codecommit:eu-west-1:${SANDBOX_ACCOUNT_ID}:crawler-one`,
      });
      expect(created.repositoryMetadata?.creationDate).toBeInstanceOf(Date);
      const got = await client.send(
        new GetRepositoryCommand({ repositoryName: 'crawler-one' }),
      );
      expect(got.repositoryMetadata?.repositoryId).toBe(
        created.repositoryMetadata?.repositoryId,
      );
      await expect(
        client.send(
          new CreateRepositoryCommand({ repositoryName: 'crawler-one' }),
        ),
      ).rejects.toBeInstanceOf(RepositoryNameExistsException);
    });

    it('should reject invalid names and unknown repositories with the typed exceptions', async () => {
      const client = codecommit();
      await expect(
        client.send(
          new CreateRepositoryCommand({ repositoryName: 'bad name' }),
        ),
      ).rejects.toBeInstanceOf(InvalidRepositoryNameException);
      await expect(
        client.send(new CreateRepositoryCommand({ repositoryName: 'x.git' })),
      ).rejects.toBeInstanceOf(InvalidRepositoryNameException);
      await expect(
        client.send(new GetRepositoryCommand({ repositoryName: 'missing' })),
      ).rejects.toBeInstanceOf(RepositoryDoesNotExistException);
    });

    it('should create commits with git plumbing and answer GetBranch, GetCommit and GetDifferences from git', async () => {
      const client = codecommit();
      await client.send(new CreateRepositoryCommand({ repositoryName: 'r1' }));
      const first = await client.send(
        new CreateCommitCommand({
          repositoryName: 'r1',
          branchName: 'main',
          authorName: 'Ada',
          email: 'ada@example.com',
          commitMessage: 'initial',
          putFiles: [
            { filePath: 'README.md', fileContent: Buffer.from('hello\n') },
            {
              filePath: 'bin/run.sh',
              fileContent: Buffer.from('#!/bin/sh\n'),
              fileMode: 'EXECUTABLE',
            },
          ],
        }),
      );
      expect(first.commitId).toMatch(/^[0-9a-f]{40}$/);
      expect(first.filesAdded?.map(f => f.absolutePath).sort()).toEqual([
        'README.md',
        'bin/run.sh',
      ]);
      await expect(
        client.send(
          new CreateCommitCommand({
            repositoryName: 'r1',
            branchName: 'main',
            putFiles: [{ filePath: 'a', fileContent: Buffer.from('a') }],
          }),
        ),
      ).rejects.toBeInstanceOf(ParentCommitIdRequiredException);
      const second = await client.send(
        new CreateCommitCommand({
          repositoryName: 'r1',
          branchName: 'main',
          parentCommitId: first.commitId,
          commitMessage: 'second',
          putFiles: [
            {
              filePath: 'README.md',
              fileContent: Buffer.from('hello again\n'),
            },
          ],
          deleteFiles: [{ filePath: 'bin/run.sh' }],
        }),
      );
      expect(second.filesUpdated?.map(f => f.absolutePath)).toEqual([
        'README.md',
      ]);
      expect(second.filesDeleted?.map(f => f.absolutePath)).toEqual([
        'bin/run.sh',
      ]);
      await expect(
        client.send(
          new CreateCommitCommand({
            repositoryName: 'r1',
            branchName: 'main',
            parentCommitId: first.commitId,
            putFiles: [{ filePath: 'x', fileContent: Buffer.from('x') }],
          }),
        ),
      ).rejects.toBeInstanceOf(ParentCommitIdOutdatedException);
      await expect(
        client.send(
          new CreateCommitCommand({
            repositoryName: 'r1',
            branchName: 'main',
            parentCommitId: second.commitId,
            putFiles: [
              {
                filePath: 'README.md',
                fileContent: Buffer.from('hello again\n'),
              },
            ],
          }),
        ),
      ).rejects.toBeInstanceOf(NoChangeException);

      const branch = await client.send(
        new GetBranchCommand({ repositoryName: 'r1', branchName: 'main' }),
      );
      expect(branch.branch).toEqual({
        branchName: 'main',
        commitId: second.commitId,
      });
      await expect(
        client.send(
          new GetBranchCommand({ repositoryName: 'r1', branchName: 'nope' }),
        ),
      ).rejects.toBeInstanceOf(BranchDoesNotExistException);
      const commit = await client.send(
        new GetCommitCommand({
          repositoryName: 'r1',
          commitId: second.commitId,
        }),
      );
      expect(commit.commit).toMatchObject({
        parents: [first.commitId],
        message: 'second',
        treeId: second.treeId,
      });
      expect(commit.commit?.author?.name).toBe(SANDBOX_IAM_USER_ARN);
      const firstCommit = await client.send(
        new GetCommitCommand({
          repositoryName: 'r1',
          commitId: first.commitId!,
        }),
      );
      expect(firstCommit.commit?.author).toMatchObject({
        name: 'Ada',
        email: 'ada@example.com',
      });
      await expect(
        client.send(
          new GetCommitCommand({
            repositoryName: 'r1',
            commitId: '0'.repeat(40),
          }),
        ),
      ).rejects.toBeInstanceOf(CommitIdDoesNotExistException);

      const diff = await client.send(
        new GetDifferencesCommand({
          repositoryName: 'r1',
          beforeCommitSpecifier: first.commitId,
          afterCommitSpecifier: 'main',
        }),
      );
      expect(
        diff.differences
          ?.map(d => [d.changeType, d.beforeBlob?.path ?? d.afterBlob?.path])
          .sort(),
      ).toEqual([
        ['D', 'bin/run.sh'],
        ['M', 'README.md'],
      ]);
      const all = await client.send(
        new GetDifferencesCommand({
          repositoryName: 'r1',
          afterCommitSpecifier: first.commitId,
        }),
      );
      expect(all.differences?.map(d => d.afterBlob?.mode).sort()).toEqual([
        '100644',
        '100755',
      ]);
    });

    it('should read files and folders and put single files', async () => {
      const client = codecommit();
      await client.send(
        new CreateRepositoryCommand({ repositoryName: 'files' }),
      );
      const put = await client.send(
        new PutFileCommand({
          repositoryName: 'files',
          branchName: 'main',
          filePath: 'dags/crawler_one.py',
          fileContent: Buffer.from('x = 1\n'),
          commitMessage: 'add DAG',
        }),
      );
      expect(put.commitId).toMatch(/^[0-9a-f]{40}$/);
      const file = await client.send(
        new GetFileCommand({
          repositoryName: 'files',
          filePath: 'dags/crawler_one.py',
        }),
      );
      expect(Buffer.from(file.fileContent!).toString()).toBe('x = 1\n');
      expect(file).toMatchObject({
        commitId: put.commitId,
        blobId: put.blobId,
        fileMode: 'NORMAL',
        fileSize: 6,
      });
      const root = await client.send(
        new GetFolderCommand({ repositoryName: 'files', folderPath: '/' }),
      );
      expect(root.subFolders?.map(f => f.absolutePath)).toEqual(['dags']);
      const dags = await client.send(
        new GetFolderCommand({
          repositoryName: 'files',
          folderPath: 'dags',
          commitSpecifier: 'main',
        }),
      );
      expect(dags.files?.map(f => f.relativePath)).toEqual(['crawler_one.py']);
      await expect(
        client.send(
          new GetFileCommand({ repositoryName: 'files', filePath: 'nope.py' }),
        ),
      ).rejects.toBeInstanceOf(FileDoesNotExistException);
      await expect(
        client.send(
          new PutFileCommand({
            repositoryName: 'files',
            branchName: 'main',
            parentCommitId: put.commitId,
            filePath: 'dags/crawler_one.py',
            fileContent: Buffer.from('x = 1\n'),
          }),
        ),
      ).rejects.toBeInstanceOf(SameFileContentException);
    });

    it('should open pull requests and merge them by fast-forward, refusing diverged branches', async () => {
      const client = codecommit();
      await client.send(
        new CreateRepositoryCommand({ repositoryName: 'dags' }),
      );
      const base = await client.send(
        new CreateCommitCommand({
          repositoryName: 'dags',
          branchName: 'main',
          putFiles: [
            { filePath: 'dags/a.py', fileContent: Buffer.from('a = 1\n') },
          ],
        }),
      );
      const feature = await client.send(
        new CreateCommitCommand({
          repositoryName: 'dags',
          branchName: 'add-b',
          parentCommitId: base.commitId,
          putFiles: [
            { filePath: 'dags/b.py', fileContent: Buffer.from('b = 1\n') },
          ],
        }),
      );
      const created = await client.send(
        new CreatePullRequestCommand({
          title: 'Add crawler b',
          targets: [
            {
              repositoryName: 'dags',
              sourceReference: 'add-b',
              destinationReference: 'main',
            },
          ],
        }),
      );
      const id = created.pullRequest!.pullRequestId!;
      expect(created.pullRequest).toMatchObject({
        pullRequestStatus: 'OPEN',
        pullRequestTargets: [
          {
            sourceCommit: feature.commitId,
            destinationCommit: base.commitId,
            mergeBase: base.commitId,
          },
        ],
      });
      expect(
        (
          await client.send(
            new ListPullRequestsCommand({ repositoryName: 'dags' }),
          )
        ).pullRequestIds,
      ).toEqual([id]);
      const merged = await client.send(
        new MergePullRequestByFastForwardCommand({
          pullRequestId: id,
          repositoryName: 'dags',
        }),
      );
      expect(
        merged.pullRequest?.pullRequestTargets?.[0].mergeMetadata,
      ).toMatchObject({ isMerged: true, mergeCommitId: feature.commitId });
      expect(
        (
          await client.send(
            new GetBranchCommand({
              repositoryName: 'dags',
              branchName: 'main',
            }),
          )
        ).branch?.commitId,
      ).toBe(feature.commitId);
      expect(
        (await client.send(new GetPullRequestCommand({ pullRequestId: id })))
          .pullRequest?.pullRequestStatus,
      ).toBe('CLOSED');

      await client.send(
        new CreateCommitCommand({
          repositoryName: 'dags',
          branchName: 'main',
          parentCommitId: feature.commitId,
          putFiles: [{ filePath: 'x', fileContent: Buffer.from('x') }],
        }),
      );
      await client.send(
        new CreateCommitCommand({
          repositoryName: 'dags',
          branchName: 'other',
          parentCommitId: feature.commitId,
          putFiles: [{ filePath: 'y', fileContent: Buffer.from('y') }],
        }),
      );
      const diverged = await client.send(
        new CreatePullRequestCommand({
          title: 't',
          targets: [
            { repositoryName: 'dags', sourceReference: 'refs/heads/other' },
          ],
        }),
      );
      await expect(
        client.send(
          new MergePullRequestByFastForwardCommand({
            pullRequestId: diverged.pullRequest!.pullRequestId!,
            repositoryName: 'dags',
          }),
        ),
      ).rejects.toBeInstanceOf(ManualMergeRequiredException);
      await expect(
        client.send(
          new CreatePullRequestCommand({
            title: 't',
            targets: [
              {
                repositoryName: 'dags',
                sourceReference: 'main',
                destinationReference: 'main',
              },
            ],
          }),
        ),
      ).rejects.toBeInstanceOf(SourceAndDestinationAreSameException);
      await expect(
        client.send(new GetPullRequestCommand({ pullRequestId: '99' })),
      ).rejects.toBeInstanceOf(PullRequestDoesNotExistException);
    });

    it('should enforce the 100-file and 6 MB limits of CreateCommit', async () => {
      const client = codecommit();
      await client.send(
        new CreateRepositoryCommand({ repositoryName: 'limits' }),
      );
      const many = Array.from({ length: 101 }, (_, i) => ({
        filePath: `f${i}.txt`,
        fileContent: Buffer.from(String(i)),
      }));
      await expect(
        client.send(
          new CreateCommitCommand({
            repositoryName: 'limits',
            branchName: 'main',
            putFiles: many,
          }),
        ),
      ).rejects.toBeInstanceOf(MaximumFileEntriesExceededException);
      await expect(
        client.send(
          new CreateCommitCommand({
            repositoryName: 'limits',
            branchName: 'main',
            putFiles: [
              {
                filePath: 'big.bin',
                fileContent: Buffer.alloc(6 * 1024 * 1024 + 1),
              },
            ],
          }),
        ),
      ).rejects.toBeInstanceOf(FileContentSizeLimitExceededException);
      const ok = await client.send(
        new CreateCommitCommand({
          repositoryName: 'limits',
          branchName: 'main',
          putFiles: many.slice(0, 100),
        }),
      );
      expect(ok.filesAdded).toHaveLength(100);
    });
  });

  describe('ECR', () => {
    it('should create and describe repositories with the typed exceptions', async () => {
      const client = new ECRClient(awsClientConfig(server.url));
      const created = await client.send(
        new CreateEcrRepositoryCommand({ repositoryName: 'crawlers/one' }),
      );
      expect(created.repository).toMatchObject({
        repositoryName: 'crawlers/one',
        repositoryUri: `${SANDBOX_ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/crawlers/one`,
        registryId: SANDBOX_ACCOUNT_ID,
      });
      await expect(
        client.send(
          new CreateEcrRepositoryCommand({ repositoryName: 'crawlers/one' }),
        ),
      ).rejects.toBeInstanceOf(RepositoryAlreadyExistsException);
      const described = await client.send(
        new DescribeRepositoriesCommand({ repositoryNames: ['crawlers/one'] }),
      );
      expect(described.repositories?.[0].createdAt).toBeInstanceOf(Date);
      await expect(
        client.send(
          new DescribeRepositoriesCommand({ repositoryNames: ['nope'] }),
        ),
      ).rejects.toBeInstanceOf(RepositoryNotFoundException);
      world.ecr.putImage('crawlers/one', 'latest', { sourceCommit: 'abc' });
      const images = await client.send(
        new DescribeImagesCommand({ repositoryName: 'crawlers/one' }),
      );
      expect(images.imageDetails?.[0].imageTags).toEqual(['latest']);
    });
  });

  describe('EKS', () => {
    it('should describe the sandbox cluster as ACTIVE with CA data and a ResourceNotFoundException for others', async () => {
      const client = new EKSClient(awsClientConfig(server.url));
      world.eks.setClusterEndpoint(
        SANDBOX_CLUSTER_NAME,
        'http://127.0.0.1:7443',
      );
      const { cluster } = await client.send(
        new DescribeClusterCommand({ name: SANDBOX_CLUSTER_NAME }),
      );
      expect(cluster).toMatchObject({
        status: 'ACTIVE',
        endpoint: 'http://127.0.0.1:7443',
        name: SANDBOX_CLUSTER_NAME,
      });
      expect(
        Buffer.from(cluster!.certificateAuthority!.data!, 'base64').toString(),
      ).toContain('BEGIN CERTIFICATE');
      await expect(
        client.send(new DescribeClusterCommand({ name: 'other' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('should create Fargate profiles CREATING then ACTIVE, enforce the limits and delete them', async () => {
      const client = new EKSClient(awsClientConfig(server.url));
      const role = world.iam.createRole({
        RoleName: 'fargate-pods',
        AssumeRolePolicyDocument: FARGATE_TRUST,
      });
      const base = {
        clusterName: SANDBOX_CLUSTER_NAME,
        podExecutionRoleArn: role.Arn,
      };
      const created = await client.send(
        new CreateFargateProfileCommand({
          ...base,
          fargateProfileName: 'p1',
          selectors: [{ namespace: 'crawler-one', labels: { app: 'x' } }],
        }),
      );
      expect(created.fargateProfile?.status).toBe('CREATING');
      await expect(
        client.send(
          new CreateFargateProfileCommand({
            ...base,
            fargateProfileName: 'p1',
            selectors: [{ namespace: 'a' }],
          }),
        ),
      ).rejects.toBeInstanceOf(ResourceInUseException);
      const six = Array.from({ length: 6 }, (_, i) => ({ namespace: `n${i}` }));
      await expect(
        client.send(
          new CreateFargateProfileCommand({
            ...base,
            fargateProfileName: 'p2',
            selectors: six,
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidParameterException);
      const sixLabels = Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [`k${i}`, 'v']),
      );
      await expect(
        client.send(
          new CreateFargateProfileCommand({
            ...base,
            fargateProfileName: 'p2',
            selectors: [{ namespace: 'a', labels: sixLabels }],
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(
        client.send(
          new CreateFargateProfileCommand({
            ...base,
            fargateProfileName: 'p2',
            selectors: [{ labels: { a: 'b' } }],
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(
        client.send(
          new CreateFargateProfileCommand({
            ...base,
            fargateProfileName: 'p2',
            subnets: ['subnet-0public00000000a'],
            selectors: [{ namespace: 'a' }],
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidParameterException);

      await eventually(
        async () =>
          (
            await client.send(
              new DescribeFargateProfileCommand({
                clusterName: SANDBOX_CLUSTER_NAME,
                fargateProfileName: 'p1',
              }),
            )
          ).fargateProfile?.status === 'ACTIVE',
        'profile p1 ACTIVE',
      );
      const listed = await client.send(
        new ListFargateProfilesCommand({ clusterName: SANDBOX_CLUSTER_NAME }),
      );
      expect(listed.fargateProfileNames).toEqual(['p1']);
      expect(
        world.eks.matchFargateProfile(SANDBOX_CLUSTER_NAME, 'crawler-one', {
          app: 'x',
          other: 'y',
        })?.fargateProfileName,
      ).toBe('p1');
      expect(
        world.eks.matchFargateProfile(SANDBOX_CLUSTER_NAME, 'crawler-one', {}),
      ).toBeUndefined();

      const deleting = await client.send(
        new DeleteFargateProfileCommand({
          clusterName: SANDBOX_CLUSTER_NAME,
          fargateProfileName: 'p1',
        }),
      );
      expect(deleting.fargateProfile?.status).toBe('DELETING');
      await eventually(
        () =>
          client
            .send(
              new DescribeFargateProfileCommand({
                clusterName: SANDBOX_CLUSTER_NAME,
                fargateProfileName: 'p1',
              }),
            )
            .then(
              () => false,
              e => e instanceof ResourceNotFoundException,
            ),
        'profile p1 gone',
      );

      // While a profile is DELETING no other profile can be created.
      world.eks.createProfile(SANDBOX_CLUSTER_NAME, {
        fargateProfileName: 'p4',
        podExecutionRoleArn: role.Arn,
        selectors: [{ namespace: 'b' }],
      });
      await eventually(
        () =>
          world.eks.describeProfile(SANDBOX_CLUSTER_NAME, 'p4').status ===
          'ACTIVE',
        'p4 ACTIVE',
      );
      world.fargateProfileMs = 60_000;
      world.eks.deleteProfile(SANDBOX_CLUSTER_NAME, 'p4');
      await expect(
        client.send(
          new CreateFargateProfileCommand({
            ...base,
            fargateProfileName: 'p3',
            selectors: [{ namespace: 'a' }],
          }),
        ),
      ).rejects.toBeInstanceOf(ResourceInUseException);
    });
  });

  describe('STS and IAM', () => {
    it('should answer GetCallerIdentity for the dummy credentials', async () => {
      const client = new STSClient(awsClientConfig(server.url));
      const id = await client.send(new GetCallerIdentityCommand({}));
      expect(id).toMatchObject({
        Account: SANDBOX_ACCOUNT_ID,
        Arn: SANDBOX_IAM_USER_ARN,
      });
    });

    it('should create and get roles with EntityAlreadyExists and NoSuchEntity', async () => {
      const client = new IAMClient(awsClientConfig(server.url));
      const created = await client.send(
        new CreateRoleCommand({
          RoleName: 'crawler-pods',
          AssumeRolePolicyDocument: FARGATE_TRUST,
          Tags: [{ Key: 'team', Value: 'data' }],
        }),
      );
      expect(created.Role?.Arn).toBe(
        `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/crawler-pods`,
      );
      const got = await client.send(
        new GetRoleCommand({ RoleName: 'crawler-pods' }),
      );
      expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(
        FARGATE_TRUST,
      );
      expect(got.Role?.CreateDate).toBeInstanceOf(Date);
      await expect(
        client.send(
          new CreateRoleCommand({
            RoleName: 'crawler-pods',
            AssumeRolePolicyDocument: FARGATE_TRUST,
          }),
        ),
      ).rejects.toBeInstanceOf(EntityAlreadyExistsException);
      await expect(
        client.send(new GetRoleCommand({ RoleName: 'missing' })),
      ).rejects.toBeInstanceOf(NoSuchEntityException);
    });
  });

  describe('EC2', () => {
    it('should describe the cluster subnets and the route tables that show which are private', async () => {
      const client = new EC2Client(awsClientConfig(server.url));
      const { cluster } = await new EKSClient(awsClientConfig(server.url)).send(
        new DescribeClusterCommand({ name: SANDBOX_CLUSTER_NAME }),
      );
      const subnetIds = cluster!.resourcesVpcConfig!.subnetIds!;
      const subnets = await client.send(
        new DescribeSubnetsCommand({ SubnetIds: subnetIds }),
      );
      expect(subnets.Subnets?.map(sn => sn.SubnetId)).toEqual(subnetIds);
      expect(subnets.Subnets?.[0]).toMatchObject({
        VpcId: cluster!.resourcesVpcConfig!.vpcId,
        MapPublicIpOnLaunch: false,
      });
      const routes = await client.send(
        new DescribeRouteTablesCommand({
          Filters: [{ Name: 'association.subnet-id', Values: [subnetIds[0]] }],
        }),
      );
      expect(routes.RouteTables).toHaveLength(1);
      const defaultRoute = routes.RouteTables![0].Routes?.find(
        r => r.DestinationCidrBlock === '0.0.0.0/0',
      );
      expect(defaultRoute?.NatGatewayId).toMatch(/^nat-/);
      const publicRoutes = await client.send(
        new DescribeRouteTablesCommand({
          Filters: [{ Name: 'association.subnet-id', Values: [subnetIds[2]] }],
        }),
      );
      expect(
        publicRoutes.RouteTables![0].Routes?.find(
          r => r.DestinationCidrBlock === '0.0.0.0/0',
        )?.GatewayId,
      ).toMatch(/^igw-/);
      await expect(
        client.send(
          new DescribeSubnetsCommand({ SubnetIds: ['subnet-missing'] }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidSubnetID.NotFound',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(
        new EC2Client(awsClientConfig(server.url, 'wrong')).send(
          new DescribeSubnetsCommand({}),
        ),
      ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    });
  });

  describe('signature checks', () => {
    it("should reject a wrong secret key with each protocol's real error name", async () => {
      const wrong = `${SANDBOX_SECRET_ACCESS_KEY}x`;
      await expect(
        new CodeCommitClient(awsClientConfig(server.url, wrong)).send(
          new GetRepositoryCommand({ repositoryName: 'r' }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(
        new EKSClient(awsClientConfig(server.url, wrong)).send(
          new DescribeClusterCommand({ name: SANDBOX_CLUSTER_NAME }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        $metadata: { httpStatusCode: 403 },
      });
      await expect(
        new STSClient(awsClientConfig(server.url, wrong)).send(
          new GetCallerIdentityCommand({}),
        ),
      ).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
        $metadata: { httpStatusCode: 403 },
      });
      const unknownKey = new ECRClient({
        ...awsClientConfig(server.url),
        credentials: {
          accessKeyId: 'AKIAOTHER',
          secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
        },
      });
      await expect(
        unknownKey.send(new DescribeRepositoriesCommand({})),
      ).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
      });
    });

    it('should reject a signature more than 15 minutes old as expired', async () => {
      const skewed = new STSClient({
        ...awsClientConfig(server.url),
        systemClockOffset: -20 * 60 * 1000,
      });
      await expect(
        skewed.send(new GetCallerIdentityCommand({})),
      ).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
        message: expect.stringContaining('Signature expired'),
      });
      const unsigned = await fetch(server.url, {
        method: 'POST',
        headers: {
          'x-amz-target': 'CodeCommit_20150413.GetRepository',
          'content-type': 'application/x-amz-json-1.1',
        },
        body: '{"repositoryName":"r"}',
      });
      expect(unsigned.status).toBe(400);
      expect(await unsigned.json()).toMatchObject({
        __type: 'MissingAuthenticationTokenException',
      });
    });

    it('should log method, operation and status of each request without credentials', async () => {
      await new STSClient(awsClientConfig(server.url)).send(
        new GetCallerIdentityCommand({}),
      );
      const line = logger.lines
        .filter(l => l.meta?.operation === 'GetCallerIdentity')
        .pop();
      expect(line?.meta).toMatchObject({
        method: 'POST',
        service: 'sts',
        status: 200,
      });
      expect(JSON.stringify(logger.lines)).not.toContain(
        SANDBOX_SECRET_ACCESS_KEY,
      );
      expect(JSON.stringify(logger.lines)).not.toContain('Signature=');
    });
  });
});
