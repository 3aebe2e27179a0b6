/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The crawlers plugin for Backstage's new frontend system: its default export adds the crawlers API, the crawler's
 * overview card, the "Crawler" entity tab and the search result list item of crawlers.
 *
 * @packageDocumentation
 */

export { default } from './alpha/plugin';
