/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  DescribeRouteTablesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  RouteTable,
} from '@aws-sdk/client-ec2';
import {
  CreateFargateProfileCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  EKSClient,
  FargateProfile,
  ListFargateProfilesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * Stateful EKS and EC2 fakes behind aws-sdk-client-mock (tests only): cluster `crawlers` in `vpc-1` with private
 * subnets `subnet-0private1`/`2` (NAT route) and public `subnet-0public1`; a created profile is CREATING for
 * `creatingPolls` describes, then ACTIVE.
 */
export function fakeEksAndEc2(options: { creatingPolls?: number } = {}) {
  const eks = mockClient(EKSClient);
  const ec2 = mockClient(EC2Client);
  const profiles = new Map<string, FargateProfile & { polls: number }>();
  const failures: { create?: Error } = {};
  const tables: Record<string, RouteTable> = {
    'subnet-0private1': {
      RouteTableId: 'rtb-private',
      Routes: [
        {
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: 'nat-1',
          State: 'active',
        },
      ],
    },
    'subnet-0private2': {
      RouteTableId: 'rtb-private',
      Routes: [
        {
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: 'nat-1',
          State: 'active',
        },
      ],
    },
    'subnet-0public1': {
      RouteTableId: 'rtb-public',
      Routes: [
        {
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: 'igw-1',
          State: 'active',
        },
      ],
    },
  };
  const notFound = (m: string) =>
    new ResourceNotFoundException({ $metadata: {}, message: m });
  eks.on(DescribeClusterCommand).callsFake(input => {
    if (input.name !== 'crawlers')
      throw notFound(`No cluster found for name: ${input.name}.`);
    return {
      cluster: {
        name: 'crawlers',
        resourcesVpcConfig: {
          vpcId: 'vpc-1',
          subnetIds: [
            'subnet-0private1',
            'subnet-0private2',
            'subnet-0public1',
          ],
        },
      },
    };
  });
  eks
    .on(ListFargateProfilesCommand)
    .callsFake(() => ({ fargateProfileNames: [...profiles.keys()] }));
  eks.on(DescribeFargateProfileCommand).callsFake(input => {
    const p = profiles.get(input.fargateProfileName);
    if (!p)
      throw notFound(
        `No Fargate Profile found with name: ${input.fargateProfileName}.`,
      );
    p.polls += 1;
    if (p.status === 'CREATING' && p.polls > (options.creatingPolls ?? 2))
      p.status = 'ACTIVE';
    const { polls: _p, ...rest } = p;
    return { fargateProfile: rest };
  });
  eks.on(CreateFargateProfileCommand).callsFake(input => {
    const failure = failures.create;
    if (failure) {
      delete failures.create;
      throw failure;
    }
    const profile = {
      fargateProfileName: input.fargateProfileName,
      fargateProfileArn: `arn:aws:eks:eu-west-1:123456789012:fargateprofile/crawlers/${input.fargateProfileName}/x`,
      clusterName: input.clusterName,
      podExecutionRoleArn: input.podExecutionRoleArn,
      subnets: input.subnets,
      selectors: input.selectors,
      tags: input.tags,
      status: 'CREATING' as const,
      polls: 0,
    };
    profiles.set(input.fargateProfileName, profile);
    return { fargateProfile: profile };
  });
  ec2.on(DescribeRouteTablesCommand).callsFake(input => {
    const subnet = input.Filters?.find(
      (f: any) => f.Name === 'association.subnet-id',
    )?.Values?.[0];
    const table = subnet ? tables[subnet] : undefined;
    return { RouteTables: table ? [table] : [] };
  });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  const add = (name: string, profile: Partial<FargateProfile>) =>
    profiles.set(name, {
      fargateProfileName: name,
      fargateProfileArn: `arn:aws:eks:eu-west-1:123456789012:fargateprofile/crawlers/${name}/y`,
      status: 'ACTIVE',
      polls: 0,
      ...profile,
    });
  const writes = () =>
    eks.calls().filter(c => c.args[0] instanceof CreateFargateProfileCommand)
      .length;
  return {
    eks,
    ec2,
    profiles,
    tables,
    failures,
    add,
    writes,
    restore() {
      eks.restore();
      ec2.restore();
    },
  };
}
