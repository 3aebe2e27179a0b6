/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_CLUSTER_NAME } from '../../constants';
import type { ClusterRecord } from '../eks/cluster';
import type { AwsAccount } from '../state';

interface RouteTableView {
  routeTableId: string;
  vpcId: string;
  routes: Array<Record<string, string>>;
  associations: Array<{
    routeTableAssociationId: string;
    routeTableId: string;
    subnetId?: string;
    main: boolean;
  }>;
  tags: Record<string, string>;
}

/**
 * The EC2 stand-in, read-only: the VPC of the sandbox cluster (kept in the EKS slice). Private subnets route
 * 0.0.0.0/0 to a NAT gateway, the public one to an internet gateway.
 */
export class Ec2Service {
  constructor(
    private readonly account: AwsAccount,
    private readonly cluster: (name: string) => ClusterRecord,
  ) {}

  vpc() {
    const c = this.cluster(SANDBOX_CLUSTER_NAME);
    return { vpcId: c.vpcId, cidrBlock: '10.0.0.0/16' };
  }

  subnets() {
    const c = this.cluster(SANDBOX_CLUSTER_NAME);
    return c.subnets.map(sn => ({
      subnetId: sn.subnetId,
      subnetArn: `arn:aws:ec2:${this.account.region}:${this.account.accountId}:subnet/${sn.subnetId}`,
      vpcId: c.vpcId,
      cidrBlock: sn.cidrBlock,
      availabilityZone: sn.availabilityZone,
      availableIpAddressCount: sn.private ? 8187 : 251,
      mapPublicIpOnLaunch: !sn.private,
      defaultForAz: false,
      state: 'available',
      tags: {
        Name: `${c.name}-${sn.private ? 'private' : 'public'}-${
          sn.availabilityZone
        }`,
        [`kubernetes.io/role/${sn.private ? 'internal-elb' : 'elb'}`]: '1',
      },
    }));
  }

  routeTables(): RouteTableView[] {
    const c = this.cluster(SANDBOX_CLUSTER_NAME);
    const local = {
      destinationCidrBlock: '10.0.0.0/16',
      gatewayId: 'local',
      state: 'active',
      origin: 'CreateRouteTable',
    };
    const table = (
      id: string,
      extra: Record<string, string> | undefined,
      subnets: string[],
      main: boolean,
      name: string,
    ): RouteTableView => ({
      routeTableId: id,
      vpcId: c.vpcId,
      routes: extra
        ? [
            local,
            {
              destinationCidrBlock: '0.0.0.0/0',
              state: 'active',
              origin: 'CreateRoute',
              ...extra,
            },
          ]
        : [local],
      associations: main
        ? [
            {
              routeTableAssociationId: `rtbassoc-${id.slice(4)}`,
              routeTableId: id,
              main: true,
            },
          ]
        : subnets.map((sn, i) => ({
            routeTableAssociationId: `rtbassoc-${id.slice(4, 15)}${i}`,
            routeTableId: id,
            subnetId: sn,
            main: false,
          })),
      tags: { Name: name },
    });
    return [
      table('rtb-0main000000000000', undefined, [], true, `${c.name}-main`),
      table(
        'rtb-0private0000000000',
        { natGatewayId: 'nat-0sandbox0000000000' },
        c.subnets.filter(sn => sn.private).map(sn => sn.subnetId),
        false,
        `${c.name}-private`,
      ),
      table(
        'rtb-0public00000000000',
        { gatewayId: 'igw-0sandbox0000000000' },
        c.subnets.filter(sn => !sn.private).map(sn => sn.subnetId),
        false,
        `${c.name}-public`,
      ),
    ];
  }
}
