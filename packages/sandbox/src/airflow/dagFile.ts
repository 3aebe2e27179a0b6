/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { PyCall, PyValue, resolve, scanModule, toPlain } from './pyLiteral';

/** KubernetesPodOperator arguments the sandbox reads from a DAG file. */
export type KpoSpec = {
  namespace?: string;
  image?: string;
  name?: string;
  labels: Record<string, string>;
  env_vars: Record<string, string>;
  service_account_name?: string;
  image_pull_secrets: string[];
  on_finish_action: 'delete_pod' | 'delete_succeeded_pod' | 'keep_pod';
  get_logs: boolean;
  cmds: string[];
  arguments: string[];
  startup_timeout_seconds: number;
  /** Provider ≥ 10.5: how long the pod may stay unscheduled (`schedule_timeout_seconds or startup_timeout_seconds`). */
  schedule_timeout_seconds: number;
};

/** One task of a DAG (only KubernetesPodOperator tasks run in the sandbox). */
export type TaskSpec = {
  task_id: string;
  owner: string;
  retries: number;
  /** Delay between tries (`retry_delay`, default 300 s). */
  retry_delay_seconds: number;
  kpo: KpoSpec;
};

/** A schedule the scheduler understands. */
export type ScheduleSpec =
  | { kind: 'none' }
  | { kind: 'once' }
  | { kind: 'cron'; expression: string }
  | { kind: 'interval'; seconds: number };

/** One DAG read from a file by the static rule. */
export type DagSpec = {
  dag_id: string;
  description: string | null;
  schedule: ScheduleSpec;
  /** The schedule as written (`@daily`, a cron string, `timedelta(days=1)`), null when None. */
  scheduleText: string | null;
  start_date: string | null;
  catchup: boolean;
  is_paused_upon_creation: boolean | null;
  max_active_runs: number;
  tags: string[];
  owners: string[];
  params: Record<string, unknown>;
  tasks: TaskSpec[];
  doc_md: string | null;
};

/** What a DAG file yields: its DAGs, or the Python exception Airflow would record as an import error. */
export type DagFileResult = { dags: DagSpec[]; error?: string };

const CRON_PRESETS = new Set([
  '@hourly',
  '@daily',
  '@weekly',
  '@monthly',
  '@yearly',
  '@annually',
  '@midnight',
]);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function typeError(message: string): string {
  return `Traceback (most recent call last):\nTypeError: ${message}`;
}

/** Reads a `datetime(...)` / `pendulum.datetime(...)` call or an ISO string as an ISO 8601 UTC timestamp. */
function readDate(
  value: PyValue | undefined,
  assignments: Record<string, PyValue>,
): string | null {
  const v = resolve(value, assignments);
  if (!v) return null;
  if (v.kind === 'str') {
    const d = new Date(v.value);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (v.kind === 'call' && /(^|\.)datetime$/.test(v.callee)) {
    const nums = v.args.map(a => toPlain(a, assignments));
    const [year, month = 1, day = 1, hour = 0, minute = 0, second = 0] =
      nums.map(n => (typeof n === 'number' ? n : NaN));
    const kw = (k: string, d: number) => {
      const x = toPlain(v.kwargs[k], assignments);
      return typeof x === 'number' ? x : d;
    };
    const date = Date.UTC(
      kw('year', year),
      kw('month', month) - 1,
      kw('day', day),
      kw('hour', hour),
      kw('minute', minute),
      kw('second', second),
    );
    return Number.isNaN(date) ? null : new Date(date).toISOString();
  }
  if (v.kind === 'call' && /(^|\.)days_ago$/.test(v.callee)) {
    return null;
  }
  return null;
}

function readSchedule(
  value: PyValue | undefined,
  assignments: Record<string, PyValue>,
  defaultSchedule: ScheduleSpec,
): { schedule: ScheduleSpec; text: string | null } | { error: string } {
  const v = resolve(value, assignments);
  if (v === undefined) {
    return {
      schedule: defaultSchedule,
      text:
        defaultSchedule.kind === 'interval'
          ? `timedelta(seconds=${defaultSchedule.seconds})`
          : null,
    };
  }
  if (v.kind === 'none') return { schedule: { kind: 'none' }, text: null };
  if (v.kind === 'str') {
    const text = v.value.trim();
    if (text === '@once') return { schedule: { kind: 'once' }, text };
    if (CRON_PRESETS.has(text) || text.split(/\s+/).length === 5) {
      return { schedule: { kind: 'cron', expression: text }, text };
    }
    return {
      error: `Traceback (most recent call last):\nairflow.exceptions.AirflowTimetableInvalid: Exception happened in cron expression parsing: ${JSON.stringify(
        text,
      )} is not a preset (@hourly, @daily, @weekly, @monthly, @yearly, @once) or a 5-field cron expression`,
    };
  }
  if (v.kind === 'call' && /(^|\.)timedelta$/.test(v.callee)) {
    const units: Record<string, number> = {
      weeks: 604800,
      days: 86400,
      hours: 3600,
      minutes: 60,
      seconds: 1,
    };
    let seconds = 0;
    const positional = toPlain(v.args[0], assignments);
    if (typeof positional === 'number') seconds += positional * 86400;
    for (const [k, factor] of Object.entries(units)) {
      const n = toPlain(v.kwargs[k], assignments);
      if (typeof n === 'number') seconds += n * factor;
    }
    if (seconds <= 0) {
      return { error: typeError('schedule timedelta must be positive') };
    }
    return {
      schedule: { kind: 'interval', seconds },
      text: `timedelta(seconds=${seconds})`,
    };
  }
  return {
    error: typeError(
      `the sandbox's static DAG rule needs schedule to be None, a preset or cron string, or timedelta(...) with literal arguments; got ${
        v.kind === 'expr' ? v.text : v.kind
      }`,
    ),
  };
}

/** The seconds of a `timedelta(...)` call (or a number of seconds); undefined for anything else. */
function timedeltaSeconds(
  value: PyValue | undefined,
  assignments: Record<string, PyValue>,
): number | undefined {
  const v = resolve(value, assignments);
  if (v?.kind === 'num') return v.value;
  if (v?.kind !== 'call' || !/(^|\.)timedelta$/.test(v.callee))
    return undefined;
  const units: Record<string, number> = {
    weeks: 604800,
    days: 86400,
    hours: 3600,
    minutes: 60,
    seconds: 1,
  };
  let seconds = 0;
  const positional = toPlain(v.args[0], assignments);
  if (typeof positional === 'number') seconds += positional * 86400;
  for (const [k, factor] of Object.entries(units)) {
    const n = toPlain(v.kwargs[k], assignments);
    if (typeof n === 'number') seconds += n * factor;
  }
  return seconds;
}

/** One entry of a dict literal (or a name bound to one). */
function dictEntry(
  value: PyValue | undefined,
  key: string,
  assignments: Record<string, PyValue>,
): PyValue | undefined {
  const v = resolve(value, assignments);
  if (v?.kind !== 'dict') return undefined;
  return v.entries.find(([k]) => k.kind === 'str' && k.value === key)?.[1];
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined && v !== null) out[k] = String(v);
    }
  }
  return out;
}

function readEnvVars(
  value: PyValue | undefined,
  assignments: Record<string, PyValue>,
): Record<string, string> {
  const v = resolve(value, assignments);
  if (!v) return {};
  if (v.kind === 'dict') return stringRecord(toPlain(v, assignments));
  if (v.kind === 'list') {
    const out: Record<string, string> = {};
    for (const item of v.items) {
      const call = resolve(item, assignments);
      if (call?.kind === 'call' && /V1EnvVar$/.test(call.callee)) {
        const name = toPlain(call.kwargs.name ?? call.args[0], assignments);
        const val = toPlain(call.kwargs.value ?? call.args[1], assignments);
        if (typeof name === 'string')
          out[name] = val === null || val === undefined ? '' : String(val);
      }
    }
    return out;
  }
  return {};
}

function readPullSecrets(
  value: PyValue | undefined,
  assignments: Record<string, PyValue>,
): string[] {
  const v = resolve(value, assignments);
  if (!v) return [];
  if (v.kind === 'str') {
    return v.value
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
  }
  if (v.kind === 'list') {
    const names: string[] = [];
    for (const item of v.items) {
      const r = resolve(item, assignments);
      if (r?.kind === 'str') names.push(r.value);
      if (r?.kind === 'call') {
        const name = toPlain(r.kwargs.name ?? r.args[0], assignments);
        if (typeof name === 'string') names.push(name);
      }
    }
    return names;
  }
  return [];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter(v => v !== undefined && v !== null).map(String)
    : [];
}

/** The DAG a KubernetesPodOperator call belongs to, with the defaults its tasks take from `default_args`. */
type OpenDag = {
  spec: DagSpec;
  defaultOwner: string;
  defaultRetries: number;
  defaultRetryDelay: number;
};

type Assignments = Record<string, PyValue>;

/** Reads a `DAG(...)` call; an import error when it cannot be loaded. */
function readDagCall(
  call: PyCall,
  assignments: Assignments,
  airflowMajor: 2 | 3,
): { dag: OpenDag } | { error: string } {
  const kw = call.kwargs;
  const dagId = toPlain(kw.dag_id ?? call.args[0], assignments);
  if (typeof dagId !== 'string' || dagId === '') {
    return {
      error: typeError(
        "DAG.__init__() missing 1 required positional argument: 'dag_id' (the sandbox reads it from a literal dag_id= keyword or first argument)",
      ),
    };
  }
  if (!/^[a-zA-Z0-9_.-]+$/.test(dagId) || dagId.length > 250) {
    return {
      error: `Traceback (most recent call last):\nairflow.exceptions.AirflowException: The key '${dagId}' has to be made of alphanumeric characters, dashes, dots and underscores exclusively`,
    };
  }
  if (airflowMajor === 3 && kw.schedule_interval) {
    return {
      error: typeError(
        "DAG.__init__() got an unexpected keyword argument 'schedule_interval'",
      ),
    };
  }
  const schedule = readSchedule(
    kw.schedule ?? kw.schedule_interval,
    assignments,
    airflowMajor === 2
      ? { kind: 'interval', seconds: 86400 }
      : { kind: 'none' },
  );
  if ('error' in schedule) {
    return { error: schedule.error };
  }
  const defaultArgs = (toPlain(kw.default_args, assignments) ?? {}) as Record<
    string,
    unknown
  >;
  const catchup = toPlain(kw.catchup, assignments);
  const paused = toPlain(kw.is_paused_upon_creation, assignments);
  const maxActive = toPlain(kw.max_active_runs, assignments);
  const spec: DagSpec = {
    dag_id: dagId,
    description: str(toPlain(kw.description, assignments)) ?? null,
    schedule: schedule.schedule,
    scheduleText: schedule.text,
    start_date:
      readDate(kw.start_date, assignments) ??
      readDate(
        (resolve(kw.default_args, assignments) as any)?.entries?.find(
          ([k]: [PyValue]) => k.kind === 'str' && k.value === 'start_date',
        )?.[1],
        assignments,
      ),
    catchup: typeof catchup === 'boolean' ? catchup : airflowMajor === 2,
    is_paused_upon_creation: typeof paused === 'boolean' ? paused : null,
    max_active_runs: typeof maxActive === 'number' ? maxActive : 16,
    tags: stringList(toPlain(kw.tags, assignments)),
    owners: [],
    params: stringRecord(toPlain(kw.params, assignments)),
    tasks: [],
    doc_md: str(toPlain(kw.doc_md, assignments)) ?? null,
  };
  return {
    dag: {
      spec,
      defaultOwner: str(defaultArgs.owner) ?? 'airflow',
      defaultRetries:
        typeof defaultArgs.retries === 'number' ? defaultArgs.retries : 0,
      defaultRetryDelay:
        timedeltaSeconds(
          dictEntry(kw.default_args, 'retry_delay', assignments),
          assignments,
        ) ?? 300,
    },
  };
}

/** Reads a `KubernetesPodOperator(...)` call of `dag`; an import error when it cannot be loaded. */
function readKpoCall(
  call: PyCall,
  assignments: Assignments,
  dag: OpenDag,
): { task: TaskSpec } | { error: string } {
  const kw = call.kwargs;
  const taskId = toPlain(kw.task_id, assignments);
  if (typeof taskId !== 'string' || taskId === '') {
    return {
      error: typeError(
        "BaseOperator.__init__() missing 1 required keyword-only argument: 'task_id'",
      ),
    };
  }
  if (dag.spec.tasks.some(t => t.task_id === taskId)) {
    return {
      error: `Traceback (most recent call last):\nairflow.exceptions.DuplicateTaskIdFound: Task id '${taskId}' has already been added to the DAG`,
    };
  }
  const finish = str(toPlain(kw.on_finish_action, assignments)) ?? 'delete_pod';
  if (!['delete_pod', 'delete_succeeded_pod', 'keep_pod'].includes(finish)) {
    return {
      error: `Traceback (most recent call last):\nValueError: '${finish}' is not a valid OnFinishAction`,
    };
  }
  const getLogs = toPlain(kw.get_logs, assignments);
  const retries = toPlain(kw.retries, assignments);
  const timeout = toPlain(kw.startup_timeout_seconds, assignments);
  const startup = typeof timeout === 'number' ? timeout : 120;
  const scheduleTimeout = toPlain(kw.schedule_timeout_seconds, assignments);
  return {
    task: {
      task_id: taskId,
      owner: str(toPlain(kw.owner, assignments)) ?? dag.defaultOwner,
      retries: typeof retries === 'number' ? retries : dag.defaultRetries,
      retry_delay_seconds:
        timedeltaSeconds(kw.retry_delay, assignments) ?? dag.defaultRetryDelay,
      kpo: {
        namespace: str(toPlain(kw.namespace, assignments)),
        image: str(toPlain(kw.image, assignments)),
        name: str(toPlain(kw.name, assignments)),
        labels: stringRecord(toPlain(kw.labels, assignments)),
        env_vars: readEnvVars(kw.env_vars, assignments),
        service_account_name: str(
          toPlain(kw.service_account_name, assignments),
        ),
        image_pull_secrets: readPullSecrets(kw.image_pull_secrets, assignments),
        on_finish_action: finish as KpoSpec['on_finish_action'],
        get_logs: typeof getLogs === 'boolean' ? getLogs : true,
        cmds: stringList(toPlain(kw.cmds, assignments)),
        arguments: stringList(toPlain(kw.arguments, assignments)),
        startup_timeout_seconds: startup,
        schedule_timeout_seconds:
          typeof scheduleTimeout === 'number' && scheduleTimeout !== 0
            ? scheduleTimeout
            : startup,
      },
    },
  };
}

/**
 * Reads the DAGs of one file by the sandbox's static rule (README, "DAG static-parsing rule"): literal keyword
 * arguments of each `DAG(...)` / `with DAG(...)` call and of the `KubernetesPodOperator(...)` calls that follow it
 * (up to the next `DAG(` call). Module-level `NAME = <literal>` assignments may be referenced by name.
 */
export function parseDagFile(
  source: string,
  options: { airflowMajor: 2 | 3 },
): DagFileResult {
  // Airflow's "DAG discovery safe mode": files without both words are not DAG files.
  const lower = source.toLowerCase();
  if (!lower.includes('airflow') || !lower.includes('dag')) {
    return { dags: [] };
  }
  const { calls, assignments } = scanModule(source, [
    'DAG',
    'KubernetesPodOperator',
  ]);
  const dags: DagSpec[] = [];
  let current: OpenDag | undefined;
  for (const call of calls) {
    if (call.callee === 'DAG') {
      const read = readDagCall(call, assignments, options.airflowMajor);
      if ('error' in read) return { dags: [], error: read.error };
      dags.push(read.dag.spec);
      current = read.dag;
      continue;
    }
    // KubernetesPodOperator
    if (!current) {
      continue;
    }
    const read = readKpoCall(call, assignments, current);
    if ('error' in read) return { dags: [], error: read.error };
    current.spec.tasks.push(read.task);
  }
  for (const dag of dags) {
    const owners = [...new Set(dag.tasks.map(t => t.owner))];
    dag.owners = owners.length > 0 ? owners : ['airflow'];
  }
  return { dags };
}
