/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  crawlersPermissions,
  crawlersUnclaimedReadPermission,
} from './permissions';

describe('crawlersPermissions', () => {
  it('should define the four catalog-entity permissions with the names and actions the policy relies on', () => {
    expect(
      crawlersPermissions.map(p => [
        p.name,
        p.attributes.action,
        p.resourceType,
      ]),
    ).toEqual([
      ['crawlers.airflow.read', 'read', 'catalog-entity'],
      ['crawlers.dag.trigger', 'create', 'catalog-entity'],
      ['crawlers.dag.pause', 'update', 'catalog-entity'],
      ['crawlers.pod.delete', 'delete', 'catalog-entity'],
    ]);
  });

  it('should define the unclaimed-DAG read permission as a basic read permission outside the catalog-entity list', () => {
    expect(crawlersUnclaimedReadPermission).toEqual({
      type: 'basic',
      name: 'crawlers.unclaimed.read',
      attributes: { action: 'read' },
    });
    expect(crawlersPermissions).not.toContain(crawlersUnclaimedReadPermission);
  });
});
