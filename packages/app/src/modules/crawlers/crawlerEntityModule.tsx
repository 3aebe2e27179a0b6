/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Entity } from '@backstage/catalog-model';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * Whether an entity is a crawler: a Component of `spec.type: crawler`. The
 * crawler cards of the entity page (Airflow runs, logs, git-sync, pods) attach
 * to the entity page with this filter.
 */
export function isCrawlerEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    entity.spec?.type === 'crawler'
  );
}

const crawlerOverviewCard = EntityCardBlueprint.make({
  name: 'crawler-overview',
  params: {
    filter: isCrawlerEntity,
    loader: async () => {
      const { CrawlerOverviewCard } = await import('./CrawlerOverviewCard');
      return <CrawlerOverviewCard />;
    },
  },
});

/** The crawler section of the catalog's entity page. */
export const crawlerEntityModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [crawlerOverviewCard],
});
