/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ApiError } from '../params';
import { pyRepr, v1LogLine } from '../logFormat';
import { RunRecord } from '../types';
import { ApiDialect } from './types';

const ERROR_BASE =
  'https://airflow.apache.org/docs/apache-airflow/2.10.0/stable-rest-api-ref.html#section/Errors/';
const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthenticated',
  403: 'PermissionDenied',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'AlreadyExists',
  500: 'Unknown',
};

/**
 * Airflow 2 picks the log format with werkzeug's `best_match(["text/plain", "application/json"])`: no Accept header
 * → JSON; otherwise the type with the higher quality, text/plain on a tie (so `Accept: *\/*` gets text).
 */
export function v1TextWanted(header: string | undefined): boolean {
  if (!header || header.trim() === '') return false;
  const quality = (type: string) => {
    let best = 0;
    let bestSpecificity = -1;
    for (const part of header.split(',')) {
      const [range, ...params] = part.trim().split(';');
      const q = params.map(p => p.trim()).find(p => p.startsWith('q='));
      const value = q ? Number(q.slice(2)) : 1;
      const [t, sub] = range.trim().toLowerCase().split('/');
      const [wantT, wantSub] = type.split('/');
      let specificity = -1;
      if (t === wantT && sub === wantSub) specificity = 2;
      else if (t === wantT && sub === '*') specificity = 1;
      else if (t === '*' && sub === '*') specificity = 0;
      if (specificity > bestSpecificity) {
        bestSpecificity = specificity;
        best = Number.isNaN(value) ? 0 : value;
      }
    }
    return best;
  };
  const text = quality('text/plain');
  const json = quality('application/json');
  return text > 0 && text >= json;
}

/** Airflow 2's REST API (`/api/v1`, connexion): Basic auth, problem+json errors, text logs. */
export const v1Dialect: ApiDialect = {
  version: 'v1',
  prefix: '/api/v1',
  auth: 'basic',
  healthPath: '/health',
  publicPaths: ['/health', '/version'],

  defaultLimit: 100,
  minLimit: undefined,
  orderKeys(q) {
    const key = q.string('order_by');
    return key === undefined ? [] : [key];
  },
  dagFilters(q) {
    const tags = q.list('tags');
    const paused = q.bool('paused');
    const onlyActive = q.bool('only_active') ?? true;
    const pattern = q.string('dag_id_pattern');
    return {
      tags,
      tagsAll: false,
      paused,
      onlyActive,
      patterns: pattern ? [pattern] : undefined,
      owners: [],
      hasImportErrors: undefined,
    };
  },
  dagOrderFields: () => ({}),
  runFilters(q) {
    const ranges: Array<[string, (r: RunRecord) => string | null]> = [
      ['execution_date', r => r.logical_date],
      ['start_date', r => r.start_date],
      ['end_date', r => r.end_date],
    ];
    const bounds = ranges.map(([name, get]) => ({
      get,
      gte: q.date(`${name}_gte`),
      lte: q.date(`${name}_lte`),
    }));
    return { runTypes: [], bounds };
  },
  runOrderFields: {
    execution_date: r => r.logical_date,
    external_trigger: r => r.run_type,
  },
  noStateName: 'none',
  importErrorFilenamePattern: () => undefined,
  importErrorDefaultOrder: 'import_error_id',

  unknownBodyField(key, value, readOnly) {
    if (!readOnly.includes(key)) return undefined;
    return {
      type: 'read_only',
      loc: ['body', key],
      msg: '',
      input: value,
      v1: `Property is read-only - '${key}'`,
    };
  },
  trigger: {
    fields: [
      'dag_run_id',
      'logical_date',
      'execution_date',
      'conf',
      'note',
      'data_interval_start',
      'data_interval_end',
    ],
    nullConfProblem: {
      type: 'dict_type',
      loc: ['body', 'conf'],
      msg: '',
      input: null,
      v1: "None is not of type 'object' - 'conf'",
    },
    logicalDateRequired: false,
    logicalDate(dates) {
      if (
        dates.logical_date &&
        dates.execution_date &&
        dates.logical_date.getTime() !== dates.execution_date.getTime()
      ) {
        throw new ApiError(
          400,
          'Bad Request',
          'logical_date conflicts with execution_date',
        );
      }
      return dates.logical_date ?? dates.execution_date;
    },
  },

  sendError(res, err) {
    res
      .status(err.status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          detail: err.message,
          status: err.status,
          title: err.title,
          type: `${ERROR_BASE}${ERROR_TYPES[err.status] ?? 'Unknown'}`,
        }),
      );
  },
  sendInvalidJson(res) {
    v1Dialect.sendError(
      res,
      new ApiError(400, 'Bad Request', 'Request body must be valid JSON'),
    );
  },
  dagNotFound: dagId =>
    new ApiError(404, 'DAG not found', `DAG with dag_id: '${dagId}' not found`),
  runNotFound: (dagId, runId) =>
    new ApiError(
      404,
      'DAGRun not found',
      `DAGRun with DAG ID: '${dagId}' and DagRun ID: '${runId}' not found`,
    ),
  taskInstanceNotFound: () =>
    new ApiError(
      404,
      'TaskInstance not found',
      'Task instance did not exist in the DB',
    ),
  importErrorNotFound: id =>
    new ApiError(
      404,
      'Import error not found',
      `The ImportError with import_error_id: \`${id}\` was not found`,
    ),
  routeNotFound: path =>
    new ApiError(
      404,
      'Not Found',
      `The requested URL ${path} was not found on the server.`,
    ),

  /**
   * `{content, continuation_token}` where content is the Python repr of `[(hostname, text)]`, or the plain text
   * when the Accept header prefers it.
   */
  sendLog(res, log) {
    const header =
      log.entries.length > 0
        ? `*** Found local files:\n***   * ${log.logPath}\n`
        : '';
    const text = header + log.entries.map(e => `${v1LogLine(e)}\n`).join('');
    const chunk = text.slice(log.start);
    if (v1TextWanted(log.accept)) {
      res.status(200).type('text/plain').send(chunk);
      return;
    }
    res.status(200).json({
      content: `[(${pyRepr(log.hostname ?? '')}, ${pyRepr(chunk)})]`,
      continuation_token: log.sign({
        log_pos: text.length,
        end_of_log: log.endOfLog,
      }),
    });
  },
};
