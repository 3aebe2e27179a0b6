/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_REGION } from '../constants';
import { isNotFound } from './errors';
import { KubeStoreApi } from './storeApi';
import { KubeObject, kubeTimestamp } from './types';

/** A node taint (`spec.taints[]`). */
export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A pod toleration (`spec.tolerations[]`). */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

/**
 * The taint of the managed node group's node (the Airflow pods' node): it keeps crawler pods off it. Pods bound to
 * it by name (the Airflow pods) are not affected; pods the default scheduler places there must tolerate it.
 */
export const NODE_GROUP_TAINT: Taint = {
  key: 'dedicated',
  value: 'airflow',
  effect: 'NoSchedule',
};

/** The taint every Fargate node carries. */
export const FARGATE_NODE_TAINT: Taint = {
  key: 'eks.amazonaws.com/compute-type',
  value: 'fargate',
  effect: 'NoSchedule',
};

/** The kubelet version the sandbox models (see the README, "Pod lifecycle"); the EKS build suffix is illustrative. */
export const MODELLED_KUBELET_VERSION = 'v1.32.3-eks-4096722';

/** Does one toleration tolerate the taint (Kubernetes' `Toleration.ToleratesTaint`)? */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if ((t.operator ?? 'Equal') === 'Exists')
    return !t.key || t.key === taint.key;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * The first NoSchedule/NoExecute taint no toleration tolerates (the scheduler's TaintToleration filter), if any.
 */
export function untoleratedTaint(
  taints: Taint[] | undefined,
  tolerations: Toleration[] | undefined,
): Taint | undefined {
  return (taints ?? []).find(
    taint =>
      (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') &&
      !(tolerations ?? []).some(t => tolerates(t, taint)),
  );
}

/** `10.0.1.23` of a node named `ip-10-0-1-23.<region>.compute.internal`. */
function ipOfNodeName(name: string): string | undefined {
  const m = /^(?:fargate-)?ip-(\d+)-(\d+)-(\d+)-(\d+)\./.exec(name);
  return m ? m.slice(1, 5).join('.') : undefined;
}

function nodeStatus(
  now: string,
  name: string,
  ip: string,
  capacity: Record<string, string>,
  nodeInfo: Record<string, string>,
) {
  const condition = (
    type: string,
    status: string,
    reason: string,
    message: string,
  ) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      condition(
        'MemoryPressure',
        'False',
        'KubeletHasSufficientMemory',
        'kubelet has sufficient memory available',
      ),
      condition(
        'DiskPressure',
        'False',
        'KubeletHasNoDiskPressure',
        'kubelet has no disk pressure',
      ),
      condition(
        'PIDPressure',
        'False',
        'KubeletHasSufficientPID',
        'kubelet has sufficient PID available',
      ),
      condition(
        'Ready',
        'True',
        'KubeletReady',
        'kubelet is posting ready status',
      ),
    ],
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
      { type: 'InternalDNS', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64',
      operatingSystem: 'linux',
      kubeletVersion: MODELLED_KUBELET_VERSION,
      kubeProxyVersion: MODELLED_KUBELET_VERSION,
      containerRuntimeVersion: 'containerd://1.7.25',
      ...nodeInfo,
    },
  };
}

function zoneLabels(zone: string) {
  return {
    'topology.kubernetes.io/region': SANDBOX_REGION,
    'topology.kubernetes.io/zone': zone,
    'failure-domain.beta.kubernetes.io/region': SANDBOX_REGION,
    'failure-domain.beta.kubernetes.io/zone': zone,
  };
}

/** The Node object the node group's kubelet registers (EC2 instance, tainted with {@link NODE_GROUP_TAINT}). */
export function nodeGroupNode(name: string, now: Date): KubeObject {
  const ip = ipOfNodeName(name) ?? '10.0.1.23';
  const zone = `${SANDBOX_REGION}a`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': 'm5.large',
        'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup': 'airflow',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm5.large',
        ...zoneLabels(zone),
      },
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': ip,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      providerID: `aws:///${zone}/i-0a1b2c3d4e5f60718`,
      taints: [NODE_GROUP_TAINT],
    },
    status: nodeStatus(
      kubeTimestamp(now),
      name,
      ip,
      {
        cpu: '2',
        'ephemeral-storage': '20959212Ki',
        memory: '7910348Ki',
        pods: '29',
      },
      {
        osImage: 'Amazon Linux 2023.6.20250203',
        kernelVersion: '6.1.127-135.201.amzn2023.x86_64',
      },
    ),
  };
}

/** The Node object of one Fargate pod's node (tainted with {@link FARGATE_NODE_TAINT}). */
export function fargateNode(
  name: string,
  ip: string,
  zone: string,
  now: Date,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/compute-type': 'fargate',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': ip,
        'kubernetes.io/os': 'linux',
        ...zoneLabels(zone),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {
      providerID: `aws:///${zone}/${name.split('.')[0]}`,
      taints: [FARGATE_NODE_TAINT],
    },
    status: nodeStatus(
      kubeTimestamp(now),
      name,
      ip,
      {
        cpu: '2',
        'ephemeral-storage': '30787492Ki',
        memory: '3977000Ki',
        pods: '1',
      },
      {
        osImage: 'Amazon Linux 2',
        kernelVersion: '5.10.234-225.910.amzn2.x86_64',
      },
    ),
  };
}

/** Registers a node unless it exists (as a kubelet does when it starts). */
export function registerNode(kube: KubeStoreApi, node: KubeObject): void {
  if (!kube.exists('nodes', undefined, node.metadata.name)) {
    kube.create('nodes', undefined, node);
  }
}

/** Removes a node if it is still there. */
export function removeNode(kube: KubeStoreApi, name: string): void {
  try {
    kube.delete('nodes', undefined, name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
