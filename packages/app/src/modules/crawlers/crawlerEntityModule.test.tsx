/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { screen } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CrawlerOverviewCard } from './CrawlerOverviewCard';
import { isCrawlerEntity } from './crawlerEntityModule';

const crawler: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'price-crawler',
    annotations: {
      'crawler-platform.io/dag-ids': 'price_crawler, price_crawler_backfill',
      'crawler-platform.io/airflow-instance': 'airflow3',
    },
  },
  spec: { type: 'crawler', lifecycle: 'experimental', owner: 'crawler-team' },
};

describe('crawler entity page section', () => {
  it('should attach only to Components of spec.type crawler with the DAG ids annotation', () => {
    expect(isCrawlerEntity(crawler)).toBe(true);
    expect(
      isCrawlerEntity({
        ...crawler,
        metadata: { name: 'price-crawler', annotations: {} },
      }),
    ).toBe(false);
    expect(
      isCrawlerEntity({
        ...crawler,
        spec: { ...crawler.spec, type: 'service' },
      }),
    ).toBe(false);
    expect(isCrawlerEntity({ ...crawler, kind: 'Resource' })).toBe(false);
  });

  it('should show the DAG ids and the Airflow instance from the annotations', async () => {
    await renderInTestApp(
      <EntityProvider entity={crawler}>
        <CrawlerOverviewCard />
      </EntityProvider>,
    );
    expect(await screen.findByText('price_crawler')).toBeInTheDocument();
    expect(screen.getByText('price_crawler_backfill')).toBeInTheDocument();
    expect(screen.getByText('airflow3')).toBeInTheDocument();
  });
});
