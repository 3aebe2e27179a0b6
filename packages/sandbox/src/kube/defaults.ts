/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeObject, KubeResource } from './types';

/** The QoS class the API server computes from a pod's container resources. */
export function qosClass(spec: Record<string, any>): string {
  const containers = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
  ];
  const all = containers.map(c => c.resources ?? {});
  if (all.every(r => !r.requests && !r.limits)) return 'BestEffort';
  const guaranteed = all.every(
    r =>
      r.limits?.cpu &&
      r.limits?.memory &&
      (!r.requests ||
        (String(r.requests.cpu ?? r.limits.cpu) === String(r.limits.cpu) &&
          String(r.requests.memory ?? r.limits.memory) ===
            String(r.limits.memory))),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultNamespace(obj: KubeObject): void {
  obj.spec = {
    finalizers: ['kubernetes'],
    ...((obj.spec as object) ?? {}),
  };
  obj.status = { phase: 'Active' };
  obj.metadata.labels = {
    ...(obj.metadata.labels ?? {}),
    'kubernetes.io/metadata.name': obj.metadata.name,
  };
}

function defaultSecret(obj: KubeObject): void {
  obj.type = obj.type ?? 'Opaque';
  if (obj.stringData && typeof obj.stringData === 'object') {
    const data = { ...((obj.data as Record<string, string>) ?? {}) };
    for (const [k, v] of Object.entries(
      obj.stringData as Record<string, string>,
    )) {
      data[k] = Buffer.from(String(v)).toString('base64');
    }
    obj.data = data;
    delete obj.stringData;
  }
}

function defaultPod(obj: KubeObject, existing?: KubeObject): void {
  const spec = obj.spec as Record<string, any>;
  spec.restartPolicy = spec.restartPolicy ?? 'Always';
  spec.dnsPolicy = spec.dnsPolicy ?? 'ClusterFirst';
  spec.schedulerName = spec.schedulerName ?? 'default-scheduler';
  spec.serviceAccountName =
    spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
  spec.serviceAccount = spec.serviceAccountName;
  spec.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds ?? 30;
  spec.enableServiceLinks = spec.enableServiceLinks ?? true;
  spec.priority = spec.priority ?? 0;
  spec.preemptionPolicy = spec.preemptionPolicy ?? 'PreemptLowerPriority';
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    c.imagePullPolicy =
      c.imagePullPolicy ??
      (String(c.image).endsWith(':latest') || !String(c.image).includes(':')
        ? 'Always'
        : 'IfNotPresent');
    c.terminationMessagePath =
      c.terminationMessagePath ?? '/dev/termination-log';
    c.terminationMessagePolicy = c.terminationMessagePolicy ?? 'File';
    c.resources = c.resources ?? {};
  }
  if (!existing) {
    obj.status = { phase: 'Pending', qosClass: qosClass(spec) };
  } else if (obj.status === undefined) {
    obj.status = existing.status;
  }
}

/** Defaults the API server and admission add to an object being created or replaced (`existing`). */
export function applyDefaults(
  resource: KubeResource,
  obj: KubeObject,
  existing?: KubeObject,
): void {
  if (resource === 'namespaces') defaultNamespace(obj);
  if (resource === 'secrets') defaultSecret(obj);
  if (resource === 'pods') defaultPod(obj, existing);
}
