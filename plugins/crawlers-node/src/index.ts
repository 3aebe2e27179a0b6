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
export {
  airflowConfigDefaults,
  readAirflowInstancesConfig,
} from './airflow/config';
export { DefaultAirflowInstanceClient } from './airflow/DefaultAirflowInstanceClient';
export { DefaultAirflowService } from './airflow/DefaultAirflowService';
export { AirflowUnavailableError } from './airflow/errors';
export type {
  AirflowAuthConfig,
  AirflowInstanceClient,
  AirflowInstanceConfig,
  AirflowListDagRunsOptions,
  AirflowPage,
  AirflowService,
  AirflowTaskLogOptions,
  AirflowTriggerOptions,
} from './airflow/types';
