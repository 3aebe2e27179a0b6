/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isCrawlersAvailable,
  parseCrawlersAnnotations,
} from '@crawler-platform/plugin-crawlers-common';

/** The `metadata.links[].type` that names a site a crawler crawls. */
export const CRAWL_TARGET_LINK_TYPE = 'crawl-target';

/** The entity fields the collators read; the rest of each entity is never fetched. */
const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.annotations',
  'metadata.links',
  'spec.type',
  'spec.owner',
  'spec.system',
];

/** What a search document shows of the crawler entity whose claim on a DAG holds. */
export interface CrawlerEntitySummary {
  /** The entity ref, e.g. `component:default/news-crawler`. */
  ref: string;
  /** `metadata.title`, else `metadata.name`. */
  title: string;
  description: string | null;
  /** `spec.owner` as a full entity ref (a bare name is a group). */
  owner: string | null;
  /** `spec.system` as a full entity ref. */
  system: string | null;
  /** URLs of the entity's `metadata.links` of type `crawl-target`. */
  targets: string[];
  /** The entity page, `/catalog/<namespace>/<kind>/<name>` (lower case, as the catalog collator writes it). */
  page: string;
}

/** The crawler entities that name each DAG, per Airflow instance: instance → DAG id → entities (sorted by ref). */
export type CrawlerEntityIndex = Map<
  string,
  Map<string, CrawlerEntitySummary[]>
>;

function fullRef(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string | null {
  if (typeof value !== 'string' || !value.trim()) {
    return null;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), { defaultKind, defaultNamespace }),
    );
  } catch {
    return value.trim();
  }
}

/** The summary a search document carries of a crawler entity. */
export function summarizeCrawlerEntity(entity: Entity): CrawlerEntitySummary {
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const page = `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    entity.kind,
  )}/${encodeURIComponent(entity.metadata.name)}`.toLocaleLowerCase('en-US');
  return {
    ref: stringifyEntityRef(entity),
    title: entity.metadata.title || entity.metadata.name,
    description: entity.metadata.description || null,
    owner: fullRef(spec.owner, 'group', namespace),
    system: fullRef(spec.system, 'system', namespace),
    targets: (entity.metadata.links ?? [])
      .filter(link => link.type === CRAWL_TARGET_LINK_TYPE && link.url)
      .map(link => link.url),
    page,
  };
}

/**
 * Reads the crawler entities through the catalog, a page at a time and with the module's own service credentials,
 * and indexes them by the Airflow instance and DAG ids their annotations name. Holds one small summary per crawler
 * entity, never the DAGs.
 */
export async function readCrawlerEntityIndex(options: {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  instanceNames: string[];
  pageSize: number;
}): Promise<CrawlerEntityIndex> {
  const { catalog, auth, logger, instanceNames } = options;
  const index: CrawlerEntityIndex = new Map(
    instanceNames.map(name => [name, new Map()]),
  );
  const pages = catalog.streamEntities(
    {
      filter: { kind: 'Component', 'spec.type': 'crawler' },
      fields: ENTITY_FIELDS,
      pageSize: options.pageSize,
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  for await (const page of pages) {
    for (const entity of page) {
      if (!isCrawlersAvailable(entity)) {
        continue;
      }
      const ref = stringifyEntityRef(entity);
      let link;
      try {
        link = parseCrawlersAnnotations(entity);
      } catch (error) {
        logger.warn(
          'Not indexing the DAGs of a crawler with invalid annotations',
          {
            entity: ref,
            error: String(error),
          },
        );
        continue;
      }
      const instance = link.airflowInstance ?? instanceNames[0];
      const dags = index.get(instance);
      if (!dags) {
        logger.warn(
          'Not indexing the DAGs of a crawler whose Airflow instance is not configured',
          { entity: ref, instance: String(instance) },
        );
        continue;
      }
      const summary = summarizeCrawlerEntity(entity);
      for (const dagId of link.dagIds) {
        const named = dags.get(dagId) ?? [];
        named.push(summary);
        named.sort((a, b) => a.ref.localeCompare(b.ref));
        dags.set(dagId, named);
      }
    }
  }
  return index;
}
