/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { AwsWorld, FargateProfileEvent } from '../aws/AwsWorld';
import {
  SANDBOX_CLUSTER_NAME,
  SANDBOX_DEFAULT_DELAYS,
  SandboxDelays,
} from '../constants';
import { SandboxLogger, silentLogger } from '../util/logger';
import { fargateCapacity } from './fargateSizing';
import { KubeObject, KubeStore } from './KubeStore';

/** A pod condition as the kubelet reports it (`lastProbeTime` is always null for pods). */
function podCondition(
  type: string,
  status: 'True' | 'False',
  lastTransitionTime: string,
  extra: { reason?: string; message?: string } = {},
) {
  return { type, status, ...extra, lastProbeTime: null, lastTransitionTime };
}

export const FARGATE_PROFILE_LABEL = 'eks.amazonaws.com/fargate-profile';
export const CAPACITY_ANNOTATION = 'CapacityProvisioned';
const MAX_BACKOFF_MS = 300_000;

type ContainerSpec = { name: string; image: string; resources?: any };

/** Options of {@link startPodLifecycle}. */
export interface PodLifecycleOptions {
  kube: KubeStore;
  world: AwsWorld;
  clusterName?: string;
  delays?: Partial<
    Pick<SandboxDelays, 'scheduleMs' | 'pullMs' | 'backoffMs' | 'runMs'>
  >;
  logger?: SandboxLogger;
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
  const clusterName = options.clusterName ?? SANDBOX_CLUSTER_NAME;
  const logger = options.logger ?? silentLogger;
  const delays = {
    scheduleMs: options.delays?.scheduleMs ?? SANDBOX_DEFAULT_DELAYS.scheduleMs,
    pullMs: options.delays?.pullMs ?? SANDBOX_DEFAULT_DELAYS.pullMs,
    backoffMs: options.delays?.backoffMs ?? SANDBOX_DEFAULT_DELAYS.backoffMs,
    runMs: options.delays?.runMs ?? SANDBOX_DEFAULT_DELAYS.runMs,
  };
  /** Timers per pod uid. */
  const timers = new Map<string, Set<NodeJS.Timeout>>();
  let stopped = false;

  const ts = () =>
    kube
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');

  function later(uid: string, ms: number, fn: () => void) {
    if (stopped) return;
    const set = timers.get(uid) ?? new Set();
    timers.set(uid, set);
    const t = setTimeout(() => {
      set.delete(t);
      try {
        fn();
      } catch (e) {
        // The pod may have been deleted or changed meanwhile: the step no longer applies.
        logger.warn('pod lifecycle step skipped', {
          uid,
          error: (e as Error).message,
        });
      }
    }, ms);
    t.unref?.();
    set.add(t);
  }

  function cancel(uid: string) {
    for (const t of timers.get(uid) ?? []) clearTimeout(t);
    timers.delete(uid);
  }

  /** The current pod if it still is the same object (same uid). */
  function current(pod: KubeObject): KubeObject | undefined {
    try {
      const now = kube.get('pods', pod.metadata.namespace, pod.metadata.name);
      return now.metadata.uid === pod.metadata.uid ? now : undefined;
    } catch {
      return undefined;
    }
  }

  function containersOf(pod: KubeObject): {
    init: ContainerSpec[];
    main: ContainerSpec[];
  } {
    const spec = pod.spec as any;
    return { init: spec.initContainers ?? [], main: spec.containers ?? [] };
  }

  function waitingStatuses(
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

  function schedule(pod0: KubeObject) {
    const pod = current(pod0);
    if (!pod) return;
    const ns = pod.metadata.namespace!;
    const labels = pod.metadata.labels ?? {};
    const profile = world.eks.matchFargateProfile(clusterName, ns, labels);
    const capacity = fargateCapacity(pod.spec as any);
    if (!profile || !capacity) {
      const message = !profile
        ? `Pod not supported on Fargate: no ACTIVE Fargate profile of cluster ${clusterName} selects namespace "${ns}" with labels {${Object.entries(
            labels,
          )
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}}`
        : 'Pod not supported on Fargate: the pod requests more CPU or memory than the largest Fargate combination (16 vCPU, 120 GB)';
      kube.updatePodStatus(ns, pod.metadata.name, {
        phase: 'Pending',
        conditions: [
          podCondition('PodScheduled', 'False', ts(), {
            reason: 'Unschedulable',
            message,
          }),
        ],
      });
      kube.recordEvent(ns, pod, {
        type: 'Warning',
        reason: 'FailedScheduling',
        message,
        component: 'fargate-scheduler',
      });
      logger.info('pod unschedulable', {
        namespace: ns,
        pod: pod.metadata.name,
      });
      return;
    }
    const hash = crypto
      .createHash('sha1')
      .update(pod.metadata.uid ?? pod.metadata.name)
      .digest();
    const ip = `10.0.${hash[0] % 32}.${(hash[1] % 253) + 1}`;
    const nodeName = `fargate-ip-${ip.replace(/\./g, '-')}.${
      world.region
    }.compute.internal`;
    const bound = kube.updatePod(ns, pod.metadata.name, {
      metadata: {
        labels: { [FARGATE_PROFILE_LABEL]: profile.fargateProfileName },
        annotations: { [CAPACITY_ANNOTATION]: capacity },
      },
      spec: { nodeName, schedulerName: 'fargate-scheduler' },
    });
    const { init, main } = containersOf(bound);
    kube.updatePodStatus(ns, pod.metadata.name, {
      phase: 'Pending',
      conditions: [podCondition('PodScheduled', 'True', ts())],
      hostIP: ip,
      podIP: ip,
      podIPs: [{ ip }],
      startTime: ts(),
      ...(init.length
        ? { initContainerStatuses: waitingStatuses(init, 'PodInitializing') }
        : {}),
      containerStatuses: waitingStatuses(main, 'ContainerCreating'),
    });
    kube.recordEvent(ns, bound, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`,
      component: 'fargate-scheduler',
    });
    later(pod.metadata.uid!, delays.pullMs, () => pull(bound, 0));
  }

  function pull(pod0: KubeObject, attempt: number) {
    const pod = current(pod0);
    if (!pod) return;
    const ns = pod.metadata.namespace!;
    const node = (pod.spec as any).nodeName;
    const { init, main } = containersOf(pod);
    const all = [...init, ...main];
    const missing = all.filter(c => !world.ecr.findImage(c.image));
    for (const c of all) {
      kube.recordEvent(ns, pod, {
        type: 'Normal',
        reason: 'Pulling',
        message: `Pulling image "${c.image}"`,
        component: 'kubelet',
        host: node,
      });
    }
    if (missing.length) {
      const first = missing[0];
      const pullMessage = (image: string) => {
        const ref = world.ecr.parseImageUri(image);
        const why = ref
          ? `${image}: not found`
          : `${image}: not found (the sandbox serves images only from its ECR stand-in ${world.ecr.registryHost()})`;
        return `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${why}`;
      };
      for (const c of missing) {
        kube.recordEvent(ns, pod, {
          type: 'Warning',
          reason: 'Failed',
          message: `Failed to pull image "${
            c.image
          }": rpc error: code = NotFound desc = ${pullMessage(c.image)}`,
          component: 'kubelet',
          host: node,
        });
        kube.recordEvent(ns, pod, {
          type: 'Warning',
          reason: 'Failed',
          message: 'Error: ErrImagePull',
          component: 'kubelet',
          host: node,
        });
      }
      const statusFor = (reason: string) => (list: ContainerSpec[]) =>
        list.map(c => {
          const bad = missing.includes(c);
          if (!bad) {
            return waitingStatuses([c], 'ContainerCreating')[0];
          }
          const message =
            reason === 'ErrImagePull'
              ? `rpc error: code = NotFound desc = ${pullMessage(c.image)}`
              : `Back-off pulling image "${c.image}"`;
          return waitingStatuses([c], reason, message)[0];
        });
      kube.updatePodStatus(ns, pod.metadata.name, {
        ...(init.length
          ? { initContainerStatuses: statusFor('ErrImagePull')(init) }
          : {}),
        containerStatuses: statusFor('ErrImagePull')(main),
      });
      const backoff = Math.min(delays.backoffMs * 2 ** attempt, MAX_BACKOFF_MS);
      later(pod.metadata.uid!, delays.backoffMs, () => {
        const p = current(pod);
        if (!p) return;
        kube.updatePodStatus(ns, p.metadata.name, {
          ...(init.length
            ? { initContainerStatuses: statusFor('ImagePullBackOff')(init) }
            : {}),
          containerStatuses: statusFor('ImagePullBackOff')(main),
        });
        kube.recordEvent(ns, p, {
          type: 'Normal',
          reason: 'BackOff',
          message: `Back-off pulling image "${first.image}"`,
          component: 'kubelet',
          host: node,
        });
        kube.recordEvent(ns, p, {
          type: 'Warning',
          reason: 'Failed',
          message: 'Error: ImagePullBackOff',
          component: 'kubelet',
          host: node,
        });
        later(p.metadata.uid!, backoff, () => pull(p, attempt + 1));
      });
      return;
    }
    for (const c of all) {
      kube.recordEvent(ns, pod, {
        type: 'Normal',
        reason: 'Pulled',
        message: `Successfully pulled image "${c.image}"`,
        component: 'kubelet',
        host: node,
      });
    }
    run(pod, 0);
  }

  function runRule(c: ContainerSpec) {
    const image = world.ecr.findImage(c.image);
    return (
      image?.run ?? {
        exitCode: 0,
        log: [`Starting container ${c.name} from ${c.image}`, 'exit status 0'],
      }
    );
  }

  function terminated(
    c: ContainerSpec,
    exitCode: number,
    startedAt: string,
    restartCount: number,
  ) {
    return {
      name: c.name,
      image: c.image,
      imageID: `${c.image.split(/[:@]/)[0]}@${
        world.ecr.findImage(c.image)?.imageDigest ?? ''
      }`,
      containerID: `containerd://${crypto.randomBytes(32).toString('hex')}`,
      ready: false,
      restartCount,
      started: false,
      state: {
        terminated: {
          exitCode,
          reason: exitCode === 0 ? 'Completed' : 'Error',
          startedAt,
          finishedAt: ts(),
        },
      },
      lastState: {},
    };
  }

  function run(pod: KubeObject, restartCount: number) {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name;
    const node = (pod.spec as any).nodeName;
    const restartPolicy = (pod.spec as any).restartPolicy ?? 'Always';
    const { init, main } = containersOf(pod);
    const startedAt = ts();
    // Init containers run to completion first, in order.
    const initStatuses = [];
    for (const c of init) {
      const rule = runRule(c);
      kube.recordEvent(ns, pod, {
        type: 'Normal',
        reason: 'Created',
        message: `Created container ${c.name}`,
        component: 'kubelet',
        host: node,
      });
      kube.recordEvent(ns, pod, {
        type: 'Normal',
        reason: 'Started',
        message: `Started container ${c.name}`,
        component: 'kubelet',
        host: node,
      });
      kube.appendLog(ns, name, c.name, rule.log.join('\n'));
      initStatuses.push(terminated(c, rule.exitCode, startedAt, 0));
      if (rule.exitCode !== 0) {
        kube.updatePodStatus(ns, name, {
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
        return;
      }
    }
    for (const c of main) {
      kube.recordEvent(ns, pod, {
        type: 'Normal',
        reason: 'Created',
        message: `Created container ${c.name}`,
        component: 'kubelet',
        host: node,
      });
      kube.recordEvent(ns, pod, {
        type: 'Normal',
        reason: 'Started',
        message: `Started container ${c.name}`,
        component: 'kubelet',
        host: node,
      });
      const rule = runRule(c);
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
        imageID: `${c.image.split(/[:@]/)[0]}@${
          world.ecr.findImage(c.image)?.imageDigest ?? ''
        }`,
        containerID: `containerd://${crypto.randomBytes(32).toString('hex')}`,
        ready: true,
        restartCount,
        started: true,
        state: { running: { startedAt } },
        lastState: {},
      })),
    });
    later(pod.metadata.uid!, delays.runMs, () => {
      const p = current(pod);
      if (!p || (p.status as any)?.phase !== 'Running') return;
      const results = main.map(c => ({ c, rule: runRule(c) }));
      for (const { c, rule } of results) {
        if (rule.log.length > 1)
          kube.appendLog(ns, name, c.name, rule.log.slice(1).join('\n'));
      }
      const failed = results.some(r => r.rule.exitCode !== 0);
      const restart =
        restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && failed);
      const statuses = results.map(({ c, rule }) =>
        terminated(c, rule.exitCode, startedAt, restartCount),
      );
      if (!restart) {
        kube.updatePodStatus(ns, name, {
          phase: failed ? 'Failed' : 'Succeeded',
          conditions: [
            podCondition('PodScheduled', 'True', startedAt),
            podCondition('Initialized', 'True', startedAt),
            podCondition('ContainersReady', 'False', ts(), {
              reason: 'PodCompleted',
            }),
            podCondition('Ready', 'False', ts(), { reason: 'PodCompleted' }),
          ],
          containerStatuses: statuses,
        });
        logger.info('pod finished', {
          namespace: ns,
          pod: name,
          phase: failed ? 'Failed' : 'Succeeded',
        });
        return;
      }
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
      kube.recordEvent(ns, p, {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        component: 'kubelet',
        host: node,
      });
      later(p.metadata.uid!, backoff, () => {
        const again = current(p);
        if (!again) return;
        for (const c of main) kube.rotateLog(ns, name, c.name);
        run(again, restartCount + 1);
      });
    });
  }

  const unsubscribe = kube.onChange((type, resource, obj) => {
    if (resource !== 'pods') return;
    if (type === 'DELETED') {
      cancel(obj.metadata.uid!);
      return;
    }
    if (type === 'ADDED' && !(obj.spec as any)?.nodeName) {
      later(obj.metadata.uid!, delays.scheduleMs, () => schedule(obj));
    }
  });

  const onProfile = (event: FargateProfileEvent) => {
    if (event.change !== 'DELETED' || event.clusterName !== clusterName) return;
    const name = event.profile.fargateProfileName;
    for (const pod of kube.list('pods', undefined, {
      labelSelector: `${FARGATE_PROFILE_LABEL}=${name}`,
    })) {
      const phase = (pod.status as any)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      cancel(pod.metadata.uid!);
      const message = `Fargate profile ${name} was deleted: the pod's node was stopped`;
      const ns = pod.metadata.namespace!;
      kube.updatePod(ns, pod.metadata.name, {
        metadata: { labels: { [FARGATE_PROFILE_LABEL]: null } as any },
        spec: { nodeName: null } as any,
      });
      kube.updatePodStatus(ns, pod.metadata.name, {
        phase: 'Pending',
        conditions: [
          podCondition('PodScheduled', 'False', ts(), {
            reason: 'Unschedulable',
            message,
          }),
        ],
        hostIP: null,
        podIP: null,
        podIPs: null,
        containerStatuses: waitingStatuses(
          containersOf(pod).main,
          'ContainerCreating',
        ),
      });
      kube.recordEvent(ns, pod, {
        type: 'Warning',
        reason: 'FailedScheduling',
        message,
        component: 'fargate-scheduler',
      });
    }
  };
  world.events.on('fargateProfile', onProfile);

  // Pods created while the sandbox was down, or left mid-way by a restart, are picked up again.
  for (const pod of kube.list('pods', undefined)) {
    const spec = pod.spec as any;
    const phase = (pod.status as any)?.phase;
    if (
      !spec.nodeName &&
      phase === 'Pending' &&
      !((pod.status as any)?.conditions ?? []).length
    ) {
      later(pod.metadata.uid!, delays.scheduleMs, () => schedule(pod));
    } else if (
      spec.schedulerName === 'fargate-scheduler' &&
      spec.nodeName &&
      (phase === 'Pending' || phase === 'Running')
    ) {
      later(pod.metadata.uid!, delays.pullMs, () => pull(pod, 0));
    }
  }

  return {
    stop() {
      stopped = true;
      unsubscribe();
      world.events.off('fargateProfile', onProfile);
      for (const uid of [...timers.keys()]) cancel(uid);
    },
  };
}
