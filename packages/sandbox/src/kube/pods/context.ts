/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { AwsWorld } from '../../aws/AwsWorld';
import { SandboxDelays } from '../../constants';
import { SandboxLogger } from '../../util/logger';
import { isNotFound } from '../errors';
import { KubeStoreApi } from '../storeApi';
import { KubeObject } from '../types';
import { PodTimers } from './timers';

export const FARGATE_PROFILE_LABEL = 'eks.amazonaws.com/fargate-profile';
export const CAPACITY_ANNOTATION = 'CapacityProvisioned';
/** The longest back-off between image pulls or container restarts. */
export const MAX_BACKOFF_MS = 300_000;

export type ContainerSpec = { name: string; image: string; resources?: any };

export type PodDelays = Pick<
  SandboxDelays,
  'scheduleMs' | 'pullMs' | 'backoffMs' | 'runMs'
>;

/** The state shared by the steps of one pod lifecycle (scheduling, image pull, run). */
export interface PodContext {
  kube: KubeStoreApi;
  world: AwsWorld;
  clusterName: string;
  logger: SandboxLogger;
  delays: PodDelays;
  timers: PodTimers;
}

/** The store's clock as an RFC 3339 timestamp without milliseconds, as Kubernetes writes them. */
export function timestamp(ctx: PodContext): string {
  return ctx.kube
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
}

/** A pod condition as the kubelet reports it (`lastProbeTime` is always null for pods). */
export function podCondition(
  type: string,
  status: 'True' | 'False',
  lastTransitionTime: string,
  extra: { reason?: string; message?: string } = {},
) {
  return { type, status, ...extra, lastProbeTime: null, lastTransitionTime };
}

/** The current pod if it still is the same object (same uid). */
export function currentPod(
  ctx: PodContext,
  pod: KubeObject,
): KubeObject | undefined {
  try {
    const now = ctx.kube.get('pods', pod.metadata.namespace, pod.metadata.name);
    return now.metadata.uid === pod.metadata.uid ? now : undefined;
  } catch (e) {
    // A deleted pod is simply gone; anything else is reported, and the step is skipped all the same.
    if (!isNotFound(e)) {
      ctx.logger.error('pod lifecycle could not read a pod', {
        namespace: pod.metadata.namespace,
        pod: pod.metadata.name,
        error: (e as Error).message,
      });
    }
    return undefined;
  }
}

export function containersOf(pod: KubeObject): {
  init: ContainerSpec[];
  main: ContainerSpec[];
} {
  const spec = pod.spec as any;
  return { init: spec.initContainers ?? [], main: spec.containers ?? [] };
}

export function waitingStatuses(
  list: ContainerSpec[],
  reason: string,
  message?: string,
) {
  return list.map(c => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
    lastState: {},
  }));
}

/** The image ID and a fresh container ID of a container started from an ECR stand-in image. */
export function containerIds(ctx: PodContext, c: ContainerSpec) {
  return {
    imageID: `${c.image.split(/[:@]/)[0]}@${
      ctx.world.ecr.findImage(c.image)?.imageDigest ?? ''
    }`,
    containerID: `containerd://${crypto.randomBytes(32).toString('hex')}`,
  };
}

/** `involvedObject.fieldPath` of a container: `spec.containers{base}` or `spec.initContainers{git-sync-init}`. */
export function containerFieldPath(pod: KubeObject, name: string): string {
  const init = ((pod.spec as any)?.initContainers ?? []).some(
    (c: ContainerSpec) => c.name === name,
  );
  return `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
}

/**
 * Records events of the kubelet on node `host` (the node the pod was bound to when the step began): core/v1 events
 * with `source.component: kubelet`, about a container when `container` is given (its fieldPath).
 */
export type KubeletEvents = (
  involved: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  container?: string,
) => void;

export function kubeletEvents(
  ctx: PodContext,
  namespace: string,
  host: string | undefined,
): KubeletEvents {
  return (involved, type, reason, message, container) => {
    ctx.kube.recordEvent(namespace, involved, {
      type,
      reason,
      message,
      component: 'kubelet',
      host,
      ...(container
        ? { fieldPath: containerFieldPath(involved, container) }
        : {}),
    });
  };
}

/** The schedulers whose events the sandbox records. */
export type SchedulerName = 'default-scheduler' | 'fargate-scheduler';

/**
 * `reportingInstance` of the schedulers' events: kube-scheduler reports `<component>-<hostname>`; the EKS control
 * plane's host names and the Fargate scheduler's instance are not published (unconfirmed; illustrative values).
 */
const SCHEDULER_INSTANCES: Record<SchedulerName, string> = {
  'default-scheduler':
    'default-scheduler-ip-172-16-51-27.eu-west-1.compute.internal',
  'fargate-scheduler': 'fargate-scheduler',
};

/** Records a scheduler's event through the events.k8s.io API (empty `source`, `eventTime`, `reportingComponent`). */
export function schedulerEvent(
  ctx: PodContext,
  pod: KubeObject,
  scheduler: SchedulerName,
  event: {
    type: 'Normal' | 'Warning';
    reason: string;
    action: string;
    message: string;
  },
) {
  ctx.kube.recordEvent(pod.metadata.namespace!, pod, {
    ...event,
    component: scheduler,
    reportingInstance: SCHEDULER_INSTANCES[scheduler],
  });
}
