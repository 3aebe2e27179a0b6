/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Backend plugin of the Crawler Platform: an entity-scoped Airflow API (Airflow 2 and 3) with permissions and
 * caching, mounted at `/api/crawlers`.
 *
 * @packageDocumentation
 */

export { crawlersPlugin as default } from './plugin';
