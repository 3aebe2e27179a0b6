/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export {
  KubeStore,
  KubeApiError,
  KUBE_RESOURCES,
  jsonMergePatch,
  jsonPatch,
  notFound,
  qualifiedResource,
} from './KubeStore';
export type {
  AuthorizationAttributes,
  KubeObject,
  KubeResource,
  KubeStatus,
} from './KubeStore';
export { startKubeApiServer } from './server';
export type { KubeApiServerOptions } from './server';
export { verifyEksToken, EKS_TOKEN_PREFIX } from './eksToken';
export type { EksTokenResult } from './eksToken';
export {
  startPodLifecycle,
  FARGATE_PROFILE_LABEL,
  CAPACITY_ANNOTATION,
} from './podLifecycle';
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
