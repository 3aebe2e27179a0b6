/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { DagSpec } from './dagFile';
import { RunRecord, TaskInstanceRecord } from './types';

/** Airflow's run id format: `<type>__<ISO 8601 with microseconds and +00:00>`. */
export function runIdFor(
  type: 'manual' | 'scheduled',
  date: Date,
  micro: boolean,
): string {
  const iso = date.toISOString(); // 2026-01-01T00:00:00.000Z
  const base = micro ? `${iso.slice(0, 23)}000` : iso.slice(0, 19);
  return `${type}__${base}+00:00`;
}

/** A queued run; the fields that differ between manual and scheduled runs are given. */
export function queuedRun(
  fields: Pick<
    RunRecord,
    | 'id'
    | 'dag_id'
    | 'run_id'
    | 'run_type'
    | 'logical_date'
    | 'data_interval_start'
    | 'data_interval_end'
    | 'run_after'
    | 'queued_at'
    | 'conf'
    | 'note'
    | 'triggered_by'
    | 'triggering_user_name'
    | 'dag_version'
  >,
): RunRecord {
  return {
    id: fields.id,
    dag_id: fields.dag_id,
    run_id: fields.run_id,
    run_type: fields.run_type,
    state: 'queued',
    logical_date: fields.logical_date,
    data_interval_start: fields.data_interval_start,
    data_interval_end: fields.data_interval_end,
    run_after: fields.run_after,
    queued_at: fields.queued_at,
    start_date: null,
    end_date: null,
    last_scheduling_decision: null,
    conf: fields.conf,
    note: fields.note,
    triggered_by: fields.triggered_by,
    triggering_user_name: fields.triggering_user_name,
    dag_version: fields.dag_version,
  };
}

/** The task instances of a new run: one per task, in file order, not yet scheduled. */
export function newTaskInstances(
  run: RunRecord,
  spec: DagSpec,
): TaskInstanceRecord[] {
  return spec.tasks.map(task => ({
    id: crypto.randomUUID(),
    dag_id: run.dag_id,
    run_id: run.run_id,
    task_id: task.task_id,
    state: null,
    try_number: 0,
    max_tries: task.retries,
    start_date: null,
    end_date: null,
    queued_when: null,
    scheduled_when: null,
    hostname: null,
    pid: null,
    pod: null,
    workerPod: null,
    podPhaseLogged: null,
    startDeadline: null,
    logs: {},
  }));
}
