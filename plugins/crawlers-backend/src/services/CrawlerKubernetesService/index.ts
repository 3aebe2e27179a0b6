/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
export { createCrawlerKubernetesService } from './createCrawlerKubernetesService';
export type { CrawlerKubernetesServiceOptions } from './createCrawlerKubernetesService';
export { createKubeReadScope } from './types';
export type {
  CrawlerKubernetesLimits,
  CrawlerKubernetesReadScope,
  CrawlerKubernetesService,
  CrawlerPodsRead,
} from './types';
export type { PodDetails } from './pods';
export { kubeStatusCode, toKubeSectionError } from './kubeApi';
export { toAwsSectionError } from './awsErrors';
export type { KubeContext, KubeReads } from './reads';
