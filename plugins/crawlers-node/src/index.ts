/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Node.js library of the Crawler Platform plugins: the Airflow client service (v1 and v2 REST APIs) and its
 * service ref for backend plugins and modules.
 *
 * @packageDocumentation
 */

export { airflowServiceRef } from './airflowServiceRef';
export { crawlerClaimServiceRef } from './crawlerClaimServiceRef';
export { dagClaimTag } from './claims/claimTag';
export { checkDagClaim } from './claims/checkDagClaim';
export {
  dagFileCarriesClaimTag,
  dagRepositoryPathOf,
  selectClaimedImportErrors,
} from './claims/dagFiles';
export { CodeCommitDagRepositoryReader } from './claims/DagRepositoryReader';
export type { DagRepositoryReader } from './claims/DagRepositoryReader';
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
  AirflowListDagRunsOptions,
  AirflowPage,
  AirflowService,
  AirflowTaskLogOptions,
  AirflowTriggerOptions,
} from './airflow/types';
