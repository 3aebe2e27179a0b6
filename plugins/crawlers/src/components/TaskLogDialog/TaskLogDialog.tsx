/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
// core-components' LogViewer: BUI has no log viewer. It virtualises long logs (only the visible lines are in the
// DOM), renders ANSI colours, and has search and line links.
import { LogViewer } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { toError } from '@backstage/errors';
import {
  Alert,
  Dialog,
  DialogBody,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { useEffect, useMemo, useState } from 'react';
import { crawlersApiRef } from '../../api';
import { SectionSkeleton } from '../shared/SectionStates';
import { formatTaskLog, readWholeTaskLog, WholeTaskLog } from './taskLog';

/** Which task try's log to show. */
export interface TaskLogTarget {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  mapIndex: number;
}

/** A task try's log in a dialog: all chunks, Airflow 3 structured lines rendered, virtualised. */
export function TaskLogDialog(props: {
  entityRef: CompoundEntityRef;
  target: TaskLogTarget | undefined;
  onClose: () => void;
}) {
  const { entityRef, target, onClose } = props;
  const api = useApi(crawlersApiRef);
  const [state, setState] = useState<{
    log?: WholeTaskLog;
    error?: Error;
  }>({});

  useEffect(() => {
    if (!target) return undefined;
    let cancelled = false;
    setState({});
    readWholeTaskLog(api, {
      entityRef,
      dagId: target.dagId,
      runId: target.runId,
      taskId: target.taskId,
      tryNumber: target.tryNumber,
      mapIndex: target.mapIndex,
    }).then(
      log => !cancelled && setState({ log }),
      error => !cancelled && setState({ error: toError(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, entityRef, target]);

  const text = useMemo(
    () => (state.log ? formatTaskLog(state.log.lines) : ''),
    [state.log],
  );

  return (
    <Dialog
      isOpen={!!target}
      onOpenChange={open => !open && onClose()}
      width="min(1100px, 95vw)"
      height="85vh"
    >
      <DialogHeader>
        {target
          ? `Log of ${target.taskId}, try ${target.tryNumber}`
          : 'Task log'}
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="2" style={{ height: '100%' }}>
          {target && (
            <Text variant="body-small" color="secondary">
              Run {target.runId}
              {target.mapIndex >= 0 ? `, map index ${target.mapIndex}` : ''}
              {state.log &&
                ` · ${state.log.lines.length} lines in ${state.log.chunks} ${
                  state.log.chunks === 1 ? 'chunk' : 'chunks'
                }`}
            </Text>
          )}
          {state.error && (
            <Alert
              status="danger"
              icon
              title="The log could not be loaded"
              description={state.error.message}
            />
          )}
          {state.log && !state.log.complete && (
            <Alert
              status="warning"
              icon
              title="Log cut short"
              description={`Only the first ${state.log.chunks} chunks were read; open the task in Airflow for the rest.`}
            />
          )}
          {!state.log && !state.error && (
            <SectionSkeleton label="Loading the log" />
          )}
          {state.log && state.log.lines.length === 0 && (
            <Text>This try has written no log yet.</Text>
          )}
          {state.log && state.log.lines.length > 0 && (
            <div
              style={{ flex: 1, minHeight: '50vh' }}
              data-testid="task-log"
              aria-label={`Log of ${target?.taskId}`}
              role="region"
            >
              <LogViewer text={text} />
            </div>
          )}
        </Flex>
      </DialogBody>
    </Dialog>
  );
}
