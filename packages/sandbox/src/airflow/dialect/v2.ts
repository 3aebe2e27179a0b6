/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ApiError } from '../params';
import { v2LogMessage } from '../logFormat';
import { DagRecord, RunRecord } from '../types';
import { ApiDialect } from './types';

/** Airflow 3's REST API (`/api/v2`, FastAPI): JWTs, `{detail}` errors with pydantic's 422s, structured logs. */
export const v2Dialect: ApiDialect = {
  version: 'v2',
  prefix: '/api/v2',
  auth: 'jwt',
  healthPath: '/monitor/health',
  publicPaths: ['/monitor/health', '/version'],

  defaultLimit: 50,
  minLimit: 0,
  orderKeys: q => q.list('order_by'),
  dagFilters(q) {
    const tags = q.list('tags');
    const paused = q.bool('paused');
    const onlyActive = !(q.bool('exclude_stale') === false);
    const pattern = q.string('dag_id_pattern');
    const tagsAll =
      q.enumOf('tags_match_mode', ['any', 'all'] as const) === 'all';
    const owners = q.list('owners');
    const hasImportErrors = q.bool('has_import_errors');
    return {
      tags,
      tagsAll,
      paused,
      onlyActive,
      patterns: pattern ? pattern.split('|') : undefined,
      owners,
      hasImportErrors,
    };
  },
  dagOrderFields: instance => ({
    next_dagrun: (d: DagRecord) =>
      instance.nextDagRun(d)?.logicalDate.toISOString() ?? null,
  }),
  runFilters(q) {
    const runTypes = q.list('run_type');
    const ranges: Array<[string, (r: RunRecord) => string | null]> = [
      ['logical_date', r => r.logical_date],
      ['run_after', r => r.run_after],
      ['start_date', r => r.start_date],
      ['end_date', r => r.end_date],
    ];
    const bounds = ranges.map(([name, get]) => ({
      get,
      gte: q.date(`${name}_gte`),
      lte: q.date(`${name}_lte`),
    }));
    return { runTypes, bounds };
  },
  runOrderFields: {
    logical_date: r => r.logical_date,
    run_type: r => r.run_type,
  },
  noStateName: 'null',
  importErrorFilenamePattern: q => q.string('filename_pattern'),
  importErrorDefaultOrder: 'id',

  unknownBodyField: (key, value) => ({
    type: 'extra_forbidden',
    loc: ['body', key],
    msg: 'Extra inputs are not permitted',
    input: value,
    v1: '',
  }),
  trigger: {
    fields: [
      'dag_run_id',
      'logical_date',
      'run_after',
      'data_interval_start',
      'data_interval_end',
      'conf',
      'note',
      'partition_key',
    ],
    nullConfProblem: undefined,
    logicalDateRequired: true,
    logicalDate: dates => dates.logical_date,
  },

  sendError(res, err) {
    if (err.validation) {
      res.status(err.status).json({
        detail: err.validation.map(({ v1: _v1, ...item }) => item),
      });
      return;
    }
    res.status(err.status).json({ detail: err.message });
  },
  sendInvalidJson(res) {
    res.status(422).json({
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', 0],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting value' },
        },
      ],
    });
  },
  dagNotFound: dagId =>
    new ApiError(
      404,
      'Not Found',
      `The Dag with ID: \`${dagId}\` was not found`,
    ),
  runNotFound: (dagId, runId) =>
    new ApiError(
      404,
      'Not Found',
      `The DagRun with dag_id: \`${dagId}\` and run_id: \`${runId}\` was not found`,
    ),
  taskInstanceNotFound: () =>
    new ApiError(404, 'Not Found', 'TaskInstance not found'),
  importErrorNotFound: id =>
    new ApiError(
      404,
      'Not Found',
      `The ImportError with import_error_id: \`${id}\` was not found`,
    ),
  routeNotFound: () => new ApiError(404, 'Not Found', 'Not Found'),

  /** `{content: StructuredLogMessage[], continuation_token}`, or one message per line for `application/x-ndjson`. */
  sendLog(res, log) {
    const structured: Array<Record<string, unknown>> =
      log.entries.length > 0
        ? [
            {
              event: '::group::Log message source details',
              sources: [log.logPath],
            },
            { event: '::endgroup::' },
            ...log.entries.map(e => v2LogMessage(e)),
          ]
        : [];
    const chunk = structured.slice(log.start);
    if (String(log.accept ?? '').includes('application/x-ndjson')) {
      res
        .status(200)
        .type('application/x-ndjson')
        .send(
          chunk.map(c => JSON.stringify(c)).join('\n') +
            (chunk.length ? '\n' : ''),
        );
      return;
    }
    res.status(200).json({
      content: chunk,
      continuation_token: log.sign({
        log_pos: structured.length,
        end_of_log: log.endOfLog,
      }),
    });
  },
};
