/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { KubeStore } from './KubeStore';
export type { KubeStoreOptions } from './KubeStore';
export type { KubeStoreApi, KubeWorkloadApi } from './storeApi';
export {
  KubeApiError,
  kubeErrorStatus,
  notFound,
  qualifiedResource,
} from './errors';
export { jsonMergePatch, jsonPatch } from './patch';
export { forbiddenMessage } from './rbac';
export { KUBE_RESOURCES } from './types';
export type {
  AuthorizationAttributes,
  KubeChangeListener,
  KubeListOptions,
  KubeObject,
  KubeResource,
  KubeStatus,
} from './types';
export { startKubeApiServer } from './server';
export type { KubeApiServerOptions } from './server';
export { verifyEksToken, EKS_TOKEN_PREFIX } from './eksToken';
export type { EksTokenResult } from './eksToken';
export {
  startPodLifecycle,
  FARGATE_PROFILE_LABEL,
  CAPACITY_ANNOTATION,
  LOGGING_ANNOTATION,
  LOGGING_DISABLED,
  LOGGING_DISABLED_MESSAGE,
  AWS_LOGGING_CONFIGMAP,
} from './podLifecycle';
export {
  NODE_GROUP_TAINT,
  FARGATE_NODE_TAINT,
  MODELLED_KUBELET_VERSION,
} from './nodes';
export type { PodLifecycleOptions } from './podLifecycle';
export {
  fargateCapacity,
  parseCpu,
  parseMemory,
  FARGATE_SIZES,
} from './fargateSizing';
export {
  parseLabelSelector,
  parseFieldSelector,
  matchesLabels,
} from './selectors';
