/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { tiRepr } from './kpoText';
import { DagRecord, LogEntry, RunRecord, TaskInstanceRecord } from './types';

/**
 * The worker pod's own log (`kubectl logs <worker> -c base`): Airflow 2's `airflow tasks run --local` text lines,
 * Airflow 3's `execute_workload` JSON lines (it logs to stdout as JSON and copies the task's lines there too).
 */

const SITE = '/home/airflow/.local/lib/python3.12/site-packages';
const BUNDLE = { name: 'dags-folder', version: null };

/** Airflow 2's `[2026-06-01T12:30:00.123+0000] {file.py:12} INFO - message`. */
function textLine(
  now: Date,
  source: string,
  level: string,
  message: string,
): string {
  return `[${now
    .toISOString()
    .replace('Z', '+0000')}] {${source}} ${level} - ${message}`;
}

/** Airflow 3's JSON log line (structlog's JSON renderer). */
export function jsonLine(
  now: Date,
  level: string,
  event: string,
  logger: string,
  fields: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    timestamp: now.toISOString().replace(/Z$/, '000Z'),
    level,
    event,
    ...fields,
    logger,
  });
}

/** A task-log line as the Airflow 3 worker copies it to stdout. */
export function taskLineJson(entry: LogEntry): string {
  return jsonLine(
    new Date(entry.timestamp),
    entry.level,
    entry.event,
    entry.logger,
  );
}

/** Where the worker looks for the DAG file (the scheduler's path: `…/dags/repo/<subPath>/<file>`). */
function dagPaths(dag: DagRecord | undefined, dagId: string) {
  const file = dag?.fileloc ?? `/opt/airflow/dags/repo/dags/${dagId}.py`;
  const relative = dag?.relativeFileloc ?? `${dagId}.py`;
  const folder = file.endsWith(`/${relative}`)
    ? file.slice(0, -relative.length - 1)
    : file.slice(0, file.lastIndexOf('/'));
  return { file, relative, folder };
}

/** The first lines of a worker that found its DAG. */
export function workerStartLines(options: {
  airflowMajor: 2 | 3;
  release: string;
  now: Date;
  run: RunRecord;
  ti: TaskInstanceRecord;
  dag: DagRecord | undefined;
  podName: string;
}): string[] {
  const { now, ti, run, dag, podName } = options;
  const { file, relative } = dagPaths(dag, ti.dag_id);
  if (options.airflowMajor === 2) {
    return [
      textLine(
        now,
        'dagbag.py:588',
        'INFO',
        `Filling up the DagBag from ${file}`,
      ),
      textLine(
        now,
        'task_command.py:467',
        'INFO',
        `Running ${tiRepr({ ...ti, state: 'queued' })} on host ${podName}`,
      ),
    ];
  }
  return workloadLines(options.release, now, ti, run, relative);
}

/** Airflow 3's `execute_workload` start: the workload and the execution API it reports to. */
function workloadLines(
  release: string,
  now: Date,
  ti: TaskInstanceRecord,
  run: RunRecord,
  relative: string,
): string[] {
  const workload = `ExecuteTask(ti=TaskInstance(id=UUID('${ti.id}'), task_id='${ti.task_id}', dag_id='${ti.dag_id}', run_id='${run.run_id}', try_number=${ti.try_number}, map_index=-1), dag_rel_path=PurePosixPath('${relative}'), bundle_info=BundleInfo(name='dags-folder', version=None), log_path='dag_id=${ti.dag_id}/run_id=${run.run_id}/task_id=${ti.task_id}/attempt=${ti.try_number}.log', type='ExecuteTask')`;
  return [
    jsonLine(now, 'info', 'Executing task workload', '__main__', { workload }),
    jsonLine(now, 'info', 'Connecting to server:', '__main__', {
      server: `http://${release}-api-server:8080/execution/`,
    }),
  ];
}

/** The log of a worker whose pod has no DAG files: Airflow 2's AirflowException, Airflow 3's start-up error. */
export function dagNotFoundLines(options: {
  airflowMajor: 2 | 3;
  release: string;
  now: Date;
  run: RunRecord;
  ti: TaskInstanceRecord;
  dag: DagRecord | undefined;
}): string[] {
  const { now, ti, run, dag } = options;
  const { file, relative, folder } = dagPaths(dag, ti.dag_id);
  if (options.airflowMajor === 3) {
    return [
      ...workloadLines(options.release, now, ti, run, relative),
      jsonLine(now, 'error', 'Dag not found during start up', 'task', {
        dag_id: ti.dag_id,
        bundle: BUNDLE,
        path: relative,
      }),
    ];
  }
  const frame = (path: string, line: number, fn: string, code: string) => [
    `  File "${path}", line ${line}, in ${fn}`,
    `    ${code}`,
  ];
  return [
    textLine(
      now,
      'dagbag.py:588',
      'INFO',
      `Filling up the DagBag from ${file}`,
    ),
    textLine(
      now,
      'cli.py:252',
      'WARNING',
      `Dag '${ti.dag_id}' not found in path ${file}; trying path ${folder}`,
    ),
    textLine(
      now,
      'dagbag.py:588',
      'INFO',
      `Filling up the DagBag from ${folder}`,
    ),
    'Traceback (most recent call last):',
    ...frame(
      '/home/airflow/.local/bin/airflow',
      8,
      '<module>',
      'sys.exit(main())',
    ),
    ...frame(`${SITE}/airflow/__main__.py`, 62, 'main', 'args.func(args)'),
    ...frame(
      `${SITE}/airflow/cli/cli_config.py`,
      49,
      'command',
      'return func(*args, **kwargs)',
    ),
    ...frame(
      `${SITE}/airflow/utils/cli.py`,
      115,
      'wrapper',
      'return f(*args, **kwargs)',
    ),
    ...frame(
      `${SITE}/airflow/cli/commands/task_command.py`,
      441,
      'task_run',
      '_dag = get_dag(args.subdir, args.dag_id, args.read_from_db)',
    ),
    ...frame(
      `${SITE}/airflow/utils/cli.py`,
      258,
      'get_dag',
      'raise AirflowException(',
    ),
    `airflow.exceptions.AirflowException: Dag '${ti.dag_id}' could not be found; either it does not exist or it failed to parse.`,
  ];
}
