/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { TaskLogDialog } from './TaskLogDialog';
export type { TaskLogTarget } from './TaskLogDialog';
export { formatTaskLog, readWholeTaskLog } from './taskLog';
