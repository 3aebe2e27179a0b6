/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/* Spec-shaped Airflow answers (checked against the official specs by contract.test.ts). */

/** Spec-shaped fixture `v1Dag` of the fake Airflow. @public */
export const v1Dag = (
  dagId: string,
  overrides: Record<string, unknown> = {},
) => ({
  dag_id: dagId,
  dag_display_name: dagId,
  description: 'Crawls the shop',
  is_paused: false,
  is_active: true,
  is_subdag: false,
  fileloc: `/opt/airflow/dags/repo/dags/${dagId}.py`,
  file_token: 'Ii9vcHQvYWlyZmxvdy9kYWdzIg.abc',
  owners: ['team-crawlers'],
  tags: [{ name: 'crawler' }],
  schedule_interval: { __type: 'CronExpression', value: '0 * * * *' },
  timetable_description: 'At minute 0',
  next_dagrun: '2026-01-01T01:00:00+00:00',
  next_dagrun_create_after: '2026-01-01T02:00:00+00:00',
  next_dagrun_data_interval_start: '2026-01-01T01:00:00+00:00',
  next_dagrun_data_interval_end: '2026-01-01T02:00:00+00:00',
  has_import_errors: false,
  has_task_concurrency_limits: false,
  max_active_runs: 1,
  max_active_tasks: 16,
  max_consecutive_failed_dag_runs: 0,
  last_parsed_time: '2026-01-01T00:59:00+00:00',
  default_view: 'grid',
  ...overrides,
});

/** Spec-shaped fixture `v2Dag` of the fake Airflow. @public */
export const v2Dag = (
  dagId: string,
  overrides: Record<string, unknown> = {},
) => ({
  dag_id: dagId,
  dag_display_name: dagId,
  description: 'Crawls the shop',
  is_paused: false,
  is_stale: false,
  fileloc: `/opt/airflow/dags/repo/dags/${dagId}.py`,
  relative_fileloc: `dags/${dagId}.py`,
  file_token: 'Ii9vcHQvYWlyZmxvdy9kYWdzIg.abc',
  bundle_name: 'dags-folder',
  bundle_version: null,
  owners: ['team-crawlers'],
  tags: [{ name: 'crawler', dag_id: dagId, dag_display_name: dagId }],
  timetable_summary: '0 * * * *',
  timetable_description: 'At minute 0',
  timetable_partitioned: false,
  next_dagrun_logical_date: '2026-01-01T01:00:00Z',
  next_dagrun_run_after: '2026-01-01T02:00:00Z',
  next_dagrun_data_interval_start: '2026-01-01T01:00:00Z',
  next_dagrun_data_interval_end: '2026-01-01T02:00:00Z',
  has_import_errors: false,
  has_task_concurrency_limits: false,
  max_active_runs: 1,
  max_active_tasks: 16,
  max_consecutive_failed_dag_runs: 0,
  last_parsed_time: '2026-01-01T00:59:00Z',
  last_parse_duration: 0.2,
  ...overrides,
});

/** Spec-shaped fixture `v1Run` of the fake Airflow. @public */
export const v1Run = (
  dagId: string,
  n: number,
  overrides: Record<string, unknown> = {},
) => ({
  dag_run_id: `scheduled__2026-01-01T0${n % 10}:00:00+00:00`,
  dag_id: dagId,
  logical_date: `2026-01-01T0${n % 10}:00:00+00:00`,
  execution_date: `2026-01-01T0${n % 10}:00:00+00:00`,
  start_date: `2026-01-01T0${n % 10}:00:05+00:00`,
  end_date: `2026-01-01T0${n % 10}:01:05+00:00`,
  data_interval_start: `2026-01-01T0${n % 10}:00:00+00:00`,
  data_interval_end: `2026-01-01T0${n % 10}:00:00+00:00`,
  last_scheduling_decision: null,
  run_type: 'scheduled',
  state: 'success',
  external_trigger: false,
  conf: {},
  note: null,
  ...overrides,
});

/** Spec-shaped fixture `v2Run` of the fake Airflow. @public */
export const v2Run = (
  dagId: string,
  n: number,
  overrides: Record<string, unknown> = {},
) => ({
  dag_run_id: `scheduled__2026-01-01T0${n % 10}:00:00+00:00`,
  dag_id: dagId,
  dag_display_name: dagId,
  logical_date: `2026-01-01T0${n % 10}:00:00Z`,
  run_after: `2026-01-01T0${n % 10}:00:00Z`,
  queued_at: `2026-01-01T0${n % 10}:00:01Z`,
  start_date: `2026-01-01T0${n % 10}:00:05Z`,
  end_date: `2026-01-01T0${n % 10}:01:05Z`,
  duration: 60,
  data_interval_start: `2026-01-01T0${n % 10}:00:00Z`,
  data_interval_end: `2026-01-01T0${n % 10}:00:00Z`,
  last_scheduling_decision: null,
  run_type: 'scheduled',
  state: 'success',
  triggered_by: 'timetable',
  triggering_user_name: null,
  conf: {},
  note: null,
  dag_versions: [
    {
      id: '0196a0e6-3c1d-7a6e-9f2b-6f3c1d2e4a5b',
      version_number: 1,
      dag_id: dagId,
      dag_display_name: dagId,
      bundle_name: 'dags-folder',
      bundle_version: null,
      bundle_url: null,
      created_at: '2026-01-01T00:00:00Z',
    },
  ],
  bundle_version: null,
  ...overrides,
});

/** Spec-shaped fixture `v1TaskInstance` of the fake Airflow. @public */
export const v1TaskInstance = (
  dagId: string,
  runId: string,
  taskId: string,
) => ({
  task_id: taskId,
  task_display_name: taskId,
  dag_id: dagId,
  dag_run_id: runId,
  execution_date: '2026-01-01T00:00:00+00:00',
  start_date: '2026-01-01T00:00:05+00:00',
  end_date: '2026-01-01T00:00:35+00:00',
  duration: 30,
  state: 'success',
  try_number: 1,
  map_index: -1,
  max_tries: 2,
  hostname: 'crawler-pod-1',
  unixname: 'airflow',
  pool: 'default_pool',
  pool_slots: 1,
  queue: 'default',
  priority_weight: 1,
  operator: 'KubernetesPodOperator',
  queued_when: '2026-01-01T00:00:01+00:00',
  pid: 12,
  executor: null,
  executor_config: '{}',
  note: null,
  rendered_map_index: null,
  rendered_fields: {},
});

/** Spec-shaped fixture `v2TaskInstance` of the fake Airflow. @public */
export const v2TaskInstance = (
  dagId: string,
  runId: string,
  taskId: string,
) => ({
  id: '0196a0e6-3c1d-7a6e-9f2b-6f3c1d2e4a5c',
  task_id: taskId,
  task_display_name: taskId,
  dag_id: dagId,
  dag_display_name: dagId,
  dag_run_id: runId,
  map_index: -1,
  logical_date: '2026-01-01T00:00:00Z',
  run_after: '2026-01-01T00:00:00Z',
  start_date: '2026-01-01T00:00:05Z',
  end_date: '2026-01-01T00:00:35Z',
  duration: 30,
  state: 'success',
  try_number: 1,
  max_tries: 2,
  hostname: 'crawler-pod-1',
  unixname: 'airflow',
  pool: 'default_pool',
  pool_slots: 1,
  queue: 'default',
  priority_weight: 1,
  operator: 'KubernetesPodOperator',
  operator_name: 'KubernetesPodOperator',
  queued_when: '2026-01-01T00:00:01Z',
  scheduled_when: '2026-01-01T00:00:00Z',
  pid: 12,
  executor: null,
  executor_config: '{}',
  note: null,
  rendered_map_index: null,
  rendered_fields: {},
  trigger: null,
  triggerer_job: null,
  dag_version: null,
});

/** Spec-shaped fixture `v1ImportError` of the fake Airflow. @public */
export const v1ImportError = (id: number, filename: string) => ({
  import_error_id: id,
  timestamp: '2026-01-01T00:00:00+00:00',
  filename,
  stack_trace:
    'Traceback (most recent call last):\nSyntaxError: invalid syntax',
});

/** Spec-shaped fixture `v2ImportError` of the fake Airflow. @public */
export const v2ImportError = (id: number, filename: string) => ({
  ...v1ImportError(id, filename),
  timestamp: '2026-01-01T00:00:00Z',
  bundle_name: 'dags-folder',
});

/** Spec-shaped fixture `v1Log` of the fake Airflow. @public */
export const v1Log = {
  content: 'line one\nline two\n',
  continuation_token: 'eyJlbmRfb2ZfbG9nIjpmYWxzZSwibG9nX3BvcyI6MTB9',
};

/** Spec-shaped fixture `v2Log` of the fake Airflow. @public */
export const v2Log = {
  content: [
    { event: 'line one', timestamp: '2026-01-01T00:00:05Z', level: 'info' },
    { event: 'line two', timestamp: '2026-01-01T00:00:06Z', level: 'error' },
  ],
  continuation_token: 'eyJlbmRfb2ZfbG9nIjp0cnVlfQ',
};

/** Spec-shaped fixture `v1Version` of the fake Airflow. @public */
export const v1Version = { version: '2.10.0', git_version: null };
/** Spec-shaped fixture `v2Version` of the fake Airflow. @public */
export const v2Version = { version: '3.2.1', git_version: null };

/** Builds an unsigned JWT with the given expiry (seconds since epoch); Airflow signs its own, we only read exp.
 *
 * @public
 */
export function fakeJwt(exp: number, subject = 'admin'): string {
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS512', typ: 'JWT' })}.${part({
    sub: subject,
    exp,
  })}.c2lnbmF0dXJl`;
}
