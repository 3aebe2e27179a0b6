/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  CreateRouteCommand,
  CreateVpcEndpointCommand,
  DeleteRouteCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DeleteRepositoryPolicyCommand,
  ECRClient,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  AttachRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { startAwsServer } from '../../aws/server';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from '../../constants';
import { awsClientConfig, eventually } from '../../testing/helpers';
import { RunningServer } from '../../util/http';
import { FARGATE_POLICY_ARN, podWorld, PodWorld } from './testFixture';

const REGISTRY = `${SANDBOX_ACCOUNT_ID}.dkr.ecr.${SANDBOX_REGION}.amazonaws.com`;
const PRIVATE_TABLE = 'rtb-0private0000000000';

describe('image pulls of Fargate pods', () => {
  let w: PodWorld;
  let aws: RunningServer;

  async function setUp(ecrRead: boolean) {
    w = podWorld({ ecrRead });
    aws = await startAwsServer({ world: w.world, port: 0 });
    w.world.ecr.putImage('crawler-one', 'v1', {
      run: { exitCode: 0, log: ['crawled'] },
    });
    w.lifecycle();
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
  }

  afterEach(async () => {
    await aws.close();
    w.cleanup();
  });

  const image = () => `${w.imageBase}:v1`;
  const waitingFor = (pod: string, reason: string, container = 'base') =>
    eventually(
      () =>
        w.waitingOf(pod, container)?.reason === reason &&
        w.waitingOf(pod, container),
      reason,
    );
  const succeeded = (pod: string) =>
    eventually(() => w.phase(pod) === 'Succeeded', `${pod} Succeeded`);

  it('should report a missing image with the kubelet events and the kubelet 1.32 waiting messages', async () => {
    await setUp(true);
    const img = `${w.imageBase}:missing`;
    w.createPod('p', img);
    const rpc = `rpc error: code = NotFound desc = failed to pull and unpack image "${img}": failed to resolve reference "${img}": ${img}: not found`;
    expect((await waitingFor('p', 'ErrImagePull')).message).toBe(rpc);
    expect((await waitingFor('p', 'ImagePullBackOff')).message).toBe(
      `Back-off pulling image "${img}": ErrImagePull: ${rpc}`,
    );
    const node = (w.pod('p').spec as any).nodeName;
    const kubelet = w
      .events('p')
      .filter(e => e.source?.component === 'kubelet');
    const byMessage = (m: string) => kubelet.find(e => e.message === m);
    for (const [type, reason, message] of [
      ['Normal', 'Pulling', `Pulling image "${img}"`],
      ['Warning', 'Failed', `Failed to pull image "${img}": ${rpc}`],
      ['Warning', 'Failed', 'Error: ErrImagePull'],
      ['Normal', 'BackOff', `Back-off pulling image "${img}"`],
      ['Warning', 'Failed', 'Error: ImagePullBackOff'],
    ]) {
      expect(byMessage(message)).toMatchObject({
        type,
        reason,
        source: { component: 'kubelet', host: node },
        reportingComponent: 'kubelet',
        eventTime: null,
        involvedObject: { fieldPath: 'spec.containers{base}', name: 'p' },
      });
    }
  });

  it('should fail with the ECR 403 while the pod execution role lacks ECR read, and pull once the policy is attached', async () => {
    await setUp(false);
    w.createPod('p', image());
    const rpc = `rpc error: code = Unknown desc = failed to pull and unpack image "${image()}": failed to resolve reference "${image()}": unexpected status from HEAD request to https://${REGISTRY}/v2/crawler-one/manifests/v1: 403 Forbidden`;
    expect((await waitingFor('p', 'ErrImagePull')).message).toBe(rpc);
    expect(
      w
        .events('p')
        .some(
          e =>
            e.reason === 'Failed' &&
            e.message === `Failed to pull image "${image()}": ${rpc}` &&
            e.involvedObject.fieldPath === 'spec.containers{base}',
        ),
    ).toBe(true);
    await new IAMClient(awsClientConfig(aws.url)).send(
      new AttachRolePolicyCommand({
        RoleName: 'pods',
        PolicyArn: FARGATE_POLICY_ARN,
      }),
    );
    await succeeded('p');
    expect(w.kube.readLog('crawler-one', 'p', 'base')).toBe('crawled\n');
  });

  it('should pull once an inline policy allows ecr:BatchGetImage and ecr:GetDownloadUrlForLayer', async () => {
    await setUp(false);
    w.createPod('p', image());
    expect((await waitingFor('p', 'ErrImagePull')).message).toContain(
      '403 Forbidden',
    );
    await new IAMClient(awsClientConfig(aws.url)).send(
      new PutRolePolicyCommand({
        RoleName: 'pods',
        PolicyName: 'ecr-read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
              Resource: `arn:aws:ecr:${SANDBOX_REGION}:${SANDBOX_ACCOUNT_ID}:repository/crawler-*`,
            },
          ],
        }),
      }),
    );
    await succeeded('p');
    expect(
      w
        .events('p')
        .find(e => e.reason === 'Pulled' && e.source?.component === 'kubelet'),
    ).toMatchObject({
      message: `Successfully pulled image "${image()}" in 2ms (2ms including waiting). Image size: 50000000 bytes.`,
      involvedObject: { fieldPath: 'spec.containers{base}' },
    });
  });

  it('should fail with the ECR 403 while the repository policy denies the role, and pull once it is deleted', async () => {
    await setUp(true);
    const ecr = new ECRClient(awsClientConfig(aws.url));
    await ecr.send(
      new SetRepositoryPolicyCommand({
        repositoryName: 'crawler-one',
        policyText: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: { AWS: w.world.iam.getRole('pods').Arn },
              Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            },
          ],
        }),
      }),
    );
    w.createPod('p', image());
    expect((await waitingFor('p', 'ErrImagePull')).message).toContain(
      `unexpected status from HEAD request to https://${REGISTRY}/v2/crawler-one/manifests/v1: 403 Forbidden`,
    );
    await ecr.send(
      new DeleteRepositoryPolicyCommand({ repositoryName: 'crawler-one' }),
    );
    await succeeded('p');
  });

  it('should time out pulls from a subnet without a NAT route, and pull once the route is back', async () => {
    await setUp(true);
    const ec2 = new EC2Client(awsClientConfig(aws.url));
    await ec2.send(
      new DeleteRouteCommand({
        RouteTableId: PRIVATE_TABLE,
        DestinationCidrBlock: '0.0.0.0/0',
      }),
    );
    w.createPod('p', image());
    const waiting = await waitingFor('p', 'ErrImagePull');
    const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(waiting.message).toMatch(
      new RegExp(
        `^${escape(
          `rpc error: code = Unknown desc = failed to pull and unpack image "${image()}": failed to resolve reference "${image()}": failed to do request: Head "https://${REGISTRY}/v2/crawler-one/manifests/v1": dial tcp `,
        )}\\d+\\.\\d+\\.\\d+\\.\\d+:443: i/o timeout$`,
      ),
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: PRIVATE_TABLE,
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: 'nat-0sandbox0000000000',
      }),
    );
    await succeeded('p');
  });

  it('should pull without a NAT route once the ECR interface endpoints and the S3 gateway endpoint exist', async () => {
    await setUp(true);
    const ec2 = new EC2Client(awsClientConfig(aws.url));
    await ec2.send(
      new DeleteRouteCommand({
        RouteTableId: PRIVATE_TABLE,
        DestinationCidrBlock: '0.0.0.0/0',
      }),
    );
    const vpcId = w.world.ec2.vpc().vpcId;
    const service = (s: string) => `com.amazonaws.${SANDBOX_REGION}.${s}`;
    for (const s of ['ecr.api', 'ecr.dkr']) {
      await ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          ServiceName: service(s),
          VpcEndpointType: 'Interface',
          SubnetIds: ['subnet-0private0000000a', 'subnet-0private0000000b'],
        }),
      );
    }
    w.createPod('p', image());
    const waiting = await waitingFor('p', 'ErrImagePull');
    expect(waiting.message).toContain(
      `failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-${SANDBOX_REGION}-starport-layer-bucket.s3.${SANDBOX_REGION}.amazonaws.com/`,
    );
    expect(waiting.message).toMatch(/: i\/o timeout$/);
    await ec2.send(
      new CreateVpcEndpointCommand({
        VpcId: vpcId,
        ServiceName: service('s3'),
        VpcEndpointType: 'Gateway',
        RouteTableIds: [PRIVATE_TABLE],
      }),
    );
    await succeeded('p');
  });

  it('should pull an init container first and report its pull failure with its fieldPath', async () => {
    await setUp(true);
    const missing = `${w.imageBase}:init-missing`;
    w.createPod(
      'p',
      image(),
      {},
      {
        initContainers: [{ name: 'prepare', image: missing }],
      },
    );
    const waiting = await waitingFor('p', 'ErrImagePull', 'prepare');
    expect(waiting.message).toContain(`${missing}: not found`);
    expect(w.status('p').containerStatuses[0].state.waiting.reason).toBe(
      'PodInitializing',
    );
    expect(w.status('p').conditions).toContainEqual(
      expect.objectContaining({
        type: 'Initialized',
        status: 'False',
        reason: 'ContainersNotInitialized',
        message: 'containers with incomplete status: [prepare]',
      }),
    );
    const pulling = w.events('p').find(e => e.reason === 'Pulling');
    expect(pulling?.involvedObject.fieldPath).toBe(
      'spec.initContainers{prepare}',
    );
    w.world.ecr.putImage('crawler-one', 'init-missing', {
      imageDigest: `sha256:${'1'.repeat(64)}`,
    });
    await succeeded('p');
    expect(
      w
        .events('p')
        .filter(e => e.reason === 'Started')
        .sort(
          (a, b) =>
            Number(a.metadata.resourceVersion) -
            Number(b.metadata.resourceVersion),
        )
        .map(e => e.involvedObject.fieldPath),
    ).toEqual(['spec.initContainers{prepare}', 'spec.containers{base}']);
  });
});
