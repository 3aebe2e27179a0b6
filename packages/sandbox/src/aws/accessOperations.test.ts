/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  CreateRouteCommand,
  CreateVpcEndpointCommand,
  DeleteRouteCommand,
  DeleteVpcEndpointsCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  ReplaceRouteCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  ECRClient,
  GetRepositoryPolicyCommand,
  InvalidParameterException as EcrInvalidParameterException,
  RepositoryPolicyNotFoundException,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateFargateProfileCommand,
  EKSClient,
  InvalidParameterException,
} from '@aws-sdk/client-eks';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_IAM_USER_ARN,
  SANDBOX_REGION,
} from '../constants';
import { awsClientConfig, tempDataDir } from '../testing/helpers';
import { RunningServer } from '../util/http';
import { AwsWorld } from './AwsWorld';
import { startAwsServer } from './server';

const FARGATE_POLICY =
  'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy';
const PRIVATE_TABLE = 'rtb-0private0000000000';
const ECR_READ = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: '*',
    },
  ],
});

function trust(principal: Record<string, unknown>) {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' },
    ],
  });
}

describe('AWS operations of the pod access paths', () => {
  let data: ReturnType<typeof tempDataDir>;
  let world: AwsWorld;
  let server: RunningServer;

  beforeEach(async () => {
    data = tempDataDir();
    world = new AwsWorld({
      dataDir: data.dir,
      delays: { fargateProfileMs: 5 },
    });
    server = await startAwsServer({ world, port: 0 });
  });

  afterEach(async () => {
    await server.close();
    world.close();
    data.remove();
  });

  const iam = () => new IAMClient(awsClientConfig(server.url));
  const ec2 = () => new EC2Client(awsClientConfig(server.url));

  async function role(
    name: string,
    trustPolicy = trust({ Service: 'eks-fargate-pods.amazonaws.com' }),
  ) {
    const created = await iam().send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: trustPolicy,
      }),
    );
    return created.Role!.Arn!;
  }

  describe('IAM role policies', () => {
    it('should attach, list and detach managed policies with NoSuchEntity for unknown roles and policies', async () => {
      const client = iam();
      await role('pods');
      await client.send(
        new AttachRolePolicyCommand({
          RoleName: 'pods',
          PolicyArn: FARGATE_POLICY,
        }),
      );
      const listed = await client.send(
        new ListAttachedRolePoliciesCommand({ RoleName: 'pods' }),
      );
      expect(listed.AttachedPolicies).toEqual([
        {
          PolicyName: 'AmazonEKSFargatePodExecutionRolePolicy',
          PolicyArn: FARGATE_POLICY,
        },
      ]);
      expect(listed.IsTruncated).toBe(false);
      await expect(
        client.send(
          new AttachRolePolicyCommand({
            RoleName: 'pods',
            PolicyArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:policy/custom`,
          }),
        ),
      ).rejects.toMatchObject({
        name: 'NoSuchEntityException',
        message: `Policy arn:aws:iam::${SANDBOX_ACCOUNT_ID}:policy/custom does not exist or is not attachable.`,
      });
      await expect(
        client.send(
          new AttachRolePolicyCommand({
            RoleName: 'ghost',
            PolicyArn: FARGATE_POLICY,
          }),
        ),
      ).rejects.toMatchObject({
        name: 'NoSuchEntityException',
        message: 'The role with name ghost cannot be found.',
      });
      await client.send(
        new DetachRolePolicyCommand({
          RoleName: 'pods',
          PolicyArn: FARGATE_POLICY,
        }),
      );
      expect(
        (
          await client.send(
            new ListAttachedRolePoliciesCommand({ RoleName: 'pods' }),
          )
        ).AttachedPolicies,
      ).toEqual([]);
      await expect(
        client.send(
          new DetachRolePolicyCommand({
            RoleName: 'pods',
            PolicyArn: FARGATE_POLICY,
          }),
        ),
      ).rejects.toMatchObject({
        name: 'NoSuchEntityException',
        message: `Policy ${FARGATE_POLICY} was not found.`,
      });
    });

    it('should put, get, list and delete inline policies with the grammar checks and NoSuchEntity', async () => {
      const client = iam();
      await role('pods');
      await client.send(
        new PutRolePolicyCommand({
          RoleName: 'pods',
          PolicyName: 'ecr-read',
          PolicyDocument: ECR_READ,
        }),
      );
      const got = await client.send(
        new GetRolePolicyCommand({ RoleName: 'pods', PolicyName: 'ecr-read' }),
      );
      expect(got).toMatchObject({ RoleName: 'pods', PolicyName: 'ecr-read' });
      expect(decodeURIComponent(got.PolicyDocument!)).toBe(ECR_READ);
      expect(
        (await client.send(new ListRolePoliciesCommand({ RoleName: 'pods' })))
          .PolicyNames,
      ).toEqual(['ecr-read']);
      await expect(
        client.send(
          new PutRolePolicyCommand({
            RoleName: 'pods',
            PolicyName: 'bad',
            PolicyDocument: '{"Statement": [',
          }),
        ),
      ).rejects.toMatchObject({
        name: 'MalformedPolicyDocumentException',
        message: 'This policy contains invalid Json',
      });
      await expect(
        client.send(
          new PutRolePolicyCommand({
            RoleName: 'pods',
            PolicyName: 'principal',
            PolicyDocument: JSON.stringify({
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 'ecr:*',
                  Resource: '*',
                },
              ],
            }),
          }),
        ),
      ).rejects.toBeInstanceOf(MalformedPolicyDocumentException);
      await client.send(
        new DeleteRolePolicyCommand({
          RoleName: 'pods',
          PolicyName: 'ecr-read',
        }),
      );
      await expect(
        client.send(
          new GetRolePolicyCommand({
            RoleName: 'pods',
            PolicyName: 'ecr-read',
          }),
        ),
      ).rejects.toMatchObject({
        name: 'NoSuchEntityException',
        message: 'The role policy with name ecr-read cannot be found.',
      });
      await expect(
        client.send(
          new DeleteRolePolicyCommand({
            RoleName: 'pods',
            PolicyName: 'ecr-read',
          }),
        ),
      ).rejects.toBeInstanceOf(NoSuchEntityException);
    });
  });

  describe('ECR repository policy', () => {
    it('should set, get and delete a repository policy with RepositoryPolicyNotFoundException', async () => {
      const client = new ECRClient(awsClientConfig(server.url));
      await client.send(
        new CreateRepositoryCommand({ repositoryName: 'crawler' }),
      );
      await expect(
        client.send(
          new GetRepositoryPolicyCommand({ repositoryName: 'crawler' }),
        ),
      ).rejects.toMatchObject({
        name: 'RepositoryPolicyNotFoundException',
        message: `Repository policy does not exist for the repository with name 'crawler' in the registry with id '${SANDBOX_ACCOUNT_ID}'`,
      });
      const deny = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'deny-pods',
            Effect: 'Deny',
            Principal: { AWS: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/pods` },
            Action: ['ecr:BatchGetImage'],
          },
        ],
      });
      const set = await client.send(
        new SetRepositoryPolicyCommand({
          repositoryName: 'crawler',
          policyText: deny,
        }),
      );
      expect(set).toMatchObject({
        registryId: SANDBOX_ACCOUNT_ID,
        repositoryName: 'crawler',
        policyText: deny,
      });
      expect(
        (
          await client.send(
            new GetRepositoryPolicyCommand({ repositoryName: 'crawler' }),
          )
        ).policyText,
      ).toBe(deny);
      await expect(
        client.send(
          new SetRepositoryPolicyCommand({
            repositoryName: 'crawler',
            policyText: JSON.stringify({
              Statement: [{ Effect: 'Allow', Action: 'ecr:*' }],
            }),
          }),
        ),
      ).rejects.toBeInstanceOf(EcrInvalidParameterException);
      await client.send(
        new DeleteRepositoryPolicyCommand({ repositoryName: 'crawler' }),
      );
      await expect(
        client.send(
          new DeleteRepositoryPolicyCommand({ repositoryName: 'crawler' }),
        ),
      ).rejects.toBeInstanceOf(RepositoryPolicyNotFoundException);
    });
  });

  describe('EC2 routes and VPC endpoints', () => {
    it('should delete, create and replace the NAT route with the route filters and EC2 errors', async () => {
      const client = ec2();
      const withNat = () =>
        client.send(
          new DescribeRouteTablesCommand({
            Filters: [
              { Name: 'route.nat-gateway-id', Values: ['nat-*'] },
              { Name: 'tag-key', Values: ['Name'] },
            ],
          }),
        );
      expect((await withNat()).RouteTables?.map(t => t.RouteTableId)).toEqual([
        PRIVATE_TABLE,
      ]);
      const nats = await client.send(
        new DescribeNatGatewaysCommand({
          Filter: [{ Name: 'state', Values: ['available'] }],
        }),
      );
      const natId = nats.NatGateways![0].NatGatewayId!;
      await client.send(
        new DeleteRouteCommand({
          RouteTableId: PRIVATE_TABLE,
          DestinationCidrBlock: '0.0.0.0/0',
        }),
      );
      expect((await withNat()).RouteTables).toEqual([]);
      await expect(
        client.send(
          new DeleteRouteCommand({
            RouteTableId: PRIVATE_TABLE,
            DestinationCidrBlock: '0.0.0.0/0',
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidRoute.NotFound',
        message: `no route with destination-cidr-block 0.0.0.0/0 in route table ${PRIVATE_TABLE}`,
      });
      await expect(
        client.send(
          new CreateRouteCommand({
            RouteTableId: PRIVATE_TABLE,
            DestinationCidrBlock: '0.0.0.0/0',
            NatGatewayId: 'nat-0missing',
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidNatGatewayID.NotFound' });
      await client.send(
        new CreateRouteCommand({
          RouteTableId: PRIVATE_TABLE,
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: natId,
        }),
      );
      await expect(
        client.send(
          new CreateRouteCommand({
            RouteTableId: PRIVATE_TABLE,
            DestinationCidrBlock: '0.0.0.0/0',
            NatGatewayId: natId,
          }),
        ),
      ).rejects.toMatchObject({
        name: 'RouteAlreadyExists',
        message: 'The route identified by 0.0.0.0/0 already exists.',
      });
      await client.send(
        new ReplaceRouteCommand({
          RouteTableId: PRIVATE_TABLE,
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: 'igw-0sandbox0000000000',
        }),
      );
      expect((await withNat()).RouteTables).toEqual([]);
      await expect(
        client.send(
          new DeleteRouteCommand({
            RouteTableId: PRIVATE_TABLE,
            DestinationCidrBlock: '10.0.0.0/16',
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    });

    it('should create, describe with filters and delete VPC endpoints, routing the S3 gateway through the table', async () => {
      const client = ec2();
      const vpcId = world.ec2.vpc().vpcId;
      const service = (s: string) => `com.amazonaws.${SANDBOX_REGION}.${s}`;
      const dkr = await client.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          ServiceName: service('ecr.dkr'),
          VpcEndpointType: 'Interface',
          SubnetIds: ['subnet-0private0000000a'],
          TagSpecifications: [
            {
              ResourceType: 'vpc-endpoint',
              Tags: [{ Key: 'Name', Value: 'ecr-dkr' }],
            },
          ],
        }),
      );
      expect(dkr.VpcEndpoint).toMatchObject({
        VpcEndpointType: 'Interface',
        ServiceName: service('ecr.dkr'),
        State: 'available',
        PrivateDnsEnabled: true,
        SubnetIds: ['subnet-0private0000000a'],
      });
      const s3 = await client.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          ServiceName: service('s3'),
          VpcEndpointType: 'Gateway',
          RouteTableIds: [PRIVATE_TABLE],
        }),
      );
      const available = await client.send(
        new DescribeVpcEndpointsCommand({
          Filters: [
            { Name: 'vpc-endpoint-state', Values: ['available'] },
            { Name: 'service-name', Values: [service('s3')] },
          ],
        }),
      );
      expect(available.VpcEndpoints?.map(e => e.VpcEndpointId)).toEqual([
        s3.VpcEndpoint!.VpcEndpointId,
      ]);
      const tagged = await client.send(
        new DescribeVpcEndpointsCommand({
          Filters: [{ Name: 'tag-key', Values: ['Name'] }],
        }),
      );
      expect(tagged.VpcEndpoints?.map(e => e.VpcEndpointId)).toEqual([
        dkr.VpcEndpoint!.VpcEndpointId,
      ]);
      const table = await client.send(
        new DescribeRouteTablesCommand({ RouteTableIds: [PRIVATE_TABLE] }),
      );
      expect(table.RouteTables![0].Routes).toContainEqual(
        expect.objectContaining({
          DestinationPrefixListId: 'pl-6da54004',
          GatewayId: s3.VpcEndpoint!.VpcEndpointId,
          State: 'active',
        }),
      );
      await expect(
        client.send(
          new CreateVpcEndpointCommand({
            VpcId: vpcId,
            ServiceName: service('nope'),
            VpcEndpointType: 'Interface',
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidServiceName',
        message: `The Vpc Endpoint Service '${service('nope')}' does not exist`,
      });
      await expect(
        client.send(
          new DescribeVpcEndpointsCommand({
            Filters: [{ Name: 'state', Values: ['available'] }],
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
      const deleted = await client.send(
        new DeleteVpcEndpointsCommand({
          VpcEndpointIds: [s3.VpcEndpoint!.VpcEndpointId!, 'vpce-0missing'],
        }),
      );
      expect(deleted.Unsuccessful).toEqual([
        expect.objectContaining({
          ResourceId: 'vpce-0missing',
          Error: expect.objectContaining({
            Code: 'InvalidVpcEndpoint.NotFound',
          }),
        }),
      ]);
      expect(
        (
          await client.send(new DescribeVpcEndpointsCommand({}))
        ).VpcEndpoints?.map(e => e.ServiceName),
      ).toEqual([service('ecr.dkr')]);
    });
  });

  describe('STS AssumeRole', () => {
    it('should issue credentials the endpoint accepts with their session token, and deny an untrusting role', async () => {
      const arn = await role(
        'deployer',
        trust({ AWS: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:root` }),
      );
      const sts = new STSClient(awsClientConfig(server.url));
      const assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: 'ci',
          DurationSeconds: 900,
        }),
      );
      expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(assumed.Credentials?.Expiration).toBeInstanceOf(Date);
      expect(assumed.AssumedRoleUser?.Arn).toBe(
        `arn:aws:sts::${SANDBOX_ACCOUNT_ID}:assumed-role/deployer/ci`,
      );
      const temporary = {
        accessKeyId: assumed.Credentials!.AccessKeyId!,
        secretAccessKey: assumed.Credentials!.SecretAccessKey!,
        sessionToken: assumed.Credentials!.SessionToken!,
      };
      const asRole = new STSClient({
        ...awsClientConfig(server.url),
        credentials: temporary,
      });
      expect(await asRole.send(new GetCallerIdentityCommand({}))).toMatchObject(
        {
          Arn: `arn:aws:sts::${SANDBOX_ACCOUNT_ID}:assumed-role/deployer/ci`,
          UserId: expect.stringMatching(/^AROA[A-Z0-9]+:ci$/),
        },
      );
      const withoutToken = new EC2Client({
        ...awsClientConfig(server.url),
        credentials: { ...temporary, sessionToken: undefined },
      });
      await expect(
        withoutToken.send(new DescribeNatGatewaysCommand({})),
      ).rejects.toMatchObject({
        name: 'AuthFailure',
      });
      const fargateRole = await role('pods');
      await expect(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: fargateRole,
            RoleSessionName: 'x1',
          }),
        ),
      ).rejects.toMatchObject({
        name: 'AccessDenied',
        message: `User: ${SANDBOX_IAM_USER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${fargateRole}`,
        $metadata: { httpStatusCode: 403 },
      });
      await expect(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: arn,
            RoleSessionName: 'x',
            DurationSeconds: 900,
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationError' });
    });
  });

  it('should reject Fargate profile names starting with the reserved eks- prefix', async () => {
    const arn = await role('pods');
    await expect(
      new EKSClient(awsClientConfig(server.url)).send(
        new CreateFargateProfileCommand({
          clusterName: SANDBOX_CLUSTER_NAME,
          fargateProfileName: 'eks-crawlers',
          podExecutionRoleArn: arn,
          selectors: [{ namespace: 'crawler-one' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: InvalidParameterException.name,
      message:
        "The fargate profile name starts with the reserved prefix: 'eks-'.",
    });
  });
});
