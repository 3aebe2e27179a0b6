/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { ClusterRecord } from '../eks/cluster';

export interface RouteRecord {
  destinationCidrBlock: string;
  gatewayId?: string;
  natGatewayId?: string;
  origin: 'CreateRouteTable' | 'CreateRoute';
}

export interface RouteTableRecord {
  routeTableId: string;
  vpcId: string;
  routes: RouteRecord[];
  associations: Array<{
    routeTableAssociationId: string;
    subnetId?: string;
    main: boolean;
  }>;
  tags: Record<string, string>;
}

export interface NatGatewayRecord {
  natGatewayId: string;
  subnetId: string;
  vpcId: string;
  state: 'pending' | 'available' | 'deleting' | 'deleted' | 'failed';
  createTime: string;
  publicIp: string;
  privateIp: string;
  allocationId: string;
  networkInterfaceId: string;
  tags: Record<string, string>;
}

export interface VpcEndpointRecord {
  vpcEndpointId: string;
  vpcEndpointType: 'Interface' | 'Gateway';
  vpcId: string;
  serviceName: string;
  state: 'available' | 'pending' | 'deleting' | 'deleted';
  routeTableIds: string[];
  subnetIds: string[];
  privateDnsEnabled: boolean;
  creationTimestamp: string;
  policyDocument?: string;
  tags: Record<string, string>;
}

/** The cluster VPC's network as EC2 keeps it. */
export interface NetworkRecord {
  routeTables: RouteTableRecord[];
  natGateways: NatGatewayRecord[];
  vpcEndpoints: VpcEndpointRecord[];
}

/** EC2's slice of `aws.json` (absent in data folders written before it existed: made from the cluster on first use). */
export interface Ec2State {
  ec2?: NetworkRecord;
}

/** The VPC's CIDR block (the `local` route of every table). */
export const VPC_CIDR = '10.0.0.0/16';
export const SANDBOX_NAT_GATEWAY = 'nat-0sandbox0000000000';
export const SANDBOX_INTERNET_GATEWAY = 'igw-0sandbox0000000000';
export const PRIVATE_ROUTE_TABLE = 'rtb-0private0000000000';
export const PUBLIC_ROUTE_TABLE = 'rtb-0public00000000000';
export const MAIN_ROUTE_TABLE = 'rtb-0main000000000000';

/**
 * The S3 gateway prefix list of each region a gateway endpoint routes to (eu-west-1's is `pl-6da54004`; the others
 * are not modelled).
 */
export function s3PrefixList(region: string): string {
  return region === 'eu-west-1' ? 'pl-6da54004' : 'pl-00000000';
}

/**
 * The VPC endpoint services of a region the stand-in knows, with the endpoint types each supports (Gateway only for
 * S3 and DynamoDB).
 */
export function endpointServices(
  region: string,
): Record<string, Array<'Interface' | 'Gateway'>> {
  const s = (name: string) => `com.amazonaws.${region}.${name}`;
  return {
    [s('ecr.api')]: ['Interface'],
    [s('ecr.dkr')]: ['Interface'],
    [s('s3')]: ['Gateway', 'Interface'],
    [s('dynamodb')]: ['Gateway'],
    [s('sts')]: ['Interface'],
    [s('logs')]: ['Interface'],
    [s('eks')]: ['Interface'],
    [s('eks-auth')]: ['Interface'],
    [s('ec2')]: ['Interface'],
    [s('codecommit')]: ['Interface'],
    [s('git-codecommit')]: ['Interface'],
    [s('secretsmanager')]: ['Interface'],
  };
}

/**
 * The network the sandbox cluster starts with: a main table with only the local route, the private subnets' table
 * routing 0.0.0.0/0 to a NAT gateway, the public subnet's table routing it to an internet gateway; one NAT gateway
 * (in the public subnet) and no VPC endpoints.
 */
export function defaultNetwork(c: ClusterRecord): NetworkRecord {
  const local: RouteRecord = {
    destinationCidrBlock: VPC_CIDR,
    gatewayId: 'local',
    origin: 'CreateRouteTable',
  };
  const table = (
    id: string,
    name: string,
    subnets: string[] | 'main',
    route?: Partial<RouteRecord>,
  ): RouteTableRecord => ({
    routeTableId: id,
    vpcId: c.vpcId,
    routes: route
      ? [
          local,
          {
            destinationCidrBlock: '0.0.0.0/0',
            origin: 'CreateRoute',
            ...route,
          },
        ]
      : [local],
    associations:
      subnets === 'main'
        ? [{ routeTableAssociationId: `rtbassoc-${id.slice(4)}`, main: true }]
        : subnets.map((subnetId, i) => ({
            routeTableAssociationId: `rtbassoc-${id.slice(4, 15)}${i}`,
            subnetId,
            main: false,
          })),
    tags: { Name: `${c.name}-${name}` },
  });
  const publicSubnet = c.subnets.find(sn => !sn.private);
  return {
    routeTables: [
      table(MAIN_ROUTE_TABLE, 'main', 'main'),
      table(
        PRIVATE_ROUTE_TABLE,
        'private',
        c.subnets.filter(sn => sn.private).map(sn => sn.subnetId),
        { natGatewayId: SANDBOX_NAT_GATEWAY },
      ),
      table(
        PUBLIC_ROUTE_TABLE,
        'public',
        c.subnets.filter(sn => !sn.private).map(sn => sn.subnetId),
        { gatewayId: SANDBOX_INTERNET_GATEWAY },
      ),
    ],
    natGateways: [
      {
        natGatewayId: SANDBOX_NAT_GATEWAY,
        subnetId: publicSubnet?.subnetId ?? c.subnets[0].subnetId,
        vpcId: c.vpcId,
        state: 'available',
        createTime: c.createdAt,
        publicIp: '52.49.161.17',
        privateIp: '10.0.96.10',
        allocationId: 'eipalloc-0sandbox000000000',
        networkInterfaceId: 'eni-0sandboxnat00000000',
        tags: { Name: `${c.name}-nat` },
      },
    ],
    vpcEndpoints: [],
  };
}
