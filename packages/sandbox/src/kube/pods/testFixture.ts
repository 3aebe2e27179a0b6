/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsWorld } from '../../aws/AwsWorld';
import { SANDBOX_CLUSTER_NAME } from '../../constants';
import { eventually, tempDataDir } from '../../testing/helpers';
import { KubeStore } from '../KubeStore';
import { nodeGroupNode, registerNode } from '../nodes';
import { startPodLifecycle } from '../podLifecycle';
import { KubeObject } from '../types';

/** The trust policy of a Fargate pod execution role. */
export const FARGATE_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
});

export const FARGATE_POLICY_ARN =
  'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy';

export type EventObject = KubeObject & Record<string, any>;

/** The node group's node of the sandbox (src/seed/airflow.ts AIRFLOW_NODE). */
export const NODE_GROUP_NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

/**
 * A world for pod lifecycle tests (not a test itself): an AWS world and a Kubernetes store in a temporary folder,
 * the node group's tainted Node, namespace `crawler-one`, ECR repository `crawler-one`, and the pod execution role
 * `pods` (with AmazonEKSFargatePodExecutionRolePolicy attached unless `ecrRead: false`).
 */
export function podWorld(options: { ecrRead?: boolean } = {}) {
  const data = tempDataDir();
  const world = new AwsWorld({
    dataDir: data.dir,
    delays: { fargateProfileMs: 5 },
  });
  const kube = new KubeStore({ dataDir: data.dir });
  const stops: Array<() => void> = [];
  registerNode(kube, nodeGroupNode(NODE_GROUP_NODE, kube.now()));
  kube.create('namespaces', undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'crawler-one' },
  });
  world.iam.createRole({
    RoleName: 'pods',
    AssumeRolePolicyDocument: FARGATE_TRUST,
  });
  if (options.ecrRead !== false) {
    world.iam.attachRolePolicy('pods', FARGATE_POLICY_ARN);
  }
  world.ecr.createRepository('crawler-one');
  const imageBase = world.ecr.repositoryUri('crawler-one');

  const pod = (name: string) => kube.get('pods', 'crawler-one', name);
  const status = (name: string) => pod(name).status as Record<string, any>;
  return {
    world,
    kube,
    imageBase,
    stops,
    /** Starts the lifecycle with short delays. */
    lifecycle(runMs = 10, backoffMs = 10) {
      const l = startPodLifecycle({
        kube,
        world,
        delays: { scheduleMs: 2, pullMs: 2, backoffMs, runMs },
      });
      stops.push(() => l.stop());
    },
    async activeProfile(
      name: string,
      selector: { namespace: string; labels?: Record<string, string> },
      subnets?: string[],
    ) {
      world.eks.createProfile(SANDBOX_CLUSTER_NAME, {
        fargateProfileName: name,
        podExecutionRoleArn: world.iam.getRole('pods').Arn,
        selectors: [selector],
        subnets,
      });
      await eventually(
        () =>
          world.eks
            .profiles(SANDBOX_CLUSTER_NAME)
            .find(p => p.fargateProfileName === name)?.status === 'ACTIVE',
        'ACTIVE',
      );
    },
    createPod(
      name: string,
      image: string,
      extra: Record<string, unknown> = {},
      spec: Record<string, unknown> = {},
    ) {
      return kube.create('pods', 'crawler-one', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels: { app: 'crawler' } },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'base', image, ...extra }],
          ...spec,
        },
      });
    },
    pod,
    status,
    phase: (name: string) => status(name)?.phase,
    /** The waiting state of a container, if it waits. */
    waitingOf: (name: string, container = 'base') =>
      [
        ...(status(name).initContainerStatuses ?? []),
        ...(status(name).containerStatuses ?? []),
      ].find((c: any) => c.name === container)?.state?.waiting,
    events: (name: string) =>
      kube.list('events', 'crawler-one', {
        fieldSelector: `involvedObject.name=${name}`,
      }) as EventObject[],
    cleanup() {
      stops.forEach(s => s());
      world.close();
      data.remove();
    },
  };
}

export type PodWorld = ReturnType<typeof podWorld>;
