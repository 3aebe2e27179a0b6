/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { AirflowInstance } from './AirflowInstance';
import { describeSchedule } from './schedule';
import { TaskSpec } from './dagFile';
import {
  DagRecord,
  ImportErrorRecord,
  RunRecord,
  TaskInstanceRecord,
} from './types';

/** KubernetesPodOperator.template_fields (operators/pod.py). */
const KPO_TEMPLATE_FIELDS = [
  'image',
  'name',
  'hostname',
  'cmds',
  'annotations',
  'arguments',
  'env_vars',
  'labels',
  'config_file',
  'pod_template_file',
  'pod_template_dict',
  'namespace',
  'container_resources',
  'volumes',
  'volume_mounts',
  'cluster_context',
  'env_from',
  'node_selector',
  'kubernetes_conn_id',
  'base_container_name',
  'trigger_kwargs',
];

/** Date as Airflow 2's API prints it (`2026-01-01T00:00:00+00:00`). */
export function v1Date(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return iso.replace(/\.000Z$/, 'Z').replace(/Z$/, '+00:00');
}

/** Date as Airflow 3's API prints it (`2026-01-01T00:00:00Z`). */
export function v2Date(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return iso.replace(/\.000Z$/, 'Z');
}

function fileToken(fileloc: string, secret: string): string {
  const payload = Buffer.from(JSON.stringify(fileloc)).toString('base64url');
  const sig = crypto
    .createHmac('sha1', secret)
    .update(payload)
    .digest('base64url');
  return `${payload}.${sig}`;
}

function seconds(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  return (new Date(to).getTime() - new Date(from).getTime()) / 1000;
}

function v1ScheduleInterval(dag: DagRecord): Record<string, unknown> | null {
  const s = dag.spec.schedule;
  if (s.kind === 'cron')
    return { __type: 'CronExpression', value: s.expression };
  if (s.kind === 'once') return { __type: 'CronExpression', value: '@once' };
  if (s.kind === 'interval') {
    return {
      __type: 'TimeDelta',
      days: Math.floor(s.seconds / 86400),
      seconds: s.seconds % 86400,
      microseconds: 0,
    };
  }
  return null;
}

/** Serialises DAGs, runs, task instances, import errors and logs in the shape of one API version. */
export class Serializer {
  constructor(
    private readonly instance: AirflowInstance,
    private readonly secret: string,
  ) {}

  private get v1(): boolean {
    return this.instance.apiVersion === 'v1';
  }

  private date(iso: string | null | undefined): string | null {
    return this.v1 ? v1Date(iso) : v2Date(iso);
  }

  /** The health endpoint's body; Airflow 3 also reports its DAG processor (the same loop here). */
  health(
    heartbeat: string | null,
    status: 'healthy' | 'unhealthy',
  ): Record<string, unknown> {
    const common = {
      metadatabase: { status: 'healthy' },
      triggerer: { status: null, latest_triggerer_heartbeat: null },
    };
    if (this.v1) {
      return {
        metadatabase: common.metadatabase,
        scheduler: {
          status,
          latest_scheduler_heartbeat:
            heartbeat && heartbeat.replace('Z', '+00:00'),
        },
        triggerer: common.triggerer,
        dag_processor: { status: null, latest_dag_processor_heartbeat: null },
      };
    }
    return {
      metadatabase: common.metadatabase,
      scheduler: { status, latest_scheduler_heartbeat: heartbeat },
      triggerer: common.triggerer,
      dag_processor: { status, latest_dag_processor_heartbeat: heartbeat },
    };
  }

  hasImportErrors(dag: DagRecord): boolean {
    return this.instance.importErrors.has(dag.fileloc);
  }

  dag(dag: DagRecord): Record<string, unknown> {
    const next = dag.isPaused ? undefined : this.instance.nextDagRun(dag);
    const spec = dag.spec;
    const common = {
      dag_id: spec.dag_id,
      dag_display_name: spec.dag_id,
      is_paused: dag.isPaused,
      fileloc: dag.fileloc,
      file_token: fileToken(dag.fileloc, this.secret),
      owners: spec.owners,
      description: spec.description,
      timetable_description: describeSchedule(
        spec.schedule,
        dag.spec.scheduleText,
      ),
      max_active_tasks: 16,
      max_active_runs: spec.max_active_runs,
      max_consecutive_failed_dag_runs: 0,
      has_task_concurrency_limits: false,
      has_import_errors: this.hasImportErrors(dag),
      last_parsed_time: this.date(dag.lastParsed),
      last_expired: null,
    };
    if (this.v1) {
      return {
        ...common,
        root_dag_id: null,
        is_active: dag.isActive,
        is_subdag: false,
        last_pickled: null,
        scheduler_lock: null,
        pickle_id: null,
        default_view: 'grid',
        schedule_interval: v1ScheduleInterval(dag),
        tags: spec.tags.map(name => ({ name })),
        next_dagrun: this.date(next?.logicalDate.toISOString()),
        next_dagrun_data_interval_start: this.date(
          next?.dataIntervalStart.toISOString(),
        ),
        next_dagrun_data_interval_end: this.date(
          next?.dataIntervalEnd.toISOString(),
        ),
        next_dagrun_create_after: this.date(next?.runAfter.toISOString()),
      };
    }
    return {
      ...common,
      is_stale: !dag.isActive,
      last_parse_duration: dag.lastParseDuration,
      bundle_name: 'dags-folder',
      bundle_version: null,
      relative_fileloc: dag.relativeFileloc,
      timetable_summary: spec.scheduleText,
      timetable_partitioned: false,
      allowed_run_types: null,
      tags: spec.tags.map(name => ({
        name,
        dag_id: spec.dag_id,
        dag_display_name: spec.dag_id,
      })),
      next_dagrun_logical_date: this.date(next?.logicalDate.toISOString()),
      next_dagrun_data_interval_start: this.date(
        next?.dataIntervalStart.toISOString(),
      ),
      next_dagrun_data_interval_end: this.date(
        next?.dataIntervalEnd.toISOString(),
      ),
      next_dagrun_run_after: this.date(next?.runAfter.toISOString()),
    };
  }

  dagDetails(dag: DagRecord): Record<string, unknown> {
    const spec = dag.spec;
    const base = this.dag(dag);
    const common = {
      catchup: spec.catchup,
      dag_run_timeout: null,
      doc_md: spec.doc_md,
      start_date: this.date(spec.start_date),
      end_date: null,
      is_paused_upon_creation: spec.is_paused_upon_creation,
      params: spec.params,
      render_template_as_native_obj: false,
      template_search_path: null,
      last_parsed: this.date(dag.lastParsed),
    };
    if (this.v1) {
      return {
        ...base,
        ...common,
        concurrency: 16,
        dataset_expression: null,
        orientation: 'LR',
        timezone: "Timezone('UTC')",
      };
    }
    const latest = dag.versions[dag.versions.length - 1];
    return {
      ...base,
      ...common,
      concurrency: 16,
      asset_expression: null,
      timezone: 'UTC',
      default_args: { owner: spec.owners[0] ?? 'airflow' },
      owner_links: {},
      is_favorite: false,
      active_runs_count: this.instance.runs.filter(
        r => r.dag_id === spec.dag_id && r.state === 'running',
      ).length,
      latest_dag_version: latest ? this.dagVersion(dag, latest.number) : null,
    };
  }

  private dagVersion(
    dag: DagRecord,
    number: number,
  ): Record<string, unknown> | null {
    const v =
      dag.versions.find(x => x.number === number) ??
      dag.versions[dag.versions.length - 1];
    if (!v) return null;
    return {
      id: v.id,
      version_number: v.number,
      dag_id: dag.spec.dag_id,
      bundle_name: 'dags-folder',
      bundle_version: null,
      created_at: this.date(v.createdAt),
      dag_display_name: dag.spec.dag_id,
      bundle_url: null,
    };
  }

  run(run: RunRecord): Record<string, unknown> {
    const common = {
      dag_run_id: run.run_id,
      dag_id: run.dag_id,
      logical_date: this.date(run.logical_date),
      start_date: this.date(run.start_date),
      end_date: this.date(run.end_date),
      data_interval_start: this.date(run.data_interval_start),
      data_interval_end: this.date(run.data_interval_end),
      last_scheduling_decision: this.date(run.last_scheduling_decision),
      run_type: run.run_type,
      state: run.state,
      conf: run.conf,
      note: run.note,
    };
    if (this.v1) {
      return {
        ...common,
        execution_date: this.date(run.logical_date),
        external_trigger: run.run_type === 'manual',
      };
    }
    const dag = this.instance.dags.get(run.dag_id);
    const version = dag ? this.dagVersion(dag, run.dag_version) : null;
    return {
      ...common,
      run_after: this.date(run.run_after),
      queued_at: this.date(run.queued_at),
      duration: seconds(run.start_date, run.end_date),
      triggered_by: run.triggered_by,
      triggering_user_name: run.triggering_user_name,
      dag_versions: version ? [version] : [],
      bundle_version: null,
      dag_display_name: run.dag_id,
      partition_key: null,
    };
  }

  taskInstance(ti: TaskInstanceRecord): Record<string, unknown> {
    const run = this.instance.getRun(ti.dag_id, ti.run_id);
    const common = {
      task_id: ti.task_id,
      task_display_name: ti.task_id,
      dag_id: ti.dag_id,
      dag_run_id: ti.run_id,
      start_date: this.date(ti.start_date),
      end_date: this.date(ti.end_date),
      duration: seconds(ti.start_date, ti.end_date),
      state: ti.state,
      try_number: ti.try_number,
      map_index: -1,
      max_tries: ti.max_tries,
      hostname: ti.hostname ?? '',
      unixname: 'airflow',
      pool: 'default_pool',
      pool_slots: 1,
      queue: 'default',
      priority_weight: 1,
      operator: 'KubernetesPodOperator',
      queued_when: this.date(ti.queued_when),
      pid: ti.pid,
      executor: null,
      executor_config: '{}',
      note: null,
      rendered_map_index: null,
      rendered_fields: {},
      trigger: null,
      triggerer_job: null,
    };
    if (this.v1) {
      return {
        ...common,
        execution_date:
          this.date(run?.logical_date ?? run?.run_after ?? null) ?? '',
        sla_miss: null,
      };
    }
    const dag = this.instance.dags.get(ti.dag_id);
    return {
      ...common,
      id: ti.id,
      hostname: ti.hostname,
      logical_date: this.date(run?.logical_date),
      run_after:
        this.date(run?.run_after) ?? this.date(new Date(0).toISOString()),
      scheduled_when: this.date(ti.scheduled_when),
      operator_name: 'KubernetesPodOperator',
      dag_display_name: ti.dag_id,
      dag_version: dag && run ? this.dagVersion(dag, run.dag_version) : null,
    };
  }

  /** A task of a DAG (GET /dags/{dag_id}/tasks); downstream is the next task in file order. */
  task(dag: DagRecord, task: TaskSpec): Record<string, unknown> {
    const index = dag.spec.tasks.indexOf(task);
    const next = dag.spec.tasks[index + 1];
    const retryDelay = {
      __type: 'TimeDelta',
      days: Math.floor(task.retry_delay_seconds / 86400),
      seconds: task.retry_delay_seconds % 86400,
      microseconds: 0,
    };
    const common = {
      class_ref: {
        class_name: 'KubernetesPodOperator',
        module_path: 'airflow.providers.cncf.kubernetes.operators.pod',
      },
      task_id: task.task_id,
      task_display_name: task.task_id,
      owner: task.owner,
      start_date: this.date(dag.spec.start_date),
      end_date: null,
      trigger_rule: 'all_success',
      extra_links: [],
      depends_on_past: false,
      is_mapped: false,
      wait_for_downstream: false,
      retries: task.retries,
      queue: 'default',
      pool: 'default_pool',
      pool_slots: 1,
      execution_timeout: null,
      retry_delay: retryDelay,
      priority_weight: 1,
      weight_rule: 'downstream',
      ui_color: '#fff',
      ui_fgcolor: '#000',
      template_fields: KPO_TEMPLATE_FIELDS,
      downstream_task_ids: next ? [next.task_id] : [],
      doc_md: null,
    };
    if (this.v1) {
      return { ...common, executor: null, retry_exponential_backoff: false };
    }
    return {
      ...common,
      operator_name: 'KubernetesPodOperator',
      params: {},
      retry_exponential_backoff: 0,
    };
  }

  importError(e: ImportErrorRecord): Record<string, unknown> {
    if (this.v1) {
      return {
        import_error_id: e.id,
        timestamp: this.date(e.timestamp),
        filename: e.filename,
        stack_trace: e.stack_trace,
      };
    }
    return {
      import_error_id: e.id,
      timestamp: this.date(e.timestamp),
      filename: e.relativeFilename,
      bundle_name: 'dags-folder',
      stack_trace: e.stack_trace,
    };
  }
}
