/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  DescribeRouteTablesCommand,
  DescribeVpcEndpointsCommand,
  RouteTable,
} from '@aws-sdk/client-ec2';
import { GetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import {
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  ListFargateProfilesCommand,
} from '@aws-sdk/client-eks';
import {
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type { JsonValue } from '@backstage/types';
import type {
  DiagnosisFargateProfile,
  DiagnosisRepositoryPolicy,
  DiagnosisRolePolicies,
  DiagnosisRouteTable,
  DiagnosisVpcEndpoint,
} from '@crawler-platform/plugin-crawlers-node';
import type { CachedResult } from '../AirflowCache';
import type { KubeContext, KubeReads } from '../CrawlerKubernetesService';
import type { AwsClusterAccess } from './awsAccess';

type Ready = Extract<KubeContext, { access: unknown }> & {
  access: NonNullable<KubeContext['access']>;
  scope: NonNullable<KubeContext['scope']>;
};

/** Pages read at most from a paged AWS list (Fargate profiles are limited to 10 per cluster by default). */
const MAX_PAGES = 5;

const asJson = <T>(value: T) => value as unknown as JsonValue;

/** The AWS reads of the diagnosis, each cached (`crawlers.cache.awsTtlMs`) and shared within a request. */
export function createAwsReads(reads: KubeReads) {
  function cached<T>(
    ctx: Ready,
    key: string,
    fetch: () => Promise<T>,
  ): Promise<CachedResult<T>> {
    return reads.cached(
      ctx as any,
      { instance: ctx.client.name },
      'aws',
      key,
      async () => asJson(await fetch()),
    ) as unknown as Promise<CachedResult<T>>;
  }

  return {
    /** Every Fargate profile of the cluster (ListFargateProfiles, then DescribeFargateProfile of each). */
    fargateProfiles(ctx: Ready, aws: AwsClusterAccess) {
      return cached(ctx, `fargate:${aws.cluster}`, async () => {
        const names: string[] = [];
        let nextToken: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const out = await aws.eks.send(
            new ListFargateProfilesCommand({
              clusterName: aws.clusterName,
              nextToken,
            }),
          );
          names.push(...(out.fargateProfileNames ?? []));
          nextToken = out.nextToken;
          if (!nextToken) break;
        }
        return Promise.all(
          names.map(async (name): Promise<DiagnosisFargateProfile> => {
            const out = await aws.eks.send(
              new DescribeFargateProfileCommand({
                clusterName: aws.clusterName,
                fargateProfileName: name,
              }),
            );
            const p = out.fargateProfile;
            return {
              name,
              status: p?.status ?? 'UNKNOWN',
              podExecutionRoleArn: p?.podExecutionRoleArn ?? null,
              subnets: p?.subnets ?? [],
              selectors: (p?.selectors ?? []).map(s => ({
                ...(s.namespace ? { namespace: s.namespace } : {}),
                ...(s.labels ? { labels: s.labels } : {}),
              })),
            };
          }),
        );
      });
    },

    /** The cluster's VPC (DescribeCluster). */
    vpcId(ctx: Ready, aws: AwsClusterAccess) {
      return cached(ctx, `vpc:${aws.cluster}`, async () => {
        const out = await aws.eks.send(
          new DescribeClusterCommand({ name: aws.clusterName }),
        );
        return out.cluster?.resourcesVpcConfig?.vpcId ?? null;
      });
    },

    /**
     * The route tables of subnets (DescribeRouteTables by `association.subnet-id`); subnets without an explicit
     * association use the VPC's main table (`association.main`).
     */
    routeTables(
      ctx: Ready,
      aws: AwsClusterAccess,
      subnets: string[],
      vpcId: string | null,
    ) {
      const sorted = [...subnets].sort();
      return cached(
        ctx,
        `routes:${aws.cluster}:${sorted.join(',')}`,
        async () => {
          const out = await aws.ec2.send(
            new DescribeRouteTablesCommand({
              Filters: [{ Name: 'association.subnet-id', Values: sorted }],
            }),
          );
          const tables = out.RouteTables ?? [];
          const associated = new Set(
            tables.flatMap(t =>
              (t.Associations ?? []).map(a => a.SubnetId ?? ''),
            ),
          );
          const vpc = vpcId ?? tables[0]?.VpcId ?? null;
          if (sorted.some(s => !associated.has(s)) && vpc) {
            const main = await aws.ec2.send(
              new DescribeRouteTablesCommand({
                Filters: [
                  { Name: 'vpc-id', Values: [vpc] },
                  { Name: 'association.main', Values: ['true'] },
                ],
              }),
            );
            tables.push(...(main.RouteTables ?? []));
          }
          return tables.map(t => routeTable(t, sorted, associated));
        },
      );
    },

    /** The VPC's endpoints (DescribeVpcEndpoints by `vpc-id`). */
    vpcEndpoints(ctx: Ready, aws: AwsClusterAccess, vpcId: string) {
      return cached(ctx, `endpoints:${aws.cluster}:${vpcId}`, async () => {
        const out = await aws.ec2.send(
          new DescribeVpcEndpointsCommand({
            Filters: [{ Name: 'vpc-id', Values: [vpcId] }],
          }),
        );
        return (out.VpcEndpoints ?? []).map(
          (e): DiagnosisVpcEndpoint => ({
            id: e.VpcEndpointId ?? '',
            serviceName: e.ServiceName ?? '',
            type: String(e.VpcEndpointType ?? ''),
            state: String(e.State ?? ''),
            routeTableIds: e.RouteTableIds ?? [],
            subnetIds: e.SubnetIds ?? [],
            privateDnsEnabled: e.PrivateDnsEnabled ?? false,
          }),
        );
      });
    },

    /** A role's attached managed policies and inline policies with their documents. */
    rolePolicies(ctx: Ready, aws: AwsClusterAccess, roleArn: string) {
      const roleName = roleArn.split('/').pop() ?? roleArn;
      return cached(
        ctx,
        `role:${aws.cluster}:${roleArn}`,
        async (): Promise<DiagnosisRolePolicies> => {
          const attached: DiagnosisRolePolicies['attached'] = [];
          let marker: string | undefined;
          for (let page = 0; page < MAX_PAGES; page++) {
            const out = await aws.iam.send(
              new ListAttachedRolePoliciesCommand({
                RoleName: roleName,
                Marker: marker,
              }),
            );
            attached.push(
              ...(out.AttachedPolicies ?? []).map(p => ({
                arn: p.PolicyArn ?? '',
                name: p.PolicyName ?? '',
              })),
            );
            marker = out.IsTruncated ? out.Marker : undefined;
            if (!marker) break;
          }
          const names = await aws.iam.send(
            new ListRolePoliciesCommand({ RoleName: roleName }),
          );
          const inline = await Promise.all(
            (names.PolicyNames ?? []).map(async name => {
              const out = await aws.iam.send(
                new GetRolePolicyCommand({
                  RoleName: roleName,
                  PolicyName: name,
                }),
              );
              let document = out.PolicyDocument ?? '';
              try {
                document = decodeURIComponent(document);
              } catch {
                // not URL-encoded
              }
              return { name, document };
            }),
          );
          return { roleArn, attached, inline };
        },
      );
    },

    /** An ECR repository's policy (GetRepositoryPolicy); null when it has none. */
    repositoryPolicy(
      ctx: Ready,
      aws: AwsClusterAccess,
      repo: { registryId: string; region: string; repositoryName: string },
    ) {
      return cached(
        ctx,
        `ecr:${aws.cluster}:${repo.registryId}/${repo.region}/${repo.repositoryName}`,
        async (): Promise<DiagnosisRepositoryPolicy> => {
          try {
            const out = await aws.ecr(repo.region).send(
              new GetRepositoryPolicyCommand({
                registryId: repo.registryId,
                repositoryName: repo.repositoryName,
              }),
            );
            return { ...repo, policy: out.policyText ?? null };
          } catch (error) {
            if (
              (error as Error)?.name === 'RepositoryPolicyNotFoundException'
            ) {
              return { ...repo, policy: null };
            }
            throw error;
          }
        },
      );
    },
  };
}

function routeTable(
  t: RouteTable,
  subnets: string[],
  associated: Set<string>,
): DiagnosisRouteTable {
  const main = (t.Associations ?? []).some(a => a.Main);
  const own = (t.Associations ?? [])
    .map(a => a.SubnetId)
    .filter((s): s is string => !!s && subnets.includes(s));
  return {
    id: t.RouteTableId ?? '',
    vpcId: t.VpcId ?? null,
    main,
    // The main table serves the subnets without an explicit association.
    subnetIds: main ? subnets.filter(s => !associated.has(s)) : own,
    routes: (t.Routes ?? []).map(r => ({
      destination: r.DestinationCidrBlock ?? null,
      ...(r.NatGatewayId ? { natGatewayId: r.NatGatewayId } : {}),
      ...(r.GatewayId ? { gatewayId: r.GatewayId } : {}),
      ...(r.TransitGatewayId ? { transitGatewayId: r.TransitGatewayId } : {}),
      ...(r.NetworkInterfaceId
        ? { networkInterfaceId: r.NetworkInterfaceId }
        : {}),
      ...(r.InstanceId ? { instanceId: r.InstanceId } : {}),
      ...(r.State ? { state: String(r.State) } : {}),
    })),
  };
}

/** The AWS reads. */
export type AwsReads = ReturnType<typeof createAwsReads>;
