/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  createScaffolderTemplateConditionalDecision,
  scaffolderTemplateConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';

/** The templates that create crawlers: only crawler creators may see and run them. */
export const CRAWLER_TEMPLATES = ['template:default/new-crawler'];

/**
 * The tag (`backstage:permissions.tags` on a template's parameters and steps) that only crawler creators may read:
 * if the template entity reaches someone else anyway, the scaffolder drops those steps and parameters.
 */
export const CRAWLER_CREATORS_TAG = 'crawler-creators';

/** Where extra crawler creators are configured (groups or users, beyond the owners of existing crawlers). */
export const CRAWLER_CREATORS_CONFIG_KEY = 'crawlers.crawlerCreators';

/** Reads `crawlers.crawlerCreators` as full, lower-case entity refs (a bare name is a group). */
export function readCrawlerCreators(config: Config): string[] {
  return (config.getOptionalStringArray(CRAWLER_CREATORS_CONFIG_KEY) ?? []).map(
    ref => {
      try {
        return stringifyEntityRef(
          parseEntityRef(ref, {
            defaultKind: 'group',
            defaultNamespace: 'default',
          }),
        ).toLocaleLowerCase('en-US');
      } catch (error) {
        throw new InputError(
          `Invalid entity ref "${ref}" in ${CRAWLER_CREATORS_CONFIG_KEY}: ${error}`,
        );
      }
    },
  );
}

/** The owners (full entity refs) of the crawlers in the catalog. */
export type CrawlerOwnersSource = () => Promise<string[]>;

/**
 * Owners of the catalog's crawlers (`kind=component, spec.type=crawler`, their `ownedBy` relations), read with the
 * permission plugin's own service credentials (which the permission framework does not check against this policy)
 * and cached for `ttlMs`.
 */
export function catalogCrawlerOwners(options: {
  catalog: CatalogService;
  auth: AuthService;
  ttlMs?: number;
  now?: () => number;
}): CrawlerOwnersSource {
  const { catalog, auth, ttlMs = 60_000, now = Date.now } = options;
  let cached: { at: number; owners: Promise<string[]> } | undefined;
  const load = async () => {
    const { items } = await catalog.getEntities(
      {
        filter: { kind: 'component', 'spec.type': 'crawler' },
        fields: ['relations'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return [
      ...new Set(
        items.flatMap(e =>
          (e.relations ?? [])
            .filter(r => r.type === RELATION_OWNED_BY)
            .map(r => r.targetRef.toLocaleLowerCase('en-US')),
        ),
      ),
    ];
  };
  return () => {
    if (!cached || now() - cached.at > ttlMs) {
      const owners = load();
      cached = { at: now(), owners };
      // A failed read is not cached: the next query tries again.
      owners.catch(() => {
        if (cached?.owners === owners) cached = undefined;
      });
    }
    return cached.owners;
  };
}

/**
 * Who may use the crawler templates: signed-in users who are, or are members of, an owner of an existing crawler,
 * an entity in `crawlers.crawlerCreators`, or a platform admin — the users the portal's policy lets create and run
 * crawlers. Everyone else does not see `template:default/new-crawler` in the catalog (so the scaffolder cannot load
 * it), and gets no parameters or steps tagged {@link CRAWLER_CREATORS_TAG}.
 */
export class CrawlerTemplateAccess {
  readonly #creators: Set<string>;
  readonly #crawlerOwners?: CrawlerOwnersSource;
  readonly #templates: Array<{ namespace: string; name: string }>;

  constructor(options: {
    /** Full entity refs of configured creators and platform admins. */
    creators: string[];
    crawlerOwners?: CrawlerOwnersSource;
    templates?: string[];
  }) {
    this.#creators = new Set(
      options.creators.map(r => r.toLocaleLowerCase('en-US')),
    );
    this.#crawlerOwners = options.crawlerOwners;
    this.#templates = (options.templates ?? CRAWLER_TEMPLATES).map(ref => {
      const { namespace, name } = parseEntityRef(ref);
      return { namespace, name };
    });
  }

  /** Whether one of the caller's ownership refs is a creator or owns a crawler. */
  async mayCreateCrawlers(ownershipEntityRefs: string[]): Promise<boolean> {
    const refs = ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'));
    if (refs.some(r => this.#creators.has(r))) {
      return true;
    }
    if (!this.#crawlerOwners) {
      return false;
    }
    const owners = new Set(await this.#crawlerOwners());
    return refs.some(r => owners.has(r));
  }

  /** Whether this rule decides the query (it does only for the catalog read and the scaffolder template reads). */
  static applies(query: PolicyQuery): boolean {
    return (
      isResourcePermission(query.permission, 'scaffolder-template') ||
      query.permission.name === 'catalog.entity.read'
    );
  }

  /**
   * The decision for a query {@link CrawlerTemplateAccess.applies} to: ALLOW for crawler creators, otherwise a
   * condition hiding the crawler templates (catalog) or the parameters and steps tagged crawler-creators (scaffolder).
   */
  async decide(
    query: PolicyQuery,
    user: PolicyQueryUser | undefined,
    ownershipEntityRefs: () => Promise<string[]>,
  ): Promise<PolicyDecision> {
    if (user && (await this.mayCreateCrawlers(await ownershipEntityRefs()))) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(query.permission, 'scaffolder-template')) {
      return createScaffolderTemplateConditionalDecision(query.permission, {
        not: scaffolderTemplateConditions.hasTag({ tag: CRAWLER_CREATORS_TAG }),
      });
    }
    if (isResourcePermission(query.permission, 'catalog-entity')) {
      return createCatalogConditionalDecision(query.permission, {
        not: {
          anyOf: this.#templates.map<
            PermissionCriteria<PermissionCondition<'catalog-entity'>>
          >(t => ({
            allOf: [
              catalogConditions.isEntityKind({ kinds: ['template'] }),
              catalogConditions.hasMetadata({ key: 'name', value: t.name }),
              catalogConditions.hasMetadata({
                key: 'namespace',
                value: t.namespace,
              }),
            ],
          })) as [
            PermissionCriteria<PermissionCondition<'catalog-entity'>>,
            ...PermissionCriteria<PermissionCondition<'catalog-entity'>>[],
          ],
        },
      });
    }
    return { result: AuthorizeResult.DENY };
  }
}
