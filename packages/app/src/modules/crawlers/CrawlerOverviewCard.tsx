/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { CrawlerClaims } from './CrawlerClaims';

const DAG_IDS_ANNOTATION = 'crawler-platform.io/dag-ids';
const AIRFLOW_INSTANCE_ANNOTATION = 'crawler-platform.io/airflow-instance';

/** What the catalog says about a crawler: its DAGs and its Airflow. */
export function CrawlerOverviewCard() {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const dagIds = (annotations[DAG_IDS_ANNOTATION] ?? '')
    .split(',')
    .map(id => id.trim())
    .filter(Boolean);
  return (
    <InfoCard title="Crawler">
      <StructuredMetadataTable
        metadata={{
          'DAG ids': dagIds.length
            ? dagIds
            : `none (set ${DAG_IDS_ANNOTATION})`,
          'Airflow instance':
            annotations[AIRFLOW_INSTANCE_ANNOTATION] ??
            'default (the first configured)',
          Lifecycle: String(entity.spec?.lifecycle ?? 'unknown'),
        }}
      />
      <CrawlerClaims />
    </InfoCard>
  );
}
