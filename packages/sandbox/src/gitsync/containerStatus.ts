/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';

/** The kubelet's first restart back-off (container crash loops double it up to {@link KUBELET_MAX_BACKOFF_S}). */
export const KUBELET_INITIAL_BACKOFF_S = 10;
/** The kubelet's longest restart back-off. */
export const KUBELET_MAX_BACKOFF_S = 300;

/** A container state as the API shows it (`state` / `lastState`). */
export type ContainerState =
  | { running: { startedAt: string } }
  | { waiting: { reason: string; message?: string } }
  | {
      terminated: {
        exitCode: number;
        reason: string;
        startedAt: string;
        finishedAt: string;
        containerID?: string;
      };
    };

/** What the kubelet reports about one container (`initContainerStatuses[]` / `containerStatuses[]`). */
export type ContainerStatus = {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState | Record<string, never>;
};

/** An RFC 3339 timestamp without fractions, as Kubernetes writes them. */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A new containerd container id. */
export function newContainerId(): string {
  return `containerd://${crypto.randomBytes(32).toString('hex')}`;
}

/** The image ID the runtime reports for a public image (a digest derived from the reference). */
export function imageId(image: string): string {
  const digest = crypto.createHash('sha256').update(image).digest('hex');
  return `${image.split(/[:@]/)[0]}@sha256:${digest}`;
}

/** A Go duration string of whole seconds (`10s`, `1m20s`, `5m0s`), as the kubelet prints its back-off. */
export function goSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** The kubelet's back-off before restart `n` (n ≥ 1 is the number of crashes after the first, immediate restart). */
export function nominalBackoffSeconds(n: number): number {
  return Math.min(
    KUBELET_INITIAL_BACKOFF_S * 2 ** Math.max(0, n - 1),
    KUBELET_MAX_BACKOFF_S,
  );
}

/** A pod condition as the kubelet reports it. */
export function podCondition(
  type: string,
  status: 'True' | 'False',
  lastTransitionTime: string,
  extra: { reason?: string; message?: string } = {},
) {
  return { type, status, ...extra, lastProbeTime: null, lastTransitionTime };
}

/**
 * The pod-level part of the status from its containers: phase (Pending until every init container completed),
 * and the Initialized / ContainersReady / Ready conditions with the kubelet's reasons and messages.
 */
export function podStatusFrom(
  init: ContainerStatus[],
  main: ContainerStatus[],
  times: { scheduled: string; now: string },
) {
  const incompleteInit = init
    .filter(
      s => !('terminated' in s.state && s.state.terminated.exitCode === 0),
    )
    .map(s => s.name);
  const unready = main.filter(s => !s.ready).map(s => s.name);
  const initialized = incompleteInit.length === 0;
  const conditions = [
    podCondition('PodScheduled', 'True', times.scheduled),
    initialized
      ? podCondition('Initialized', 'True', times.now)
      : podCondition('Initialized', 'False', times.scheduled, {
          reason: 'ContainersNotInitialized',
          message: `containers with incomplete status: [${incompleteInit.join(
            ' ',
          )}]`,
        }),
    ...['ContainersReady', 'Ready'].map(type =>
      unready.length === 0
        ? podCondition(type, 'True', times.now)
        : podCondition(type, 'False', times.now, {
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${unready.join(' ')}]`,
          }),
    ),
  ];
  return { phase: initialized ? 'Running' : 'Pending', conditions };
}
