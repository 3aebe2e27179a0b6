/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { UserInfoService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { crawlersUnclaimedReadPermission } from '@crawler-platform/plugin-crawlers-common';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  CrawlerOwnersSource,
  CrawlerTemplateAccess,
  readCrawlerCreators,
} from './crawlerTemplateAccess';

/** The prefix every permission of the Crawler Platform suite carries. */
export const CRAWLERS_PERMISSION_PREFIX = 'crawlers.';

/** Where the platform admins are configured. */
export const PLATFORM_ADMINS_CONFIG_KEY = 'crawlers.platformAdmins';

/** The platform admins when `crawlers.platformAdmins` is not set: the members of this group. */
export const DEFAULT_PLATFORM_ADMINS = ['group:default/platform-admins'];

/**
 * Reads `crawlers.platformAdmins`: entity refs (groups, or single users) whose members run the platform. A bare name
 * is a group in the default namespace. Refs are compared in lower case, as the catalog writes ownership refs.
 */
export function readPlatformAdmins(config: Config): string[] {
  const refs =
    config.getOptionalStringArray(PLATFORM_ADMINS_CONFIG_KEY) ??
    DEFAULT_PLATFORM_ADMINS;
  return refs.map(ref => {
    try {
      return stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US');
    } catch (error) {
      throw new InputError(
        `Invalid entity ref "${ref}" in ${PLATFORM_ADMINS_CONFIG_KEY}: ${error}`,
      );
    }
  });
}

/**
 * Whether a permission of the crawler suite only reads. Either its action
 * attribute says so, or (for permissions declared without attributes) its name
 * ends in `.read`.
 */
function isReadOnly(query: PolicyQuery): boolean {
  const { permission } = query;
  if (permission.attributes.action !== undefined) {
    return permission.attributes.action === 'read';
  }
  return permission.name.endsWith('.read');
}

/**
 * The portal's permission policy.
 *
 * Everything is allowed except the Crawler Platform's own write permissions
 * (names starting with `crawlers.` whose action is not `read`): those are
 * allowed only on entities the caller owns, through the catalog's
 * `isEntityOwner` rule, and denied when the permission is not tied to a catalog
 * entity or the caller is not a signed-in user. One read is restricted too:
 * `crawlers.unclaimed.read` (Airflow DAGs no entity claims, e.g. in search) is
 * allowed only to platform admins, the signed-in users who are, or are members
 * of, an entity in `crawlers.platformAdmins`.
 *
 * The crawler templates (`template:default/new-crawler`) are for the users who
 * may create crawlers: members of a group that owns a crawler in the catalog,
 * of an entity in `crawlers.crawlerCreators`, or platform admins
 * (crawlerTemplateAccess.ts). For everyone else `catalog.entity.read` hides the
 * template, so the scaffolder can neither list nor run it, and the scaffolder's
 * `scaffolder.template.parameter.read`/`step.read` drop parameters and steps
 * tagged `crawler-creators`.
 */
export class CrawlersPermissionPolicy implements PermissionPolicy {
  readonly #userInfo: UserInfoService;
  readonly #platformAdmins: Set<string>;
  readonly #templateAccess: CrawlerTemplateAccess;

  /** Builds the policy with the platform admins of `crawlers.platformAdmins`. */
  static fromConfig(
    config: Config,
    deps: { userInfo: UserInfoService; crawlerOwners?: CrawlerOwnersSource },
  ): CrawlersPermissionPolicy {
    return new CrawlersPermissionPolicy({
      userInfo: deps.userInfo,
      platformAdmins: readPlatformAdmins(config),
      crawlerCreators: readCrawlerCreators(config),
      crawlerOwners: deps.crawlerOwners,
    });
  }

  constructor(options: {
    userInfo: UserInfoService;
    /** Full entity refs of the platform admins; {@link DEFAULT_PLATFORM_ADMINS} when absent. */
    platformAdmins?: string[];
    /** Full entity refs who may use the crawler templates besides the platform admins (`crawlers.crawlerCreators`). */
    crawlerCreators?: string[];
    /** The owners of the catalog's crawlers, who may use the crawler templates too. */
    crawlerOwners?: CrawlerOwnersSource;
  }) {
    this.#userInfo = options.userInfo;
    this.#platformAdmins = new Set(
      (options.platformAdmins ?? DEFAULT_PLATFORM_ADMINS).map(ref =>
        ref.toLocaleLowerCase('en-US'),
      ),
    );
    this.#templateAccess = new CrawlerTemplateAccess({
      creators: [...this.#platformAdmins, ...(options.crawlerCreators ?? [])],
      crawlerOwners: options.crawlerOwners,
    });
  }

  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (CrawlerTemplateAccess.applies(query)) {
      return this.#templateAccess.decide(query, user, async () =>
        user
          ? (await this.#userInfo.getUserInfo(user.credentials))
              .ownershipEntityRefs
          : [],
      );
    }
    if (!query.permission.name.startsWith(CRAWLERS_PERMISSION_PREFIX)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (query.permission.name === crawlersUnclaimedReadPermission.name) {
      return (await this.isPlatformAdmin(user))
        ? { result: AuthorizeResult.ALLOW }
        : { result: AuthorizeResult.DENY };
    }
    if (isReadOnly(query)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user || !isResourcePermission(query.permission, 'catalog-entity')) {
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs } = await this.#userInfo.getUserInfo(
      user.credentials,
    );
    return createCatalogConditionalDecision(
      query.permission,
      catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
    );
  }

  /** Whether the caller is a signed-in user who is, or is a member of, one of the platform admins. */
  private async isPlatformAdmin(user?: PolicyQueryUser): Promise<boolean> {
    if (!user) {
      return false;
    }
    const { ownershipEntityRefs } = await this.#userInfo.getUserInfo(
      user.credentials,
    );
    return ownershipEntityRefs.some(ref =>
      this.#platformAdmins.has(ref.toLocaleLowerCase('en-US')),
    );
  }
}
