/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { isNotFound } from '../kube/errors';
import { KubeWorkloadApi } from '../kube/storeApi';
import { SandboxLogger } from '../util/logger';

/** Reads one secretKeyRef / configMapKeyRef value; undefined when the key is missing. */
function referencedValue(
  kube: KubeWorkloadApi,
  namespace: string,
  entry: any,
): string | undefined {
  const secretRef = entry.valueFrom?.secretKeyRef;
  const configMapRef = entry.valueFrom?.configMapKeyRef;
  if (secretRef) {
    const secret: any = kube.get('secrets', namespace, secretRef.name);
    const data = secret?.data?.[secretRef.key];
    const plain = secret?.stringData?.[secretRef.key];
    if (typeof data === 'string') {
      return Buffer.from(data, 'base64').toString('utf8');
    } else if (typeof plain === 'string') {
      return plain;
    }
  } else if (configMapRef) {
    const cm: any = kube.get('configmaps', namespace, configMapRef.name);
    const value = cm?.data?.[configMapRef.key];
    if (typeof value === 'string') {
      return value;
    }
  }
  return undefined;
}

/**
 * A container's env as the kubelet resolves it: `value`s, and `secretKeyRef` / `configMapKeyRef` values read from
 * the pod's namespace. Undefined without the pod or the container. A missing Secret or ConfigMap leaves the variable
 * unset (the kubelet would refuse to start the container otherwise); other failures are logged likewise.
 */
export function containerEnv(
  kube: KubeWorkloadApi,
  namespace: string,
  pod: any,
  containerName: string,
  logger: SandboxLogger,
): Record<string, string> | undefined {
  if (!pod) {
    return undefined;
  }
  const container = (pod?.spec?.containers ?? []).find(
    (c: any) => c?.name === containerName,
  );
  if (!container) {
    return undefined;
  }
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (typeof entry?.name !== 'string') {
      continue;
    }
    if (typeof entry.value === 'string') {
      env[entry.name] = entry.value;
      continue;
    }
    try {
      const value = referencedValue(kube, namespace, entry);
      if (value !== undefined) env[entry.name] = value;
    } catch (e) {
      if (!isNotFound(e)) {
        logger.error('git-sync could not resolve an env reference', {
          namespace,
          variable: entry.name,
          error: (e as Error).message,
        });
      }
    }
  }
  return env;
}
