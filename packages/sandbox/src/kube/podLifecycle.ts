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
import { KubeStoreApi } from './storeApi';
import { PodContext } from './pods/context';
import { pullImages } from './pods/pull';
import { schedulePod, unbindPodsOfProfile } from './pods/schedule';
import { createPodTimers } from './pods/timers';

export { CAPACITY_ANNOTATION, FARGATE_PROFILE_LABEL } from './pods/context';

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

/** Pods created while the sandbox was down, or left mid-way by a restart, are picked up again. */
function resumePods(ctx: PodContext) {
  const { kube, delays, timers } = ctx;
  for (const pod of kube.list('pods', undefined)) {
    const spec = pod.spec as any;
    const phase = (pod.status as any)?.phase;
    if (
      !spec.nodeName &&
      phase === 'Pending' &&
      !((pod.status as any)?.conditions ?? []).length
    ) {
      timers.later(pod.metadata.uid!, delays.scheduleMs, () =>
        schedulePod(ctx, pod),
      );
    } else if (
      spec.schedulerName === 'fargate-scheduler' &&
      spec.nodeName &&
      (phase === 'Pending' || phase === 'Running')
    ) {
      timers.later(pod.metadata.uid!, delays.pullMs, () =>
        pullImages(ctx, pod, 0),
      );
    }
  }
}

/**
 * The Fargate scheduler and kubelet stand-in. It handles every pod created without `spec.nodeName` (pods created
 * with a node name are bound by their creator, who writes their status) and decides each step from state only:
 *
 * 1. No ACTIVE Fargate profile selects the pod's namespace and labels → Pending, PodScheduled=False, Warning
 *    `FailedScheduling` event from `fargate-scheduler`.
 * 2. Otherwise: label `eks.amazonaws.com/fargate-profile`, node `fargate-ip-…compute.internal`, annotation
 *    `CapacityProvisioned` from the Fargate sizing table.
 * 3. Each image must be in the ECR stand-in; a missing one → `ErrImagePull`, then `ImagePullBackOff`, retried with
 *    back-off (doubling, at most 5 minutes) until the image appears or the pod is deleted.
 * 4. Running, then each container terminates with its image's run rule (ImageRunRule of the CodeBuild stand-in; exit
 *    0 for images without one), writing the rule's log lines; phase Succeeded when all exit 0, else Failed (for
 *    restartPolicy Always/OnFailure a failed container restarts with CrashLoopBackOff back-off instead).
 * 5. A Fargate profile that is deleted sends its running pods back to Pending.
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

  const unsubscribe = kube.onChange((type, resource, obj) => {
    if (resource !== 'pods') return;
    if (type === 'DELETED') {
      timers.cancel(obj.metadata.uid!);
      return;
    }
    if (type === 'ADDED' && !(obj.spec as any)?.nodeName) {
      timers.later(obj.metadata.uid!, ctx.delays.scheduleMs, () =>
        schedulePod(ctx, obj),
      );
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
      world.events.off('fargateProfile', onProfile);
    },
  };
}
