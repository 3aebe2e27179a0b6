/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_KUBERNETES_VERSION,
  SANDBOX_REGION,
} from '../../constants';
import type { FargateProfileRecord } from './fargate';

export interface SubnetRecord {
  subnetId: string;
  cidrBlock: string;
  availabilityZone: string;
  /** A private subnet routes 0.0.0.0/0 to a NAT gateway, a public one to an internet gateway. */
  private: boolean;
}

export interface ClusterRecord {
  name: string;
  createdAt: string;
  version: string;
  roleArn: string;
  vpcId: string;
  securityGroupId: string;
  subnets: SubnetRecord[];
  endpoint?: string;
  certificateAuthorityData?: string;
  fargateProfiles: Record<string, FargateProfileRecord>;
}

/** The sandbox's cluster: two private subnets and one public one in its VPC. */
export function defaultCluster(now: Date): ClusterRecord {
  return {
    name: SANDBOX_CLUSTER_NAME,
    createdAt: now.toISOString(),
    version: SANDBOX_KUBERNETES_VERSION,
    roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${SANDBOX_CLUSTER_NAME}-cluster`,
    vpcId: 'vpc-0sandbox00000000',
    securityGroupId: 'sg-0sandbox00000000',
    subnets: [
      {
        subnetId: 'subnet-0private0000000a',
        cidrBlock: '10.0.0.0/19',
        availabilityZone: `${SANDBOX_REGION}a`,
        private: true,
      },
      {
        subnetId: 'subnet-0private0000000b',
        cidrBlock: '10.0.32.0/19',
        availabilityZone: `${SANDBOX_REGION}b`,
        private: true,
      },
      {
        subnetId: 'subnet-0public00000000a',
        cidrBlock: '10.0.96.0/24',
        availabilityZone: `${SANDBOX_REGION}a`,
        private: false,
      },
    ],
    fargateProfiles: {},
  };
}

/** A self-signed CA certificate (PEM, base64) made with the system's openssl, as EKS returns in certificateAuthority. */
export function generateCaCertificate(clusterName: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-ca-'));
  try {
    const pem = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        path.join(tmp, 'ca.key'),
        '-subj',
        `/CN=kubernetes`,
        '-days',
        '3650',
        '-addext',
        `subjectAltName=DNS:${clusterName}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return Buffer.from(pem).toString('base64');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** DescribeCluster's `cluster` (timestamps as ISO strings). */
export function clusterView(c: ClusterRecord, arn: string, region: string) {
  const hash = crypto
    .createHash('md5')
    .update(c.name)
    .digest('hex')
    .toUpperCase();
  return {
    name: c.name,
    arn,
    createdAt: c.createdAt,
    version: c.version,
    endpoint: c.endpoint ?? `https://${hash}.gr7.${region}.eks.amazonaws.com`,
    roleArn: c.roleArn,
    resourcesVpcConfig: {
      subnetIds: c.subnets.map(s => s.subnetId),
      securityGroupIds: [],
      clusterSecurityGroupId: c.securityGroupId,
      vpcId: c.vpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: {
      serviceIpv4Cidr: '172.20.0.0/16',
      ipFamily: 'ipv4',
    },
    logging: {
      clusterLogging: [
        {
          types: [
            'api',
            'audit',
            'authenticator',
            'controllerManager',
            'scheduler',
          ],
          enabled: false,
        },
      ],
    },
    identity: {
      oidc: {
        issuer: `https://oidc.eks.${region}.amazonaws.com/id/${hash}`,
      },
    },
    status: 'ACTIVE',
    certificateAuthority: { data: c.certificateAuthorityData },
    platformVersion: 'eks.1',
    tags: {},
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
  };
}
