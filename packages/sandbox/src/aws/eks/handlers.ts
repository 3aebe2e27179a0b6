/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import { AwsServiceModule } from '../protocol/types';
import { page, toEpoch } from '../protocol/wire';
import { EksService } from './service';

/** EKS over restJson1: DescribeCluster and the Fargate profile operations. */
export function eksModule(eks: EksService): AwsServiceModule {
  const profileJson = (p: ReturnType<EksService['describeProfile']>) => ({
    ...p,
    createdAt: toEpoch(p.createdAt),
  });
  return {
    service: 'eks',
    protocol: 'restJson1',
    pathPrefix: '/clusters',
    routes: [
      { method: 'GET', path: '/clusters/{name}', operation: 'DescribeCluster' },
      {
        method: 'POST',
        path: '/clusters/{name}/fargate-profiles',
        operation: 'CreateFargateProfile',
      },
      {
        method: 'GET',
        path: '/clusters/{name}/fargate-profiles',
        operation: 'ListFargateProfiles',
      },
      {
        method: 'GET',
        path: '/clusters/{name}/fargate-profiles/{fargateProfileName}',
        operation: 'DescribeFargateProfile',
      },
      {
        method: 'DELETE',
        path: '/clusters/{name}/fargate-profiles/{fargateProfileName}',
        operation: 'DeleteFargateProfile',
      },
    ],
    operations: {
      DescribeCluster: ({ labels }) => {
        const c = eks.describeCluster(labels.name);
        return { cluster: { ...c, createdAt: toEpoch(c.createdAt) } };
      },
      CreateFargateProfile: ({ labels, input }) => ({
        fargateProfile: profileJson(
          eks.createProfile(labels.name, input ?? {}),
        ),
      }),
      ListFargateProfiles: ({ labels, query }) => {
        const max = query.get('maxResults');
        if (max !== null && (!/^\d+$/.test(max) || +max < 1 || +max > 100)) {
          throw new AwsServiceError(
            'InvalidParameterException',
            'maxResults must be between 1 and 100.',
            400,
            { clusterName: labels.name },
          );
        }
        const p = page(
          eks.profiles(labels.name).map(x => x.fargateProfileName),
          max ? +max : undefined,
          query.get('nextToken') ?? undefined,
          100,
        );
        return { fargateProfileNames: p.items, nextToken: p.nextToken };
      },
      DescribeFargateProfile: ({ labels }) => ({
        fargateProfile: profileJson(
          eks.describeProfile(labels.name, labels.fargateProfileName),
        ),
      }),
      DeleteFargateProfile: ({ labels }) => ({
        fargateProfile: profileJson(
          eks.deleteProfile(labels.name, labels.fargateProfileName),
        ),
      }),
    },
  };
}
