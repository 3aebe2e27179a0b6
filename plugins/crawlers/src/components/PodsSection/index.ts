/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { PodsSection } from './PodsSection';
export { finishedOperatorPods } from './CleanupDialog';
