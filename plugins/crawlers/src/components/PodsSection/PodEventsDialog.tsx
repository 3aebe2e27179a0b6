/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  Cell,
  CellText,
  ColumnConfig,
  Dialog,
  DialogBody,
  DialogHeader,
  Flex,
  Table,
  Text,
} from '@backstage/ui';
import type {
  CrawlersPod,
  CrawlersPodEvent,
} from '@crawler-platform/plugin-crawlers-common';
import { Facts } from '../shared/Facts';
import { formatRelative, formatTime } from '../shared/format';
import { EmptyState } from '../shared/SectionStates';
import { StatusBadge } from '../shared/StatusBadge';

type EventItem = CrawlersPodEvent & { id: string };

const eventColumns: ColumnConfig<EventItem>[] = [
  {
    id: 'type',
    label: 'Type',
    cell: e => (
      <Cell>
        <StatusBadge tone={e.type === 'Warning' ? 'warning' : 'neutral'}>
          {e.type}
        </StatusBadge>
      </Cell>
    ),
  },
  {
    id: 'reason',
    label: 'Reason',
    isRowHeader: true,
    cell: e => (
      <CellText
        title={e.reason ?? '–'}
        description={e.fieldPath ?? undefined}
      />
    ),
  },
  {
    id: 'message',
    label: 'Message',
    cell: e => <CellText title={e.message ?? ''} />,
  },
  {
    id: 'origin',
    label: 'From',
    cell: e => <CellText title={e.origin ?? '–'} />,
  },
  {
    id: 'count',
    label: 'Count',
    cell: e => <CellText title={String(e.count)} />,
  },
  {
    id: 'lastSeen',
    label: 'Last seen',
    cell: e => (
      <CellText
        title={formatRelative(e.lastSeen)}
        description={formatTime(e.lastSeen)}
      />
    ),
  },
];

/** A pod's containers and most recent events, in a dialog (BUI has no drawer). */
export function PodEventsDialog(props: {
  pod: CrawlersPod | undefined;
  onClose: () => void;
}) {
  const { pod, onClose } = props;
  return (
    <Dialog
      isOpen={!!pod}
      onOpenChange={open => !open && onClose()}
      width="min(1000px, 95vw)"
    >
      <DialogHeader>
        {pod ? `Events of ${pod.name}` : 'Pod events'}
      </DialogHeader>
      <DialogBody>
        {pod && (
          <Flex direction="column" gap="3">
            <Facts
              items={[
                { label: 'Status', value: `${pod.phase} · ${pod.status}` },
                !!pod.problemReason && {
                  label: 'Problem',
                  value: pod.problemReason,
                },
                { label: 'Node', value: pod.nodeName ?? 'not scheduled' },
                {
                  label: 'Scheduler',
                  value: `${pod.schedulerName ?? '–'}${
                    pod.fargateProfile
                      ? ` (Fargate profile ${pod.fargateProfile})`
                      : ''
                  }`,
                },
                ...pod.containers.map(c => ({
                  label: `${c.init ? 'Init container' : 'Container'} ${c.name}`,
                  value: `${c.state}${c.reason ? ` (${c.reason})` : ''}${
                    c.exitCode !== null ? `, exit code ${c.exitCode}` : ''
                  }, ${c.restartCount} restarts${
                    c.message ? ` — ${c.message}` : ''
                  }${
                    c.lastTermination
                      ? `; last termination ${
                          c.lastTermination.reason ?? ''
                        } (exit ${c.lastTermination.exitCode ?? '–'})`
                      : ''
                  }`,
                })),
              ]}
            />
            <Text as="h3" variant="title-x-small">
              Events
            </Text>
            {pod.events.length ? (
              <Table
                columnConfig={eventColumns}
                data={pod.events.map((e, i) => ({ ...e, id: String(i) }))}
                pagination={{ type: 'none' }}
              />
            ) : (
              <EmptyState title="No events">
                Kubernetes keeps events for about an hour.
              </EmptyState>
            )}
          </Flex>
        )}
      </DialogBody>
    </Dialog>
  );
}
