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
  containerIds,
  containersOf,
  currentPod,
  kubeletEvents,
  podCondition,
  timestamp,
  waitingStatuses,
} from './context';

/** How a container of this image ends: the image's run rule, or exit 0 for images without one. */
function runRule(ctx: PodContext, c: ContainerSpec) {
  const image = ctx.world.ecr.findImage(c.image);
  return (
    image?.run ?? {
      exitCode: 0,
      log: [`Starting container ${c.name} from ${c.image}`, 'exit status 0'],
    }
  );
}

function terminated(
  ctx: PodContext,
  c: ContainerSpec,
  exitCode: number,
  startedAt: string,
  restartCount: number,
) {
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

function containerStarted(
  pod: KubeObject,
  event: KubeletEvents,
  c: ContainerSpec,
) {
  event(pod, 'Normal', 'Created', `Created container ${c.name}`);
  event(pod, 'Normal', 'Started', `Started container ${c.name}`);
}

/**
 * Runs the init containers to completion, in order. Returns their statuses, or undefined when one failed (the pod
 * is then Failed).
 */
function runInitContainers(
  ctx: PodContext,
  pod: KubeObject,
  event: KubeletEvents,
  startedAt: string,
) {
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const { init, main } = containersOf(pod);
  const initStatuses = [];
  for (const c of init) {
    const rule = runRule(ctx, c);
    containerStarted(pod, event, c);
    ctx.kube.appendLog(ns, name, c.name, rule.log.join('\n'));
    initStatuses.push(terminated(ctx, c, rule.exitCode, startedAt, 0));
    if (rule.exitCode !== 0) {
      ctx.kube.updatePodStatus(ns, name, {
        phase: 'Failed',
        initContainerStatuses: [
          ...initStatuses,
          ...waitingStatuses(
            init.slice(initStatuses.length),
            'PodInitializing',
          ),
        ],
        containerStatuses: waitingStatuses(main, 'PodInitializing'),
      });
      return undefined;
    }
  }
  return initStatuses;
}

/** Starts the pod's containers (init containers first) and schedules their termination. */
export function runPod(ctx: PodContext, pod: KubeObject, restartCount: number) {
  const { kube } = ctx;
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const event = kubeletEvents(ctx, ns, (pod.spec as any).nodeName);
  const { init, main } = containersOf(pod);
  const startedAt = timestamp(ctx);
  const initStatuses = runInitContainers(ctx, pod, event, startedAt);
  if (!initStatuses) return;
  for (const c of main) {
    containerStarted(pod, event, c);
    const rule = runRule(ctx, c);
    if (rule.log.length) kube.appendLog(ns, name, c.name, rule.log[0]);
  }
  kube.updatePodStatus(ns, name, {
    phase: 'Running',
    conditions: [
      podCondition('PodScheduled', 'True', startedAt),
      podCondition('Initialized', 'True', startedAt),
      podCondition('ContainersReady', 'True', startedAt),
      podCondition('Ready', 'True', startedAt),
    ],
    ...(init.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: main.map(c => ({
      name: c.name,
      image: c.image,
      ...containerIds(ctx, c),
      ready: true,
      restartCount,
      started: true,
      state: { running: { startedAt } },
      lastState: {},
    })),
  });
  ctx.timers.later(pod.metadata.uid!, ctx.delays.runMs, () =>
    finishRun(ctx, pod, event, restartCount, startedAt),
  );
}

/**
 * Terminates the running containers with their run rules' exit codes and log lines: the pod Succeeds or Fails, or
 * under restartPolicy Always/OnFailure restarts with back-off.
 */
function finishRun(
  ctx: PodContext,
  pod: KubeObject,
  event: KubeletEvents,
  restartCount: number,
  startedAt: string,
) {
  const { kube } = ctx;
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const restartPolicy = (pod.spec as any).restartPolicy ?? 'Always';
  const { main } = containersOf(pod);
  const p = currentPod(ctx, pod);
  if (!p || (p.status as any)?.phase !== 'Running') return;
  const results = main.map(c => ({ c, rule: runRule(ctx, c) }));
  for (const { c, rule } of results) {
    if (rule.log.length > 1)
      kube.appendLog(ns, name, c.name, rule.log.slice(1).join('\n'));
  }
  const failed = results.some(r => r.rule.exitCode !== 0);
  const restart =
    restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && failed);
  const statuses = results.map(({ c, rule }) =>
    terminated(ctx, c, rule.exitCode, startedAt, restartCount),
  );
  if (restart) {
    crashLoop(ctx, p, event, { main, statuses, restartCount });
    return;
  }
  kube.updatePodStatus(ns, name, {
    phase: failed ? 'Failed' : 'Succeeded',
    conditions: [
      podCondition('PodScheduled', 'True', startedAt),
      podCondition('Initialized', 'True', startedAt),
      podCondition('ContainersReady', 'False', timestamp(ctx), {
        reason: 'PodCompleted',
      }),
      podCondition('Ready', 'False', timestamp(ctx), {
        reason: 'PodCompleted',
      }),
    ],
    containerStatuses: statuses,
  });
  ctx.logger.info('pod finished', {
    namespace: ns,
    pod: name,
    phase: failed ? 'Failed' : 'Succeeded',
  });
}

/** CrashLoopBackOff: the terminated containers wait out the back-off, then the pod runs again with fresh logs. */
function crashLoop(
  ctx: PodContext,
  p: KubeObject,
  event: KubeletEvents,
  run: {
    main: ContainerSpec[];
    statuses: ReturnType<typeof terminated>[];
    restartCount: number;
  },
) {
  const { kube, delays } = ctx;
  const { main, statuses, restartCount } = run;
  const ns = p.metadata.namespace!;
  const name = p.metadata.name;
  const backoff = Math.min(
    delays.backoffMs * 2 ** restartCount,
    MAX_BACKOFF_MS,
  );
  kube.updatePodStatus(ns, name, {
    containerStatuses: statuses.map(s => ({
      ...s,
      restartCount: restartCount + 1,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${Math.round(
            backoff / 1000,
          )}s restarting failed container=${s.name} pod=${name}_${ns}(${
            p.metadata.uid
          })`,
        },
      },
      lastState: s.state,
    })),
  });
  event(p, 'Warning', 'BackOff', 'Back-off restarting failed container');
  ctx.timers.later(p.metadata.uid!, backoff, () => {
    const again = currentPod(ctx, p);
    if (!again) return;
    for (const c of main) kube.rotateLog(ns, name, c.name);
    runPod(ctx, again, restartCount + 1);
  });
}
