/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Scaffolder backend module of the Crawler Platform: actions that create a crawler's CodeCommit repository, publish
 * and validate its DAG file, and set up its image pipeline and Fargate namespace — adopting only what is already
 * the entity's.
 *
 * @packageDocumentation
 */

export { scaffolderModuleCrawlers as default } from './module';
export { createPublishCodeCommitAction } from './actions/publishCodeCommit';
export { createCrawlersDagPublishAction } from './actions/crawlersDagPublish';
export { createCrawlersDagValidateAction } from './actions/crawlersDagValidate';
export { createCrawlersOwnershipCheckAction } from './actions/crawlersOwnershipCheck';
export type { CrawlersOwnershipCheckInput } from './actions/crawlersOwnershipCheck';
export { createAwsEcrRepositoryCreateAction } from './actions/createEcrRepository';
export { createAwsCodeBuildProjectCreateAction } from './actions/createCodeBuildProject';
export { createKubernetesCrawlerNamespaceApplyAction } from './actions/applyCrawlerNamespace';
export { createAwsEksFargateProfileCreateAction } from './actions/createFargateProfile';
export type { FargateProfileWaiter } from './actions/createFargateProfile';
export {
  codeCommitUrlReaderServiceFactory,
  createCodeCommitUrlReaderFactory,
} from './urlReader/codeCommitUrlReaderFactory';
export { createCrawlersScaffolderDeps } from './lib/deps';
export type { CrawlersScaffolderDeps } from './lib/deps';
export { CrawlersAwsClients } from './lib/aws';
export type { AwsClientOptions, AwsTarget } from './lib/aws';
export {
  readScaffolderCrawlersSettings,
  scaffolderCrawlersConfigDefaults,
} from './lib/config';
export type { AwsSettings, ScaffolderCrawlersSettings } from './lib/config';
export {
  codeCommitGitBaseUrl,
  codeCommitGitCredentials,
} from './lib/gitPassword';
export type {
  CodeCommitGitCredentials,
  GitSigningCredentials,
} from './lib/gitPassword';
export {
  assertOwnedBy,
  ENTITY_TAG_KEY,
  normalizeEntityRef,
} from './lib/ownership';
export { FARGATE_SIZES } from './lib/fargate';
