/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
export { createAirflowCache } from './createAirflowCache';
export type { AirflowCacheTtls } from './createAirflowCache';
export type {
  AirflowCache,
  AirflowCacheScope,
  AirflowResourceKind,
  CachedResult,
} from './types';
