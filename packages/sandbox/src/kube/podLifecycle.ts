/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsWorld, FargateProfileEvent } from '../aws/AwsWorld';
import {
  SANDBOX_CLUSTER_NAME,
  SANDBOX_DEFAULT_DELAYS,
  SandboxDelays,
} from '../constants';
import { SandboxLogger, silentLogger } from '../util/logger';
import { removeNode } from './nodes';
import { KubeStoreApi } from './storeApi';
import { KubeObject } from './types';
import { PodContext } from './pods/context';
import { nodeRejection, scheduleOnNodes } from './pods/defaultScheduler';
import { fargateWebhook } from './pods/fargate';
import { forgetPulledImages } from './pods/pull';
import { startPod } from './pods/run';
import { schedulePod, unbindPodsOfProfile } from './pods/schedule';
import { createPodTimers } from './pods/timers';

export { CAPACITY_ANNOTATION, FARGATE_PROFILE_LABEL } from './pods/context';
export {
  AWS_LOGGING_CONFIGMAP,
  LOGGING_ANNOTATION,
  LOGGING_DISABLED,
  LOGGING_DISABLED_MESSAGE,
} from './pods/fargate';

/** Options of {@link startPodLifecycle}. */
export interface PodLifecycleOptions {
  kube: KubeStoreApi;
  world: AwsWorld;
  clusterName?: string;
  delays?: Partial<
    Pick<SandboxDelays, 'scheduleMs' | 'pullMs' | 'backoffMs' | 'runMs'>
  >;
  logger?: SandboxLogger;
}

const isFargate = (pod: KubeObject) =>
  (pod.spec as any)?.schedulerName === 'fargate-scheduler';
const isDefault = (pod: KubeObject) =>
  ((pod.spec as any)?.schedulerName ?? 'default-scheduler') ===
  'default-scheduler';
const phaseOf = (pod: KubeObject) => (pod.status as any)?.phase;

/** The scheduler that handles a pod without a node: Fargate's or the default one (others are not running). */
function scheduleLater(ctx: PodContext, pod: KubeObject) {
  let step: ((c: PodContext, p: KubeObject) => void) | undefined;
  if (isFargate(pod)) step = schedulePod;
  else if (isDefault(pod)) step = scheduleOnNodes;
  if (step) {
    ctx.timers.later(pod.metadata.uid!, ctx.delays.scheduleMs, () =>
      step(ctx, pod),
    );
  }
}

/** Pods created while the sandbox was down, left mid-way or unschedulable before a restart are picked up again. */
function resumePods(ctx: PodContext) {
  for (const pod of ctx.kube.list('pods', undefined)) {
    const spec = pod.spec as any;
    const phase = phaseOf(pod);
    const unscheduled = !((pod.status as any)?.conditions ?? []).length;
    // kube-scheduler retries every unschedulable pod when it starts; Fargate's pods are picked up if never tried.
    if (
      !spec.nodeName &&
      phase === 'Pending' &&
      (isDefault(pod) || unscheduled)
    ) {
      scheduleLater(ctx, pod);
    } else if (
      isFargate(pod) &&
      spec.nodeName &&
      (phase === 'Pending' || phase === 'Running')
    ) {
      ctx.timers.later(pod.metadata.uid!, ctx.delays.pullMs, () =>
        startPod(ctx, pod),
      );
    }
  }
}

/** A node added or changed (a taint removed) gets another scheduling attempt for the pods it now fits. */
function retryUnschedulable(ctx: PodContext, node: KubeObject) {
  for (const pod of ctx.kube.list('pods', undefined)) {
    if (
      isDefault(pod) &&
      !(pod.spec as any).nodeName &&
      phaseOf(pod) === 'Pending' &&
      !nodeRejection(pod, node)
    ) {
      scheduleLater(ctx, pod);
    }
  }
}

/**
 * The EKS Fargate webhook, the two schedulers and the Fargate kubelet stand-in. Pods created with `spec.nodeName`
 * are bound by their creator, who writes their status. For the others each step is decided from state only:
 *
 * 1. Admission (the Fargate webhook): a pod an ACTIVE profile selects when it is created gets `schedulerName:
 *    fargate-scheduler`, the profile label and the `Logging` annotation; any other pod keeps `default-scheduler`.
 * 2. `default-scheduler` binds the pod to a Node whose taints it tolerates, or reports `FailedScheduling` (`0/N
 *    nodes are available: … untolerated taint {…}. preemption: …`); a later Fargate profile changes nothing.
 * 3. `fargate-scheduler` provisions a `fargate-ip-…` Node in one of the profile's subnets and binds the pod with
 *    `CapacityProvisioned` (events `LoggingDisabled` without an `aws-logging` ConfigMap, then `Scheduled`).
 * 4. The kubelet pulls each image under the AWS stand-in's rules (egress of the subnet, ECR authorisation of the pod
 *    execution role, existence): failures → `ErrImagePull`, `ImagePullBackOff`, retried with back-off.
 * 5. Init containers, then the main containers run with their image's run rule; restartPolicy decides between
 *    Succeeded/Failed and CrashLoopBackOff.
 * 6. A Fargate profile that is deleted sends its running pods back to Pending; a deleted pod's Fargate node goes.
 */
export function startPodLifecycle(options: PodLifecycleOptions): {
  stop(): void;
} {
  const { kube, world } = options;
  const logger = options.logger ?? silentLogger;
  const ctx: PodContext = {
    kube,
    world,
    clusterName: options.clusterName ?? SANDBOX_CLUSTER_NAME,
    logger,
    delays: {
      scheduleMs:
        options.delays?.scheduleMs ?? SANDBOX_DEFAULT_DELAYS.scheduleMs,
      pullMs: options.delays?.pullMs ?? SANDBOX_DEFAULT_DELAYS.pullMs,
      backoffMs: options.delays?.backoffMs ?? SANDBOX_DEFAULT_DELAYS.backoffMs,
      runMs: options.delays?.runMs ?? SANDBOX_DEFAULT_DELAYS.runMs,
    },
    timers: createPodTimers(logger),
  };
  const { timers } = ctx;
  const removeWebhook = kube.addAdmission(fargateWebhook(ctx));

  const unsubscribe = kube.onChange((type, resource, obj) => {
    if (resource === 'nodes' && type !== 'DELETED') {
      retryUnschedulable(ctx, obj);
      return;
    }
    if (resource !== 'pods') return;
    if (type === 'DELETED') {
      timers.cancel(obj.metadata.uid!);
      forgetPulledImages(ctx, obj.metadata.uid!);
      const nodeName = (obj.spec as any)?.nodeName;
      if (isFargate(obj) && nodeName) removeNode(kube, nodeName);
      return;
    }
    if (type === 'ADDED' && !(obj.spec as any)?.nodeName) {
      scheduleLater(ctx, obj);
    }
  });

  const onProfile = (event: FargateProfileEvent) => {
    if (event.change !== 'DELETED' || event.clusterName !== ctx.clusterName) {
      return;
    }
    unbindPodsOfProfile(ctx, event.profile.fargateProfileName);
  };
  world.events.on('fargateProfile', onProfile);

  resumePods(ctx);

  return {
    stop() {
      timers.stop();
      unsubscribe();
      removeWebhook();
      world.events.off('fargateProfile', onProfile);
    },
  };
}
