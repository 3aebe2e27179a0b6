/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { xmlEscape } from '../protocol/awsQuery';
import { ec2Fields, ec2Tags } from '../protocol/ec2Query';
import { NatGatewayRecord, VpcEndpointRecord } from './network';
import { RouteTableView } from './service';

/** `<xSet><item>id</item>…</xSet>` of plain strings. */
function stringSet(name: string, values: string[]): string {
  return `<${name}>${values
    .map(v => `<item>${xmlEscape(v)}</item>`)
    .join('')}</${name}>`;
}

export function routeTableXml(t: RouteTableView, ownerId: string): string {
  return `<item><routeTableId>${t.routeTableId}</routeTableId><vpcId>${
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
    .join('')}</associationSet>${ec2Tags(t.tags)}</item>`;
}

export function natGatewayXml(n: NatGatewayRecord): string {
  return `<item><natGatewayId>${n.natGatewayId}</natGatewayId><subnetId>${
    n.subnetId
  }</subnetId><vpcId>${n.vpcId}</vpcId><state>${
    n.state
  }</state><connectivityType>public</connectivityType><createTime>${
    n.createTime
  }</createTime><natGatewayAddressSet><item><allocationId>${
    n.allocationId
  }</allocationId><networkInterfaceId>${
    n.networkInterfaceId
  }</networkInterfaceId><privateIp>${n.privateIp}</privateIp><publicIp>${
    n.publicIp
  }</publicIp><isPrimary>true</isPrimary><status>succeeded</status></item></natGatewayAddressSet>${ec2Tags(
    n.tags,
  )}</item>`;
}

export function vpcEndpointXml(
  e: VpcEndpointRecord,
  ownerId: string,
  tag = 'item',
): string {
  return `<${tag}><vpcEndpointId>${
    e.vpcEndpointId
  }</vpcEndpointId><vpcEndpointType>${
    e.vpcEndpointType
  }</vpcEndpointType><vpcId>${e.vpcId}</vpcId><serviceName>${xmlEscape(
    e.serviceName,
  )}</serviceName><state>${e.state}</state><policyDocument>${xmlEscape(
    e.policyDocument ?? '',
  )}</policyDocument>${stringSet(
    'routeTableIdSet',
    e.routeTableIds,
  )}${stringSet(
    'subnetIdSet',
    e.subnetIds,
  )}<groupSet/><ipAddressType>ipv4</ipAddressType><privateDnsEnabled>${
    e.privateDnsEnabled
  }</privateDnsEnabled><requesterManaged>false</requesterManaged><networkInterfaceIdSet/><dnsEntrySet/><creationTimestamp>${
    e.creationTimestamp
  }</creationTimestamp>${ec2Tags(
    e.tags,
  )}<ownerId>${ownerId}</ownerId></${tag}>`;
}
