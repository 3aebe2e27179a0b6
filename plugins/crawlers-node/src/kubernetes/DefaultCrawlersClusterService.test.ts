/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockServices } from '@backstage/backend-test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import { DefaultCrawlersClusterService } from './DefaultCrawlersClusterService';

const eks = mockClient(EKSClient);
const sts = mockClient(STSClient);

const base = {
  accessKeyId: 'AKIDBASE',
  secretAccessKey: 'base-secret',
};

function service(
  cluster: Partial<{ assumeRole: string; externalId: string }> = {},
  now = () => Date.parse('2026-12-01T10:00:00Z'),
) {
  return DefaultCrawlersClusterService.create({
    clusters: [
      {
        type: 'eks',
        name: 'prod',
        region: 'eu-west-1',
        clusterName: 'crawlers-prod',
        ...cluster,
      },
    ],
    credentialsManager: {
      getCredentialProvider: async () => ({
        sdkCredentialProvider: async () => base,
      }),
    },
    logger: mockServices.logger.mock(),
    now,
  });
}

function tokenOf(kc: { getCurrentUser(): { token?: string } | null }) {
  const token = kc.getCurrentUser()!.token!;
  return new URL(
    Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString(),
  );
}

describe('DefaultCrawlersClusterService', () => {
  beforeEach(() => {
    eks.reset();
    sts.reset();
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: 'crawlers-prod',
        endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
        certificateAuthority: { data: 'LS0tLS1CRUdJTg==' },
        status: 'ACTIVE',
      },
    });
  });

  it('should point the client at the endpoint and CA DescribeCluster gives, with an EKS token', async () => {
    const kc = await service().getCluster('prod').kubeConfig();
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      caData: 'LS0tLS1CRUdJTg==',
      skipTLSVerify: false,
    });
    expect(tokenOf(kc).searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIDBASE\/20261201\/eu-west-1\/sts\//,
    );
    expect(eks.commandCalls(DescribeClusterCommand)[0].args[0].input).toEqual({
      name: 'crawlers-prod',
    });
  });

  it('should turn TLS verification off only for a plain-HTTP endpoint (a local stand-in), never for https', async () => {
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: 'crawlers-prod',
        endpoint: 'http://127.0.0.1:7443',
        certificateAuthority: { data: 'LS0tLS1CRUdJTg==' },
        status: 'ACTIVE',
      },
    });
    const kc = await service().getCluster('prod').kubeConfig();
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'http://127.0.0.1:7443',
      skipTLSVerify: true,
    });
  });

  it('should reuse the token for 13 minutes and sign a new one before 14', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const cluster = service({}, () => now).getCluster('prod');
    const first = tokenOf(await cluster.kubeConfig());
    now += 12 * 60 * 1000;
    expect(tokenOf(await cluster.kubeConfig()).toString()).toBe(
      first.toString(),
    );
    now += 1.5 * 60 * 1000; // 13.5 minutes after signing
    const second = tokenOf(await cluster.kubeConfig());
    expect(second.searchParams.get('X-Amz-Date')).toBe('20261201T101330Z');
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it('should assume the configured role with its external id and sign with the temporary credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAASSUMED',
        SecretAccessKey: 'assumed-secret',
        SessionToken: 'assumed-session',
        Expiration: new Date('2026-12-01T11:00:00Z'),
      },
    });
    const kc = await service({
      assumeRole: 'arn:aws:iam::123456789012:role/backstage-crawlers',
      externalId: 'ext-42',
    })
      .getCluster('prod')
      .kubeConfig();
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::123456789012:role/backstage-crawlers',
      ExternalId: 'ext-42',
    });
    const url = tokenOf(kc);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^ASIAASSUMED\//);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(
      'assumed-session',
    );
  });

  it('should name the config key for an unknown cluster', () => {
    expect(() => service().getCluster('nope')).toThrow(
      'Cluster "nope" is not configured: add it under crawlers.clusters',
    );
  });
});
