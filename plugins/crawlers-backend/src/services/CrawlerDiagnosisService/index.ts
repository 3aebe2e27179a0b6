/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
export { createCrawlerDiagnosisService } from './createCrawlerDiagnosisService';
export type {
  CrawlerDiagnosisService,
  CrawlerDiagnosisServiceOptions,
} from './createCrawlerDiagnosisService';
export { createAwsClusterAccess } from './awsAccess';
export type { AwsAccessUnavailable, AwsClusterAccess } from './awsAccess';
