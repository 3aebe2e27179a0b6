/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { UserInfoService } from '@backstage/backend-plugin-api';
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

/** The prefix every permission of the Crawler Platform suite carries. */
export const CRAWLERS_PERMISSION_PREFIX = 'crawlers.';

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
 * entity or the caller is not a signed-in user.
 */
export class CrawlersPermissionPolicy implements PermissionPolicy {
  readonly #userInfo: UserInfoService;

  constructor(options: { userInfo: UserInfoService }) {
    this.#userInfo = options.userInfo;
  }

  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!query.permission.name.startsWith(CRAWLERS_PERMISSION_PREFIX)) {
      return { result: AuthorizeResult.ALLOW };
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
}
