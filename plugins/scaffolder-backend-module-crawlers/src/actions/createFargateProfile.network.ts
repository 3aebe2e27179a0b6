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

/** What the action learnt about one subnet's egress (domain-facts §5.2, §8 "No egress"). */
export type SubnetEgress = {
  subnetId: string;
  routeTableId?: string;
  /** The internet gateway its default route goes to: the subnet is public. */
  internetGateway?: string;
  /** The NAT gateway its default route goes to (an active route). */
  natGateway?: string;
};

const isDefaultRoute = (r: { DestinationCidrBlock?: string }) =>
  r.DestinationCidrBlock === '0.0.0.0/0';

/** The route table of a subnet: its explicit association, else the VPC's main table. */
async function routeTableOf(
  ec2: EC2Client,
  vpcId: string,
  subnetId: string,
): Promise<RouteTable | undefined> {
  const explicit = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }],
    }),
  );
  if (explicit.RouteTables?.length) return explicit.RouteTables[0];
  const main = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'association.main', Values: ['true'] },
      ],
    }),
  );
  return main.RouteTables?.[0];
}

/** Each subnet's default route: to an internet gateway (public), a NAT gateway, or none. */
export async function subnetEgress(
  ec2: EC2Client,
  vpcId: string,
  subnetIds: string[],
): Promise<SubnetEgress[]> {
  return Promise.all(
    subnetIds.map(async subnetId => {
      const table = await routeTableOf(ec2, vpcId, subnetId);
      const route = (table?.Routes ?? []).find(
        r => isDefaultRoute(r) && r.State !== 'blackhole',
      );
      return {
        subnetId,
        routeTableId: table?.RouteTableId,
        internetGateway: route?.GatewayId?.startsWith('igw-')
          ? route.GatewayId
          : undefined,
        natGateway: route?.NatGatewayId,
      };
    }),
  );
}

/** The services a Fargate pod needs without a NAT route: ECR (API and registry), S3 (layers) and STS (IRSA). */
export const PRIVATE_EGRESS_SERVICES = ['ecr.api', 'ecr.dkr', 's3', 'sts'];

/** Which of {@link PRIVATE_EGRESS_SERVICES} have no available VPC endpoint in the VPC. */
export async function missingEndpoints(
  ec2: EC2Client,
  vpcId: string,
  region: string,
): Promise<string[]> {
  const out = await ec2.send(
    new DescribeVpcEndpointsCommand({
      Filters: [{ Name: 'vpc-id', Values: [vpcId] }],
    }),
  );
  const present = new Set(
    (out.VpcEndpoints ?? [])
      .filter(e => (e.State ?? 'available').toLowerCase() === 'available')
      .map(e => e.ServiceName),
  );
  return PRIVATE_EGRESS_SERVICES.filter(
    s => !present.has(`com.amazonaws.${region}.${s}`),
  );
}
