/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { CrawlersPermissionPolicy } from './CrawlersPermissionPolicy';
import { catalogCrawlerOwners } from './crawlerTemplateAccess';

// The scaffolder's template permissions (@backstage/plugin-scaffolder-common/alpha), as the policy receives them.
const stepRead = createPermission({
  name: 'scaffolder.template.step.read',
  attributes: { action: 'read' },
  resourceType: 'scaffolder-template',
});
const parameterRead = createPermission({
  name: 'scaffolder.template.parameter.read',
  attributes: { action: 'read' },
  resourceType: 'scaffolder-template',
});

const user = (ref: string) => ({
  credentials: mockCredentials.user(ref),
  info: { userEntityRef: ref, ownershipEntityRefs: [ref] },
});

function policy(
  ownershipEntityRefs: string[],
  options: { creators?: string[]; owners?: string[] } = {},
) {
  return CrawlersPermissionPolicy.fromConfig(
    new ConfigReader(
      options.creators
        ? { crawlers: { crawlerCreators: options.creators } }
        : {},
    ),
    {
      userInfo: mockServices.userInfo({ ownershipEntityRefs }),
      crawlerOwners: async () =>
        options.owners ?? ['group:default/crawler-team'],
    },
  );
}

/** The condition hiding template:default/new-crawler from the catalog. */
const hideNewCrawler = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: {
    not: {
      anyOf: [
        {
          allOf: [
            {
              rule: 'IS_ENTITY_KIND',
              resourceType: 'catalog-entity',
              params: { kinds: ['template'] },
            },
            {
              rule: 'HAS_METADATA',
              resourceType: 'catalog-entity',
              params: { key: 'name', value: 'new-crawler' },
            },
            {
              rule: 'HAS_METADATA',
              resourceType: 'catalog-entity',
              params: { key: 'namespace', value: 'default' },
            },
          ],
        },
      ],
    },
  },
};

describe('CrawlersPermissionPolicy for the crawler templates', () => {
  const alex = user('user:default/alex');

  it('should let members of a group that owns a crawler read the new-crawler template and all its steps', async () => {
    const p = policy(['user:default/alex', 'group:default/crawler-team']);
    for (const permission of [
      catalogEntityReadPermission,
      stepRead,
      parameterRead,
    ]) {
      await expect(p.handle({ permission }, alex)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('should hide the new-crawler template from users of no crawler-owning group', async () => {
    const p = policy(['user:default/alex', 'group:default/data-analysts']);
    await expect(
      p.handle({ permission: catalogEntityReadPermission }, alex),
    ).resolves.toEqual(hideNewCrawler);
  });

  it('should drop the parameters and steps tagged crawler-creators for users who may not create crawlers', async () => {
    const p = policy(['user:default/alex']);
    for (const permission of [stepRead, parameterRead]) {
      await expect(p.handle({ permission }, alex)).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-template',
        conditions: {
          not: {
            rule: 'HAS_TAG',
            resourceType: 'scaffolder-template',
            params: { tag: 'crawler-creators' },
          },
        },
      });
    }
  });

  it('should let the groups in crawlers.crawlerCreators (a bare name is a group) and platform admins use it', async () => {
    await expect(
      policy(['group:default/newcomers'], {
        creators: ['Newcomers'],
        owners: [],
      }).handle({ permission: catalogEntityReadPermission }, alex),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy(['group:default/platform-admins'], { owners: [] }).handle(
        { permission: catalogEntityReadPermission },
        alex,
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('should hide the template when there is no signed-in user', async () => {
    await expect(
      policy(['group:default/crawler-team']).handle({
        permission: catalogEntityReadPermission,
      }),
    ).resolves.toEqual(hideNewCrawler);
  });

  it('should leave the other catalog permissions to the rest of the policy', async () => {
    await expect(
      policy(['user:default/alex']).handle(
        { permission: catalogEntityDeletePermission },
        alex,
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('should refuse an invalid crawlers.crawlerCreators ref naming the key', () => {
    expect(() => policy([], { creators: ['group:'] })).toThrow(
      /crawlers\.crawlerCreators/,
    );
  });
});

describe('catalogCrawlerOwners', () => {
  const crawler = (owner: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `c-${owner}` },
    spec: { type: 'crawler', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  });

  it('should read the owners of the catalog crawlers once per ttl with its own service credentials', async () => {
    const catalog = {
      getEntities: jest.fn(async () => ({
        items: [
          crawler('Crawler-Team'),
          crawler('shop-team'),
          crawler('shop-team'),
        ],
      })),
    };
    let now = 0;
    const owners = catalogCrawlerOwners({
      catalog: catalog as any,
      auth: mockServices.auth(),
      ttlMs: 1000,
      now: () => now,
    });
    await expect(owners()).resolves.toEqual([
      'group:default/crawler-team',
      'group:default/shop-team',
    ]);
    await owners();
    expect(catalog.getEntities).toHaveBeenCalledTimes(1);
    expect(catalog.getEntities).toHaveBeenCalledWith(
      {
        filter: { kind: 'component', 'spec.type': 'crawler' },
        fields: ['relations'],
      },
      {
        credentials: expect.objectContaining({
          principal: expect.objectContaining({ type: 'service' }),
        }),
      },
    );
    now = 2000;
    await owners();
    expect(catalog.getEntities).toHaveBeenCalledTimes(2);
  });

  it('should not cache a failed catalog read', async () => {
    const catalog = {
      getEntities: jest
        .fn()
        .mockRejectedValueOnce(new Error('catalog down'))
        .mockResolvedValueOnce({ items: [crawler('a')] }),
    };
    const owners = catalogCrawlerOwners({
      catalog: catalog as any,
      auth: mockServices.auth(),
    });
    await expect(owners()).rejects.toThrow('catalog down');
    await expect(owners()).resolves.toEqual(['group:default/a']);
  });
});
