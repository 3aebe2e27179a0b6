/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import type {
  AirflowService,
  CrawlerClaimService,
} from '@crawler-platform/plugin-crawlers-node';
import { Readable } from 'node:stream';
import { readCollatorConfigOptions } from './config';
import { DagScanner } from './DagScanner';
import { CrawlerSearchDocument, toCrawlerSearchDocument } from './documents';

/**
 * Dependencies of the crawler collator factories.
 *
 * @public
 */
export interface CrawlerCollatorFactoryOptions {
  /** Gives the module's own service credentials for the catalog. */
  auth: AuthService;
  /** Where the crawler entities are read. */
  catalog: CatalogService;
  /** The Airflow instances of `crawlers.airflow.instances`. */
  airflow: AirflowService;
  /** Decides whether a DAG confirms an entity's claim. */
  claims: CrawlerClaimService;
  /** Receives skipped instances and entities, and refused claims (debug). */
  logger: LoggerService;
}

/**
 * Collates one search document per Airflow DAG that a crawler entity claims (type `crawler`), enriched with that
 * entity; every configured Airflow instance, both REST API versions.
 *
 * @remarks
 * A DAG is claimed by the entity that names it in its `crawler-platform.io/dag-ids` annotation (on the instance of
 * its `crawler-platform.io/airflow-instance` annotation) and whose claim the DAG confirms (`crawlerClaimServiceRef`:
 * the claim tag `backstage:<entity ref>`). Documents link to the entity page and carry the entity ref as
 * `authorization.resourceRef`, so that the search backend shows them only to users who may read the entity
 * (`catalog.entity.read`). The DAGs are read in pages of 100 and streamed: memory does not grow with their number.
 *
 * @public
 */
export class CrawlerCollatorFactory implements DocumentCollatorFactory {
  /** The document type (search index) of these documents. */
  readonly type = 'crawler';
  /** Users see a document only when they may read its entity (`catalog.entity.read`). */
  readonly visibilityPermission = catalogEntityReadPermission;

  /** Reads `search.collators.crawler` and builds the factory. */
  static fromConfig(
    config: Config,
    options: CrawlerCollatorFactoryOptions,
  ): CrawlerCollatorFactory {
    const { recentRuns } = readCollatorConfigOptions(config);
    return new CrawlerCollatorFactory(
      new DagScanner({ ...options, recentRuns }),
    );
  }

  private constructor(private readonly scanner: DagScanner) {}

  /** A stream of the documents, read from Airflow a page at a time. */
  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  private async *execute(): AsyncGenerator<CrawlerSearchDocument> {
    for await (const scanned of this.scanner.scan('claimed')) {
      yield toCrawlerSearchDocument(scanned);
    }
  }
}
