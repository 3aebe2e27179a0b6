/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { DagSpec } from './dagFile';

/** A DAG known to one Airflow instance. */
export type DagRecord = {
  spec: DagSpec;
  /** The path Airflow reports (as in the chart's scheduler pod: /opt/airflow/dags/repo/...). */
  fileloc: string;
  /** Path relative to the DAGs folder (Airflow 3's relative_fileloc). */
  relativeFileloc: string;
  isPaused: boolean;
  /** False once the file no longer defines the DAG (v1 is_active=false, v2 is_stale=true). */
  isActive: boolean;
  lastParsed: string;
  lastParseDuration: number;
  lastScheduledEnd: string | null;
  onceDone: boolean;
  generated: boolean;
  versions: Array<{
    id: string;
    number: number;
    createdAt: string;
    hash: string;
  }>;
};

/** The state of a DAG run (DagRunState). */
export type RunState = 'queued' | 'running' | 'success' | 'failed';

/** A DAG run. */
export type RunRecord = {
  id: number;
  dag_id: string;
  run_id: string;
  run_type: 'manual' | 'scheduled';
  state: RunState;
  logical_date: string | null;
  data_interval_start: string | null;
  data_interval_end: string | null;
  run_after: string;
  queued_at: string;
  start_date: string | null;
  end_date: string | null;
  last_scheduling_decision: string | null;
  conf: Record<string, unknown>;
  note: string | null;
  triggered_by: 'rest_api' | 'timetable';
  triggering_user_name: string | null;
  dag_version: number;
};

/** One line of a task log. */
export type LogEntry = {
  timestamp: string;
  level: 'debug' | 'info' | 'warning' | 'error' | 'critical';
  event: string;
  logger: string;
  /** `file.py:line` shown in Airflow 2's text format. */
  source: string;
};

/** A task instance (TaskInstanceState, null before it is scheduled). */
export type TaskInstanceRecord = {
  id: string;
  dag_id: string;
  run_id: string;
  task_id: string;
  state:
    | null
    | 'scheduled'
    | 'queued'
    | 'running'
    | 'success'
    | 'failed'
    | 'upstream_failed'
    | 'up_for_retry'
    | 'skipped';
  try_number: number;
  max_tries: number;
  start_date: string | null;
  end_date: string | null;
  queued_when: string | null;
  scheduled_when: string | null;
  hostname: string | null;
  pid: number | null;
  /** The KubernetesPodOperator's pod of the current try. */
  pod: { namespace: string; name: string } | null;
  /** The KubernetesExecutor's worker pod of the current try (namespace `airflow`). */
  workerPod?: { namespace: string; name: string } | null;
  /** The last pod status the operator logged during start-up (to log each change once). */
  podPhaseLogged: string | null;
  /** When the operator gives up waiting for the pod to leave Pending (sandbox clock). */
  startDeadline: string | null;
  /** Whether the operator has seen the pod's PodScheduled condition (provider ≥ 10.5: the startup timeout runs). */
  podScheduled?: boolean;
  /** When an up_for_retry task may start its next try. */
  retryAt?: string | null;
  logs: Record<string, LogEntry[]>;
};

/** A file that failed to import. */
export type ImportErrorRecord = {
  id: number;
  filename: string;
  relativeFilename: string;
  timestamp: string;
  stack_trace: string;
};
