/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { toError } from '@backstage/errors';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { RiDeleteBinLine } from '@remixicon/react';
import type { CrawlersPod } from '@crawler-platform/plugin-crawlers-common';
import { useState } from 'react';
import { crawlersApiRef } from '../../api';
import styles from './PodsSection.module.css';

/**
 * The pods the cleanup route deletes: the crawler's finished (`Succeeded` or `Failed`) KubernetesPodOperator pods in
 * its own namespace. Running and pending pods and the executor's worker pods are left alone.
 */
export function finishedOperatorPods(pods: CrawlersPod[]): CrawlersPod[] {
  return pods.filter(
    p =>
      p.kind === 'operator' &&
      (p.phase === 'Succeeded' || p.phase === 'Failed'),
  );
}

/** Confirmation of "Clean up finished pods", listing what will be deleted. */
export function CleanupDialog(props: {
  entityRef: CompoundEntityRef;
  pods: CrawlersPod[];
  isOpen: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { entityRef, pods, isOpen, onClose, onDone } = props;
  const api = useApi(crawlersApiRef);
  // The alert API shows the result in both frontend systems (the new system's toast API is not in legacy apps).
  const alertApi = useApi(alertApiRef);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<Error>();

  const close = () => {
    setError(undefined);
    onClose();
  };

  const confirm = async () => {
    setSending(true);
    setError(undefined);
    try {
      const result = await api.cleanupPods({ entityRef });
      const failed = result.errors.filter(e => e.source.startsWith('pod:'));
      alertApi.post({
        message: `Deleted ${result.deleted.length} finished ${
          result.deleted.length === 1 ? 'pod' : 'pods'
        } in ${result.namespace}${
          failed.length ? `; ${failed.length} could not be deleted` : ''
        }${result.keptRunning ? `; ${result.keptRunning} still running` : ''}`,
        severity: failed.length ? 'warning' : 'success',
        display: failed.length ? 'permanent' : 'transient',
      });
      close();
      onDone();
    } catch (e) {
      const err = toError(e);
      setError(err);
      alertApi.post({
        message: `Could not clean up the pods: ${err.message}`,
        severity: 'error',
      });
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog isOpen={isOpen} onOpenChange={open => !open && close()} width={640}>
      <DialogHeader>Clean up finished pods</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text>
            These {pods.length} finished KubernetesPodOperator{' '}
            {pods.length === 1 ? 'pod' : 'pods'} will be deleted. Running and
            pending pods and the executor&apos;s worker pods stay.
          </Text>
          <ul className={styles.list} aria-label="Pods to delete">
            {pods.map(p => (
              <li key={`${p.namespace}/${p.name}`}>
                <Text>
                  {p.namespace}/{p.name} ({p.phase}
                  {p.taskId ? `, ${p.dagId}.${p.taskId}` : `, ${p.dagId}`})
                </Text>
              </li>
            ))}
          </ul>
          {error && (
            <Alert
              status="danger"
              icon
              title="The pods were not deleted"
              description={error.message}
            />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={close}>
          Cancel
        </Button>
        <Button
          variant="primary"
          destructive
          iconStart={<RiDeleteBinLine aria-hidden />}
          isPending={sending}
          onPress={confirm}
        >
          Delete {pods.length} {pods.length === 1 ? 'pod' : 'pods'}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
