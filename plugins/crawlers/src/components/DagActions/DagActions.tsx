/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CompoundEntityRef } from '@backstage/catalog-model';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { toError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Alert,
  Button,
  ButtonIcon,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  TextAreaField,
  TextField,
  Tooltip,
  TooltipTrigger,
} from '@backstage/ui';
import {
  RiLockLine,
  RiPauseLine,
  RiPlayLine,
  RiSendPlaneLine,
} from '@remixicon/react';
import {
  crawlersDagPausePermission,
  crawlersDagTriggerPermission,
  CrawlersDag,
} from '@crawler-platform/plugin-crawlers-common';
import { useState } from 'react';
import { crawlersApiRef } from '../../api';
import { parseConf } from './conf';

/**
 * Why an action is missing: a focusable icon whose tooltip names the permission. (The buttons themselves are hidden
 * when the permission is denied, so a user who may not act sees no button to press.)
 */
export function PermissionHint(props: { message: string }) {
  return (
    <TooltipTrigger delay={0}>
      <ButtonIcon
        size="small"
        variant="tertiary"
        icon={<RiLockLine aria-hidden />}
        aria-label={props.message}
      />
      <Tooltip>{props.message}</Tooltip>
    </TooltipTrigger>
  );
}

/** The trigger dialog: optional JSON `conf` (validated before sending) and note. */
function TriggerRunDialog(props: {
  entityRef: CompoundEntityRef;
  dagId: string;
  isOpen: boolean;
  onClose: () => void;
  onTriggered: () => void;
}) {
  const { entityRef, dagId, isOpen, onClose, onTriggered } = props;
  const api = useApi(crawlersApiRef);
  // The alert API shows the result in both frontend systems (the new system's toast API is not in legacy apps).
  const alertApi = useApi(alertApiRef);
  const [confText, setConfText] = useState('');
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<Error>();
  const parsed = parseConf(confText);

  const close = () => {
    setError(undefined);
    onClose();
  };

  const submit = async () => {
    if (!parsed.ok) return;
    setSending(true);
    setError(undefined);
    try {
      const { run } = await api.triggerRun({
        entityRef,
        dagId,
        conf: parsed.conf,
        note: note.trim() || undefined,
      });
      alertApi.post({
        message: `Triggered run ${run.runId} of ${dagId}`,
        severity: 'success',
        display: 'transient',
      });
      setConfText('');
      setNote('');
      close();
      onTriggered();
    } catch (e) {
      const err = toError(e);
      setError(err);
      alertApi.post({
        message: `Could not trigger ${dagId}: ${err.message}`,
        severity: 'error',
      });
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog isOpen={isOpen} onOpenChange={open => !open && close()} width={560}>
      <DialogHeader>Trigger a run of {dagId}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <TextAreaField
            label="conf"
            description="Optional: a JSON object passed to the run as dag_run.conf."
            placeholder='{"since": "2026-01-01"}'
            rows={5}
            value={confText}
            onChange={setConfText}
            validationBehavior="aria"
            validate={value => {
              const result = parseConf(value);
              return result.ok ? null : result.message;
            }}
          />
          <TextField
            label="Note"
            description="Optional: shown with the run in Airflow."
            value={note}
            onChange={setNote}
          />
          {error && (
            <Alert
              status="danger"
              icon
              title="The run was not triggered"
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
          iconStart={<RiSendPlaneLine aria-hidden />}
          isDisabled={!parsed.ok}
          isPending={sending}
          onPress={submit}
        >
          Trigger
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

/**
 * Trigger a run and pause or unpause a DAG, for users whose permission allows it (`crawlers.dag.trigger`,
 * `crawlers.dag.pause` on the entity); results go to the alert API and `onChanged` refreshes the runs.
 */
export function DagActions(props: {
  entityRef: CompoundEntityRef;
  entityRefString: string;
  dag: CrawlersDag;
  onChanged: () => void;
}) {
  const { entityRef, entityRefString, dag, onChanged } = props;
  const api = useApi(crawlersApiRef);
  const alertApi = useApi(alertApiRef);
  const trigger = usePermission({
    permission: crawlersDagTriggerPermission,
    resourceRef: entityRefString,
  });
  const pause = usePermission({
    permission: crawlersDagPausePermission,
    resourceRef: entityRefString,
  });
  const [dialogOpen, setDialogOpen] = useState(false);
  const [pausing, setPausing] = useState(false);
  const [isPaused, setIsPaused] = useState(dag.isPaused);
  const [seenPaused, setSeenPaused] = useState(dag.isPaused);
  if (dag.isPaused !== seenPaused) {
    // a refresh brought Airflow's state: it wins over the last local change
    setSeenPaused(dag.isPaused);
    setIsPaused(dag.isPaused);
  }

  if (trigger.loading || pause.loading) {
    return null;
  }

  const togglePause = async () => {
    setPausing(true);
    try {
      const res = await api.setPaused({
        entityRef,
        dagId: dag.dagId,
        isPaused: !isPaused,
      });
      setIsPaused(res.dag.isPaused);
      alertApi.post({
        message: `${res.dag.isPaused ? 'Paused' : 'Unpaused'} ${dag.dagId}`,
        severity: 'success',
        display: 'transient',
      });
      onChanged();
    } catch (e) {
      alertApi.post({
        message: `Could not ${isPaused ? 'unpause' : 'pause'} ${dag.dagId}: ${
          toError(e).message
        }`,
        severity: 'error',
      });
    } finally {
      setPausing(false);
    }
  };

  const deniedPermissions = [
    !trigger.allowed && crawlersDagTriggerPermission.name,
    !pause.allowed && crawlersDagPausePermission.name,
  ].filter(Boolean);
  let deniedActions = 'pause or unpause';
  if (!trigger.allowed) {
    deniedActions = pause.allowed ? 'trigger runs of' : 'trigger or pause';
  }

  return (
    <Flex gap="2" align="center">
      {trigger.allowed && (
        <>
          <Button
            size="small"
            variant="primary"
            iconStart={<RiSendPlaneLine aria-hidden />}
            onPress={() => setDialogOpen(true)}
          >
            Trigger run
          </Button>
          <TriggerRunDialog
            entityRef={entityRef}
            dagId={dag.dagId}
            isOpen={dialogOpen}
            onClose={() => setDialogOpen(false)}
            onTriggered={onChanged}
          />
        </>
      )}
      {pause.allowed && (
        <Button
          size="small"
          variant="secondary"
          iconStart={
            isPaused ? <RiPlayLine aria-hidden /> : <RiPauseLine aria-hidden />
          }
          isPending={pausing}
          onPress={togglePause}
        >
          {isPaused ? 'Unpause' : 'Pause'}
        </Button>
      )}
      {deniedPermissions.length > 0 && (
        <PermissionHint
          message={`You are not allowed to ${deniedActions} ${
            dag.dagId
          } (${deniedPermissions.join(
            ', ',
          )} on this crawler, usually granted to its owners).`}
        />
      )}
    </Flex>
  );
}
