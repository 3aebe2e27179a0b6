/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { kubeErrorStatus } from '../kube/errors';
import { KubeStore } from '../kube/KubeStore';
import { nodeGroupNode, registerNode } from '../kube/nodes';
import { isAirflowDeploymentPod } from '../gitsync/airflowPods';
import { AIRFLOW_NODE } from '../seed/airflow';
import { SandboxLogger } from '../util/logger';

/**
 * Registers the node group's node (`AIRFLOW_NODE`, tainted `dedicated=airflow:NoSchedule`) as a Node object unless it
 * exists, as its kubelet does when it starts: the default scheduler counts it in `0/N nodes are available`.
 */
export function registerNodeGroupNode(kube: KubeStore): void {
  registerNode(kube, nodeGroupNode(AIRFLOW_NODE, kube.now()));
}

/** Marks one pod bound to the Airflow node-group node as Running, as that node's kubelet would. */
function runNodeGroupPod(kube: KubeStore, pod: any) {
  // Only pods nobody else runs: the Airflow scheduler/dag-processor pods have their own kubelet (gitsync/airflowPods),
  // KubernetesExecutor workers get their status from the executor, and a finished pod stays finished on a restart.
  if (
    pod?.spec?.nodeName !== AIRFLOW_NODE ||
    (pod.status?.phase ?? 'Pending') !== 'Pending' ||
    isAirflowDeploymentPod(pod) ||
    pod.metadata?.labels?.kubernetes_executor === 'True'
  )
    return;
  const startedAt = kube
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  kube.updatePodStatus(pod.metadata.namespace, pod.metadata.name, {
    phase: 'Running',
    startTime: startedAt,
    podIP: '10.0.1.57',
    hostIP: '10.0.1.23',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: startedAt },
      { type: 'Initialized', status: 'True', lastTransitionTime: startedAt },
      {
        type: 'ContainersReady',
        status: 'True',
        lastTransitionTime: startedAt,
      },
      { type: 'Ready', status: 'True', lastTransitionTime: startedAt },
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((c: any) => ({
      name: c.name,
      image: c.image,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
    })),
  });
}

/**
 * A pod the default scheduler has just bound to a node (PodScheduled, but no kubelet has written its status yet):
 * pods created with a node name are the kubelet's from the start instead.
 */
function justBound(pod: any): boolean {
  const status = pod.status ?? {};
  return (
    status.phase === 'Pending' &&
    !status.startTime &&
    !status.containerStatuses &&
    (status.conditions ?? []).some(
      (c: any) => c.type === 'PodScheduled' && c.status === 'True',
    )
  );
}

/**
 * The kubelet of the node-group node the Airflow pods are bound to (part A's lifecycle only handles pods without
 * a node): pods created on it, or bound to it later by the default scheduler (pods tolerating its taint), start
 * Running, now and whenever they are created again.
 */
export function startNodeGroupKubelet(
  kube: KubeStore,
  logger: SandboxLogger,
): () => void {
  for (const pod of kube.list('pods', undefined)) runNodeGroupPod(kube, pod);
  return kube.onChange((type, resource, obj) => {
    if (type === 'DELETED' || resource !== 'pods') return;
    if ((obj.spec as any)?.nodeName !== AIRFLOW_NODE) return;
    if (type === 'MODIFIED' && !justBound(obj)) return;
    // Outside the store's notification: the kubelet reacts after the pod is stored.
    setImmediate(() => {
      try {
        runNodeGroupPod(
          kube,
          kube.get('pods', obj.metadata.namespace, obj.metadata.name),
        );
      } catch (error) {
        // A pod deleted again meanwhile is no failure; anything else is.
        if (kubeErrorStatus(error)?.code !== 404) {
          logger.error(
            `node-group kubelet failed on pod ${obj.metadata.namespace}/${
              obj.metadata.name
            }: ${(error as Error).message}`,
          );
        }
      }
    });
  });
}
