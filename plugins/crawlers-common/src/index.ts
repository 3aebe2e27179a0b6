/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Types, annotation constants and permissions shared by the Crawler Platform plugins.
 *
 * @packageDocumentation
 */

export {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_FILES,
  ANNOTATION_CRAWLERS_DAG_IDS,
  ANNOTATION_CRAWLERS_NAMESPACE_ENTITY,
  ANNOTATION_KUBERNETES_NAMESPACE,
  CRAWLERS_CLAIM_TAG_PREFIX,
  CRAWLERS_DAG_ID_PATTERN,
  isCrawlersAvailable,
  parseCrawlersAnnotations,
  parseCrawlersDagFiles,
  parseCrawlersDagIds,
} from './annotations';
export type { CrawlersEntityLink } from './annotations';
export {
  crawlersAirflowReadPermission,
  crawlersDagPausePermission,
  crawlersDagTriggerPermission,
  crawlersPermissions,
  crawlersPodDeletePermission,
  crawlersUnclaimedReadPermission,
} from './permissions';
export type {
  CrawlersDagRequest,
  CrawlersEntityRequest,
  CrawlersListRunsRequest,
  CrawlersSetPausedRequest,
  CrawlersTaskInstancesRequest,
  CrawlersTaskLogRequest,
  CrawlersTriggerRunRequest,
} from './requests';
export type { CrawlersSearchDocument, CrawlersSearchType } from './search';
export { CRAWLERS_FINDING_IDS } from './types';
export type {
  AirflowApiVersion,
  CrawlersAirflowInstanceInfo,
  CrawlersAirflowResponse,
  CrawlersDag,
  CrawlersDagRun,
  CrawlersDagRunState,
  CrawlersDagRunsPage,
  CrawlersDagClaim,
  CrawlersDagSummary,
  CrawlersContainerStatus,
  CrawlersDeletedPod,
  CrawlersDiagnosisCheck,
  CrawlersDiagnosisResponse,
  CrawlersFinding,
  CrawlersFindingEvidence,
  CrawlersFindingFix,
  CrawlersFindingId,
  CrawlersFindingSeverity,
  CrawlersGitSyncBehind,
  CrawlersGitSyncPod,
  CrawlersGitSyncResponse,
  CrawlersGitSyncSettings,
  CrawlersGitSyncState,
  CrawlersGitSyncTrap,
  CrawlersImportError,
  CrawlersLogLine,
  CrawlersNamespaceClaim,
  CrawlersOverviewDag,
  CrawlersOverviewDiagnosis,
  CrawlersOverviewGitSync,
  CrawlersOverviewPods,
  CrawlersOverviewResponse,
  CrawlersOverviewSection,
  CrawlersPauseResponse,
  CrawlersPod,
  CrawlersPodCleanupResponse,
  CrawlersPodEvent,
  CrawlersPodKind,
  CrawlersPodsResponse,
  CrawlersTaskInstance,
  CrawlersTaskInstancesResponse,
  CrawlersTaskLog,
  CrawlersTaskLogResponse,
  CrawlersTriggerResponse,
  CrawlersUpstreamError,
} from './types';
