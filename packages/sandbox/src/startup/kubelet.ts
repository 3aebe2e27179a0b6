/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { kubeErrorStatus } from '../kube/errors';
import { KubeStore } from '../kube/KubeStore';
import { AIRFLOW_NODE } from '../seed/airflow';
import { SandboxLogger } from '../util/logger';

/** Marks one pod bound to the Airflow node-group node as Running, as that node's kubelet would. */
function runNodeGroupPod(kube: KubeStore, pod: any) {
  if (pod?.spec?.nodeName !== AIRFLOW_NODE || pod.status?.phase === 'Running')
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
 * The kubelet of the node-group node the Airflow pods are bound to (part A's lifecycle only handles pods without
 * a node): pods created on it start Running, now and whenever they are created again.
 */
export function startNodeGroupKubelet(
  kube: KubeStore,
  logger: SandboxLogger,
): () => void {
  for (const pod of kube.list('pods', undefined)) runNodeGroupPod(kube, pod);
  return kube.onChange((type, resource, obj) => {
    if (type !== 'ADDED' || resource !== 'pods') return;
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
