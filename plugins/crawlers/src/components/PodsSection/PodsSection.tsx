/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Button,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  Row,
  Table,
} from '@backstage/ui';
import { RiDeleteBinLine, RiListCheck2 } from '@remixicon/react';
import {
  ANNOTATION_KUBERNETES_NAMESPACE,
  crawlersPodDeletePermission,
  CrawlersPod,
} from '@crawler-platform/plugin-crawlers-common';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { crawlersApiRef } from '../../api';
import { useCrawlerEntityRef } from '../../hooks/useCrawlerEntityRef';
import { useCrawlersQuery } from '../../hooks/useCrawlersQuery';
import { PermissionHint } from '../DagActions';
import { CrawlerSection } from '../shared/CrawlerSection';
import { formatDuration } from '../shared/format';
import {
  ClaimRefusal,
  Code,
  EmptyState,
  isDagError,
  SectionError,
  SectionSkeleton,
  UpstreamErrors,
} from '../shared/SectionStates';
import { podPhaseTone, StatusBadge } from '../shared/StatusBadge';
import { CleanupDialog, finishedOperatorPods } from './CleanupDialog';
import { PodEventsDialog } from './PodEventsDialog';
import styles from './PodsSection.module.css';

type PodItem = CrawlersPod & { id: string };

function podTask(p: CrawlersPod): string {
  const task = p.taskId ? `${p.dagId}.${p.taskId}` : p.dagId;
  return `${
    p.kind === 'operator' ? 'KubernetesPodOperator' : 'worker'
  } · ${task}${p.tryNumber ? `, try ${p.tryNumber}` : ''}`;
}

/**
 * The crawler's Fargate pods (its KubernetesPodOperator pods and the executor's worker pods): phase, reason, age,
 * Fargate size, restarts; problem rows highlighted; events in a dialog; and the cleanup of finished pods behind a
 * confirmation that lists them.
 */
export function PodsSection() {
  const { entityRef, entityRefString } = useCrawlerEntityRef();
  const api = useApi(crawlersApiRef);
  const load = useCallback(() => api.listPods({ entityRef }), [api, entityRef]);
  const query = useCrawlersQuery(load);
  const data = query.value;
  const cleanup = usePermission({
    permission: crawlersPodDeletePermission,
    resourceRef: entityRefString,
  });
  const [eventsPod, setEventsPod] = useState<CrawlersPod>();
  const [cleanupOpen, setCleanupOpen] = useState(false);
  const sectionRef = useRef<HTMLDivElement>(null);

  // The overview card links here (`#pods`); scroll once the section has its data.
  const loaded = !!data;
  useEffect(() => {
    if (loaded && window.location.hash === '#pods') {
      sectionRef.current?.scrollIntoView?.();
    }
  }, [loaded]);

  const finished = useMemo(
    () => (data?.namespaceClaim?.holds ? finishedOperatorPods(data.pods) : []),
    [data],
  );

  const columns = useMemo<ColumnConfig<PodItem>[]>(
    () => [
      {
        id: 'pod',
        label: 'Pod',
        isRowHeader: true,
        width: '3fr',
        cell: p => <CellText title={p.name} description={podTask(p)} />,
      },
      {
        id: 'phase',
        label: 'Phase',
        width: '1fr',
        cell: p => (
          <Cell>
            <StatusBadge tone={podPhaseTone(p.phase, p.problem)}>
              {p.phase}
            </StatusBadge>
          </Cell>
        ),
      },
      {
        id: 'reason',
        label: 'Reason',
        width: '2.5fr',
        cell: p => (
          <CellText
            title={p.problemReason ?? p.status}
            description={p.problem ? 'needs attention' : undefined}
            color={p.problem ? undefined : 'secondary'}
          />
        ),
      },
      {
        id: 'age',
        label: 'Age',
        width: '1fr',
        cell: p => <CellText title={formatDuration(p.ageSeconds)} />,
      },
      {
        id: 'capacity',
        label: 'CapacityProvisioned',
        width: '1.6fr',
        cell: p => (
          <CellText
            title={p.capacityProvisioned ?? '–'}
            description={
              p.capacityProvisioned
                ? p.fargateProfile ?? undefined
                : 'not on Fargate'
            }
          />
        ),
      },
      {
        id: 'restarts',
        label: 'Restarts',
        width: '0.8fr',
        cell: p => <CellText title={String(p.restarts)} />,
      },
      {
        id: 'events',
        label: 'Events',
        width: '0.8fr',
        cell: p => (
          <Cell>
            <Button
              size="small"
              variant="secondary"
              iconStart={<RiListCheck2 aria-hidden />}
              aria-label={`Show the ${p.events.length} events of ${p.name}`}
              onPress={() => setEventsPod(p)}
            >
              {p.events.length}
            </Button>
          </Cell>
        ),
      },
    ],
    [],
  );

  const claim = data?.namespaceClaim;
  const actions =
    data && claim?.holds && !cleanup.loading ? (
      <Flex gap="2" align="center">
        {cleanup.allowed ? (
          <Button
            size="small"
            variant="secondary"
            destructive
            iconStart={<RiDeleteBinLine aria-hidden />}
            isDisabled={finished.length === 0}
            onPress={() => setCleanupOpen(true)}
          >
            {finished.length
              ? `Clean up finished pods (${finished.length})`
              : 'No finished pods to clean up'}
          </Button>
        ) : (
          <PermissionHint
            message={`You are not allowed to clean up the pods of this crawler (${crawlersPodDeletePermission.name} on this crawler, usually granted to its owners).`}
          />
        )}
      </Flex>
    ) : undefined;

  return (
    <div ref={sectionRef}>
      <CrawlerSection
        id="pods"
        title="Fargate pods"
        subtitle={
          data
            ? `Namespace ${
                data.namespaces.crawler ?? '–'
              } (KubernetesPodOperator pods) and ${
                data.namespaces.airflow ?? '–'
              } (worker pods)${
                data.cluster ? ` of cluster ${data.cluster}` : ''
              }`
            : undefined
        }
        actions={actions}
      >
        {query.error && (
          <SectionError
            title="Pods could not be loaded"
            error={query.error}
            onRetry={query.retry}
          />
        )}
        {!data && !query.error && <SectionSkeleton label="Loading pods" />}
        {data && (
          <>
            {claim && !claim.holds && (
              <ClaimRefusal
                subject={`namespace ${claim.namespace}`}
                reason={
                  claim.reason ??
                  data.errors.find(e => e.source === 'claim:namespace')
                    ?.message ??
                  'The Namespace does not name this entity.'
                }
              />
            )}
            {!data.namespaces.crawler && (
              <EmptyState title="No crawler namespace">
                Add the <Code>{ANNOTATION_KUBERNETES_NAMESPACE}</Code>{' '}
                annotation to show the crawler&apos;s KubernetesPodOperator pods
                (worker pods are shown without it).
              </EmptyState>
            )}
            <UpstreamErrors
              errors={data.errors.filter(e => !isDagError(e))}
              stale={data.stale}
            />
            <Table
              columnConfig={columns}
              data={data.pods.map(p => ({
                ...p,
                id: `${p.namespace}/${p.name}`,
              }))}
              pagination={{ type: 'none' }}
              rowConfig={({ item }) => (
                <Row
                  id={item.id}
                  columns={columns}
                  className={item.problem ? styles.problemRow : undefined}
                  data-problem={item.problem ? 'true' : undefined}
                >
                  {column => column.cell(item)}
                </Row>
              )}
              emptyState={
                <EmptyState title="No pods of this crawler right now">
                  Pods appear while its tasks run; finished ones stay until they
                  are cleaned up.
                </EmptyState>
              }
            />
            {data.truncated && (
              <EmptyState title="Not every pod is listed">
                A list stopped at <Code>crawlers.limits.maxPodsListed</Code>.
              </EmptyState>
            )}
          </>
        )}
      </CrawlerSection>
      <PodEventsDialog
        pod={eventsPod}
        onClose={() => setEventsPod(undefined)}
      />
      <CleanupDialog
        entityRef={entityRef}
        pods={finished}
        isOpen={cleanupOpen}
        onClose={() => setCleanupOpen(false)}
        onDone={query.retry}
      />
    </div>
  );
}
