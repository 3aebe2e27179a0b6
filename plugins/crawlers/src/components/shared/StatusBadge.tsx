/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Badge } from '@backstage/ui';
import {
  RiCheckboxCircleLine,
  RiCloseCircleLine,
  RiErrorWarningLine,
  RiLoader4Line,
  RiPauseCircleLine,
  RiQuestionLine,
  RiTimeLine,
} from '@remixicon/react';
import type { ReactNode } from 'react';
import styles from './shared.module.css';

/** The colour of a status. */
export type StatusTone = 'success' | 'danger' | 'warning' | 'info' | 'neutral';

const icons: Record<StatusTone, ReactNode> = {
  success: <RiCheckboxCircleLine aria-hidden size={14} />,
  danger: <RiCloseCircleLine aria-hidden size={14} />,
  warning: <RiErrorWarningLine aria-hidden size={14} />,
  info: <RiLoader4Line aria-hidden size={14} />,
  neutral: <RiQuestionLine aria-hidden size={14} />,
};

/** A BUI `Badge` coloured by tone; the text says the status, the colour and icon only repeat it. */
export function StatusBadge(props: {
  tone: StatusTone;
  children: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <Badge
      className={styles.badge}
      data-tone={props.tone}
      icon={props.icon ?? icons[props.tone]}
    >
      {props.children}
    </Badge>
  );
}

/** Airflow DAG run and task instance states. */
export function runStateTone(state: string | null | undefined): StatusTone {
  switch (state) {
    case 'success':
      return 'success';
    case 'failed':
    case 'upstream_failed':
      return 'danger';
    case 'running':
    case 'queued':
    case 'scheduled':
    case 'deferred':
    case 'restarting':
      return 'info';
    case 'up_for_retry':
    case 'up_for_reschedule':
      return 'warning';
    default:
      return 'neutral';
  }
}

/** A DAG run's (or task instance's) state as a badge. */
export function RunStateBadge(props: { state: string | null | undefined }) {
  const state = props.state ?? 'none';
  return (
    <StatusBadge
      tone={runStateTone(state)}
      icon={
        state === 'queued' ? <RiTimeLine aria-hidden size={14} /> : undefined
      }
    >
      {state}
    </StatusBadge>
  );
}

/** A DAG's paused flag as a badge. */
export function PausedBadge(props: { isPaused: boolean }) {
  return props.isPaused ? (
    <StatusBadge
      tone="warning"
      icon={<RiPauseCircleLine aria-hidden size={14} />}
    >
      paused
    </StatusBadge>
  ) : (
    <StatusBadge tone="success">active</StatusBadge>
  );
}

/** git-sync states. */
export function gitSyncTone(state: string | null | undefined): StatusTone {
  switch (state) {
    case 'in-sync':
      return 'success';
    case 'behind':
      return 'warning';
    case 'failing':
      return 'danger';
    default:
      return 'neutral';
  }
}

/** Pod phases. */
export function podPhaseTone(phase: string, problem = false): StatusTone {
  if (problem) return 'danger';
  switch (phase) {
    case 'Succeeded':
      return 'success';
    case 'Failed':
      return 'danger';
    case 'Running':
    case 'Pending':
      return 'info';
    default:
      return 'neutral';
  }
}
