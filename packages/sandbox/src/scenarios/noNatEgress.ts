/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  RouteTable,
} from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
} from '@aws-sdk/client-eks';
import { SANDBOX_CLUSTER_NAME } from '../constants';
import { AIRFLOW_NAMESPACE } from '../gitsync/airflowPods';
import { AIRFLOW_INSTANCES } from '../seed/airflow';
import { ScenarioContext, ScenarioCrawler } from './context';
import {
  airflowPod,
  deleteImagePullPods,
  deletePod,
  gitSyncFailing,
} from './kube';
import { Scenario } from './types';

const ANYWHERE = '0.0.0.0/0';

/** The subnets the crawler's pods run in: its Fargate profile's (else the cluster's). */
async function crawlerSubnets(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
): Promise<string[]> {
  const { eks } = ctx.clients;
  try {
    const out = await eks.send(
      new DescribeFargateProfileCommand({
        clusterName: SANDBOX_CLUSTER_NAME,
        fargateProfileName: crawler.name,
      }),
    );
    return out.fargateProfile?.subnets ?? [];
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    const cluster = await eks.send(
      new DescribeClusterCommand({ name: SANDBOX_CLUSTER_NAME }),
    );
    return cluster.cluster?.resourcesVpcConfig?.subnetIds ?? [];
  }
}

/** The route tables of those subnets (EC2 DescribeRouteTables, filter `association.subnet-id`). */
async function routeTables(
  ctx: ScenarioContext,
  subnets: string[],
): Promise<RouteTable[]> {
  const out = await ctx.ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [{ Name: 'association.subnet-id', Values: subnets }],
    }),
  );
  return out.RouteTables ?? [];
}

const defaultRoute = (table: RouteTable) =>
  (table.Routes ?? []).find(r => r.DestinationCidrBlock === ANYWHERE);

const associatedSubnets = (table: RouteTable) =>
  (table.Associations ?? [])
    .map(a => a.SubnetId)
    .filter((s): s is string => Boolean(s));

/** Restarts the Airflow git-sync pods whose git-sync fails (a rollout restart, once the route is back). */
async function restartFailingGitSync(ctx: ScenarioContext): Promise<number> {
  let restarted = 0;
  for (const instance of AIRFLOW_INSTANCES) {
    const pod = await airflowPod(ctx, instance.name, instance.gitSyncComponent);
    if (pod && gitSyncFailing(pod)) {
      await deletePod(ctx, AIRFLOW_NAMESPACE, pod.metadata!.name!);
      ctx.note(
        `Kubernetes: deleted ${
          pod.metadata!.name
        } (its git-sync had failed without egress; the Deployment replaces it)`,
      );
      restarted++;
    }
  }
  return restarted;
}

/**
 * §9 row 6: the route tables of the crawler's subnets lose their `0.0.0.0/0` route to the NAT gateway (EC2
 * DeleteRoute), with no VPC endpoints: image pulls from ECR time out, and git-sync of the Airflow pods (the node group
 * is in a private subnet too) cannot reach CodeCommit. Heal creates the route to the VPC's available NAT gateway
 * again, deletes the crawler's pods stuck on the pull and restarts failing git-sync pods.
 */
export const noNatEgress: Scenario = {
  id: 'no-nat-egress',
  summary:
    'the private route table loses its 0.0.0.0/0 NAT route → image pulls time out, git-sync cannot reach CodeCommit',
  scope:
    'the route table of the crawler’s subnets — in the seeded VPC one table (rtb-0private0000000000) serves both private subnets: every crawler and the Airflow node group (git-sync of both Airflows)',
  async break(ctx, crawler) {
    const tables = await routeTables(ctx, await crawlerSubnets(ctx, crawler));
    let changed = false;
    for (const table of tables) {
      const route = defaultRoute(table);
      if (!route?.NatGatewayId) continue;
      await ctx.ec2.send(
        new DeleteRouteCommand({
          RouteTableId: table.RouteTableId,
          DestinationCidrBlock: ANYWHERE,
        }),
      );
      ctx.note(
        `EC2 DeleteRoute ${ANYWHERE} → ${route.NatGatewayId} from ${
          table.RouteTableId
        } (scope: subnets ${associatedSubnets(table).join(', ')})`,
      );
      changed = true;
    }
    return { changed, runId: await ctx.triggerRun(crawler) };
  },
  async heal(ctx, crawler) {
    const tables = await routeTables(ctx, await crawlerSubnets(ctx, crawler));
    let changed = false;
    for (const table of tables) {
      if (defaultRoute(table)) continue;
      const nats = await ctx.ec2.send(
        new DescribeNatGatewaysCommand({
          Filter: [
            { Name: 'vpc-id', Values: [table.VpcId!] },
            { Name: 'state', Values: ['available'] },
          ],
        }),
      );
      const nat = nats.NatGateways?.[0]?.NatGatewayId;
      if (!nat) {
        throw new Error(
          `no available NAT gateway in ${table.VpcId} to route ${table.RouteTableId} through`,
        );
      }
      await ctx.ec2.send(
        new CreateRouteCommand({
          RouteTableId: table.RouteTableId,
          DestinationCidrBlock: ANYWHERE,
          NatGatewayId: nat,
        }),
      );
      ctx.note(`EC2 CreateRoute ${ANYWHERE} → ${nat} in ${table.RouteTableId}`);
      changed = true;
    }
    const deleted = await deleteImagePullPods(ctx, crawler, 'i/o timeout');
    const restarted = await restartFailingGitSync(ctx);
    return { changed: changed || deleted > 0 || restarted > 0 };
  },
};
