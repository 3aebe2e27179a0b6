/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
export { diagnoseCrawler, diagnosisChecks, sortFindings } from './diagnose';
export { ecrPullTargets, findImagePullFailures } from './checks/imagePull';
export type { ImagePullFailure } from './checks/imagePull';
export { crawlerProfiles, profileSelects } from './checks/fargate';
export { OPERATOR_PERMISSIONS } from './checks/podsLogForbidden';
export type { OperatorPermission } from './checks/podsLogForbidden';
export {
  classifyGitSyncError,
  classifyPullError,
  parseRbacRefusal,
} from './text';
export type { GitSyncErrorKind, PullFailureKind, RbacRefusal } from './text';
export type {
  DiagnosisCheck,
  DiagnosisCheckResult,
  DiagnosisFargateProfile,
  DiagnosisInput,
  DiagnosisNetwork,
  DiagnosisPart,
  DiagnosisPod,
  DiagnosisPodTemplate,
  DiagnosisRbac,
  DiagnosisRbacRule,
  DiagnosisRepositoryPolicy,
  DiagnosisRolePolicies,
  DiagnosisRouteTable,
  DiagnosisSchedulerLog,
  DiagnosisTaskLog,
  DiagnosisVpcEndpoint,
} from './types';
