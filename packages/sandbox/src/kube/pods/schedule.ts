/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { fargateCapacity } from '../fargateSizing';
import { KubeObject } from '../types';
import {
  CAPACITY_ANNOTATION,
  FARGATE_PROFILE_LABEL,
  PodContext,
  containersOf,
  currentPod,
  podCondition,
  timestamp,
  waitingStatuses,
} from './context';
import { pullImages } from './pull';

/** Marks the pod Pending and unschedulable, with a Warning `FailedScheduling` event from `fargate-scheduler`. */
function reportUnschedulable(
  ctx: PodContext,
  pod: KubeObject,
  message: string,
) {
  const ns = pod.metadata.namespace!;
  ctx.kube.updatePodStatus(ns, pod.metadata.name, {
    phase: 'Pending',
    conditions: [
      podCondition('PodScheduled', 'False', timestamp(ctx), {
        reason: 'Unschedulable',
        message,
      }),
    ],
  });
  ctx.kube.recordEvent(ns, pod, {
    type: 'Warning',
    reason: 'FailedScheduling',
    message,
    component: 'fargate-scheduler',
  });
}

/** Why no Fargate node can run the pod. */
function unschedulableMessage(
  ctx: PodContext,
  ns: string,
  labels: Record<string, string>,
  hasProfile: boolean,
): string {
  return !hasProfile
    ? `Pod not supported on Fargate: no ACTIVE Fargate profile of cluster ${
        ctx.clusterName
      } selects namespace "${ns}" with labels {${Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}}`
    : 'Pod not supported on Fargate: the pod requests more CPU or memory than the largest Fargate combination (16 vCPU, 120 GB)';
}

/** The pod's IP and Fargate node name, derived from its uid. */
function fargateNode(ctx: PodContext, pod: KubeObject) {
  const hash = crypto
    .createHash('sha1')
    .update(pod.metadata.uid ?? pod.metadata.name)
    .digest();
  const ip = `10.0.${hash[0] % 32}.${(hash[1] % 253) + 1}`;
  const nodeName = `fargate-ip-${ip.replace(/\./g, '-')}.${
    ctx.world.region
  }.compute.internal`;
  return { ip, nodeName };
}

/**
 * The Fargate scheduler: binds the pod to a Fargate node of the profile selecting it (label, node name,
 * CapacityProvisioned annotation) and schedules the image pull, or reports it unschedulable.
 */
export function schedulePod(ctx: PodContext, pod0: KubeObject) {
  const { kube, world, clusterName } = ctx;
  const pod = currentPod(ctx, pod0);
  if (!pod) return;
  const ns = pod.metadata.namespace!;
  const labels = pod.metadata.labels ?? {};
  const profile = world.eks.matchFargateProfile(clusterName, ns, labels);
  const capacity = fargateCapacity(pod.spec as any);
  if (!profile || !capacity) {
    const message = unschedulableMessage(ctx, ns, labels, !!profile);
    reportUnschedulable(ctx, pod, message);
    ctx.logger.info('pod unschedulable', {
      namespace: ns,
      pod: pod.metadata.name,
    });
    return;
  }
  const { ip, nodeName } = fargateNode(ctx, pod);
  const bound = kube.updatePod(ns, pod.metadata.name, {
    metadata: {
      labels: { [FARGATE_PROFILE_LABEL]: profile.fargateProfileName },
      annotations: { [CAPACITY_ANNOTATION]: capacity },
    },
    spec: { nodeName, schedulerName: 'fargate-scheduler' },
  });
  const { init, main } = containersOf(bound);
  kube.updatePodStatus(ns, pod.metadata.name, {
    phase: 'Pending',
    conditions: [podCondition('PodScheduled', 'True', timestamp(ctx))],
    hostIP: ip,
    podIP: ip,
    podIPs: [{ ip }],
    startTime: timestamp(ctx),
    ...(init.length
      ? { initContainerStatuses: waitingStatuses(init, 'PodInitializing') }
      : {}),
    containerStatuses: waitingStatuses(main, 'ContainerCreating'),
  });
  kube.recordEvent(ns, bound, {
    type: 'Normal',
    reason: 'Scheduled',
    message: `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`,
    component: 'fargate-scheduler',
  });
  ctx.timers.later(pod.metadata.uid!, ctx.delays.pullMs, () =>
    pullImages(ctx, bound, 0),
  );
}

/** A deleted Fargate profile stops its nodes: its unfinished pods go back to Pending, unbound. */
export function unbindPodsOfProfile(ctx: PodContext, profileName: string) {
  const { kube } = ctx;
  for (const pod of kube.list('pods', undefined, {
    labelSelector: `${FARGATE_PROFILE_LABEL}=${profileName}`,
  })) {
    const phase = (pod.status as any)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    ctx.timers.cancel(pod.metadata.uid!);
    const message = `Fargate profile ${profileName} was deleted: the pod's node was stopped`;
    const ns = pod.metadata.namespace!;
    kube.updatePod(ns, pod.metadata.name, {
      metadata: { labels: { [FARGATE_PROFILE_LABEL]: null } as any },
      spec: { nodeName: null } as any,
    });
    kube.updatePodStatus(ns, pod.metadata.name, {
      phase: 'Pending',
      conditions: [
        podCondition('PodScheduled', 'False', timestamp(ctx), {
          reason: 'Unschedulable',
          message,
        }),
      ],
      hostIP: null,
      podIP: null,
      podIPs: null,
      containerStatuses: waitingStatuses(
        containersOf(pod).main,
        'ContainerCreating',
      ),
    });
    kube.recordEvent(ns, pod, {
      type: 'Warning',
      reason: 'FailedScheduling',
      message,
      component: 'fargate-scheduler',
    });
  }
}
