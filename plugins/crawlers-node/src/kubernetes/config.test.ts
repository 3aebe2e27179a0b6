/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { ConfigReader } from '@backstage/config';
import { readCrawlersClustersConfig } from './config';

const read = (data: object) =>
  readCrawlersClustersConfig(new ConfigReader(data));

describe('readCrawlersClustersConfig', () => {
  it('should read eks and kubeconfig clusters of crawlers.clusters', () => {
    expect(
      read({
        crawlers: {
          clusters: [
            {
              type: 'eks',
              name: 'prod',
              region: 'eu-west-1',
              clusterName: 'crawlers-prod',
              accountId: '123456789012',
              assumeRole: 'arn:aws:iam::123456789012:role/backstage',
              externalId: 'ext-1',
            },
            {
              type: 'kubeconfig',
              name: 'local',
              file: '/tmp/kc',
              context: 'kind',
            },
          ],
        },
      }),
    ).toEqual([
      {
        type: 'eks',
        name: 'prod',
        region: 'eu-west-1',
        clusterName: 'crawlers-prod',
        accountId: '123456789012',
        assumeRole: 'arn:aws:iam::123456789012:role/backstage',
        externalId: 'ext-1',
        endpoint: undefined,
      },
      { type: 'kubeconfig', name: 'local', file: '/tmp/kc', context: 'kind' },
    ]);
  });

  it("should accept the Kubernetes plugin's config locator clusters that authenticate with aws", () => {
    const clusters = read({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'eks-main',
                url: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
                authProvider: 'aws',
                caData: 'LS0t',
                authMetadata: {
                  'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/r',
                  'kubernetes.io/aws-external-id': 'x',
                  'kubernetes.io/x-k8s-aws-id': 'main',
                },
              },
              {
                name: 'sa',
                url: 'https://k8s',
                authProvider: 'serviceAccount',
              },
            ],
          },
          { type: 'catalog' },
        ],
      },
    });
    expect(clusters).toEqual([
      {
        type: 'aws-static',
        name: 'eks-main',
        url: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
        caData: 'LS0t',
        skipTLSVerify: false,
        region: process.env.AWS_REGION ?? 'us-east-1',
        clusterId: 'main',
        assumeRole: 'arn:aws:iam::1:role/r',
        externalId: 'x',
      },
    ]);
  });

  it('should name the key of a bad cluster', () => {
    expect(() =>
      read({ crawlers: { clusters: [{ type: 'gke', name: 'x' }] } }),
    ).toThrow('crawlers.clusters[0].type is "gke": use eks or kubeconfig');
    expect(() =>
      read({
        crawlers: {
          clusters: [
            { type: 'eks', name: 'x', region: 'Europe', clusterName: 'c' },
          ],
        },
      }),
    ).toThrow('crawlers.clusters[0].region "Europe" is not an AWS region');
    expect(() =>
      read({
        crawlers: {
          clusters: [
            {
              type: 'eks',
              name: 'x',
              region: 'eu-west-1',
              clusterName: 'c',
              externalId: 'e',
            },
          ],
        },
      }),
    ).toThrow(/externalId is set without crawlers.clusters\[0\].assumeRole/);
  });

  it('should refuse a cluster name configured twice', () => {
    expect(() =>
      read({
        crawlers: {
          clusters: [{ type: 'kubeconfig', name: 'a', file: 'f' }],
        },
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [{ name: 'a', url: 'https://k', authProvider: 'aws' }],
            },
          ],
        },
      }),
    ).toThrow(/Cluster name "a" is configured twice/);
  });
});
