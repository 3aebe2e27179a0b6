/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { Flex, Link, Text } from '@backstage/ui';
import { RiExternalLinkLine } from '@remixicon/react';
import {
  ANNOTATION_CRAWLERS_DAG_FILES,
  CrawlersAirflowInstanceInfo,
  CrawlersDag,
  CrawlersDagSummary,
} from '@crawler-platform/plugin-crawlers-common';
import { useCallback } from 'react';
import { crawlersApiRef } from '../../api';
import { useCrawlersQuery } from '../../hooks/useCrawlersQuery';
import { DagActions } from '../DagActions';
import { CHART_RUNS, RunDurationChart } from '../RunDurationChart';
import { CrawlerSection } from '../shared/CrawlerSection';
import { formatRelative } from '../shared/format';
import { airflowDagUrl } from '../shared/links';
import {
  ClaimRefusal,
  Code,
  EmptyState,
  SectionError,
  SectionSkeleton,
  UpstreamErrors,
} from '../shared/SectionStates';
import { PausedBadge } from '../shared/StatusBadge';
import { RunsTable } from './RunsTable';

/** The chart's runs: one page of 50 (a backend page size), of which it shows the last {@link CHART_RUNS}. */
function RunsChart(props: { entityRef: CompoundEntityRef; dagId: string }) {
  const { entityRef, dagId } = props;
  const api = useApi(crawlersApiRef);
  const load = useCallback(
    () => api.listRuns({ entityRef, dagId, limit: 50, offset: 0 }),
    [api, entityRef, dagId],
  );
  const query = useCrawlersQuery(load);
  if (query.error && !query.value) {
    return (
      <SectionError
        title={`The run chart of ${dagId} could not be loaded`}
        error={query.error}
        onRetry={query.retry}
      />
    );
  }
  if (!query.value) {
    return (
      <SectionSkeleton lines={1} label={`Loading the run chart of ${dagId}`} />
    );
  }
  return (
    <RunDurationChart
      dagId={dagId}
      runs={query.value.runs.slice(0, CHART_RUNS)}
    />
  );
}

function DagFacts(props: {
  dag: CrawlersDag;
  instance: CrawlersAirflowInstanceInfo | undefined;
}) {
  const { dag, instance } = props;
  const href = airflowDagUrl(instance, dag.dagId);
  let next = 'no next run';
  if (dag.isPaused) next = 'no run while paused';
  else if (dag.nextRunAfter)
    next = `next run ${formatRelative(dag.nextRunAfter)}`;
  return (
    <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
      <PausedBadge isPaused={dag.isPaused} />
      <Text variant="body-small" color="secondary">
        schedule {dag.schedule ?? 'none'} · {next}
      </Text>
      {href && (
        <Link
          href={href}
          target="_blank"
          rel="noopener noreferrer"
          variant="body-small"
        >
          Open in Airflow <RiExternalLinkLine aria-hidden size={12} />
        </Link>
      )}
    </Flex>
  );
}

/**
 * The runs of one of the crawler's DAGs: state, schedule and actions in the header, the duration chart of the last
 * runs, and the paged runs table. A refused claim shows its fix instead; a DAG Airflow does not know shows why.
 */
export function DagRunsSection(props: {
  entityRef: CompoundEntityRef;
  entityRefString: string;
  instance: CrawlersAirflowInstanceInfo | undefined;
  summary: CrawlersDagSummary;
  onChanged: () => void;
}) {
  const { entityRef, entityRefString, instance, summary, onChanged } = props;
  const { dag } = summary;
  const refusal =
    summary.claim && !summary.claim.holds
      ? summary.claim.reason ??
        summary.errors.find(e => e.source === `claim:${summary.dagId}`)
          ?.message ??
        `The DAG does not carry the tag ${summary.claim.tag}`
      : summary.errors.find(e => e.source === `claim:${summary.dagId}`)
          ?.message;

  return (
    <CrawlerSection
      id={`runs-${summary.dagId}`}
      title={`Runs of ${summary.dagId}`}
      subtitle={dag ? <DagFacts dag={dag} instance={instance} /> : undefined}
      actions={
        dag && !refusal ? (
          <DagActions
            entityRef={entityRef}
            entityRefString={entityRefString}
            dag={dag}
            onChanged={onChanged}
          />
        ) : undefined
      }
    >
      {refusal ? (
        <ClaimRefusal subject={summary.dagId} reason={refusal} />
      ) : (
        <>
          <UpstreamErrors errors={summary.errors} stale={summary.stale} />
          {!dag &&
            summary.errors.some(
              e => e.source === `dag:${summary.dagId}` && e.status === 404,
            ) && (
              <EmptyState title={`Airflow does not know ${summary.dagId}`}>
                Its DAG file may not have parsed: the Import errors section
                shows why, when the file is one of this crawler&apos;s (or named
                in <Code>{ANNOTATION_CRAWLERS_DAG_FILES}</Code>).
              </EmptyState>
            )}
          {dag && (
            <>
              <RunsChart entityRef={entityRef} dagId={dag.dagId} />
              <RunsTable entityRef={entityRef} instance={instance} dag={dag} />
            </>
          )}
        </>
      )}
    </CrawlerSection>
  );
}

/** The runs sections while `/airflow` loads, or when it failed. */
export function DagRunsPlaceholder(props: {
  error?: Error;
  onRetry: () => void;
}) {
  return (
    <CrawlerSection title="Runs">
      {props.error ? (
        <SectionError
          title="The crawler's DAGs could not be loaded"
          error={props.error}
          onRetry={props.onRetry}
        />
      ) : (
        <SectionSkeleton lines={5} label="Loading the crawler's runs" />
      )}
    </CrawlerSection>
  );
}
