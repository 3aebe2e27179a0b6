/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersDag,
  CrawlersDagClaim,
  CrawlersImportError,
} from '@crawler-platform/plugin-crawlers-common';
import type { AirflowInstanceClient } from '../airflow/types';

/**
 * The claim check of a DAG file an entity names (annotation `crawler-platform.io/dag-files`).
 *
 * @public
 */
export interface DagFileClaim {
  /** Path in the DAG repository. */
  path: string;
  holds: boolean;
  /** Why the claim does not hold and what to change; absent when it holds. */
  reason?: string;
  /** The failure reading the DAG repository, when the claim could not be decided. */
  error?: unknown;
}

/**
 * Confirms an entity's claims on DAGs and DAG files: the one implementation behind the routes, search and AI tools.
 *
 * @public
 */
export interface CrawlerClaimService {
  /** Whether the DAG confirms the entity's claim (its claim tag, unless the instance uses `claims: annotation`). */
  checkDag(
    instance: AirflowInstanceClient,
    entityRef: string,
    dag: CrawlersDag,
  ): CrawlersDagClaim;
  /** Reads each named file from the instance's DAG repository and checks that it names the entity's claim tag. */
  checkDagFiles(
    instance: AirflowInstanceClient,
    entityRef: string,
    paths: string[],
  ): Promise<DagFileClaim[]>;
  /** The import errors the entity may see, given its DAGs and files whose claims hold. */
  selectImportErrors(
    instance: AirflowInstanceClient,
    options: {
      importErrors: CrawlersImportError[];
      claimedDags: CrawlersDag[];
      claimedFiles: string[];
    },
  ): CrawlersImportError[];
}
