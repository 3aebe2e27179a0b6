/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  container,
  gitSync,
  gitSyncPod,
  healthyInput,
  network,
  pod,
  PULL_TIMEOUT,
  REGION,
  taskLog,
} from '../__testUtils__/fixtures';
import { checkNoNatEgress } from './noNatEgress';

const withoutNat = () =>
  network({
    routeTables: [
      {
        id: 'rtb-0private',
        vpcId: 'vpc-0abc',
        main: false,
        subnetIds: ['subnet-0private1', 'subnet-0private2'],
        routes: [
          { destination: '10.0.0.0/16', gatewayId: 'local', state: 'active' },
        ],
      },
    ],
  });

/** git-sync v4.2+ after a fetch hit its timeout (§2.6). */
const GIT_TIMEOUT =
  'Run(git fetch https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags main --verbose --no-progress --prune --no-auto-gc --depth 1): context deadline exceeded: { stdout: "", stderr: "" }';

describe('no-nat-egress', () => {
  it('should report a route table without a NAT route and no VPC endpoints, with the pull timeout', () => {
    const result = checkNoNatEgress(
      healthyInput({
        network: withoutNat(),
        pods: [
          pod({
            phase: 'Pending',
            containers: [
              container({
                state: 'waiting',
                reason: 'ErrImagePull',
                message: PULL_TIMEOUT,
              }),
            ],
          }),
        ],
      }),
    );
    const [finding] = result.findings;
    expect(finding).toMatchObject({
      id: 'no-nat-egress',
      severity: 'error',
      variant: 'no-route',
    });
    expect(finding.evidence.slice(0, 2)).toEqual([
      {
        object: 'Route table rtb-0private',
        where: 'routes (subnets subnet-0private1, subnet-0private2)',
        text: 'no 0.0.0.0/0 route to a NAT gateway',
      },
      {
        object: 'VPC vpc-0abc',
        where: 'VPC endpoints',
        text: 'no endpoint for ecr.api, ecr.dkr, s3 (Gateway), sts',
      },
    ]);
    expect(finding.evidence[2].text).toMatch(/i\/o timeout$/);
    expect(finding.fix.snippet.code).toContain(
      `aws ec2 create-route --region ${REGION} --route-table-id rtb-0private`,
    );
  });

  it("should quote git-sync's context deadline exceeded and a blackhole NAT route", () => {
    const blackhole = withoutNat();
    blackhole.routeTables[0].routes.push({
      destination: '0.0.0.0/0',
      natGatewayId: 'nat-0gone',
      state: 'blackhole',
    });
    const result = checkNoNatEgress(
      healthyInput({
        network: blackhole,
        gitSync: gitSync({
          pods: [
            gitSyncPod({
              state: 'failing',
              lastError: { message: GIT_TIMEOUT, at: null },
            }),
          ],
        }),
      }),
    );
    const texts = result.findings[0].evidence.map(e => e.text);
    expect(texts).toContain('0.0.0.0/0 → nat-0gone is blackhole');
    expect(texts).toContain(GIT_TIMEOUT);
  });

  it('should only warn when ECR and S3 endpoints let images through without a NAT', () => {
    const endpoint = (service: string, type = 'Interface') => ({
      id: `vpce-${service}`,
      serviceName: `com.amazonaws.${REGION}.${service}`,
      type,
      state: 'available',
      routeTableIds: type === 'Gateway' ? ['rtb-0private'] : [],
      subnetIds: [],
      privateDnsEnabled: type === 'Interface',
    });
    const result = checkNoNatEgress(
      healthyInput({
        network: {
          ...withoutNat(),
          vpcEndpoints: [
            endpoint('ecr.api'),
            endpoint('ecr.dkr'),
            endpoint('sts'),
            endpoint('s3', 'Gateway'),
          ],
        },
      }),
    );
    expect(result.findings[0]).toMatchObject({
      severity: 'warning',
      variant: 'endpoints-only',
    });
  });

  it('should treat timeouts in an old task log as history once the NAT route is back', () => {
    const result = checkNoNatEgress(
      healthyInput({
        taskLogs: [
          taskLog([
            'PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ErrImagePull',
            PULL_TIMEOUT,
          ]),
        ],
      }),
    );
    expect(result.check.status).toBe('ok');
  });

  it('should report timeouts when the route tables cannot be read', () => {
    const result = checkNoNatEgress(
      healthyInput({
        network: null,
        unavailable: { network: 'UnauthorizedOperation' },
        taskLogs: [
          taskLog([
            'PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ErrImagePull',
            PULL_TIMEOUT,
          ]),
        ],
      }),
    );
    expect(result.findings[0].title).toBe(
      'Image pulls of the crawler time out: its subnets seem to have no route out',
    );
  });

  it('should stay unknown without route tables or timeouts', () => {
    expect(
      checkNoNatEgress(
        healthyInput({ network: null, unavailable: { network: 'no profile' } }),
      ).check,
    ).toEqual({ id: 'no-nat-egress', status: 'unknown', reason: 'no profile' });
  });
});
