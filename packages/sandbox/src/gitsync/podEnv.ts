/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { isNotFound } from '../kube/errors';
import { KubeWorkloadApi } from '../kube/storeApi';

/** A container's env as the kubelet builds it, or the reason it cannot (CreateContainerConfigError). */
export type ContainerEnv =
  | { ok: true; env: Record<string, string> }
  | { ok: false; error: string };

/** Reads an object, undefined when it does not exist. */
function read(
  kube: Pick<KubeWorkloadApi, 'get'>,
  resource: 'secrets' | 'configmaps',
  namespace: string,
  name: string,
): any {
  try {
    return kube.get(resource, namespace, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** One `secretKeyRef` value, or the kubelet's error text. */
function secretValue(
  kube: Pick<KubeWorkloadApi, 'get'>,
  namespace: string,
  ref: { name?: string; key?: string; optional?: boolean },
): { value?: string; error?: string } {
  const secret = read(kube, 'secrets', namespace, String(ref.name));
  if (!secret) {
    return ref.optional ? {} : { error: `secret "${ref.name}" not found` };
  }
  const data = secret.data?.[String(ref.key)];
  const plain = secret.stringData?.[String(ref.key)];
  if (typeof data === 'string')
    return { value: Buffer.from(data, 'base64').toString('utf8') };
  if (typeof plain === 'string') return { value: plain };
  return ref.optional
    ? {}
    : {
        error: `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`,
      };
}

/** One `configMapKeyRef` value, or the kubelet's error text. */
function configMapValue(
  kube: Pick<KubeWorkloadApi, 'get'>,
  namespace: string,
  ref: { name?: string; key?: string; optional?: boolean },
): { value?: string; error?: string } {
  const cm = read(kube, 'configmaps', namespace, String(ref.name));
  if (!cm) {
    return ref.optional ? {} : { error: `configmap "${ref.name}" not found` };
  }
  const value = cm.data?.[String(ref.key)];
  if (typeof value === 'string') return { value };
  return ref.optional
    ? {}
    : {
        error: `couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name}`,
      };
}

/**
 * A container's env as the kubelet resolves it when it creates the container: `value`s, and `secretKeyRef` /
 * `configMapKeyRef` values read from the pod's namespace now (a later change of the Secret reaches only containers
 * created after it). A missing Secret, ConfigMap or key (unless `optional`) is the kubelet's
 * CreateContainerConfigError, with its message.
 */
export function resolveContainerEnv(
  kube: Pick<KubeWorkloadApi, 'get'>,
  namespace: string,
  container: { env?: any[] },
): ContainerEnv {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (typeof entry?.name !== 'string') continue;
    if (typeof entry.value === 'string') {
      env[entry.name] = entry.value;
      continue;
    }
    const secretRef = entry.valueFrom?.secretKeyRef;
    const configMapRef = entry.valueFrom?.configMapKeyRef;
    let got: { value?: string; error?: string } = { value: '' };
    if (secretRef) got = secretValue(kube, namespace, secretRef);
    else if (configMapRef) got = configMapValue(kube, namespace, configMapRef);
    if (got.error) return { ok: false, error: got.error };
    if (got.value !== undefined) env[entry.name] = got.value;
  }
  return { ok: true, env };
}
