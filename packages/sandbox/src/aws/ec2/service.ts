/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { SANDBOX_CLUSTER_NAME } from '../../constants';
import type { StateStore } from '../../state/StateStore';
import type { ClusterRecord } from '../eks/cluster';
import { AwsServiceError } from '../errors';
import type { AwsAccount } from '../state';
import {
  defaultNetwork,
  Ec2State,
  endpointServices,
  NetworkRecord,
  RouteTableRecord,
  s3PrefixList,
  SANDBOX_INTERNET_GATEWAY,
  VPC_CIDR,
  VpcEndpointRecord,
} from './network';

/** A route as DescribeRouteTables shows it (state computed, gateway endpoint routes added). */
export type RouteView = Record<string, string>;

/** A route table as DescribeRouteTables shows it. */
export interface RouteTableView
  extends Omit<RouteTableRecord, 'routes' | 'associations'> {
  routes: RouteView[];
  associations: Array<
    RouteTableRecord['associations'][number] & {
      routeTableId: string;
    }
  >;
}

/** What a subnet can reach outside the VPC. */
export interface SubnetEgress {
  routeTableId: string;
  /** The NAT gateway an active `0.0.0.0/0` route leads to, if any. */
  natGatewayId?: string;
  /** Endpoint services usable from the subnet: available Interface endpoints of the VPC, Gateway ones on its table. */
  endpointServices: string[];
}

/** CreateRoute / ReplaceRoute input. */
export interface RouteInput {
  routeTableId?: string;
  destinationCidrBlock?: string;
  natGatewayId?: string;
  gatewayId?: string;
}

/** CreateVpcEndpoint input. */
export interface VpcEndpointInput {
  vpcId?: string;
  serviceName?: string;
  vpcEndpointType?: string;
  routeTableIds: string[];
  subnetIds: string[];
  privateDnsEnabled?: boolean;
  policyDocument?: string;
  tags: Record<string, string>;
}

/**
 * The EC2 stand-in: the VPC of the sandbox cluster (subnets from the EKS slice) with its route tables, NAT gateway and
 * VPC endpoints, which CreateRoute/ReplaceRoute/DeleteRoute and CreateVpcEndpoint/DeleteVpcEndpoints change. Egress
 * of a subnet (NAT route, endpoints) is what the kubelet stand-in's image pulls depend on.
 */
export class Ec2Service {
  constructor(
    private readonly store: StateStore<Ec2State>,
    private readonly account: AwsAccount,
    private readonly cluster: (name: string) => ClusterRecord,
  ) {}

  private get network(): NetworkRecord {
    if (!this.store.state.ec2) {
      this.store.state.ec2 = defaultNetwork(this.cluster(SANDBOX_CLUSTER_NAME));
      this.store.changed();
    }
    return this.store.state.ec2;
  }

  vpc() {
    const c = this.cluster(SANDBOX_CLUSTER_NAME);
    return { vpcId: c.vpcId, cidrBlock: VPC_CIDR };
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

  natGateways() {
    return this.network.natGateways;
  }

  vpcEndpoints(): VpcEndpointRecord[] {
    return this.network.vpcEndpoints;
  }

  routeTables(): RouteTableView[] {
    const nats = new Set(
      this.network.natGateways
        .filter(n => n.state === 'available')
        .map(n => n.natGatewayId),
    );
    return this.network.routeTables.map(t => ({
      ...t,
      routes: [
        ...t.routes.map(r => ({
          ...(r as unknown as RouteView),
          state:
            r.natGatewayId && !nats.has(r.natGatewayId)
              ? 'blackhole'
              : 'active',
        })),
        ...this.network.vpcEndpoints
          .filter(
            e =>
              e.vpcEndpointType === 'Gateway' &&
              e.state === 'available' &&
              e.routeTableIds.includes(t.routeTableId),
          )
          .map(e => ({
            destinationPrefixListId: s3PrefixList(this.account.region),
            gatewayId: e.vpcEndpointId,
            state: 'active',
            origin: 'CreateRoute',
          })),
      ],
      associations: t.associations.map(a => ({
        ...a,
        routeTableId: t.routeTableId,
      })),
    }));
  }

  /** The table a subnet uses: its explicit association, else the VPC's main table. */
  routeTableOfSubnet(subnetId: string): RouteTableView {
    const tables = this.routeTables();
    return (
      tables.find(t => t.associations.some(a => a.subnetId === subnetId)) ??
      tables.find(t => t.associations.some(a => a.main))!
    );
  }

  /** What `subnetId` can reach beyond the VPC. */
  egress(subnetId: string): SubnetEgress {
    const table = this.routeTableOfSubnet(subnetId);
    const nat = table.routes.find(
      r =>
        r.destinationCidrBlock === '0.0.0.0/0' &&
        r.natGatewayId &&
        r.state === 'active',
    );
    const reachable = this.network.vpcEndpoints
      .filter(
        e =>
          e.state === 'available' &&
          (e.vpcEndpointType === 'Interface'
            ? e.privateDnsEnabled
            : e.routeTableIds.includes(table.routeTableId)),
      )
      .map(e => e.serviceName);
    return {
      routeTableId: table.routeTableId,
      natGatewayId: nat?.natGatewayId,
      endpointServices: reachable,
    };
  }

  /** CreateRoute; `replace` (ReplaceRoute) requires the route to exist instead. */
  putRoute(input: RouteInput, replace: boolean): void {
    const table = this.requireTable(input.routeTableId);
    const cidr = input.destinationCidrBlock;
    if (!cidr) {
      throw new AwsServiceError(
        'MissingParameter',
        'The request must contain the parameter destinationCidrBlock',
      );
    }
    const targets = [input.natGatewayId, input.gatewayId].filter(Boolean);
    if (targets.length !== 1) {
      throw new AwsServiceError(
        'InvalidParameterCombination',
        'The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, instanceId, transitGatewayId, egressOnlyInternetGatewayId, localGatewayId, carrierGatewayId, vpcEndpointId or coreNetworkArn',
      );
    }
    this.requireTarget(input);
    const existing = table.routes.findIndex(
      r => r.destinationCidrBlock === cidr,
    );
    if (!replace && existing >= 0) {
      throw new AwsServiceError(
        'RouteAlreadyExists',
        `The route identified by ${cidr} already exists.`,
      );
    }
    if (replace && existing < 0) {
      throw noRoute(cidr, table.routeTableId);
    }
    if (replace && table.routes[existing].gatewayId === 'local') {
      throw localRoute(cidr, table.routeTableId);
    }
    const route = {
      destinationCidrBlock: cidr,
      ...(input.natGatewayId ? { natGatewayId: input.natGatewayId } : {}),
      ...(input.gatewayId ? { gatewayId: input.gatewayId } : {}),
      origin: 'CreateRoute' as const,
    };
    if (replace) table.routes[existing] = route;
    else table.routes.push(route);
    this.store.changed();
  }

  deleteRoute(routeTableId?: string, destinationCidrBlock?: string): void {
    const table = this.requireTable(routeTableId);
    const i = table.routes.findIndex(
      r => r.destinationCidrBlock === destinationCidrBlock,
    );
    if (i < 0) throw noRoute(destinationCidrBlock ?? '', table.routeTableId);
    if (table.routes[i].gatewayId === 'local') {
      throw localRoute(destinationCidrBlock!, table.routeTableId);
    }
    table.routes.splice(i, 1);
    this.store.changed();
  }

  /** CreateVpcEndpoint (available at once; Interface endpoints resolve through private DNS, on by default). */
  createVpcEndpoint(input: VpcEndpointInput): VpcEndpointRecord {
    const vpc = this.vpc();
    if (!input.vpcId) {
      throw new AwsServiceError(
        'MissingParameter',
        'The request must contain the parameter VpcId',
      );
    }
    if (input.vpcId !== vpc.vpcId) {
      throw new AwsServiceError(
        'InvalidVpcID.NotFound',
        `The vpc ID '${input.vpcId}' does not exist`,
      );
    }
    const type = (input.vpcEndpointType ?? 'Gateway') as
      | 'Interface'
      | 'Gateway';
    const service = endpointServices(this.account.region)[
      input.serviceName ?? ''
    ];
    if (!service) {
      throw new AwsServiceError(
        'InvalidServiceName',
        `The Vpc Endpoint Service '${input.serviceName ?? ''}' does not exist`,
      );
    }
    if (!service.includes(type)) {
      throw new AwsServiceError(
        'InvalidParameter',
        `The Vpc Endpoint Service '${input.serviceName}' does not support endpoint type ${type}.`,
      );
    }
    this.checkEndpointPlacement(type, input);
    const endpoint: VpcEndpointRecord = {
      vpcEndpointId: `vpce-0${crypto
        .randomBytes(8)
        .toString('hex')
        .slice(0, 16)}`,
      vpcEndpointType: type,
      vpcId: vpc.vpcId,
      serviceName: input.serviceName!,
      state: 'available',
      routeTableIds: type === 'Gateway' ? input.routeTableIds : [],
      subnetIds: type === 'Interface' ? input.subnetIds : [],
      privateDnsEnabled:
        type === 'Interface' && input.privateDnsEnabled !== false,
      creationTimestamp: this.store.now().toISOString(),
      policyDocument:
        input.policyDocument ??
        JSON.stringify({
          Version: '2008-10-17',
          Statement: [
            { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
          ],
        }),
      tags: input.tags,
    };
    this.network.vpcEndpoints.push(endpoint);
    this.store.changed();
    return endpoint;
  }

  /** DeleteVpcEndpoints: unknown ids come back as unsuccessful items, as EC2 answers. */
  deleteVpcEndpoints(
    ids: string[],
  ): Array<{ id: string; code: string; message: string }> {
    const unsuccessful = [];
    for (const id of ids) {
      const i = this.network.vpcEndpoints.findIndex(
        e => e.vpcEndpointId === id,
      );
      if (i < 0) {
        unsuccessful.push({
          id,
          code: 'InvalidVpcEndpoint.NotFound',
          message: `The VPC endpoint '${id}' does not exist`,
        });
      } else {
        this.network.vpcEndpoints.splice(i, 1);
      }
    }
    this.store.changed();
    return unsuccessful;
  }

  private checkEndpointPlacement(
    type: 'Interface' | 'Gateway',
    input: VpcEndpointInput,
  ) {
    const tables = this.network.routeTables.map(t => t.routeTableId);
    for (const id of input.routeTableIds) {
      if (!tables.includes(id)) {
        throw new AwsServiceError(
          'InvalidRouteTableId.NotFound',
          `The routeTable ID '${id}' does not exist`,
        );
      }
    }
    const subnets = this.subnets().map(s => s.subnetId);
    for (const id of input.subnetIds) {
      if (!subnets.includes(id)) {
        throw new AwsServiceError(
          'InvalidSubnetID.NotFound',
          `The subnet ID '${id}' does not exist`,
        );
      }
    }
    if (type === 'Gateway' && input.subnetIds.length) {
      throw new AwsServiceError(
        'InvalidParameter',
        'Subnets are not supported for Gateway endpoints.',
      );
    }
    if (type === 'Interface' && input.routeTableIds.length) {
      throw new AwsServiceError(
        'InvalidParameter',
        'Route tables are not supported for Interface endpoints.',
      );
    }
  }

  private requireTable(id: string | undefined): RouteTableRecord {
    const table = this.network.routeTables.find(t => t.routeTableId === id);
    if (!table) {
      throw new AwsServiceError(
        'InvalidRouteTableID.NotFound',
        `The routeTable ID '${id ?? ''}' does not exist`,
      );
    }
    return table;
  }

  private requireTarget(input: RouteInput) {
    if (
      input.natGatewayId &&
      !this.network.natGateways.some(n => n.natGatewayId === input.natGatewayId)
    ) {
      throw new AwsServiceError(
        'InvalidNatGatewayID.NotFound',
        `The natGateway ID '${input.natGatewayId}' does not exist`,
      );
    }
    if (input.gatewayId && input.gatewayId !== SANDBOX_INTERNET_GATEWAY) {
      throw new AwsServiceError(
        'InvalidGatewayID.NotFound',
        `The gateway ID '${input.gatewayId}' does not exist`,
      );
    }
  }
}

function noRoute(cidr: string, table: string) {
  return new AwsServiceError(
    'InvalidRoute.NotFound',
    `no route with destination-cidr-block ${cidr} in route table ${table}`,
  );
}

function localRoute(cidr: string, table: string) {
  return new AwsServiceError(
    'InvalidParameterValue',
    `cannot remove local route ${cidr} in route table ${table}`,
  );
}
