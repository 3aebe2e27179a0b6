/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { fargateCapacity } from '../fargateSizing';
import { fargateNode, registerNode, removeNode } from '../nodes';
import { KubeObject } from '../types';
import {
  CAPACITY_ANNOTATION,
  FARGATE_PROFILE_LABEL,
  PodContext,
  containersOf,
  currentPod,
  podCondition,
  schedulerEvent,
  timestamp,
  waitingStatuses,
} from './context';
import {
  LOGGING_ANNOTATION,
  LOGGING_DISABLED,
  LOGGING_DISABLED_MESSAGE,
  fargatePlacement,
  profileOf,
} from './fargate';
import { startPod } from './run';

/** Marks the pod Pending and unschedulable, with a Warning `FailedScheduling` event from `scheduler`. */
export function reportUnschedulable(
  ctx: PodContext,
  pod: KubeObject,
  scheduler: 'default-scheduler' | 'fargate-scheduler',
  message: string,
) {
  ctx.kube.updatePodStatus(pod.metadata.namespace!, pod.metadata.name, {
    phase: 'Pending',
    conditions: [
      podCondition('PodScheduled', 'False', timestamp(ctx), {
        reason: 'Unschedulable',
        message,
      }),
    ],
  });
  schedulerEvent(ctx, pod, scheduler, {
    type: 'Warning',
    reason: 'FailedScheduling',
    action: 'Scheduling',
    message,
  });
  ctx.logger.info('pod unschedulable', {
    namespace: pod.metadata.namespace,
    pod: pod.metadata.name,
    scheduler,
  });
}

/**
 * The Fargate scheduler, for pods the Fargate webhook admitted: provisions a Fargate node in one of the profile's
 * subnets (a Node object), binds the pod to it with the `CapacityProvisioned` annotation, and schedules the kubelet's
 * start. Its events: `LoggingDisabled` (when the webhook found no `aws-logging` ConfigMap), then `Scheduled`. A pod
 * whose profile is no longer ACTIVE, or that no Fargate size fits, stays Pending with a `FailedScheduling` (these two
 * messages are the sandbox's own: the real texts are not published).
 */
export function schedulePod(ctx: PodContext, pod0: KubeObject) {
  const { kube } = ctx;
  const pod = currentPod(ctx, pod0);
  if (!pod || (pod.spec as any).nodeName) return;
  const ns = pod.metadata.namespace!;
  const profile = profileOf(ctx, pod);
  const capacity = fargateCapacity(pod.spec as any);
  if (!profile || profile.status !== 'ACTIVE' || !capacity) {
    reportUnschedulable(
      ctx,
      pod,
      'fargate-scheduler',
      !capacity
        ? 'Pod not supported on Fargate: the pod requests more CPU or memory than the largest Fargate combination (16 vCPU, 120 GB)'
        : `Fargate profile ${pod.metadata.labels?.[FARGATE_PROFILE_LABEL]} is not ACTIVE: no Fargate capacity can be provisioned for the pod`,
    );
    return;
  }
  if (pod.metadata.annotations?.[LOGGING_ANNOTATION] === LOGGING_DISABLED) {
    schedulerEvent(ctx, pod, 'fargate-scheduler', {
      type: 'Warning',
      reason: 'LoggingDisabled',
      action: 'Logging',
      message: LOGGING_DISABLED_MESSAGE,
    });
  }
  const { ip, nodeName, zone } = fargatePlacement(ctx, pod, profile);
  registerNode(kube, fargateNode(nodeName, ip, zone, kube.now()));
  const bound = kube.updatePod(ns, pod.metadata.name, {
    metadata: { annotations: { [CAPACITY_ANNOTATION]: capacity } },
    spec: { nodeName },
  });
  const { init, main } = containersOf(bound);
  kube.updatePodStatus(ns, pod.metadata.name, {
    phase: 'Pending',
    conditions: [podCondition('PodScheduled', 'True', timestamp(ctx))],
    hostIP: ip,
    hostIPs: [{ ip }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: timestamp(ctx),
    ...(init.length
      ? { initContainerStatuses: waitingStatuses(init, 'PodInitializing') }
      : {}),
    containerStatuses: waitingStatuses(
      main,
      init.length ? 'PodInitializing' : 'ContainerCreating',
    ),
  });
  schedulerEvent(ctx, bound, 'fargate-scheduler', {
    type: 'Normal',
    reason: 'Scheduled',
    action: 'Binding',
    message: `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`,
  });
  ctx.timers.later(pod.metadata.uid!, ctx.delays.pullMs, () =>
    startPod(ctx, bound),
  );
}

/** A deleted Fargate profile stops its nodes: its unfinished pods go back to Pending, unbound, and the nodes go. */
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
    const nodeName = (pod.spec as any).nodeName;
    kube.updatePod(ns, pod.metadata.name, {
      metadata: { labels: { [FARGATE_PROFILE_LABEL]: null } as any },
      spec: { nodeName: null } as any,
    });
    if (nodeName) removeNode(kube, nodeName);
    kube.updatePodStatus(ns, pod.metadata.name, {
      phase: 'Pending',
      conditions: [
        podCondition('PodScheduled', 'False', timestamp(ctx), {
          reason: 'Unschedulable',
          message,
        }),
      ],
      hostIP: null,
      hostIPs: null,
      podIP: null,
      podIPs: null,
      initContainerStatuses: null,
      containerStatuses: waitingStatuses(
        containersOf(pod).main,
        'ContainerCreating',
      ),
    });
    schedulerEvent(ctx, pod, 'fargate-scheduler', {
      type: 'Warning',
      reason: 'FailedScheduling',
      action: 'Scheduling',
      message,
    });
  }
}
