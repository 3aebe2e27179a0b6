/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  ButtonIcon,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  Link,
  Select,
  Table,
} from '@backstage/ui';
import { RiArrowDownSLine, RiArrowRightSLine } from '@remixicon/react';
import type {
  CrawlersAirflowInstanceInfo,
  CrawlersDag,
  CrawlersDagRun,
  CrawlersDagRunState,
} from '@crawler-platform/plugin-crawlers-common';
import { useCallback, useMemo, useState } from 'react';
import { crawlersApiRef } from '../../api';
import { useCrawlersQuery } from '../../hooks/useCrawlersQuery';
import { runDuration } from '../RunDurationChart/RunDurationChart';
import { TaskInstancesPanel } from '../TaskInstancesPanel';
import { TaskLogDialog, TaskLogTarget } from '../TaskLogDialog';
import { formatDuration, formatRelative, formatTime } from '../shared/format';
import { airflowRunUrl } from '../shared/links';
import {
  EmptyState,
  SectionError,
  UpstreamErrors,
} from '../shared/SectionStates';
import { RunStateBadge } from '../shared/StatusBadge';
import styles from '../shared/shared.module.css';

/** The backend's run page sizes. */
export const RUN_PAGE_SIZES = [10, 25, 50, 100] as const;
type PageSize = (typeof RUN_PAGE_SIZES)[number];

const STATE_OPTIONS: Array<{ id: 'all' | CrawlersDagRunState; label: string }> =
  [
    { id: 'all', label: 'All states' },
    { id: 'queued', label: 'queued' },
    { id: 'running', label: 'running' },
    { id: 'success', label: 'success' },
    { id: 'failed', label: 'failed' },
  ];

type RunItem = CrawlersDagRun & { id: string };

/**
 * A DAG's runs, newest first, one backend page at a time (10, 25, 50 or 100; offsets are multiples of the page size)
 * with a state filter. The table is driven by hand rather than through `useTable`: the 30-second refresh must reload
 * the page the user is on, and `useTable`'s `reload()` goes back to the first page. Expanding a run shows its task
 * instances, whose tries open their logs.
 */
export function RunsTable(props: {
  entityRef: CompoundEntityRef;
  instance: CrawlersAirflowInstanceInfo | undefined;
  dag: CrawlersDag;
}) {
  const { entityRef, instance, dag } = props;
  const dagId = dag.dagId;
  const api = useApi(crawlersApiRef);
  const [pageSize, setPageSize] = useState<PageSize>(10);
  const [offset, setOffset] = useState(0);
  const [stateFilter, setStateFilter] = useState<'all' | CrawlersDagRunState>(
    'all',
  );
  const [expandedRunId, setExpandedRunId] = useState<string>();
  const [logTarget, setLogTarget] = useState<TaskLogTarget>();

  const load = useCallback(
    () =>
      api.listRuns({
        entityRef,
        dagId,
        limit: pageSize,
        offset,
        states: stateFilter === 'all' ? undefined : [stateFilter],
      }),
    [api, entityRef, dagId, pageSize, offset, stateFilter],
  );
  const query = useCrawlersQuery(load);
  const page = query.value;
  const data = useMemo(
    () => page?.runs.map(run => ({ ...run, id: run.runId })),
    [page],
  );
  const total = page?.totalEntries ?? 0;

  const columns = useMemo<ColumnConfig<RunItem>[]>(
    () => [
      {
        id: 'run',
        label: 'Run',
        isRowHeader: true,
        width: '2.6fr',
        cell: run => {
          const expanded = expandedRunId === run.runId;
          const href = airflowRunUrl(instance, dagId, run.runId);
          return (
            <Cell>
              <Flex gap="1" align="center">
                <ButtonIcon
                  size="small"
                  variant="tertiary"
                  icon={
                    expanded ? (
                      <RiArrowDownSLine aria-hidden />
                    ) : (
                      <RiArrowRightSLine aria-hidden />
                    )
                  }
                  aria-label={`${
                    expanded ? 'Hide' : 'Show'
                  } the task instances of ${run.runId}`}
                  aria-expanded={expanded}
                  onPress={() =>
                    setExpandedRunId(expanded ? undefined : run.runId)
                  }
                />
                {href ? (
                  <Link
                    href={href}
                    target="_blank"
                    rel="noopener noreferrer"
                    className={styles.mono}
                    title={`Open ${run.runId} in Airflow`}
                  >
                    {run.runId}
                  </Link>
                ) : (
                  <span className={styles.mono}>{run.runId}</span>
                )}
              </Flex>
            </Cell>
          );
        },
      },
      {
        id: 'state',
        label: 'State',
        width: '1fr',
        cell: run => (
          <Cell>
            <RunStateBadge state={run.state} />
          </Cell>
        ),
      },
      {
        id: 'type',
        label: 'Type',
        width: '1fr',
        cell: run => <CellText title={run.runType} />,
      },
      {
        id: 'start',
        label: 'Start',
        width: '1.9fr',
        cell: run => (
          <CellText
            title={formatTime(run.startDate)}
            description={
              run.startDate ? formatRelative(run.startDate) : 'not started'
            }
          />
        ),
      },
      {
        id: 'duration',
        label: 'Duration',
        width: '1fr',
        cell: run => (
          <CellText
            title={formatDuration(runDuration(run))}
            description={!run.endDate && run.startDate ? 'so far' : undefined}
          />
        ),
      },
      {
        id: 'trigger',
        label: 'Triggered by',
        width: '1.2fr',
        cell: run => (
          <CellText
            title={run.triggeredBy ?? '–'}
            description={run.note ?? undefined}
          />
        ),
      },
    ],
    [expandedRunId, instance, dagId],
  );

  let emptyText = 'Trigger a run, or wait for the schedule.';
  if (dag.isPaused) {
    emptyText = 'The DAG is paused: unpause it, or trigger a run.';
  } else if (dag.nextRunAfter) {
    emptyText = `The next scheduled run is created ${formatRelative(
      dag.nextRunAfter,
    )}; or trigger one.`;
  }

  return (
    <Flex direction="column" gap="2">
      <Flex justify="between" align="end" gap="2">
        <Select
          style={{ width: 220 }}
          label="State"
          size="small"
          options={STATE_OPTIONS}
          value={stateFilter}
          onChange={key => {
            setStateFilter((key ?? 'all') as 'all' | CrawlersDagRunState);
            setOffset(0);
          }}
        />
      </Flex>
      {query.error && (
        <SectionError
          title={`Runs of ${dagId} could not be loaded`}
          error={query.error}
          onRetry={query.retry}
        />
      )}
      <UpstreamErrors errors={page?.errors} stale={page?.stale} />
      {!(query.error && !page) && (
        <div role="region" aria-label={`Run list of ${dagId}`}>
          <Table
            columnConfig={columns}
            data={data}
            isPending={query.loading && !page}
            isStale={query.loading && !!page}
            pagination={{
              type: 'page',
              pageSize,
              pageSizeOptions: [...RUN_PAGE_SIZES],
              offset,
              totalCount: total,
              hasNextPage: offset + pageSize < total,
              hasPreviousPage: offset > 0,
              onNextPage: () => setOffset(o => o + pageSize),
              onPreviousPage: () => setOffset(o => Math.max(0, o - pageSize)),
              onPageSizeChange: size => {
                setPageSize(
                  (RUN_PAGE_SIZES as readonly number[]).includes(size)
                    ? (size as PageSize)
                    : 10,
                );
                setOffset(0);
              },
            }}
            emptyState={
              stateFilter === 'all' ? (
                <EmptyState title={`No runs of ${dagId} yet`}>
                  {emptyText}
                </EmptyState>
              ) : (
                <EmptyState title={`No ${stateFilter} runs of ${dagId}`} />
              )
            }
          />
        </div>
      )}
      {expandedRunId && (
        <TaskInstancesPanel
          entityRef={entityRef}
          dagId={dagId}
          runId={expandedRunId}
          onOpenLog={setLogTarget}
        />
      )}
      <TaskLogDialog
        entityRef={entityRef}
        target={logTarget}
        onClose={() => setLogTarget(undefined)}
      />
    </Flex>
  );
}
