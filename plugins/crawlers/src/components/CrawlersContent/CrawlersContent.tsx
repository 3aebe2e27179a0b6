/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Button, Flex, Text } from '@backstage/ui';
import { RiRefreshLine } from '@remixicon/react';
import {
  ANNOTATION_CRAWLERS_DAG_FILES,
  ANNOTATION_CRAWLERS_DAG_IDS,
  isCrawlersAvailable,
} from '@crawler-platform/plugin-crawlers-common';
import { useCallback } from 'react';
import { crawlersApiRef } from '../../api';
import {
  CrawlersRefreshProvider,
  CRAWLERS_REFRESH_INTERVAL_MS,
  useCrawlersRefresh,
} from '../../hooks/refresh';
import { useCrawlerEntityRef } from '../../hooks/useCrawlerEntityRef';
import { useCrawlersQuery } from '../../hooks/useCrawlersQuery';
import { DagRunsPlaceholder, DagRunsSection } from '../DagRunsSection';
import { DiagnosisSection } from '../DiagnosisSection';
import { GitSyncSection } from '../GitSyncSection';
import {
  ImportErrorsSection,
  isImportErrorsError,
} from '../ImportErrorsSection';
import { PodsSection } from '../PodsSection';
import { formatTime } from '../shared/format';
import {
  Code,
  EmptyState,
  SectionError,
  UpstreamErrors,
  isClaimError,
} from '../shared/SectionStates';

function CrawlerTab() {
  const { entity } = useEntity();
  const { entityRef, entityRefString } = useCrawlerEntityRef();
  const api = useApi(crawlersApiRef);
  const { refresh } = useCrawlersRefresh();
  const load = useCallback(
    () => api.getAirflow({ entityRef }),
    [api, entityRef],
  );
  const airflow = useCrawlersQuery(load);
  const data = airflow.value;
  const dagFilesNamed =
    !!entity.metadata.annotations?.[ANNOTATION_CRAWLERS_DAG_FILES];
  const generalErrors = (data?.errors ?? []).filter(
    e => !isClaimError(e) && !isImportErrorsError(e.source),
  );

  return (
    <Flex direction="column" gap="4">
      <Flex
        justify="between"
        align="center"
        gap="2"
        style={{ flexWrap: 'wrap' }}
      >
        <Text variant="body-small" color="secondary">
          {data
            ? `Airflow instance ${data.instance.name}${
                data.instance.apiVersion
                  ? ` (API ${data.instance.apiVersion})`
                  : ''
              } · `
            : ''}
          Refreshes every {CRAWLERS_REFRESH_INTERVAL_MS / 1000} s while this tab
          is visible
          {data?.dags[0]?.fetchedAt
            ? ` · fetched ${formatTime(data.dags[0].fetchedAt)}`
            : ''}
        </Text>
        <Button
          size="small"
          variant="secondary"
          iconStart={<RiRefreshLine aria-hidden />}
          onPress={refresh}
        >
          Refresh
        </Button>
      </Flex>
      {airflow.error && data && (
        <SectionError
          title="The last refresh of the Airflow data failed; showing the previous answer"
          error={airflow.error}
          onRetry={airflow.retry}
        />
      )}
      <UpstreamErrors errors={generalErrors} />
      {data ? (
        data.dags.map(summary => (
          <DagRunsSection
            key={summary.dagId}
            entityRef={entityRef}
            entityRefString={entityRefString}
            instance={data.instance}
            summary={summary}
            onChanged={refresh}
          />
        ))
      ) : (
        <DagRunsPlaceholder error={airflow.error} onRetry={airflow.retry} />
      )}
      <GitSyncSection />
      <PodsSection />
      <ImportErrorsSection
        airflow={data}
        error={airflow.error}
        onRetry={airflow.retry}
        dagFilesNamed={dagFilesNamed}
      />
      {/*
        Each further section is a CrawlerSection that loads its own data through useCrawlersQuery (so it refreshes
        with the others and fails alone).
      */}
      <DiagnosisSection />
    </Flex>
  );
}

/**
 * The crawler tab of the entity page: runs (with actions, chart, task instances and logs) per DAG, git-sync, Fargate
 * pods, import errors and the diagnosis of known failures. Every section loads and fails on its own and refreshes
 * every 30 s while the tab is visible.
 */
export function CrawlersContent() {
  const { entity } = useEntity();
  if (!isCrawlersAvailable(entity)) {
    return (
      <EmptyState title="This entity is not a crawler">
        A crawler is a Component of <Code>spec.type: crawler</Code> with the{' '}
        <Code>{ANNOTATION_CRAWLERS_DAG_IDS}</Code> annotation.
      </EmptyState>
    );
  }
  return (
    <CrawlersRefreshProvider>
      <CrawlerTab />
    </CrawlersRefreshProvider>
  );
}
