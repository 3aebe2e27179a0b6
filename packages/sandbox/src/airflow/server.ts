/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import express, { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { listen, requestLogger, RunningServer, withLatency } from '../http';
import { SandboxLogger } from '../util/logger';
import { AirflowInstance } from './AirflowInstance';
import {
  ApiError,
  likeToRegExp,
  parseAwareDate,
  QueryReader,
  throwIfProblems,
  ValidationItem,
} from './params';
import { pyRepr, Serializer } from './serialize';
import { DagRecord, RunRecord, TaskInstanceRecord } from './types';

/** Options of {@link startAirflowServer}. */
export type AirflowServerOptions = {
  instance: AirflowInstance;
  port?: number;
  latencyMs?: number;
  logger?: SandboxLogger;
  /** API user (Basic auth on Airflow 2, `POST /auth/token` on Airflow 3). Default admin/admin. */
  username?: string;
  password?: string;
  /** Airflow 3 `[api_auth] jwt_expiration_time` in seconds. Default 86400. */
  tokenExpirySeconds?: number;
  /** Signs JWTs, continuation tokens and file tokens. Random per start unless given. */
  secret?: string;
  /** `[api] maximum_page_limit`. Default 100. */
  maximumPageLimit?: number;
};

const V1_ERROR_BASE =
  'https://airflow.apache.org/docs/apache-airflow/2.10.0/stable-rest-api-ref.html#section/Errors/';
const V1_ERROR_TYPES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthenticated',
  403: 'PermissionDenied',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'AlreadyExists',
  500: 'Unknown',
};

const TERMINAL_TI = new Set([
  'success',
  'failed',
  'upstream_failed',
  'skipped',
]);
const RUN_STATES = ['queued', 'running', 'success', 'failed'] as const;

type Handler = (req: Request, res: Response) => unknown;

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

/**
 * Serves one Airflow instance's REST API: `/api/v1` (Airflow 2, Basic auth) or `/api/v2` (Airflow 3, JWT from
 * `POST /auth/token`), with the endpoints listed in the README and each version's error shapes.
 */
export async function startAirflowServer(
  options: AirflowServerOptions,
): Promise<RunningServer> {
  const instance = options.instance;
  const version = instance.apiVersion;
  const v1 = version === 'v1';
  const prefix = v1 ? '/api/v1' : '/api/v2';
  const username = options.username ?? 'admin';
  const password = options.password ?? 'admin';
  const secret = options.secret ?? crypto.randomBytes(32).toString('hex');
  const expiry = options.tokenExpirySeconds ?? 86400;
  const maxLimit = options.maximumPageLimit ?? 100;
  const clock = () => instance.clock.now();
  const ser = new Serializer(instance, secret);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(instance.name, options.logger));
  app.use(withLatency(options.latencyMs));
  app.use(
    express.json({
      limit: '5mb',
      strict: false,
      type: ['application/json', 'application/*+json'],
    }),
  );
  app.use(express.urlencoded({ extended: false }));

  const send = (res: Response, status: number, body: unknown) => {
    res.status(status).json(body);
  };

  const sendError = (res: Response, err: ApiError) => {
    if (v1) {
      res
        .status(err.status)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            detail: err.message,
            status: err.status,
            title: err.title,
            type: `${V1_ERROR_BASE}${V1_ERROR_TYPES[err.status] ?? 'Unknown'}`,
          }),
        );
      return;
    }
    if (err.validation) {
      res.status(err.status).json({
        detail: err.validation.map(({ v1: _v1, ...item }) => item),
      });
      return;
    }
    res.status(err.status).json({ detail: err.message });
  };

  const wrap =
    (fn: Handler) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        await fn(req, res);
      } catch (e) {
        if (e instanceof ApiError) {
          sendError(res, e);
          return;
        }
        next(e);
      }
    };

  // ---------------------------------------------------------------- auth

  const tokens = {
    sign: () => {
      const iat = Math.floor(clock().getTime() / 1000);
      return jwt.sign(
        {
          sub: username,
          role: 'ADMIN',
          iat,
          nbf: iat,
          exp: iat + expiry,
          jti: crypto.randomUUID(),
        },
        secret,
        {
          algorithm: 'HS512',
          audience: 'apache-airflow',
          issuer: instance.name,
        },
      );
    },
    verify: (token: string) =>
      jwt.verify(token, secret, {
        algorithms: ['HS512'],
        audience: 'apache-airflow',
        issuer: instance.name,
        clockTimestamp: Math.floor(clock().getTime() / 1000),
      }),
  };

  const safeEqual = (a: string, b: string) => {
    const ha = crypto.createHash('sha256').update(a).digest();
    const hb = crypto.createHash('sha256').update(b).digest();
    return crypto.timingSafeEqual(ha, hb);
  };

  if (!v1) {
    app.post(
      '/auth/token',
      wrap((req, res) => {
        const body = req.body;
        const problems: ValidationItem[] = [];
        if (!body || typeof body !== 'object' || Array.isArray(body)) {
          throwIfProblems(
            [
              {
                type: 'model_attributes_type',
                loc: ['body'],
                msg: 'Input should be a valid dictionary or object to extract fields from',
                input: body ?? null,
                v1: '',
              },
            ],
            'v2',
          );
        }
        for (const field of ['username', 'password']) {
          if (typeof body[field] !== 'string') {
            problems.push(
              body[field] === undefined
                ? {
                    type: 'missing',
                    loc: ['body', field],
                    msg: 'Field required',
                    input: body,
                    v1: '',
                  }
                : {
                    type: 'string_type',
                    loc: ['body', field],
                    msg: 'Input should be a valid string',
                    input: body[field],
                    v1: '',
                  },
            );
          }
        }
        throwIfProblems(problems, 'v2');
        if (
          !safeEqual(body.username, username) ||
          !safeEqual(body.password, password)
        ) {
          throw new ApiError(401, 'Unauthorized', 'Invalid credentials');
        }
        send(res, 201, { access_token: tokens.sign() });
      }),
    );
  }

  const publicPaths = new Set(
    v1
      ? [`${prefix}/health`, `${prefix}/version`]
      : [`${prefix}/monitor/health`, `${prefix}/version`],
  );

  app.use(prefix, (req, res, next) => {
    if (publicPaths.has(`${prefix}${req.path}`)) {
      next();
      return;
    }
    const header = req.headers.authorization ?? '';
    if (v1) {
      const m = /^Basic\s+(.+)$/i.exec(header);
      const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
      const sep = decoded.indexOf(':');
      if (
        !m ||
        sep < 0 ||
        !safeEqual(decoded.slice(0, sep), username) ||
        !safeEqual(decoded.slice(sep + 1), password)
      ) {
        res.setHeader('WWW-Authenticate', 'Basic');
        sendError(
          res,
          new ApiError(401, 'Unauthorized', 'Invalid credentials'),
        );
        return;
      }
      next();
      return;
    }
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendError(res, new ApiError(401, 'Unauthorized', 'Not authenticated'));
      return;
    }
    try {
      tokens.verify(m[1].trim());
    } catch (e) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      const expired = e instanceof jwt.TokenExpiredError;
      sendError(
        res,
        new ApiError(
          401,
          'Unauthorized',
          expired ? 'Token has expired' : 'Invalid JWT token',
        ),
      );
      return;
    }
    next();
  });

  // ---------------------------------------------------------------- helpers

  const notFoundDag = (dagId: string) =>
    v1
      ? new ApiError(
          404,
          'DAG not found',
          `DAG with dag_id: '${dagId}' not found`,
        )
      : new ApiError(
          404,
          'Not Found',
          `The Dag with ID: \`${dagId}\` was not found`,
        );

  const getDag = (dagId: string): DagRecord => {
    const dag = instance.dags.get(dagId);
    if (!dag) throw notFoundDag(dagId);
    return dag;
  };

  const getRun = (dagId: string, runId: string): RunRecord => {
    getDag(dagId);
    const run = instance.getRun(dagId, runId);
    if (!run) {
      throw v1
        ? new ApiError(
            404,
            'DAGRun not found',
            `DAGRun with DAG ID: '${dagId}' and DagRun ID: '${runId}' not found`,
          )
        : new ApiError(
            404,
            'Not Found',
            `The DagRun with dag_id: \`${dagId}\` and run_id: \`${runId}\` was not found`,
          );
    }
    return run;
  };

  const page = (q: QueryReader) => {
    const limit = q.int('limit', v1 ? 100 : 50, { min: v1 ? undefined : 0 });
    const offset = q.int('offset', 0, { min: 0 });
    return { limit: Math.min(Math.max(limit, 0), maxLimit), offset };
  };

  const orderBy = <T>(
    q: QueryReader,
    def: string,
    fields: Record<string, (x: T) => string | number | null>,
  ): ((a: T, b: T) => number) => {
    const raw = v1 ? [q.string('order_by') ?? def] : q.list('order_by');
    const keys = raw.length > 0 ? raw : [def];
    const comparators = keys.map(key => {
      const desc = key.startsWith('-');
      const name = desc ? key.slice(1) : key;
      const get = fields[name];
      if (!get) {
        throw v1
          ? new ApiError(
              400,
              'Bad Request',
              `Ordering with '${name}' is disallowed or the attribute does not exist on the model`,
            )
          : new ApiError(
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
  };

  // ---------------------------------------------------------------- monitor

  const health = () => {
    const hb = instance.latestHeartbeat;
    const healthy =
      hb !== null && clock().getTime() - new Date(hb).getTime() < 60_000
        ? 'healthy'
        : 'unhealthy';
    const date = (x: string | null) => (v1 ? x && x.replace('Z', '+00:00') : x);
    return {
      metadatabase: { status: 'healthy' },
      scheduler: { status: healthy, latest_scheduler_heartbeat: date(hb) },
      triggerer: { status: null, latest_triggerer_heartbeat: null },
      dag_processor: v1
        ? { status: null, latest_dag_processor_heartbeat: null }
        : { status: healthy, latest_dag_processor_heartbeat: date(hb) },
    };
  };
  app.get(v1 ? `${prefix}/health` : `${prefix}/monitor/health`, (_req, res) =>
    send(res, 200, health()),
  );
  app.get(`${prefix}/version`, (_req, res) =>
    send(res, 200, { version: instance.airflowVersion, git_version: null }),
  );

  // ---------------------------------------------------------------- DAGs

  app.get(
    `${prefix}/dags`,
    wrap((req, res) => {
      const q = new QueryReader(req.query, version);
      const { limit, offset } = page(q);
      const tags = q.list('tags');
      const paused = q.bool('paused');
      const onlyActive = v1
        ? q.bool('only_active') ?? true
        : !(q.bool('exclude_stale') === false);
      const pattern = q.string('dag_id_pattern');
      const tagsAll =
        !v1 && q.enumOf('tags_match_mode', ['any', 'all'] as const) === 'all';
      const owners = v1 ? [] : q.list('owners');
      const hasImportErrors = v1 ? undefined : q.bool('has_import_errors');
      const cmp = orderBy<DagRecord>(q, 'dag_id', {
        dag_id: d => d.spec.dag_id,
        dag_display_name: d => d.spec.dag_id,
        last_parsed_time: d => d.lastParsed,
        is_paused: d => (d.isPaused ? 1 : 0),
        fileloc: d => d.fileloc,
        ...(v1
          ? {}
          : {
              next_dagrun: (d: DagRecord) =>
                instance.nextDagRun(d)?.logicalDate.toISOString() ?? null,
            }),
      });
      q.done();
      const patterns = pattern
        ? (v1 ? [pattern] : pattern.split('|')).map(p => likeToRegExp(`%${p}%`))
        : undefined;
      const matches = (d: DagRecord) => {
        if (onlyActive && !d.isActive) return false;
        if (paused !== undefined && d.isPaused !== paused) return false;
        if (patterns && !patterns.some(p => p.test(d.spec.dag_id)))
          return false;
        if (tags.length > 0) {
          const ok = tagsAll
            ? tags.every(t => d.spec.tags.includes(t))
            : tags.some(t => d.spec.tags.includes(t));
          if (!ok) return false;
        }
        if (owners.length > 0 && !owners.some(o => d.spec.owners.includes(o)))
          return false;
        if (
          hasImportErrors !== undefined &&
          ser.hasImportErrors(d) !== hasImportErrors
        )
          return false;
        return true;
      };
      const selected: DagRecord[] = [];
      for (const id of instance.sortedDagIds) {
        const d = instance.dags.get(id)!;
        if (matches(d)) selected.push(d);
      }
      const rawOrder = v1 ? q.string('order_by') : q.list('order_by').join(',');
      if (rawOrder && rawOrder !== 'dag_id') selected.sort(cmp);
      send(res, 200, {
        dags: selected.slice(offset, offset + limit).map(d => ser.dag(d)),
        total_entries: selected.length,
      });
    }),
  );

  app.get(
    `${prefix}/dags/:dag_id`,
    wrap((req, res) => send(res, 200, ser.dag(getDag(req.params.dag_id)))),
  );
  app.get(
    `${prefix}/dags/:dag_id/details`,
    wrap((req, res) =>
      send(res, 200, ser.dagDetails(getDag(req.params.dag_id))),
    ),
  );

  app.get(
    `${prefix}/dags/:dag_id/tasks`,
    wrap((req, res) => {
      const dag = getDag(req.params.dag_id);
      const q = new QueryReader(req.query, version);
      const order = q.string('order_by') ?? 'task_id';
      q.done();
      const key = order.replace(/^-/, '');
      if (!['task_id', 'owner', 'retries', 'start_date'].includes(key)) {
        throw new ApiError(
          400,
          'Bad Request',
          `Ordering with '${key}' is disallowed or the attribute does not exist on the model`,
        );
      }
      const tasks = dag.spec.tasks
        .map(t => ser.task(dag, t))
        .sort((a, b) => {
          const c = String(a[key]).localeCompare(String(b[key]));
          return order.startsWith('-') ? -c : c;
        });
      send(res, 200, { tasks, total_entries: tasks.length });
    }),
  );

  app.patch(
    `${prefix}/dags/:dag_id`,
    wrap((req, res) => {
      const q = new QueryReader(req.query, version);
      const mask = q
        .list('update_mask')
        .flatMap(m => m.split(','))
        .map(m => m.trim())
        .filter(Boolean);
      q.done();
      const dag = getDag(req.params.dag_id);
      const body = req.body;
      const problems: ValidationItem[] = [];
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        problems.push({
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: body ?? null,
          v1: `${JSON.stringify(body ?? null)} is not of type 'object'`,
        });
      } else {
        if (!v1) {
          for (const key of Object.keys(body)) {
            if (key !== 'is_paused') {
              problems.push({
                type: 'extra_forbidden',
                loc: ['body', key],
                msg: 'Extra inputs are not permitted',
                input: body[key],
                v1: '',
              });
            }
          }
        }
        if (body.is_paused === undefined) {
          problems.push({
            type: 'missing',
            loc: ['body', 'is_paused'],
            msg: 'Field required',
            input: body,
            v1: "'is_paused' is a required property",
          });
        } else if (typeof body.is_paused !== 'boolean') {
          problems.push({
            type: 'bool_type',
            loc: ['body', 'is_paused'],
            msg: 'Input should be a valid boolean',
            input: body.is_paused,
            v1: `${JSON.stringify(
              body.is_paused,
            )} is not of type 'boolean' - 'is_paused'`,
          });
        }
      }
      throwIfProblems(problems, version);
      if (mask.length > 0 && mask.some(m => m !== 'is_paused')) {
        throw new ApiError(
          400,
          'Bad Request',
          'Only `is_paused` field can be updated through the REST API',
        );
      }
      instance.setPaused(dag.spec.dag_id, body.is_paused);
      send(res, 200, ser.dag(dag));
    }),
  );

  // ---------------------------------------------------------------- DAG runs

  app.get(
    `${prefix}/dags/:dag_id/dagRuns`,
    wrap((req, res) => {
      const dagId = req.params.dag_id;
      if (dagId !== '~') getDag(dagId);
      const q = new QueryReader(req.query, version);
      const { limit, offset } = page(q);
      const states = q.list('state');
      for (const s of states) {
        if (!(RUN_STATES as readonly string[]).includes(s)) {
          q.problems.push({
            type: 'enum',
            loc: ['query', 'state'],
            msg: "Input should be 'queued', 'running', 'success' or 'failed'",
            input: s,
            v1: `'${s}' is not one of ['queued', 'running', 'success', 'failed'] - 'state'`,
          });
        }
      }
      const runTypes = v1 ? [] : q.list('run_type');
      const ranges: Array<[string, (r: RunRecord) => string | null]> = v1
        ? [
            ['execution_date', r => r.logical_date],
            ['start_date', r => r.start_date],
            ['end_date', r => r.end_date],
          ]
        : [
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
      const cmp = orderBy<RunRecord>(q, 'id', {
        id: r => r.id,
        state: r => r.state,
        dag_id: r => r.dag_id,
        dag_run_id: r => r.run_id,
        run_id: r => r.run_id,
        run_after: r => r.run_after,
        start_date: r => r.start_date,
        end_date: r => r.end_date,
        ...(v1
          ? {
              execution_date: (r: RunRecord) => r.logical_date,
              external_trigger: (r: RunRecord) => r.run_type,
            }
          : {
              logical_date: (r: RunRecord) => r.logical_date,
              run_type: (r: RunRecord) => r.run_type,
            }),
      });
      q.done();
      const selected = instance.runs.filter(r => {
        if (dagId !== '~' && r.dag_id !== dagId) return false;
        if (states.length > 0 && !states.includes(r.state)) return false;
        if (runTypes.length > 0 && !runTypes.includes(r.run_type)) return false;
        for (const b of bounds) {
          const v = b.get(r);
          if (b.gte && (!v || new Date(v) < b.gte)) return false;
          if (b.lte && (!v || new Date(v) > b.lte)) return false;
        }
        return true;
      });
      selected.sort(cmp);
      send(res, 200, {
        dag_runs: selected.slice(offset, offset + limit).map(r => ser.run(r)),
        total_entries: selected.length,
      });
    }),
  );

  app.get(
    `${prefix}/dags/:dag_id/dagRuns/:run_id`,
    wrap((req, res) =>
      send(res, 200, ser.run(getRun(req.params.dag_id, req.params.run_id))),
    ),
  );

  app.post(
    `${prefix}/dags/:dag_id/dagRuns`,
    wrap((req, res) => {
      const dag = getDag(req.params.dag_id);
      const body = req.body;
      const problems: ValidationItem[] = [];
      const item = (
        type: string,
        field: string,
        msg: string,
        input: unknown,
        v1msg: string,
      ): ValidationItem => ({
        type,
        loc: ['body', field],
        msg,
        input,
        v1: v1msg,
      });
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throwIfProblems(
          [
            {
              type: 'model_attributes_type',
              loc: ['body'],
              msg: 'Input should be a valid dictionary or object to extract fields from',
              input: body ?? null,
              v1: `${JSON.stringify(body ?? null)} is not of type 'object'`,
            },
          ],
          version,
        );
      }
      const allowed = v1
        ? [
            'dag_run_id',
            'logical_date',
            'execution_date',
            'conf',
            'note',
            'data_interval_start',
            'data_interval_end',
          ]
        : [
            'dag_run_id',
            'logical_date',
            'run_after',
            'data_interval_start',
            'data_interval_end',
            'conf',
            'note',
            'partition_key',
          ];
      const readOnly = [
        'dag_id',
        'state',
        'run_type',
        'start_date',
        'end_date',
        'external_trigger',
        'last_scheduling_decision',
      ];
      for (const key of Object.keys(body)) {
        if (allowed.includes(key)) continue;
        if (v1) {
          if (readOnly.includes(key)) {
            problems.push(
              item(
                'read_only',
                key,
                '',
                body[key],
                `Property is read-only - '${key}'`,
              ),
            );
          }
        } else {
          problems.push(
            item(
              'extra_forbidden',
              key,
              'Extra inputs are not permitted',
              body[key],
              '',
            ),
          );
        }
      }
      if (!v1 && !('logical_date' in body)) {
        problems.push(
          item('missing', 'logical_date', 'Field required', body, ''),
        );
      }
      const dates: Record<string, Date | null | undefined> = {};
      for (const field of [
        'logical_date',
        'execution_date',
        'run_after',
        'data_interval_start',
        'data_interval_end',
      ]) {
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
      if (v1 && body.conf === null) {
        problems.push(
          item(
            'dict_type',
            'conf',
            '',
            null,
            "None is not of type 'object' - 'conf'",
          ),
        );
      }
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
              `${JSON.stringify(
                body[field],
              )} is not of type 'string' - '${field}'`,
            ),
          );
        }
      }
      throwIfProblems(problems, version);
      if (
        v1 &&
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
      const logical = v1
        ? dates.logical_date ?? dates.execution_date
        : dates.logical_date;
      let logicalDate: string | null | undefined = undefined;
      if (logical !== undefined)
        logicalDate = logical === null ? null : logical.toISOString();
      try {
        const run = instance.trigger(dag.spec.dag_id, {
          run_id: body.dag_run_id ?? undefined,
          logical_date: logicalDate,
          conf: body.conf ?? {},
          note: body.note ?? null,
          user: username,
        });
        send(res, 200, ser.run(run));
      } catch (e) {
        if ((e as { conflict?: boolean }).conflict) {
          throw new ApiError(409, (e as Error).message, (e as Error).message);
        }
        throw e;
      }
    }),
  );

  // ---------------------------------------------------------------- task instances and logs

  app.get(
    `${prefix}/dags/:dag_id/dagRuns/:run_id/taskInstances`,
    wrap((req, res) => {
      const { dag_id: dagId, run_id: runId } = req.params;
      if (dagId !== '~' && runId !== '~') getRun(dagId, runId);
      else if (dagId !== '~') getDag(dagId);
      const q = new QueryReader(req.query, version);
      const { limit, offset } = page(q);
      const states = q.list('state');
      q.done();
      const selected = instance.taskInstances.filter(
        t =>
          (dagId === '~' || t.dag_id === dagId) &&
          (runId === '~' || t.run_id === runId) &&
          (states.length === 0 ||
            states.includes(String(t.state ?? (v1 ? 'none' : 'null')))),
      );
      send(res, 200, {
        task_instances: selected
          .slice(offset, offset + limit)
          .map(t => ser.taskInstance(t)),
        total_entries: selected.length,
      });
    }),
  );

  const signToken = (data: { log_pos: number; end_of_log: boolean }) => {
    const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
    const sig = crypto
      .createHmac('sha1', secret)
      .update(payload)
      .digest('base64url');
    return `${payload}.${sig}`;
  };
  const readToken = (
    token: string,
  ): { log_pos: number; end_of_log: boolean } => {
    const [payload, sig] = token.split('.');
    const expected = payload
      ? crypto.createHmac('sha1', secret).update(payload).digest('base64url')
      : '';
    if (!payload || !sig || sig !== expected) {
      throw new ApiError(
        400,
        'Bad Request',
        'Bad Signature. Please use only the tokens provided by the API.',
      );
    }
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  };

  app.get(
    `${prefix}/dags/:dag_id/dagRuns/:run_id/taskInstances/:task_id/logs/:try`,
    wrap((req, res) => {
      const { dag_id: dagId, run_id: runId, task_id: taskId } = req.params;
      const tryText = req.params.try;
      if (!/^\d+$/.test(tryText)) {
        throwIfProblems(
          [
            {
              type: 'int_parsing',
              loc: ['path', 'try_number'],
              msg: 'Input should be a valid integer, unable to parse string as an integer',
              input: tryText,
              v1: `'${tryText}' is not of type 'integer' - 'task_try_number'`,
            },
          ],
          version,
        );
      }
      const tryNumber = Number(tryText);
      const q = new QueryReader(req.query, version);
      const fullContent = q.bool('full_content') ?? false;
      q.int('map_index', -1);
      const token = q.string('token');
      q.done();
      const run = getRun(dagId, runId);
      const ti = instance.taskInstancesOf(run).find(t => t.task_id === taskId);
      if (!ti) {
        throw v1
          ? new ApiError(
              404,
              'TaskInstance not found',
              'Task instance did not exist in the DB',
            )
          : new ApiError(404, 'Not Found', 'TaskInstance not found');
      }
      const entries = ti.logs[String(tryNumber)] ?? [];
      const endOfLog =
        TERMINAL_TI.has(String(ti.state)) || tryNumber < ti.try_number;
      const start = token && !fullContent ? readToken(token).log_pos : 0;
      const logPath = `/opt/airflow/logs/dag_id=${dagId}/run_id=${runId}/task_id=${taskId}/attempt=${tryNumber}.log`;
      if (v1) {
        const header =
          entries.length > 0
            ? `*** Found local files:\n***   * ${logPath}\n`
            : '';
        const text =
          header + entries.map(e => `${Serializer.textLine(e)}\n`).join('');
        const chunk = text.slice(start);
        if (v1TextWanted(req.headers.accept)) {
          res.status(200).type('text/plain').send(chunk);
          return;
        }
        send(res, 200, {
          content: `[(${pyRepr(ti.hostname ?? '')}, ${pyRepr(chunk)})]`,
          continuation_token: signToken({
            log_pos: text.length,
            end_of_log: endOfLog,
          }),
        });
        return;
      }
      const structured: Array<Record<string, unknown>> =
        entries.length > 0
          ? [
              {
                event: '::group::Log message source details',
                sources: [logPath],
              },
              { event: '::endgroup::' },
              ...entries.map(e => Serializer.structured(e)),
            ]
          : [];
      const chunk = structured.slice(start);
      const accept = String(req.headers.accept ?? '');
      if (accept.includes('application/x-ndjson')) {
        res
          .status(200)
          .type('application/x-ndjson')
          .send(
            chunk.map(c => JSON.stringify(c)).join('\n') +
              (chunk.length ? '\n' : ''),
          );
        return;
      }
      send(res, 200, {
        content: chunk,
        continuation_token: signToken({
          log_pos: structured.length,
          end_of_log: endOfLog,
        }),
      });
    }),
  );

  // ---------------------------------------------------------------- import errors

  app.get(
    `${prefix}/importErrors`,
    wrap((req, res) => {
      const q = new QueryReader(req.query, version);
      const { limit, offset } = page(q);
      const filenamePattern = v1 ? undefined : q.string('filename_pattern');
      const cmp = orderBy<{ id: number; timestamp: string; filename: string }>(
        q,
        v1 ? 'import_error_id' : 'id',
        {
          id: e => e.id,
          import_error_id: e => e.id,
          timestamp: e => e.timestamp,
          filename: e => e.filename,
        },
      );
      q.done();
      const pattern = filenamePattern
        ? likeToRegExp(`%${filenamePattern}%`)
        : undefined;
      const selected = [...instance.importErrors.values()]
        .filter(e => !pattern || pattern.test(e.relativeFilename))
        .sort(cmp);
      send(res, 200, {
        import_errors: selected
          .slice(offset, offset + limit)
          .map(e => ser.importError(e)),
        total_entries: selected.length,
      });
    }),
  );

  app.get(
    `${prefix}/importErrors/:id`,
    wrap((req, res) => {
      const idText = req.params.id;
      if (!/^\d+$/.test(idText)) {
        throwIfProblems(
          [
            {
              type: 'int_parsing',
              loc: ['path', 'import_error_id'],
              msg: 'Input should be a valid integer, unable to parse string as an integer',
              input: idText,
              v1: `'${idText}' is not of type 'integer' - 'import_error_id'`,
            },
          ],
          version,
        );
      }
      const id = Number(idText);
      const found = [...instance.importErrors.values()].find(e => e.id === id);
      if (!found) {
        throw v1
          ? new ApiError(
              404,
              'Import error not found',
              `The ImportError with import_error_id: \`${id}\` was not found`,
            )
          : new ApiError(
              404,
              'Not Found',
              `The ImportError with import_error_id: \`${id}\` was not found`,
            );
      }
      send(res, 200, ser.importError(found));
    }),
  );

  // ---------------------------------------------------------------- fallbacks

  app.use((req, res) => {
    sendError(
      res,
      new ApiError(
        404,
        'Not Found',
        v1
          ? `The requested URL ${req.path} was not found on the server.`
          : 'Not Found',
      ),
    );
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number; type?: string }).status;
    if (
      status === 400 &&
      (err as { type?: string }).type === 'entity.parse.failed'
    ) {
      if (v1) {
        sendError(
          res,
          new ApiError(400, 'Bad Request', 'Request body must be valid JSON'),
        );
      } else {
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
      }
      return;
    }
    options.logger?.error(`${instance.name} request failed`, {
      error: (err as Error)?.message,
    });
    sendError(
      res,
      new ApiError(
        500,
        'Internal Server Error',
        'The sandbox failed to handle the request; see its log',
      ),
    );
  });

  return listen(app, options.port ?? 0);
}

/** Re-exported for tests: the task-instance record type. */
export type { TaskInstanceRecord };
