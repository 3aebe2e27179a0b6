/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ApiDialect } from '../dialect/types';
import { parseAwareDate, ValidationItem } from '../params';

/** Fields a trigger body may not set (Airflow 2 names them read-only). */
const READ_ONLY_FIELDS = [
  'dag_id',
  'state',
  'run_type',
  'start_date',
  'end_date',
  'external_trigger',
  'last_scheduling_decision',
];

/** The date fields of a trigger body (checked whether or not the version accepts them). */
const DATE_FIELDS = [
  'logical_date',
  'execution_date',
  'run_after',
  'data_interval_start',
  'data_interval_end',
];

/** A validated trigger body. */
export type TriggerBody = {
  dagRunId: string | undefined;
  /** undefined: the version's default (v1 now, v2 none). */
  logicalDate: string | null | undefined;
  conf: Record<string, unknown>;
  note: string | null;
};

function item(
  type: string,
  field: string,
  msg: string,
  input: unknown,
  v1: string,
): ValidationItem {
  return { type, loc: ['body', field], msg, input, v1 };
}

/** Checks the date fields; returns the parsed ones (null and absent kept as such). */
function readDates(body: any, problems: ValidationItem[]) {
  const dates: Record<string, Date | null | undefined> = {};
  for (const field of DATE_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) {
      dates[field] = value;
      continue;
    }
    if (typeof value !== 'string') {
      problems.push(
        item(
          'datetime_type',
          field,
          'Input should be a valid datetime',
          value,
          `${JSON.stringify(value)} is not of type 'string' - '${field}'`,
        ),
      );
      continue;
    }
    const parsed = parseAwareDate(value);
    if (!parsed.ok) {
      problems.push(
        item(
          parsed.type,
          field,
          parsed.msg,
          value,
          `'${value}' is not a 'date-time' - '${field}'`,
        ),
      );
      continue;
    }
    dates[field] = parsed.date;
  }
  return dates;
}

/** The problems of the fields other than dates: unknown fields, logical_date presence, conf and strings. */
function fieldProblems(dialect: ApiDialect, body: any): ValidationItem[] {
  const problems: ValidationItem[] = [];
  const rules = dialect.trigger;
  for (const key of Object.keys(body)) {
    if (rules.fields.includes(key)) continue;
    const problem = dialect.unknownBodyField(key, body[key], READ_ONLY_FIELDS);
    if (problem) problems.push(problem);
  }
  if (rules.logicalDateRequired && !('logical_date' in body)) {
    problems.push(item('missing', 'logical_date', 'Field required', body, ''));
  }
  return problems;
}

function valueProblems(dialect: ApiDialect, body: any): ValidationItem[] {
  const problems: ValidationItem[] = [];
  if (
    body.conf !== undefined &&
    body.conf !== null &&
    (typeof body.conf !== 'object' || Array.isArray(body.conf))
  ) {
    problems.push(
      item(
        'dict_type',
        'conf',
        'Input should be a valid dictionary',
        body.conf,
        `${JSON.stringify(body.conf)} is not of type 'object' - 'conf'`,
      ),
    );
  }
  const nullConf = dialect.trigger.nullConfProblem;
  if (nullConf && body.conf === null) problems.push(nullConf);
  for (const field of ['dag_run_id', 'note']) {
    if (
      body[field] !== undefined &&
      body[field] !== null &&
      typeof body[field] !== 'string'
    ) {
      problems.push(
        item(
          'string_type',
          field,
          'Input should be a valid string',
          body[field],
          `${JSON.stringify(body[field])} is not of type 'string' - '${field}'`,
        ),
      );
    }
  }
  return problems;
}

/**
 * Reads a `POST /dags/{dag_id}/dagRuns` body by the version's rules, collecting every problem before throwing them
 * in the version's error shape (`reject`).
 */
export function readTriggerBody(
  dialect: ApiDialect,
  body: any,
  reject: (problems: ValidationItem[]) => void,
): TriggerBody {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    reject([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body ?? null,
        v1: `${JSON.stringify(body ?? null)} is not of type 'object'`,
      },
    ]);
  }
  const problems = fieldProblems(dialect, body);
  const dates = readDates(body, problems);
  problems.push(...valueProblems(dialect, body));
  reject(problems);
  const logical = dialect.trigger.logicalDate(dates);
  let logicalDate: string | null | undefined = undefined;
  if (logical !== undefined)
    logicalDate = logical === null ? null : logical.toISOString();
  return {
    dagRunId: body.dag_run_id ?? undefined,
    logicalDate,
    conf: body.conf ?? {},
    note: body.note ?? null,
  };
}
