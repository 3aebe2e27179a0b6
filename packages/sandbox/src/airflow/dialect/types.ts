/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Response } from 'express';
import type { AirflowInstance } from '../AirflowInstance';
import { ApiError, QueryReader, ValidationItem } from '../params';
import { DagRecord, LogEntry, RunRecord } from '../types';

/** Sort keys of a listing: `order_by` names → the value compared (null sorts last). */
export type OrderFields<T> = Record<string, (x: T) => string | number | null>;

/** The filters of `GET /dags`, as each version names them. */
export type DagFilters = {
  tags: string[];
  /** Every tag must match (v2 `tags_match_mode=all`) instead of any. */
  tagsAll: boolean;
  paused: boolean | undefined;
  /** Only DAGs still defined by a file (v1 `only_active`, v2 `exclude_stale`). */
  onlyActive: boolean;
  /** SQL LIKE patterns, any of which must be contained in the dag_id. */
  patterns: string[] | undefined;
  owners: string[];
  hasImportErrors: boolean | undefined;
};

/** A date-range filter of `GET /dags/{dag_id}/dagRuns`. */
export type RunDateBound = {
  get: (r: RunRecord) => string | null;
  gte: Date | undefined;
  lte: Date | undefined;
};

/** The rules of `POST /dags/{dag_id}/dagRuns` bodies. */
export type TriggerRules = {
  /** The body fields the version accepts. */
  fields: string[];
  /** The version's validation problem for `conf: null`, if null is refused. */
  nullConfProblem: ValidationItem | undefined;
  /** Whether `logical_date` must be present (it may be null). */
  logicalDateRequired: boolean;
  /** The logical date of the run from the validated dates (undefined: the version's default). */
  logicalDate(
    dates: Record<string, Date | null | undefined>,
  ): Date | null | undefined;
};

/** One try's task log, ready to be sent from `start` on (a continuation token's position). */
export type LogView = {
  entries: LogEntry[];
  start: number;
  hostname: string | null;
  /** The log file's path in the worker, shown in the log header. */
  logPath: string;
  endOfLog: boolean;
  accept: string | undefined;
  /** Signs a continuation token. */
  sign: (data: { log_pos: number; end_of_log: boolean }) => string;
};

/**
 * What one REST API version does differently on the wire besides the record shapes (which the Serializer owns):
 * paths and authentication, query parameters, body rules, error bodies and log formats. Route handlers are written
 * once against this interface; `v1.ts` (Airflow 2) and `v2.ts` (Airflow 3) implement it.
 */
export interface ApiDialect {
  readonly version: 'v1' | 'v2';
  readonly prefix: string;
  /** Basic auth (v1) or JWTs from `POST /auth/token` (v2). */
  readonly auth: 'basic' | 'jwt';
  /** The health endpoint, under the prefix. */
  readonly healthPath: string;
  /** Endpoints answered without credentials, under the prefix. */
  readonly publicPaths: string[];

  /** `limit` default and minimum. */
  readonly defaultLimit: number;
  readonly minLimit: number | undefined;
  /** The `order_by` keys as sent (v1 one value, v2 repeatable). */
  orderKeys(q: QueryReader): string[];
  dagFilters(q: QueryReader): DagFilters;
  dagOrderFields(instance: AirflowInstance): OrderFields<DagRecord>;
  runFilters(q: QueryReader): { runTypes: string[]; bounds: RunDateBound[] };
  readonly runOrderFields: OrderFields<RunRecord>;
  /** How a task-instance `state` filter names "no state yet". */
  readonly noStateName: string;
  importErrorFilenamePattern(q: QueryReader): string | undefined;
  readonly importErrorDefaultOrder: string;

  /** The problem with a body field the endpoint does not accept, if the version reports one. */
  unknownBodyField(
    key: string,
    value: unknown,
    readOnly: string[],
  ): ValidationItem | undefined;
  readonly trigger: TriggerRules;

  sendError(res: Response, err: ApiError): void;
  sendInvalidJson(res: Response): void;
  dagNotFound(dagId: string): ApiError;
  runNotFound(dagId: string, runId: string): ApiError;
  taskInstanceNotFound(): ApiError;
  importErrorNotFound(id: number): ApiError;
  routeNotFound(path: string): ApiError;

  sendLog(res: Response, log: LogView): void;
}
