/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { NextFunction, Request, Response } from 'express';
import type { AirflowInstance } from '../AirflowInstance';
import { ApiDialect, OrderFields } from '../dialect/types';
import {
  ApiError,
  QueryReader,
  throwIfProblems,
  ValidationItem,
} from '../params';
import { Serializer } from '../serialize';
import { DagRecord, RunRecord } from '../types';

/** A route handler; an {@link ApiError} it throws is sent in the version's error shape. */
export type Handler = (req: Request, res: Response) => unknown;

/** What every route module of one server shares: the instance, the version's dialect and serialiser, helpers. */
export class ApiContext {
  constructor(
    readonly instance: AirflowInstance,
    readonly dialect: ApiDialect,
    readonly ser: Serializer,
    private readonly options: {
      /** The API user (runs it triggers name it as triggering user). */
      username: string;
      /** `[api] maximum_page_limit`. */
      maximumPageLimit: number;
    },
  ) {}

  get username(): string {
    return this.options.username;
  }

  get version(): 'v1' | 'v2' {
    return this.dialect.version;
  }

  /** Adapts a handler to express: ApiErrors become error responses, other failures go to the error handler. */
  wrap(fn: Handler) {
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        await fn(req, res);
      } catch (e) {
        if (e instanceof ApiError) {
          this.dialect.sendError(res, e);
          return;
        }
        next(e);
      }
    };
  }

  send(res: Response, status: number, body: unknown): void {
    res.status(status).json(body);
  }

  /** A reader of the request's query parameters for this version. */
  query(req: Request): QueryReader {
    return new QueryReader(req.query as Record<string, unknown>, this.version);
  }

  /** Throws validation problems in the version's error shape. */
  reject(problems: ValidationItem[]): void {
    throwIfProblems(problems, this.version);
  }

  /** `limit` (capped at `[api] maximum_page_limit`) and `offset`. */
  page(q: QueryReader): { limit: number; offset: number } {
    const limit = q.int('limit', this.dialect.defaultLimit, {
      min: this.dialect.minLimit,
    });
    const offset = q.int('offset', 0, { min: 0 });
    return {
      limit: Math.min(Math.max(limit, 0), this.options.maximumPageLimit),
      offset,
    };
  }

  /** The comparator of `order_by` (`-key` descending; unknown keys → 400). */
  orderBy<T>(
    q: QueryReader,
    def: string,
    fields: OrderFields<T>,
  ): (a: T, b: T) => number {
    const raw = this.dialect.orderKeys(q);
    const keys = raw.length > 0 ? raw : [def];
    const comparators = keys.map(key => {
      const desc = key.startsWith('-');
      const name = desc ? key.slice(1) : key;
      const get = fields[name];
      if (!get) {
        throw new ApiError(
          400,
          'Bad Request',
          `Ordering with '${name}' is disallowed or the attribute does not exist on the model`,
        );
      }
      return (a: T, b: T) => {
        const x = get(a);
        const y = get(b);
        let c = 0;
        if (x === y) c = 0;
        else if (x === null) c = 1;
        else if (y === null) c = -1;
        else c = x < y ? -1 : 1;
        return desc ? -c : c;
      };
    });
    return (a, b) => {
      for (const c of comparators) {
        const r = c(a, b);
        if (r !== 0) return r;
      }
      return 0;
    };
  }

  /** A DAG, or the version's 404. */
  dag(dagId: string): DagRecord {
    const dag = this.instance.dags.get(dagId);
    if (!dag) throw this.dialect.dagNotFound(dagId);
    return dag;
  }

  /** A run of an existing DAG, or the version's 404. */
  run(dagId: string, runId: string): RunRecord {
    this.dag(dagId);
    const run = this.instance.getRun(dagId, runId);
    if (!run) throw this.dialect.runNotFound(dagId, runId);
    return run;
  }
}
