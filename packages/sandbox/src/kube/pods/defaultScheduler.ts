/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Taint, Toleration, untoleratedTaint } from '../nodes';
import { KubeObject } from '../types';
import {
  PodContext,
  currentPod,
  podCondition,
  schedulerEvent,
  timestamp,
} from './context';
import { reportUnschedulable } from './schedule';

/**
 * Why a node cannot take the pod: the reason of the first failing filter plugin, in kube-scheduler's order
 * (NodeUnschedulable, TaintToleration, NodeAffinity for `nodeSelector`), or undefined when the node fits. Resources,
 * ports, volumes and affinity terms are not modelled.
 */
export function nodeRejection(
  pod: KubeObject,
  node: KubeObject,
): string | undefined {
  const spec = (pod.spec ?? {}) as Record<string, any>;
  const nodeSpec = (node.spec ?? {}) as Record<string, any>;
  const tolerations = (spec.tolerations ?? []) as Toleration[];
  if (
    nodeSpec.unschedulable &&
    untoleratedTaint(
      [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
      tolerations,
    )
  ) {
    return 'node(s) were unschedulable';
  }
  const taint = untoleratedTaint(nodeSpec.taints as Taint[], tolerations);
  if (taint) {
    return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  const labels = node.metadata.labels ?? {};
  const selector = (spec.nodeSelector ?? {}) as Record<string, string>;
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
    return "node(s) didn't match Pod's node affinity/selector";
  }
  return undefined;
}

/**
 * kube-scheduler's FailedScheduling message (FitError with the preemption post-filter's message; every modelled
 * rejection is UnschedulableAndUnresolvable, so preemption is never helpful), e.g. `0/2 nodes are available: 1
 * node(s) had untolerated taint {dedicated: airflow}, 1 node(s) had untolerated taint {eks.amazonaws.com/compute-type:
 * fargate}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.`
 */
export function fitErrorMessage(reasons: string[]): string {
  const total = reasons.length;
  if (total === 0) return 'no nodes available to schedule pods';
  const histogram = new Map<string, number>();
  for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  const parts = [...histogram].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${total} nodes are available: ${parts.join(
    ', ',
  )}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}

/**
 * The default Kubernetes scheduler, for pods the Fargate webhook left alone (`schedulerName: default-scheduler`):
 * binds the pod to the first node (by name) that passes the filters, or marks it unschedulable with a
 * `FailedScheduling` event. A pod bound to the node group's node is that node's kubelet's to run.
 */
export function scheduleOnNodes(ctx: PodContext, pod0: KubeObject) {
  const pod = currentPod(ctx, pod0);
  if (!pod || (pod.spec as any).nodeName) return;
  if ((pod.status as any)?.phase !== 'Pending') return;
  const nodes = ctx.kube.list('nodes', undefined);
  const reasons: string[] = [];
  const fit = nodes.find(node => {
    const why = nodeRejection(pod, node);
    if (why) reasons.push(why);
    return !why;
  });
  if (!fit) {
    reportUnschedulable(
      ctx,
      pod,
      'default-scheduler',
      fitErrorMessage(reasons),
    );
    return;
  }
  const ns = pod.metadata.namespace!;
  const bound = ctx.kube.updatePod(ns, pod.metadata.name, {
    spec: { nodeName: fit.metadata.name },
  });
  ctx.kube.updatePodStatus(ns, pod.metadata.name, {
    conditions: [podCondition('PodScheduled', 'True', timestamp(ctx))],
  });
  schedulerEvent(ctx, bound, 'default-scheduler', {
    type: 'Normal',
    reason: 'Scheduled',
    action: 'Binding',
    message: `Successfully assigned ${ns}/${pod.metadata.name} to ${fit.metadata.name}`,
  });
}
