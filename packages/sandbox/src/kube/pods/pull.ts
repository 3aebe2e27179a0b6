/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeObject } from '../types';
import {
  ContainerSpec,
  KubeletEvents,
  MAX_BACKOFF_MS,
  PodContext,
  currentPod,
  kubeletEvents,
} from './context';
import { PullFailure, pullFailure, rpcError } from './registryAccess';

/** What the kubelet knows per pod (by uid) between steps: the images its node already holds. */
const pulledImages = new WeakMap<PodContext, Map<string, Set<string>>>();

function pulledOn(ctx: PodContext, uid: string): Set<string> {
  let byPod = pulledImages.get(ctx);
  if (!byPod) {
    byPod = new Map();
    pulledImages.set(ctx, byPod);
  }
  const set = byPod.get(uid) ?? new Set<string>();
  byPod.set(uid, set);
  return set;
}

/** Forgets a deleted pod's images. */
export function forgetPulledImages(ctx: PodContext, uid: string): void {
  pulledImages.get(ctx)?.delete(uid);
}

/** Go's `time.Duration` text of a pull that took `ms` (`850ms`, `1s`, `2.5s`). */
function goDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${+(ms / 1000).toFixed(3)}s`;
}

/** How the caller writes the waiting state of the containers being pulled (their place in the pod status differs). */
export interface PullStep {
  containers: ContainerSpec[];
  /** Writes `waiting` states for containers whose pull failed (others keep waiting to be created). */
  writeWaiting(
    pod: KubeObject,
    failed: Map<string, { reason: string; message: string }>,
  ): void;
  /** All images are on the node: start the containers. */
  pulled(pod: KubeObject): void;
}

/**
 * The kubelet's image step for containers about to start (the next init container, or the main containers): images
 * already on the pod's node are reused (`IfNotPresent`/`Never`: "already present on machine"); the others are pulled
 * under the AWS stand-in's rules (egress, ECR authorisation, existence, see {@link pullFailure}). Each container's
 * events carry its fieldPath. A failure reports `ErrImagePull`, then after the back-off `ImagePullBackOff` (kubelet
 * 1.32 message: `Back-off pulling image "<img>": ErrImagePull: <error>`), then pulls again with a doubled back-off.
 */
export function pullImages(
  ctx: PodContext,
  pod0: KubeObject,
  step: PullStep,
  attempt: number,
) {
  const pod = currentPod(ctx, pod0);
  if (!pod) return;
  const event = kubeletEvents(
    ctx,
    pod.metadata.namespace!,
    (pod.spec as any).nodeName,
  );
  const onNode = pulledOn(ctx, pod.metadata.uid!);
  const failures = new Map<string, PullFailure>();
  for (const c of step.containers) {
    const policy = (c as any).imagePullPolicy ?? 'IfNotPresent';
    if (onNode.has(c.image) && policy !== 'Always') {
      event(
        pod,
        'Normal',
        'Pulled',
        `Container image "${c.image}" already present on machine`,
        c.name,
      );
      continue;
    }
    event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, c.name);
    const failure = pullFailure(ctx, pod, c.image);
    if (failure) {
      failures.set(c.name, failure);
      continue;
    }
    onNode.add(c.image);
    const took = goDuration(ctx.delays.pullMs);
    const size = ctx.world.ecr.findImage(c.image)?.imageSizeInBytes ?? 0;
    event(
      pod,
      'Normal',
      'Pulled',
      `Successfully pulled image "${c.image}" in ${took} (${took} including waiting). Image size: ${size} bytes.`,
      c.name,
    );
  }
  if (failures.size) {
    failPull(ctx, pod, event, step, { failures, attempt });
    return;
  }
  step.pulled(pod);
}

/** Reports `ErrImagePull` now, `ImagePullBackOff` after the back-off delay, then retries the pull. */
function failPull(
  ctx: PodContext,
  pod: KubeObject,
  event: KubeletEvents,
  step: PullStep,
  run: { failures: Map<string, PullFailure>; attempt: number },
) {
  const { delays } = ctx;
  const { failures, attempt } = run;
  const failed = step.containers.filter(c => failures.has(c.name));
  const errors = new Map(
    failed.map(c => [c.name, rpcError(failures.get(c.name)!)]),
  );
  for (const c of failed) {
    event(
      pod,
      'Warning',
      'Failed',
      `Failed to pull image "${c.image}": ${errors.get(c.name)}`,
      c.name,
    );
    event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', c.name);
  }
  step.writeWaiting(
    pod,
    new Map(
      failed.map(c => [
        c.name,
        { reason: 'ErrImagePull', message: errors.get(c.name)! },
      ]),
    ),
  );
  const backoff = Math.min(delays.backoffMs * 2 ** attempt, MAX_BACKOFF_MS);
  ctx.timers.later(pod.metadata.uid!, delays.backoffMs, () => {
    const p = currentPod(ctx, pod);
    if (!p) return;
    for (const c of failed) {
      event(
        p,
        'Normal',
        'BackOff',
        `Back-off pulling image "${c.image}"`,
        c.name,
      );
      event(p, 'Warning', 'Failed', 'Error: ImagePullBackOff', c.name);
    }
    step.writeWaiting(
      p,
      new Map(
        failed.map(c => [
          c.name,
          {
            reason: 'ImagePullBackOff',
            message: `Back-off pulling image "${
              c.image
            }": ErrImagePull: ${errors.get(c.name)}`,
          },
        ]),
      ),
    );
    ctx.timers.later(p.metadata.uid!, backoff, () =>
      pullImages(ctx, p, step, attempt + 1),
    );
  });
}
