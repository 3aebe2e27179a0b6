/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import { ConfigReader } from '@backstage/config';
import { crawlersUnclaimedReadPermission } from '@crawler-platform/plugin-crawlers-common';
import { CrawlersPermissionPolicy } from './CrawlersPermissionPolicy';

const triggerPermission = createPermission({
  name: 'crawlers.dag.trigger',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});
const readPermission = createPermission({
  name: 'crawlers.airflow.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});
const basicWritePermission = createPermission({
  name: 'crawlers.settings.update',
  attributes: { action: 'update' },
});
const namedReadPermission = createPermission({
  name: 'crawlers.status.read',
  attributes: {},
});

const guest = {
  credentials: mockCredentials.user('user:default/guest'),
  info: {
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/crawler-team'],
  },
};

function policyFor(ownershipEntityRefs: string[]) {
  return new CrawlersPermissionPolicy({
    userInfo: mockServices.userInfo({ ownershipEntityRefs }),
  });
}

describe('CrawlersPermissionPolicy', () => {
  const policy = policyFor(guest.info.ownershipEntityRefs);

  it('should allow permissions of other plugins, including catalog deletes', async () => {
    await expect(
      policy.handle({ permission: catalogEntityDeletePermission }, guest),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('should allow crawler read permissions to any user', async () => {
    await expect(
      policy.handle({ permission: readPermission }, guest),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('should treat a crawler permission without an action but named .read as read-only', async () => {
    await expect(
      policy.handle({ permission: namedReadPermission }, guest),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('should allow crawler writes only on entities the user or their groups own', async () => {
    const decision = await policy.handle(
      { permission: triggerPermission },
      guest,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/guest', 'group:default/crawler-team'],
        },
      },
    });
  });

  it('should take the ownership claims from the user info service, not the deprecated info field', async () => {
    const decision = await policyFor(['user:default/alex']).handle(
      { permission: triggerPermission },
      guest,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { params: { claims: ['user:default/alex'] } },
    });
  });

  it('should deny crawler writes that are not tied to a catalog entity', async () => {
    await expect(
      policy.handle({ permission: basicWritePermission }, guest),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('should deny crawler writes when there is no user (service callers)', async () => {
    await expect(
      policy.handle({ permission: triggerPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });
});

describe('CrawlersPermissionPolicy for unclaimed DAGs', () => {
  const unclaimed = { permission: crawlersUnclaimedReadPermission };
  const adminPolicy = (
    ownershipEntityRefs: string[],
    platformAdmins?: string[],
  ) =>
    CrawlersPermissionPolicy.fromConfig(
      new ConfigReader(platformAdmins ? { crawlers: { platformAdmins } } : {}),
      { userInfo: mockServices.userInfo({ ownershipEntityRefs }) },
    );

  it('should allow crawlers.unclaimed.read to a member of the default platform-admins group', async () => {
    await expect(
      adminPolicy(['user:default/pat', 'group:default/platform-admins']).handle(
        unclaimed,
        guest,
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('should deny crawlers.unclaimed.read to users who are not platform admins, though it is a read', async () => {
    await expect(
      adminPolicy(guest.info.ownershipEntityRefs).handle(unclaimed, guest),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('should take the platform admins from crawlers.platformAdmins, a bare name being a group, in any case', async () => {
    const policy = (refs: string[]) =>
      adminPolicy(refs, ['Crawler-Team', 'user:default/alex']);
    await expect(
      policy(['group:default/crawler-team']).handle(unclaimed, guest),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy(['user:default/alex']).handle(unclaimed, guest),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy(['group:default/platform-admins']).handle(unclaimed, guest),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('should deny crawlers.unclaimed.read when there is no user', async () => {
    await expect(
      adminPolicy(['group:default/platform-admins']).handle(unclaimed),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('should refuse an invalid platform admin ref naming the key', () => {
    expect(() => adminPolicy([], ['group:'])).toThrow(
      /crawlers\.platformAdmins/,
    );
  });
});
