/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Node.js library of the Crawler Platform plugins: the Airflow client service (v1 and v2 REST APIs), the claim
 * checks (DAGs, DAG files, namespaces), the cluster clients, git-sync readers, the DAG repository's history and the
 * diagnosis checks of the nine field failures, with service refs for backend plugins and modules.
 *
 * @packageDocumentation
 */

export { airflowServiceRef } from './airflowServiceRef';
export { crawlerClaimServiceRef } from './crawlerClaimServiceRef';
export { crawlersClusterServiceRef } from './crawlersClusterServiceRef';
export { createAssumeRoleCredentialProvider } from './aws/assumeRoleCredentials';
export { readCrawlersClustersConfig } from './kubernetes/config';
export { DefaultCrawlersClusterService } from './kubernetes/DefaultCrawlersClusterService';
export type { CrawlersClusterServiceOptions } from './kubernetes/DefaultCrawlersClusterService';
export { createEksToken, EKS_TOKEN_LIFETIME_MS } from './kubernetes/eksToken';
export { makeSafeLabelValue } from './kubernetes/labels';
export { checkNamespaceClaim } from './kubernetes/namespaceClaim';
export type { NamespaceClaimObject } from './kubernetes/namespaceClaim';
export type {
  CrawlersClusterClient,
  CrawlersClusterConfig,
  CrawlersClusterService,
} from './kubernetes/types';
export { parseGitSyncLog } from './gitsync/logs';
export type { GitSyncLogSummary } from './gitsync/logs';
export { parseGoDuration, resolveGitSyncSettings } from './gitsync/env';
export type { ContainerEnvVar, GitSyncSettings } from './gitsync/env';
export { dagClaimTag } from './claims/claimTag';
export { checkDagClaim } from './claims/checkDagClaim';
export {
  dagFileCarriesClaimTag,
  dagRepositoryPathOf,
  selectClaimedImportErrors,
} from './claims/dagFiles';
export { CodeCommitDagRepositoryReader } from './claims/DagRepositoryReader';
export type { DagRepositoryReader } from './claims/DagRepositoryReader';
export {
  parseCodeCommitRemote,
  resolveCodeCommitLocation,
} from './claims/history';
export type {
  CodeCommitRemote,
  CodeCommitRepositoryLocation,
  DagRepositoryCommit,
  DagRepositoryHistory,
} from './claims/history';
export { DefaultCrawlerClaimService } from './claims/DefaultCrawlerClaimService';
export type { CrawlerClaimService, DagFileClaim } from './claims/types';
export {
  airflowConfigDefaults,
  readAirflowInstancesConfig,
} from './airflow/config';
export { DefaultAirflowInstanceClient } from './airflow/DefaultAirflowInstanceClient';
export { DefaultAirflowService } from './airflow/DefaultAirflowService';
export { AirflowUnavailableError } from './airflow/errors';
export type {
  AirflowAuthConfig,
  AirflowCollection,
  AirflowDagRepositoryConfig,
  AirflowInstanceClient,
  AirflowInstanceConfig,
  AirflowKubernetesConfig,
  AirflowListDagRunsOptions,
  AirflowListDagsOptions,
  AirflowListRecentDagRunsOptions,
  AirflowPage,
  AirflowService,
  AirflowTaskLogOptions,
  AirflowTriggerOptions,
} from './airflow/types';
export {
  classifyGitSyncError,
  classifyPullError,
  crawlerProfiles,
  diagnoseCrawler,
  diagnosisChecks,
  ecrPullTargets,
  findImagePullFailures,
  OPERATOR_PERMISSIONS,
  parseRbacRefusal,
  profileSelects,
  sortFindings,
} from './diagnosis';
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
  GitSyncErrorKind,
  ImagePullFailure,
  OperatorPermission,
  PullFailureKind,
  RbacRefusal,
} from './diagnosis';
