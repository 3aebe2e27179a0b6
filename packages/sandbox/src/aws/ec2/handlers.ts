/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import {
  applyEc2Filters,
  ec2Fields,
  ec2Filters,
  ec2List,
  ec2Tags,
} from '../protocol/ec2Query';
import { AwsServiceModule } from '../protocol/types';
import { Ec2Service } from './service';

/** Every id must exist (else `<code>`, e.g. InvalidSubnetID.NotFound). */
function requireIds(
  ids: string[],
  known: string[],
  code: string,
  what: string,
): void {
  for (const id of ids) {
    if (!known.includes(id)) {
      throw new AwsServiceError(code, `The ${what} ID '${id}' does not exist`);
    }
  }
}

/** EC2 over its query protocol: DescribeSubnets, DescribeRouteTables, DescribeVpcs of the cluster's VPC. */
export function ec2Module(ec2: Ec2Service, ownerId: string): AwsServiceModule {
  return {
    service: 'ec2',
    protocol: 'ec2Query',
    xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
    operations: {
      DescribeSubnets: ({ params }) => {
        const ids = ec2List(params, 'SubnetId');
        const all = ec2.subnets();
        requireIds(
          ids,
          all.map(sn => sn.subnetId),
          'InvalidSubnetID.NotFound',
          'subnet',
        );
        const selected = applyEc2Filters(
          ids.length ? all.filter(sn => ids.includes(sn.subnetId)) : all,
          ec2Filters(params),
          {
            'vpc-id': sn => [sn.vpcId],
            'subnet-id': sn => [sn.subnetId],
            'availability-zone': sn => [sn.availabilityZone],
            'map-public-ip-on-launch': sn => [String(sn.mapPublicIpOnLaunch)],
          },
        );
        return `<subnetSet>${selected
          .map(
            sn =>
              `<item>${ec2Fields({ ...sn, ownerId })}${ec2Tags(
                sn.tags,
              )}</item>`,
          )
          .join('')}</subnetSet>`;
      },
      DescribeRouteTables: ({ params }) => {
        const ids = ec2List(params, 'RouteTableId');
        const all = ec2.routeTables();
        requireIds(
          ids,
          all.map(t => t.routeTableId),
          'InvalidRouteTableID.NotFound',
          'routeTable',
        );
        const selected = applyEc2Filters(
          ids.length ? all.filter(t => ids.includes(t.routeTableId)) : all,
          ec2Filters(params),
          {
            'vpc-id': t => [t.vpcId],
            'route-table-id': t => [t.routeTableId],
            'association.subnet-id': t =>
              t.associations.map(a => a.subnetId ?? '').filter(Boolean),
            'association.main': t => [String(t.associations.some(a => a.main))],
          },
        );
        return `<routeTableSet>${selected
          .map(
            t =>
              `<item><routeTableId>${t.routeTableId}</routeTableId><vpcId>${
                t.vpcId
              }</vpcId><ownerId>${ownerId}</ownerId><routeSet>${t.routes
                .map(r => `<item>${ec2Fields(r)}</item>`)
                .join('')}</routeSet><associationSet>${t.associations
                .map(
                  a =>
                    `<item>${ec2Fields(
                      a,
                    )}<associationState><state>associated</state></associationState></item>`,
                )
                .join('')}</associationSet>${ec2Tags(t.tags)}</item>`,
          )
          .join('')}</routeTableSet>`;
      },
      DescribeVpcs: ({ params }) => {
        const vpc = ec2.vpc();
        requireIds(
          ec2List(params, 'VpcId'),
          [vpc.vpcId],
          'InvalidVpcID.NotFound',
          'vpc',
        );
        return `<vpcSet><item><vpcId>${vpc.vpcId}</vpcId><ownerId>${ownerId}</ownerId><state>available</state><cidrBlock>${vpc.cidrBlock}</cidrBlock><isDefault>false</isDefault><instanceTenancy>default</instanceTenancy></item></vpcSet>`;
      },
    },
  };
}
