/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Search backend module of the Crawler Platform: one search document per Airflow DAG, enriched with the crawler
 * entity whose claim the DAG confirms.
 *
 * @packageDocumentation
 */

export { searchModuleCrawlersCollator as default } from './module';
export { CrawlerCollatorFactory } from './collators/CrawlerCollatorFactory';
export type { CrawlerCollatorFactoryOptions } from './collators/CrawlerCollatorFactory';
export { UnclaimedDagCollatorFactory } from './collators/UnclaimedDagCollatorFactory';
export type { CrawlerSearchDocument } from './collators/documents';
