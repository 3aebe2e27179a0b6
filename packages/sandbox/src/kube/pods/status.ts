/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeObject } from '../types';
import {
  ContainerSpec,
  PodContext,
  containerIds,
  podCondition,
  timestamp,
} from './context';

/** A container status as the kubelet writes it. */
export type ContainerStatus = Record<string, any> & {
  name: string;
  state: Record<string, any>;
};

/** The stage of a pod's start-up, which decides its conditions. */
export type PodStage = 'initializing' | 'starting' | 'running' | 'finished';

/** A container waiting to start (`reason`, `message`), keeping its restart count and last state. */
export function waiting(
  c: ContainerSpec,
  reason: string,
  message?: string,
  previous?: ContainerStatus,
): ContainerStatus {
  return {
    name: c.name,
    image: c.image,
    imageID: previous?.imageID ?? '',
    ...(previous?.containerID ? { containerID: previous.containerID } : {}),
    ready: false,
    restartCount: previous?.restartCount ?? 0,
    started: false,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
    lastState: previous?.lastState ?? {},
  };
}

export function running(
  ctx: PodContext,
  c: ContainerSpec,
  startedAt: string,
  restartCount: number,
  lastState: Record<string, any> = {},
): ContainerStatus {
  return {
    name: c.name,
    image: c.image,
    ...containerIds(ctx, c),
    ready: true,
    restartCount,
    started: true,
    state: { running: { startedAt } },
    lastState,
  };
}

export function terminated(
  ctx: PodContext,
  c: ContainerSpec,
  exitCode: number,
  startedAt: string,
  restartCount: number,
): ContainerStatus {
  return {
    name: c.name,
    image: c.image,
    ...containerIds(ctx, c),
    ready: false,
    restartCount,
    started: false,
    state: {
      terminated: {
        exitCode,
        reason: exitCode === 0 ? 'Completed' : 'Error',
        startedAt,
        finishedAt: timestamp(ctx),
      },
    },
    lastState: {},
  };
}

/** The current status of a container of the pod, if the kubelet wrote one. */
export function statusOf(
  pod: KubeObject,
  name: string,
): ContainerStatus | undefined {
  const status = (pod.status ?? {}) as Record<string, ContainerStatus[]>;
  return [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
  ].find(s => s.name === name);
}

const names = (
  list: ContainerStatus[],
  pick: (s: ContainerStatus) => boolean,
) =>
  `[${list
    .filter(pick)
    .map(s => s.name)
    .join(' ')}]`;

/**
 * The pod conditions of a stage (kubelet 1.32 order), keeping each condition's `lastTransitionTime` while its
 * status does not change.
 */
export function stageConditions(
  ctx: PodContext,
  pod: KubeObject,
  stage: PodStage,
  statuses: { init: ContainerStatus[]; main: ContainerStatus[] },
) {
  const now = timestamp(ctx);
  const before = ((pod.status as any)?.conditions ?? []) as Array<
    Record<string, any>
  >;
  const condition = (
    type: string,
    ok: boolean,
    reason?: string,
    message?: string,
  ) => {
    const status = ok ? 'True' : 'False';
    const prior = before.find(c => c.type === type && c.status === status);
    return podCondition(type, status, prior?.lastTransitionTime ?? now, {
      ...(ok || !reason ? {} : { reason }),
      ...(ok || !message ? {} : { message }),
    });
  };
  const initialized = stage !== 'initializing';
  const finished = stage === 'finished';
  const ready = stage === 'running' && statuses.main.every(s => s.ready);
  const unready = names(statuses.main, s => !s.ready);
  const notReadyReason = finished ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = finished
    ? undefined
    : `containers with unready status: ${unready}`;
  return [
    condition('PodReadyToStartContainers', !finished),
    condition(
      'Initialized',
      initialized,
      'ContainersNotInitialized',
      `containers with incomplete status: ${names(
        statuses.init,
        s => s.state.terminated?.exitCode !== 0,
      )}`,
    ),
    condition('Ready', ready, notReadyReason, notReadyMessage),
    condition('ContainersReady', ready, notReadyReason, notReadyMessage),
    condition('PodScheduled', true),
  ];
}

/** Writes the pod's container statuses, phase and the conditions of `stage`. */
export function writePodStatus(
  ctx: PodContext,
  pod: KubeObject,
  stage: PodStage,
  statuses: { init: ContainerStatus[]; main: ContainerStatus[] },
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed',
): KubeObject {
  return ctx.kube.updatePodStatus(pod.metadata.namespace!, pod.metadata.name, {
    phase,
    conditions: stageConditions(ctx, pod, stage, statuses),
    ...(statuses.init.length ? { initContainerStatuses: statuses.init } : {}),
    containerStatuses: statuses.main,
  });
}

/** `back-off 10s`, `1m20s`, `5m0s`: the kubelet's restart back-off (10 s doubling, at most 5 minutes) as Go prints it. */
export function modelledBackoff(restartCount: number): string {
  const seconds = Math.min(10 * 2 ** restartCount, 300);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
