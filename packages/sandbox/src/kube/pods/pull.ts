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
  containersOf,
  currentPod,
  kubeletEvents,
  waitingStatuses,
} from './context';
import { runPod } from './run';

/** The containerd error for an image the ECR stand-in does not hold. */
function pullMessage(ctx: PodContext, image: string): string {
  const ref = ctx.world.ecr.parseImageUri(image);
  const why = ref
    ? `${image}: not found`
    : `${image}: not found (the sandbox serves images only from its ECR stand-in ${ctx.world.ecr.registryHost()})`;
  return `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${why}`;
}

/**
 * The kubelet's image pull: each image must be in the ECR stand-in. When all are, the pod runs; otherwise the pull
 * fails (`ErrImagePull`, then `ImagePullBackOff`) and is retried with back-off.
 */
export function pullImages(ctx: PodContext, pod0: KubeObject, attempt: number) {
  const pod = currentPod(ctx, pod0);
  if (!pod) return;
  const ns = pod.metadata.namespace!;
  const event = kubeletEvents(ctx, ns, (pod.spec as any).nodeName);
  const { init, main } = containersOf(pod);
  const all = [...init, ...main];
  const missing = all.filter(c => !ctx.world.ecr.findImage(c.image));
  for (const c of all) {
    event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
  }
  if (missing.length) {
    failPull(ctx, pod, event, { init, main, missing }, attempt);
    return;
  }
  for (const c of all) {
    event(pod, 'Normal', 'Pulled', `Successfully pulled image "${c.image}"`);
  }
  runPod(ctx, pod, 0);
}

/** Reports `ErrImagePull` now, `ImagePullBackOff` after the back-off delay, then retries the pull. */
function failPull(
  ctx: PodContext,
  pod: KubeObject,
  event: KubeletEvents,
  containers: Record<'init' | 'main' | 'missing', ContainerSpec[]>,
  attempt: number,
) {
  const { kube, delays } = ctx;
  const ns = pod.metadata.namespace!;
  const { init, main, missing } = containers;
  for (const c of missing) {
    event(
      pod,
      'Warning',
      'Failed',
      `Failed to pull image "${
        c.image
      }": rpc error: code = NotFound desc = ${pullMessage(ctx, c.image)}`,
    );
    event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
  }
  const statusFor = (reason: string) => (list: ContainerSpec[]) =>
    list.map(c => {
      const bad = missing.includes(c);
      if (!bad) {
        return waitingStatuses([c], 'ContainerCreating')[0];
      }
      const message =
        reason === 'ErrImagePull'
          ? `rpc error: code = NotFound desc = ${pullMessage(ctx, c.image)}`
          : `Back-off pulling image "${c.image}"`;
      return waitingStatuses([c], reason, message)[0];
    });
  const statuses = (reason: string) => ({
    ...(init.length ? { initContainerStatuses: statusFor(reason)(init) } : {}),
    containerStatuses: statusFor(reason)(main),
  });
  kube.updatePodStatus(ns, pod.metadata.name, statuses('ErrImagePull'));
  const backoff = Math.min(delays.backoffMs * 2 ** attempt, MAX_BACKOFF_MS);
  ctx.timers.later(pod.metadata.uid!, delays.backoffMs, () => {
    const p = currentPod(ctx, pod);
    if (!p) return;
    kube.updatePodStatus(ns, p.metadata.name, statuses('ImagePullBackOff'));
    event(
      p,
      'Normal',
      'BackOff',
      `Back-off pulling image "${missing[0].image}"`,
    );
    event(p, 'Warning', 'Failed', 'Error: ImagePullBackOff');
    ctx.timers.later(p.metadata.uid!, backoff, () =>
      pullImages(ctx, p, attempt + 1),
    );
  });
}
