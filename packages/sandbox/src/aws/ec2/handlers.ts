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
import { natGatewayXml, routeTableXml, vpcEndpointXml } from './xml';

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

/** The items named by `ids` (all of them when none), then filtered. */
function select<T>(
  all: T[],
  idOf: (item: T) => string,
  ids: string[],
  params: URLSearchParams,
  filters: Record<string, (item: T) => string[]>,
): T[] {
  return applyEc2Filters(
    ids.length ? all.filter(item => ids.includes(idOf(item))) : all,
    ec2Filters(params),
    filters,
  );
}

/** `TagSpecification.N.Tag.M.Key/Value` of a create call, as a tag map. */
function tagSpecifications(params: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let n = 1; params.has(`TagSpecification.${n}.ResourceType`); n++) {
    for (let m = 1; params.has(`TagSpecification.${n}.Tag.${m}.Key`); m++) {
      tags[params.get(`TagSpecification.${n}.Tag.${m}.Key`)!] =
        params.get(`TagSpecification.${n}.Tag.${m}.Value`) ?? '';
    }
  }
  return tags;
}

const RETURN_TRUE = '<return>true</return>';

/** The route and endpoint operations that change the VPC's network. */
function networkWrites(
  ec2: Ec2Service,
  ownerId: string,
): AwsServiceModule['operations'] {
  const route = (params: URLSearchParams) => ({
    routeTableId: params.get('RouteTableId') ?? undefined,
    destinationCidrBlock: params.get('DestinationCidrBlock') ?? undefined,
    natGatewayId: params.get('NatGatewayId') ?? undefined,
    gatewayId: params.get('GatewayId') ?? undefined,
  });
  return {
    CreateRoute: ({ params }) => {
      ec2.putRoute(route(params), false);
      return RETURN_TRUE;
    },
    ReplaceRoute: ({ params }) => {
      ec2.putRoute(route(params), true);
      return RETURN_TRUE;
    },
    DeleteRoute: ({ params }) => {
      ec2.deleteRoute(
        params.get('RouteTableId') ?? undefined,
        params.get('DestinationCidrBlock') ?? undefined,
      );
      return RETURN_TRUE;
    },
    CreateVpcEndpoint: ({ params }) => {
      const endpoint = ec2.createVpcEndpoint({
        vpcId: params.get('VpcId') ?? undefined,
        serviceName: params.get('ServiceName') ?? undefined,
        vpcEndpointType: params.get('VpcEndpointType') ?? undefined,
        routeTableIds: ec2List(params, 'RouteTableId'),
        subnetIds: ec2List(params, 'SubnetId'),
        privateDnsEnabled: params.has('PrivateDnsEnabled')
          ? params.get('PrivateDnsEnabled') === 'true'
          : undefined,
        policyDocument: params.get('PolicyDocument') ?? undefined,
        tags: tagSpecifications(params),
      });
      return vpcEndpointXml(endpoint, ownerId, 'vpcEndpoint');
    },
    DeleteVpcEndpoints: ({ params }) => {
      const failed = ec2.deleteVpcEndpoints(ec2List(params, 'VpcEndpointId'));
      return `<unsuccessful>${failed
        .map(
          f =>
            `<item><error><code>${f.code}</code><message>${f.message}</message></error><resourceId>${f.id}</resourceId></item>`,
        )
        .join('')}</unsuccessful>`;
    },
  };
}

/**
 * EC2 over its query protocol, for the cluster's VPC: DescribeSubnets, DescribeVpcs, DescribeRouteTables,
 * DescribeNatGateways, DescribeVpcEndpoints, and the writes CreateRoute, ReplaceRoute, DeleteRoute,
 * CreateVpcEndpoint, DeleteVpcEndpoints.
 */
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
        const selected = select(all, sn => sn.subnetId, ids, params, {
          'vpc-id': sn => [sn.vpcId],
          'subnet-id': sn => [sn.subnetId],
          'availability-zone': sn => [sn.availabilityZone],
          'map-public-ip-on-launch': sn => [String(sn.mapPublicIpOnLaunch)],
          state: sn => [sn.state],
        });
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
        const routes = (key: string) => (t: (typeof all)[number]) =>
          t.routes.map(r => r[key]).filter(Boolean);
        const selected = select(all, t => t.routeTableId, ids, params, {
          'vpc-id': t => [t.vpcId],
          'route-table-id': t => [t.routeTableId],
          'association.subnet-id': t =>
            t.associations.map(a => a.subnetId ?? '').filter(Boolean),
          'association.main': t => [String(t.associations.some(a => a.main))],
          'route.nat-gateway-id': routes('natGatewayId'),
          'route.gateway-id': routes('gatewayId'),
          'route.destination-cidr-block': routes('destinationCidrBlock'),
          'route.destination-prefix-list-id': routes('destinationPrefixListId'),
          'route.state': routes('state'),
          'route.origin': routes('origin'),
        });
        return `<routeTableSet>${selected
          .map(t => routeTableXml(t, ownerId))
          .join('')}</routeTableSet>`;
      },
      DescribeNatGateways: ({ params }) => {
        const selected = select(
          ec2.natGateways(),
          n => n.natGatewayId,
          ec2List(params, 'NatGatewayId'),
          params,
          {
            'nat-gateway-id': n => [n.natGatewayId],
            state: n => [n.state],
            'subnet-id': n => [n.subnetId],
            'vpc-id': n => [n.vpcId],
          },
        );
        return `<natGatewaySet>${selected
          .map(natGatewayXml)
          .join('')}</natGatewaySet>`;
      },
      DescribeVpcEndpoints: ({ params }) => {
        const ids = ec2List(params, 'VpcEndpointId');
        const all = ec2.vpcEndpoints();
        requireIds(
          ids,
          all.map(e => e.vpcEndpointId),
          'InvalidVpcEndpointId.NotFound',
          'Vpc Endpoint',
        );
        const selected = select(all, e => e.vpcEndpointId, ids, params, {
          'vpc-id': e => [e.vpcId],
          'vpc-endpoint-id': e => [e.vpcEndpointId],
          'vpc-endpoint-state': e => [e.state],
          'vpc-endpoint-type': e => [e.vpcEndpointType],
          'service-name': e => [e.serviceName],
        });
        return `<vpcEndpointSet>${selected
          .map(e => vpcEndpointXml(e, ownerId))
          .join('')}</vpcEndpointSet>`;
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
      ...networkWrites(ec2, ownerId),
    },
  };
}
