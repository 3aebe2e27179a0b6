/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Config } from '@backstage/config';
import type { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import { crawlersUnclaimedReadPermission } from '@crawler-platform/plugin-crawlers-common';
import { Readable } from 'node:stream';
import { readCollatorConfigOptions } from './config';
import type { CrawlerCollatorFactoryOptions } from './CrawlerCollatorFactory';
import { DagScanner } from './DagScanner';
import { CrawlerSearchDocument, toCrawlerSearchDocument } from './documents';

/**
 * Collates one search document per Airflow DAG that no crawler entity claims (type `crawler-unclaimed`), linking to
 * the DAG in the Airflow UI.
 *
 * @remarks
 * Such a DAG has no entity to authorize against, so the whole type is guarded by the basic permission
 * `crawlers.unclaimed.read` (`visibilityPermission`): the search backend drops the type for users the policy does not
 * grant it to. It is a type of its own because the search backend checks one visibility permission per type and lets
 * documents without `authorization.resourceRef` through once the type is visible. The module registers it only when
 * `search.collators.crawler.includeUnclaimed` is true. A DAG's last run is known when it is among the instance's
 * `recentRuns` newest runs; no request is made per unclaimed DAG.
 *
 * @public
 */
export class UnclaimedDagCollatorFactory implements DocumentCollatorFactory {
  /** The document type (search index) of these documents. */
  readonly type = 'crawler-unclaimed';
  /** Users see the type only when they are granted `crawlers.unclaimed.read`. */
  readonly visibilityPermission = crawlersUnclaimedReadPermission;

  /** Reads `search.collators.crawler` and builds the factory. */
  static fromConfig(
    config: Config,
    options: CrawlerCollatorFactoryOptions,
  ): UnclaimedDagCollatorFactory {
    const { recentRuns } = readCollatorConfigOptions(config);
    return new UnclaimedDagCollatorFactory(
      new DagScanner({ ...options, recentRuns }),
    );
  }

  private constructor(private readonly scanner: DagScanner) {}

  /** A stream of the documents, read from Airflow a page at a time. */
  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  private async *execute(): AsyncGenerator<CrawlerSearchDocument> {
    for await (const scanned of this.scanner.scan('unclaimed')) {
      yield toCrawlerSearchDocument(scanned);
    }
  }
}
