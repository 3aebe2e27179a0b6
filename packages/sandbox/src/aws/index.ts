/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { AwsWorld, selectorMatches } from './AwsWorld';
export type {
  BuildRecord,
  ClusterRecord,
  CodeCommitRepositoryRecord,
  EcrImageRecord,
  EcrRepositoryRecord,
  FargateProfileEvent,
  FargateProfileRecord,
  FargateSelector,
  IamRoleRecord,
  ImageRunRule,
  NowSource,
  PushEvent,
} from './AwsWorld';
export type {
  BuildPhaseContext,
  CodeBuildProjectRecord,
  EventRuleRecord,
  EventTargetRecord,
} from './AwsWorld';
export { AwsServiceError } from './errors';
export {
  CODEBUILD_EVENTS_ROLE,
  CODEBUILD_IMAGE,
  CODEBUILD_SERVICE_ROLE,
  createImagePipeline,
} from './codebuild/pipeline';
export { CODECOMMIT_LIMITS } from './codecommit/records';
export { startAwsServer } from './server';
export type { AwsServerOptions } from './server';
