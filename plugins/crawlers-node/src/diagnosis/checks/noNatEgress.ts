/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { CrawlersFindingEvidence } from '@crawler-platform/plugin-crawlers-common';
import { evidence, found, ok, unknown } from '../common';
import { classifyGitSyncError } from '../text';
import type {
  DiagnosisCheck,
  DiagnosisNetwork,
  DiagnosisRouteTable,
} from '../types';
import { findImagePullFailures } from './imagePull';

const ANYWHERE = '0.0.0.0/0';

/** The route that carries traffic out of a private subnet: `0.0.0.0/0` to a NAT gateway (or NAT instance, TGW). */
export function egressRoute(table: DiagnosisRouteTable) {
  return table.routes.find(
    r =>
      r.destination === ANYWHERE &&
      r.state !== 'blackhole' &&
      (r.natGatewayId ||
        r.transitGatewayId ||
        r.networkInterfaceId ||
        r.instanceId),
  );
}

/** The VPC endpoints Fargate needs to pull from ECR without a NAT (§5.2): ecr.api, ecr.dkr, and the S3 gateway. */
export function ecrEndpoints(network: DiagnosisNetwork, table: string) {
  const name = (service: string) =>
    `com.amazonaws.${network.region}.${service}`;
  const available = network.vpcEndpoints.filter(
    e => e.state.toLowerCase() === 'available',
  );
  const iface = (service: string) =>
    available.find(
      e =>
        e.serviceName === name(service) &&
        e.type === 'Interface' &&
        e.privateDnsEnabled,
    );
  const s3 = available.find(
    e =>
      e.serviceName === name('s3') &&
      e.type === 'Gateway' &&
      e.routeTableIds.includes(table),
  );
  const missing = [
    ...(iface('ecr.api') ? [] : ['ecr.api']),
    ...(iface('ecr.dkr') ? [] : ['ecr.dkr']),
    ...(s3 ? [] : ['s3 (Gateway)']),
    ...(iface('sts') ? [] : ['sts']),
  ];
  return { missing };
}

/**
 * `no-nat-egress` (§8, §9 row 6): the route tables of the subnets the crawler's Fargate profile uses have no route
 * out (no `0.0.0.0/0` to a NAT gateway) and the VPC has no ECR/STS endpoints, so image pulls time out (`dial tcp
 * <ip>:443: i/o timeout`), IRSA calls fail and git-sync's fetches end in `context deadline exceeded`. A route table
 * with a NAT route makes older timeouts history. With endpoints but no NAT, images pull but crawlers cannot reach
 * their sites (warning).
 */
export const checkNoNatEgress: DiagnosisCheck = input => {
  const id = 'no-nat-egress';
  const network = input.network;
  const timeouts = findImagePullFailures(input).filter(
    f => f.kind === 'timeout',
  );
  const gitSyncTimeouts = (input.gitSync?.pods ?? []).filter(
    p => p.lastError && classifyGitSyncError(p.lastError.message) === 'timeout',
  );
  if (network && !network.routeTables.length) {
    return unknown(
      id,
      `no route table was found for subnets ${network.subnetIds.join(', ')}`,
    );
  }
  const closed = (network?.routeTables ?? []).filter(t => !egressRoute(t));
  if (network && !closed.length) {
    return ok(id);
  }
  if (!network && !timeouts.length) {
    return unknown(
      id,
      input.unavailable.network ??
        "the route tables of the crawler's Fargate subnets could not be read",
    );
  }
  const evidenceList: CrawlersFindingEvidence[] = [];
  let endpointsOnly = false;
  for (const table of closed) {
    const route = table.routes.find(r => r.destination === ANYWHERE);
    const { missing } = ecrEndpoints(network!, table.id);
    endpointsOnly = !missing.some(m => m !== 'sts');
    evidenceList.push(
      evidence(
        `Route table ${table.id}`,
        `routes (subnets ${table.subnetIds.join(', ') || 'main table'})`,
        route
          ? `0.0.0.0/0 → ${
              route.natGatewayId ?? route.gatewayId ?? 'unknown target'
            } is ${route.state ?? 'unknown'}`
          : 'no 0.0.0.0/0 route to a NAT gateway',
      ),
      evidence(
        `VPC ${network!.vpcId ?? ''}`,
        'VPC endpoints',
        missing.length
          ? `no endpoint for ${missing.join(', ')}`
          : 'ECR, S3 and STS endpoints exist',
      ),
    );
  }
  for (const f of timeouts.slice(0, 2)) {
    evidenceList.push(...f.evidence.slice(0, 1));
  }
  for (const pod of gitSyncTimeouts.slice(0, 1)) {
    evidenceList.push(
      evidence(
        `Pod ${input.gitSync!.namespace}/${pod.name}`,
        `log of container ${pod.logContainer}`,
        pod.lastError!.message,
      ),
    );
  }
  const tables = closed.map(t => t.id);
  const region = network?.region ?? input.cluster?.region ?? '<region>';
  const severity = endpointsOnly && !timeouts.length ? 'warning' : 'error';
  return found(id, [
    {
      id,
      severity,
      variant: endpointsOnly ? 'endpoints-only' : 'no-route',
      title: network
        ? `The crawler's Fargate subnets have no route out: route table ${tables.join(
            ', ',
          )} has no 0.0.0.0/0 NAT route`
        : 'Image pulls of the crawler time out: its subnets seem to have no route out',
      summary: endpointsOnly
        ? 'VPC endpoints let Fargate pull from ECR, but without a NAT gateway the crawlers cannot reach their target sites.'
        : 'Fargate pods run in private subnets without public IPs: without a NAT gateway or VPC endpoints they cannot reach ECR, STS, CodeCommit or the sites they crawl.',
      dagIds: [
        ...new Set(timeouts.map(f => f.dagId).filter(Boolean)),
      ] as string[],
      evidence: evidenceList,
      fix: {
        text: `Route 0.0.0.0/0 of ${
          tables.join(', ') || "the crawler's route tables"
        } to a NAT gateway in a public subnet (crawlers need internet egress anyway), or add VPC endpoints for ECR (api, dkr), S3, STS and CodeCommit.`,
        snippet: {
          language: 'shell',
          code: [
            ...(tables.length ? tables : ['<route table id>']).map(
              t =>
                `aws ec2 create-route --region ${region} --route-table-id ${t} \\\n  --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat gateway id>`,
            ),
            '# or, without a NAT gateway: interface endpoints (ecr.api, ecr.dkr, sts, git-codecommit) and the S3 gateway',
            `# aws ec2 create-vpc-endpoint --vpc-id ${
              network?.vpcId ?? '<vpc id>'
            } --vpc-endpoint-type Interface \\`,
            `#   --service-name com.amazonaws.${region}.ecr.dkr --subnet-ids ${
              network?.subnetIds.join(' ') ?? '<subnet ids>'
            } --private-dns-enabled`,
          ].join('\n'),
        },
      },
    },
  ]);
};
