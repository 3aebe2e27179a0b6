/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/*
 * One indexing run of the bench, in a fresh process: both crawler collators (includeUnclaimed on, since generated
 * DAGs carry no claim tag) over the sandbox's two Airflows, piped as the search backend pipes them into
 * SINK: `pg` (the PostgreSQL engine of production, database PG_DATABASE_URL), `lunr` (the in-memory engine of
 * `make start`) or `none` (documents counted and dropped: the collators alone). Sends
 * `{ ms, documents, peakRssMb, firstHit, warnings }` to the parent: the time from the first request until both
 * indexes are built, and the process's peak resident set size.
 */
import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  LunrSearchEngine,
  SearchEngine,
} from '@backstage/plugin-search-backend-node';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import {
  DefaultAirflowService,
  DefaultCrawlerClaimService,
} from '@crawler-platform/plugin-crawlers-node';
import knexFactory from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseAllDocuments } from 'yaml';
import { CrawlerCollatorFactory, UnclaimedDagCollatorFactory } from '../src';

type Sink = 'pg' | 'lunr' | 'none';

async function engineFor(
  sink: Sink,
  logger: LoggerService,
): Promise<SearchEngine | undefined> {
  if (sink === 'lunr') {
    return new LunrSearchEngine({ logger });
  }
  if (sink === 'pg') {
    const knex = knexFactory({
      client: 'pg',
      connection: process.env.PG_DATABASE_URL,
    });
    const database: DatabaseService = { getClient: async () => knex };
    return PgSearchEngine.fromConfig(new ConfigReader({}), {
      database,
      logger,
    });
  }
  return undefined;
}

/** Passes documents on and counts them. */
function counter(counted: { documents: number }): Transform {
  return new Transform({
    objectMode: true,
    transform(document, _encoding, done) {
      counted.documents++;
      done(null, document);
    },
  });
}

async function main() {
  const sink = (process.env.SINK ?? 'lunr') as Sink;
  const urls = JSON.parse(process.env.SANDBOX_URLS!);
  const warnings: string[] = [];
  const logger: LoggerService = {
    error: message => warnings.push(message),
    warn: message => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  const entities = parseAllDocuments(
    fs.readFileSync(
      path.resolve(__dirname, '../../../examples/entities.yaml'),
      'utf8',
    ),
  ).map(doc => doc.toJSON() as Entity);
  const credentials = { username: 'admin', password: 'admin' };
  const instance = { timeoutMs: 10_000, maxConcurrentRequests: 8 };
  const airflow = DefaultAirflowService.create({
    instances: [
      {
        ...instance,
        name: 'airflow2',
        baseUrl: urls.airflow2,
        uiUrl: urls.airflow2,
        apiVersion: 'v1',
        auth: { type: 'basic', ...credentials },
        claims: 'tag',
      },
      {
        ...instance,
        name: 'airflow3',
        baseUrl: urls.airflow3,
        uiUrl: urls.airflow3,
        apiVersion: 'v2',
        auth: { type: 'password', ...credentials },
        claims: 'tag',
      },
    ],
    logger,
  });
  const options = {
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities }),
    airflow,
    claims: DefaultCrawlerClaimService.create({
      reader: { readFile: async () => undefined },
      logger,
    }),
    logger,
  };
  const config = new ConfigReader({
    search: { collators: { crawler: { includeUnclaimed: true } } },
  });
  const factories = [
    CrawlerCollatorFactory.fromConfig(config, options),
    UnclaimedDagCollatorFactory.fromConfig(config, options),
  ];
  const engine = await engineFor(sink, logger);
  const counted = { documents: 0 };
  const started = performance.now();
  for (const factory of factories) {
    await pipeline(
      await factory.getCollator(),
      counter(counted),
      engine
        ? await engine.getIndexer(factory.type)
        : new Writable({ objectMode: true, write: (_d, _e, done) => done() }),
    );
  }
  const ms = performance.now() - started;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  // The empty run has no unclaimed DAGs, hence no such index.
  const found = await engine
    ?.query({ term: 'generated_dag_00042', types: ['crawler-unclaimed'] })
    .catch(() => undefined);
  process.send!(
    {
      ms,
      documents: counted.documents,
      peakRssMb,
      firstHit: found?.results[0]?.document.title ?? null,
      warnings,
    },
    () => process.exit(0),
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
