/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  ACCOUNT,
  container,
  ECR_403_NEWER,
  ECR_403_OLDER,
  event,
  healthyInput,
  IMAGE,
  NOT_FOUND,
  pod,
  PULL_TIMEOUT,
  REGION,
  ROLE_ARN,
  rolePolicies,
  taskLog,
} from '../__testUtils__/fixtures';
import { checkImagePull403, ecrPullTargets } from './imagePull';

const REPOSITORY = {
  registryId: ACCOUNT,
  region: REGION,
  repositoryName: 'shop-crawler',
};

/** A pod whose base container waits on a failed pull, with the kubelet's Failed event (§5.5). */
function pullingPod(waiting: string, message: string, eventMessage?: string) {
  return pod({
    phase: 'Pending',
    status: waiting,
    nodeName: 'fargate-ip-10-0-12-34.eu-west-1.compute.internal',
    containers: [container({ state: 'waiting', reason: waiting, message })],
    events: [
      event({
        type: 'Warning',
        reason: 'Failed',
        fieldPath: 'spec.containers{base}',
        message: eventMessage ?? message,
      }),
      event({
        type: 'Warning',
        reason: 'Failed',
        fieldPath: 'spec.containers{base}',
        message: 'Error: ErrImagePull',
      }),
    ],
  });
}

const denyPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyFargatePull',
      Effect: 'Deny',
      Principal: { AWS: ROLE_ARN },
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    },
  ],
});

describe('image-pull-403', () => {
  it('should blame the repository policy when it denies the pod execution role (newer containerd text)', () => {
    const result = checkImagePull403(
      healthyInput({
        pods: [pullingPod('ErrImagePull', ECR_403_NEWER)],
        repositoryPolicies: [{ ...REPOSITORY, policy: denyPolicy }],
      }),
    );
    expect(result.check.status).toBe('finding');
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding).toMatchObject({
      id: 'image-pull-403',
      severity: 'error',
      variant: 'ecr-repository-policy',
      dagIds: ['shop_products'],
    });
    expect(finding.title).toContain('repository policy of shop-crawler');
    expect(finding.evidence[0]).toMatchObject({
      object: 'Pod shop/shop-crawler-x7k2p',
      where: 'status.containerStatuses[base].state.waiting',
    });
    expect(finding.evidence[0].text).toMatch(/: 403 Forbidden$/);
    expect(finding.evidence).toContainEqual({
      object: 'ECR repository shop-crawler',
      where: 'repository policy, statement DenyFargatePull',
      text: `Deny of ecr:BatchGetImage / ecr:GetDownloadUrlForLayer to ${ROLE_ARN}`,
    });
    expect(finding.fix.snippet.code).toContain(
      'aws ecr delete-repository-policy',
    );
  });

  it('should blame the pod execution role without ECR read (older containerd text, kubelet 1.32 back-off message)', () => {
    const backOff = `Back-off pulling image "${IMAGE}": ErrImagePull: ${ECR_403_OLDER}`;
    const result = checkImagePull403(
      healthyInput({
        pods: [pullingPod('ImagePullBackOff', backOff, ECR_403_OLDER)],
        podExecutionRoles: [rolePolicies({ attached: [] })],
        repositoryPolicies: [{ ...REPOSITORY, policy: null }],
      }),
    );
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].variant).toBe('ecr-pod-execution-role');
    expect(result.findings[0].fix.snippet.code).toBe(
      'aws iam attach-role-policy --role-name crawlers-fargate-pod-execution \\\n  --policy-arn arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy',
    );
  });

  it('should read the 403 from an older kubelet whose back-off message carries no error, through its Failed event', () => {
    const result = checkImagePull403(
      healthyInput({
        pods: [
          pullingPod(
            'ImagePullBackOff',
            `Back-off pulling image "${IMAGE}"`,
            ECR_403_NEWER,
          ),
        ],
        podExecutionRoles: [rolePolicies({ attached: [] })],
        repositoryPolicies: [{ ...REPOSITORY, policy: null }],
      }),
    );
    expect(result.findings[0].variant).toBe('ecr-pod-execution-role');
  });

  it('should blame an inline Deny of the role', () => {
    const result = checkImagePull403(
      healthyInput({
        pods: [pullingPod('ErrImagePull', ECR_403_NEWER)],
        podExecutionRoles: [
          rolePolicies({
            inline: [
              {
                name: 'no-ecr',
                document: JSON.stringify({
                  Statement: {
                    Effect: 'Deny',
                    Action: 'ecr:*',
                    Resource: '*',
                  },
                }),
              },
            ],
          }),
        ],
        repositoryPolicies: [{ ...REPOSITORY, policy: null }],
      }),
    );
    expect(result.findings[0].variant).toBe('ecr-pod-execution-role');
    expect(result.findings[0].fix.snippet.code).toContain(
      'aws iam delete-role-policy --role-name crawlers-fargate-pod-execution --policy-name no-ecr',
    );
  });

  it('should read the fast fail of provider 10.5+ from the task log when the pod is gone', () => {
    const result = checkImagePull403(
      healthyInput({
        pods: [],
        taskLogs: [
          taskLog([
            '[2026-06-01T12:00:05.000+0000] {taskinstance.py:3310} ERROR - Task failed with exception',
            'airflow.providers.cncf.kubernetes.utils.pod_manager.PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ErrImagePull',
            ECR_403_NEWER.replace('Failed to pull image', 'failed to pull'),
          ]),
        ],
        repositoryPolicies: [{ ...REPOSITORY, policy: denyPolicy }],
      }),
    );
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      variant: 'ecr-repository-policy',
      dagIds: ['shop_products'],
    });
    expect(result.findings[0].evidence[0].object).toBe(
      'Task log shop_products manual__2026-06-01T12:00:00+00:00 crawl try 1',
    );
  });

  it("should read provider 10.6+'s pod events in the task log (class name without module path)", () => {
    const result = checkImagePull403(
      healthyInput({
        pods: [],
        taskLogs: [
          taskLog([
            `The Pod has an Event: ${ECR_403_OLDER} from spec.containers{base}`,
            'PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ImagePullBackOff',
          ]),
        ],
        repositoryPolicies: [{ ...REPOSITORY, policy: denyPolicy }],
      }),
    );
    expect(result.findings[0].variant).toBe('ecr-repository-policy');
  });

  it('should read the 403 from the still-waiting pod when provider < 10.5 only logs its start timeout', () => {
    const timeout =
      'airflow.providers.cncf.kubernetes.utils.pod_manager.PodLaunchFailedException: Pod took longer than 120 seconds to start. Check the pod events in kubernetes to determine why.';
    const withPod = checkImagePull403(
      healthyInput({
        pods: [pullingPod('ImagePullBackOff', ECR_403_NEWER)],
        taskLogs: [taskLog([timeout])],
        repositoryPolicies: [{ ...REPOSITORY, policy: denyPolicy }],
      }),
    );
    expect(withPod.findings[0].variant).toBe('ecr-repository-policy');
    // Without the pod the timeout alone does not say why the pod did not start.
    const alone = checkImagePull403(
      healthyInput({ pods: [], taskLogs: [taskLog([timeout])] }),
    );
    expect(alone.findings).toEqual([]);
  });

  it('should clear a 403 of an earlier try once the policies read now allow the pull', () => {
    const result = checkImagePull403(
      healthyInput({
        pods: [],
        taskLogs: [
          taskLog([
            'PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ErrImagePull',
            ECR_403_NEWER,
          ]),
        ],
        repositoryPolicies: [{ ...REPOSITORY, policy: null }],
      }),
    );
    expect(result.check.status).toBe('ok');
    expect(result.findings).toEqual([]);
  });

  it('should keep a live 403 whose cause the policies do not show', () => {
    const result = checkImagePull403(
      healthyInput({
        pods: [pullingPod('ErrImagePull', ECR_403_NEWER)],
        repositoryPolicies: [{ ...REPOSITORY, policy: null }],
      }),
    );
    expect(result.findings[0].variant).toBe('ecr');
  });

  it('should name the missing pull secret for a registry other than ECR', () => {
    const image = 'registry.example.com/crawlers/shop:1.4';
    const message = `Failed to pull image "${image}": rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": unexpected status from HEAD request to https://registry.example.com/v2/crawlers/shop/manifests/1.4: 403 Forbidden`;
    const result = checkImagePull403(
      healthyInput({
        pods: [
          pod({
            ...pullingPod('ErrImagePull', message),
            containers: [
              container({
                image,
                state: 'waiting',
                reason: 'ErrImagePull',
                message,
              }),
            ],
          }),
        ],
      }),
    );
    expect(result.findings[0]).toMatchObject({ variant: 'pull-secret' });
    expect(result.findings[0].title).toContain('no imagePullSecrets');
    expect(result.findings[0].fix.snippet.code).toContain(
      'kubectl create secret docker-registry regcred --namespace shop',
    );
  });

  it('should report an image that does not exist as not found', () => {
    const result = checkImagePull403(
      healthyInput({ pods: [pullingPod('ErrImagePull', NOT_FOUND)] }),
    );
    expect(result.findings[0].variant).toBe('not-found');
  });

  it('should leave a pull timeout to no-nat-egress', () => {
    const result = checkImagePull403(
      healthyInput({ pods: [pullingPod('ErrImagePull', PULL_TIMEOUT)] }),
    );
    expect(result.findings).toEqual([]);
  });

  it('should find nothing for running pods and a clean task log', () => {
    expect(checkImagePull403(healthyInput()).check.status).toBe('ok');
  });

  it('should say what to read next: the repository and the profile’s pod execution role of a 403', () => {
    expect(
      ecrPullTargets(
        healthyInput({ pods: [pullingPod('ErrImagePull', ECR_403_NEWER)] }),
      ),
    ).toEqual({ repositories: [REPOSITORY], roleArns: [ROLE_ARN] });
  });
});
