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
  timestamp,
} from './context';
import { pullImages } from './pull';
import {
  ContainerStatus,
  modelledBackoff,
  running,
  statusOf,
  terminated,
  waiting,
  writePodStatus,
} from './status';

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

function eventsOf(ctx: PodContext, pod: KubeObject): KubeletEvents {
  return kubeletEvents(
    ctx,
    pod.metadata.namespace!,
    (pod.spec as any).nodeName,
  );
}

function containerStarted(
  pod: KubeObject,
  event: KubeletEvents,
  c: ContainerSpec,
) {
  event(pod, 'Normal', 'Created', `Created container ${c.name}`, c.name);
  event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
}

/** The back-off before restarting a container (the sandbox's delay, doubling, at most 5 minutes). */
function restartDelay(ctx: PodContext, restartCount: number): number {
  return Math.min(ctx.delays.backoffMs * 2 ** restartCount, MAX_BACKOFF_MS);
}

/** Statuses of the init containers: finished ones as they are, `current` as given, later ones PodInitializing. */
function initStatuses(
  pod: KubeObject,
  index: number,
  current?: ContainerStatus,
): ContainerStatus[] {
  return containersOf(pod).init.map((c, i) => {
    if (i < index) return statusOf(pod, c.name) as ContainerStatus;
    if (i === index && current) return current;
    return waiting(c, 'PodInitializing', undefined, statusOf(pod, c.name));
  });
}

/**
 * The kubelet takes the bound pod: the init containers run to completion one after another (each pulled first), then
 * the main containers start together.
 */
export function startPod(ctx: PodContext, pod0: KubeObject) {
  const pod = currentPod(ctx, pod0);
  if (!pod) return;
  runInit(ctx, pod, 0);
}

/** Pulls and runs init container `index`, or starts the main containers when all are done. */
function runInit(ctx: PodContext, pod: KubeObject, index: number) {
  const { init, main } = containersOf(pod);
  if (index >= init.length) {
    startMain(ctx, pod, 0);
    return;
  }
  const c = init[index];
  const mainWaiting = main.map(m => waiting(m, 'PodInitializing'));
  pullImages(
    ctx,
    pod,
    {
      containers: [c],
      writeWaiting: (p, failed) => {
        const f = failed.get(c.name)!;
        const status = waiting(c, f.reason, f.message, statusOf(p, c.name));
        writePodStatus(
          ctx,
          p,
          'initializing',
          {
            init: initStatuses(p, index, status),
            main: mainWaiting,
          },
          'Pending',
        );
      },
      pulled: p => finishInit(ctx, p, index),
    },
    0,
  );
}

/**
 * Runs init container `index` (instantly: its log, then its exit code). Success moves on; a failure fails the pod
 * under restartPolicy Never, and otherwise restarts the container after a back-off (`Init:CrashLoopBackOff`).
 */
function finishInit(ctx: PodContext, pod: KubeObject, index: number) {
  const { kube } = ctx;
  const ns = pod.metadata.namespace!;
  const c = containersOf(pod).init[index];
  const event = eventsOf(ctx, pod);
  const previous = statusOf(pod, c.name);
  const restartCount =
    previous?.state?.waiting?.reason === 'CrashLoopBackOff'
      ? previous.restartCount
      : 0;
  const rule = runRule(ctx, c);
  containerStarted(pod, event, c);
  kube.appendLog(ns, pod.metadata.name, c.name, rule.log.join('\n'));
  const done = terminated(ctx, c, rule.exitCode, timestamp(ctx), restartCount);
  const main = containersOf(pod).main.map(m => waiting(m, 'PodInitializing'));
  if (rule.exitCode === 0) {
    const p = writePodStatus(
      ctx,
      pod,
      'initializing',
      {
        init: initStatuses(pod, index, done),
        main,
      },
      'Pending',
    );
    runInit(ctx, p, index + 1);
    return;
  }
  if ((pod.spec as any).restartPolicy === 'Never') {
    writePodStatus(
      ctx,
      pod,
      'initializing',
      {
        init: initStatuses(pod, index, done),
        main,
      },
      'Failed',
    );
    return;
  }
  const looping = waiting(
    c,
    'CrashLoopBackOff',
    crashLoopMessage(pod, c, restartCount),
    {
      ...done,
      restartCount: restartCount + 1,
      lastState: done.state,
    },
  );
  const p = writePodStatus(
    ctx,
    pod,
    'initializing',
    {
      init: initStatuses(pod, index, looping),
      main,
    },
    'Pending',
  );
  event(p, 'Warning', 'BackOff', backOffMessage(p, c), c.name);
  ctx.timers.later(p.metadata.uid!, restartDelay(ctx, restartCount), () => {
    const again = currentPod(ctx, p);
    if (!again) return;
    kube.rotateLog(ns, again.metadata.name, c.name);
    runInit(ctx, again, index);
  });
}

/** The main containers: pulled (or found on the node), then started; they finish after `delays.runMs`. */
function startMain(ctx: PodContext, pod: KubeObject, restartCount: number) {
  const { init, main } = containersOf(pod);
  const initDone = init.map(c => statusOf(pod, c.name) as ContainerStatus);
  pullImages(
    ctx,
    pod,
    {
      containers: main,
      writeWaiting: (p, failed) =>
        writePodStatus(
          ctx,
          p,
          'starting',
          {
            init: initDone,
            main: main.map(c => {
              const f = failed.get(c.name);
              const previous = statusOf(p, c.name);
              return f
                ? waiting(c, f.reason, f.message, previous)
                : waiting(c, 'ContainerCreating', undefined, previous);
            }),
          },
          'Pending',
        ),
      pulled: p => runMain(ctx, p, restartCount),
    },
    0,
  );
}

function runMain(ctx: PodContext, pod: KubeObject, restartCount: number) {
  const { kube } = ctx;
  const ns = pod.metadata.namespace!;
  const event = eventsOf(ctx, pod);
  const { init, main } = containersOf(pod);
  const startedAt = timestamp(ctx);
  for (const c of main) {
    containerStarted(pod, event, c);
    const rule = runRule(ctx, c);
    if (rule.log.length)
      kube.appendLog(ns, pod.metadata.name, c.name, rule.log[0]);
  }
  const p = writePodStatus(
    ctx,
    pod,
    'running',
    {
      init: init.map(c => statusOf(pod, c.name) as ContainerStatus),
      main: main.map(c =>
        running(
          ctx,
          c,
          startedAt,
          restartCount,
          statusOf(pod, c.name)?.lastState,
        ),
      ),
    },
    'Running',
  );
  ctx.timers.later(p.metadata.uid!, ctx.delays.runMs, () =>
    finishRun(ctx, p, restartCount, startedAt),
  );
}

/**
 * Terminates the running containers with their run rules' exit codes and log lines: the pod Succeeds or Fails, or
 * under restartPolicy Always/OnFailure restarts with back-off.
 */
function finishRun(
  ctx: PodContext,
  pod: KubeObject,
  restartCount: number,
  startedAt: string,
) {
  const { kube } = ctx;
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const restartPolicy = (pod.spec as any).restartPolicy ?? 'Always';
  const { init, main } = containersOf(pod);
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
  const initDone = init.map(c => statusOf(p, c.name) as ContainerStatus);
  if (restart) {
    crashLoop(ctx, p, { initDone, statuses, restartCount });
    return;
  }
  writePodStatus(
    ctx,
    p,
    'finished',
    { init: initDone, main: statuses },
    failed ? 'Failed' : 'Succeeded',
  );
  ctx.logger.info('pod finished', {
    namespace: ns,
    pod: name,
    phase: failed ? 'Failed' : 'Succeeded',
  });
}

function crashLoopMessage(
  pod: KubeObject,
  c: ContainerSpec,
  restartCount: number,
) {
  return `back-off ${modelledBackoff(
    restartCount,
  )} restarting failed container=${c.name} pod=${pod.metadata.name}_${
    pod.metadata.namespace
  }(${pod.metadata.uid})`;
}

function backOffMessage(pod: KubeObject, c: ContainerSpec) {
  return `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/**
 * CrashLoopBackOff: the terminated containers wait out the back-off (phase stays Running, the pod is not ready),
 * then start again with fresh logs (the old ones readable with `previous=true`).
 */
function crashLoop(
  ctx: PodContext,
  p: KubeObject,
  run: {
    initDone: ContainerStatus[];
    statuses: ContainerStatus[];
    restartCount: number;
  },
) {
  const { kube } = ctx;
  const { initDone, statuses, restartCount } = run;
  const ns = p.metadata.namespace!;
  const { main } = containersOf(p);
  const event = eventsOf(ctx, p);
  const looping = writePodStatus(
    ctx,
    p,
    'starting',
    {
      init: initDone,
      main: statuses.map((s, i) =>
        waiting(
          main[i],
          'CrashLoopBackOff',
          crashLoopMessage(p, main[i], restartCount),
          {
            ...s,
            restartCount: restartCount + 1,
            lastState: s.state,
          },
        ),
      ),
    },
    'Running',
  );
  for (const c of main)
    event(looping, 'Warning', 'BackOff', backOffMessage(looping, c), c.name);
  ctx.timers.later(p.metadata.uid!, restartDelay(ctx, restartCount), () => {
    const again = currentPod(ctx, looping);
    if (!again) return;
    for (const c of main) kube.rotateLog(ns, again.metadata.name, c.name);
    startMain(ctx, again, restartCount + 1);
  });
}
