/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeStoreApi, KubeWorkloadApi } from '../kube';

/**
 * The part of the Kubernetes stand-in Airflow uses: the workload API (pods, logs, RBAC checks, change events), merge
 * patches (the operator's `already_checked` label) and pod status writes (the KubernetesExecutor's worker pods are
 * bound to the node-group node by their creator, who writes their status, as that node's kubelet would).
 */
export type AirflowKube = KubeWorkloadApi &
  Pick<KubeStoreApi, 'mergePatch' | 'updatePodStatus'>;

/** Whether `user` may do `verb` on core-group `resource` (`subresource`) in `namespace`. */
export function allowed(
  kube: AirflowKube,
  user: string,
  attributes: {
    verb: string;
    resource: string;
    subresource?: string;
    namespace: string;
    name?: string;
  },
): boolean {
  return Boolean(kube.authorize(user, { ...attributes, apiGroup: '' }).allowed);
}
