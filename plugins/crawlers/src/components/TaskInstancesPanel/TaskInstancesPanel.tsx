/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  Table,
  Text,
  useTable,
} from '@backstage/ui';
import { RiFileTextLine } from '@remixicon/react';
import type { CrawlersTaskInstance } from '@crawler-platform/plugin-crawlers-common';
import { useCallback, useMemo } from 'react';
import { crawlersApiRef } from '../../api';
import { useCrawlersQuery } from '../../hooks/useCrawlersQuery';
import { formatDuration, formatTime } from '../shared/format';
import {
  EmptyState,
  SectionError,
  SectionSkeleton,
  UpstreamErrors,
} from '../shared/SectionStates';
import { RunStateBadge } from '../shared/StatusBadge';
import type { TaskLogTarget } from '../TaskLogDialog';

type TaskItem = CrawlersTaskInstance & { id: string };

/** The task instances of one run; each try of a task opens its log. */
export function TaskInstancesPanel(props: {
  entityRef: CompoundEntityRef;
  dagId: string;
  runId: string;
  onOpenLog: (target: TaskLogTarget) => void;
}) {
  const { entityRef, dagId, runId, onOpenLog } = props;
  const api = useApi(crawlersApiRef);
  const load = useCallback(
    () => api.listTaskInstances({ entityRef, dagId, runId }),
    [api, entityRef, dagId, runId],
  );
  const query = useCrawlersQuery(load);
  const data = useMemo(
    () =>
      query.value?.taskInstances.map(t => ({
        ...t,
        id: `${t.taskId}:${t.mapIndex}`,
      })),
    [query.value],
  );
  const { tableProps } = useTable<TaskItem>({
    mode: 'complete',
    data,
    paginationOptions: { type: 'none' },
  });

  const columns = useMemo<ColumnConfig<TaskItem>[]>(
    () => [
      {
        id: 'task',
        label: 'Task',
        isRowHeader: true,
        cell: t => (
          <CellText
            title={t.mapIndex >= 0 ? `${t.taskId} [${t.mapIndex}]` : t.taskId}
            description={t.operator ?? undefined}
          />
        ),
      },
      {
        id: 'state',
        label: 'State',
        cell: t => (
          <Cell>
            <RunStateBadge state={t.state} />
          </Cell>
        ),
      },
      {
        id: 'try',
        label: 'Try',
        cell: t => (
          <CellText
            title={
              t.maxTries ? `${t.tryNumber} of ${t.maxTries}` : `${t.tryNumber}`
            }
          />
        ),
      },
      {
        id: 'start',
        label: 'Start',
        cell: t => <CellText title={formatTime(t.startDate)} />,
      },
      {
        id: 'duration',
        label: 'Duration',
        cell: t => <CellText title={formatDuration(t.durationSeconds)} />,
      },
      {
        id: 'logs',
        label: 'Logs',
        cell: t => (
          <Cell>
            <Flex gap="1">
              {t.tryNumber < 1 ? (
                <Text variant="body-small" color="secondary">
                  not started
                </Text>
              ) : (
                Array.from({ length: t.tryNumber }, (_, i) => i + 1).map(n => (
                  <Button
                    key={n}
                    size="small"
                    variant="secondary"
                    iconStart={<RiFileTextLine aria-hidden />}
                    aria-label={`Open the log of ${t.taskId}${
                      t.mapIndex >= 0 ? ` [${t.mapIndex}]` : ''
                    }, try ${n}`}
                    onPress={() =>
                      onOpenLog({
                        dagId,
                        runId,
                        taskId: t.taskId,
                        tryNumber: n,
                        mapIndex: t.mapIndex,
                      })
                    }
                  >
                    Try {n}
                  </Button>
                ))
              )}
            </Flex>
          </Cell>
        ),
      },
    ],
    [dagId, runId, onOpenLog],
  );

  return (
    <Flex direction="column" gap="2">
      <Text as="h4" variant="title-x-small">
        Task instances of {runId}
      </Text>
      {query.error && (
        <SectionError
          title="Task instances could not be loaded"
          error={query.error}
          onRetry={query.retry}
        />
      )}
      <UpstreamErrors errors={query.value?.errors} stale={query.value?.stale} />
      {!query.value && !query.error && (
        <SectionSkeleton label="Loading task instances" />
      )}
      {query.value && (
        <Table
          columnConfig={columns}
          {...tableProps}
          emptyState={
            <EmptyState title="No task instances">
              Airflow has not created the task instances of this run yet.
            </EmptyState>
          }
        />
      )}
    </Flex>
  );
}
