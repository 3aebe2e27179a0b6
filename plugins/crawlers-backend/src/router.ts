/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { InputError, NotFoundError, toError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  CRAWLERS_DAG_ID_PATTERN,
  crawlersAirflowReadPermission,
  crawlersDagPausePermission,
  crawlersDagTriggerPermission,
  crawlersPodDeletePermission,
} from '@crawler-platform/plugin-crawlers-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { CrawlersBackendSettings, RUN_PAGE_SIZES } from './config';
import type {
  CrawlerAirflowService,
  CrawlerTarget,
} from './services/CrawlerAirflowService';
import type { CrawlerKubernetesService } from './services/CrawlerKubernetesService';
import type { CrawlerDiagnosisService } from './services/CrawlerDiagnosisService';
import type { CrawlerOverviewService } from './services/CrawlerOverviewService';
import { CrawlerTargetResolver, ENTITY_KIND, ENTITY_NAME } from './targets';
/**
 * Airflow run ids such as `manual__2026-01-01T00:00:00+00:00` (Airflow's default `allowed_run_id_pattern` is
 * `^[A-Za-z0-9_.~:+-]+$`); a lone `~` is refused because the API reads it as "every run".
 */
const RUN_ID = /^[A-Za-z0-9_.~:+-]{1,250}$/;
const TASK_ID = /^[A-Za-z0-9_.-]{1,250}$/;

const notDots = (v: string) => v !== '.' && v !== '..';
const notWildcard = (v: string) => v !== '~';

const entityParams = {
  kind: z.string().regex(ENTITY_KIND, 'must be an entity kind'),
  namespace: z.string().regex(ENTITY_NAME, 'must be an entity namespace'),
  name: z.string().regex(ENTITY_NAME, 'must be an entity name'),
};
const dagIdParam = z
  .string()
  .regex(CRAWLERS_DAG_ID_PATTERN, 'must be a DAG id')
  .refine(notDots, 'must be a DAG id');
const runIdParam = z
  .string()
  .regex(RUN_ID, 'must be a DAG run id')
  .refine(v => notDots(v) && notWildcard(v), 'must be a DAG run id');
const taskIdParam = z
  .string()
  .regex(TASK_ID, 'must be a task id')
  .refine(notDots, 'must be a task id');

const entitySchema = z.object(entityParams);
const dagSchema = z.object({ ...entityParams, dagId: dagIdParam });
const runSchema = z.object({
  ...entityParams,
  dagId: dagIdParam,
  runId: runIdParam,
});
const logSchema = z.object({
  ...entityParams,
  dagId: dagIdParam,
  runId: runIdParam,
  taskId: taskIdParam,
  tryNumber: z.coerce.number().int().min(0).max(1000),
});

const runStates = z.enum(['queued', 'running', 'success', 'failed']);
/** The runs query, normalised to a small set of cache keys: fixed page sizes, aligned offsets, sorted states. */
const runsQuery = (maxOffset: number) =>
  z
    .object({
      limit: z.coerce
        .number()
        .int()
        .refine(
          v => (RUN_PAGE_SIZES as readonly number[]).includes(v),
          `must be one of ${RUN_PAGE_SIZES.join(', ')}`,
        )
        .default(25),
      offset: z.coerce
        .number()
        .int()
        .min(0)
        .max(
          maxOffset,
          `must be at most ${maxOffset} (crawlers.limits.maxRunsOffset)`,
        )
        .default(0),
      state: z
        .preprocess(
          v => (typeof v === 'string' ? v.split(',') : v),
          z.array(runStates).max(4),
        )
        .optional()
        .transform(v => (v ? [...new Set(v)].sort() : undefined)),
    })
    .strict()
    .refine(q => q.offset % q.limit === 0, {
      message: 'must be a multiple of limit',
      path: ['offset'],
    });
const logQuery = z
  .object({
    token: z.string().min(1).max(4096).optional(),
    mapIndex: z.coerce.number().int().min(-1).max(1_000_000).optional(),
  })
  .strict();
const emptyQuery = z.object({}).strict();
const triggerBody = z
  .object({
    conf: z.record(z.string(), z.unknown()).optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();
const pauseBody = z.object({ isPaused: z.boolean() }).strict();
const cleanupBody = z.object({}).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues
      .map(i => `${i.path.length ? i.path.join('.') : what} ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return result.data;
}

/** Options of {@link createRouter}. */
export interface RouterOptions {
  auditor: AuditorService;
  httpAuth: HttpAuthService;
  /** Resolves the entity for the caller: catalog lookup with the caller's credentials and the permission check. */
  resolveCrawlerTarget: CrawlerTargetResolver;
  crawlerAirflow: CrawlerAirflowService;
  crawlerKubernetes: CrawlerKubernetesService;
  crawlerOverview: CrawlerOverviewService;
  crawlerDiagnosis: CrawlerDiagnosisService;
  maxConfBytes: number;
  limits: CrawlersBackendSettings['limits'];
}

/** Creates the `/api/crawlers` router. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    auditor,
    httpAuth,
    resolveCrawlerTarget,
    crawlerAirflow,
    crawlerKubernetes,
    crawlerOverview,
    crawlerDiagnosis,
    maxConfBytes,
    limits,
  } = options;
  const router = Router();
  router.use(express.json({ limit: limits.maxRequestBodyBytes }));
  const runsQuerySchema = runsQuery(limits.maxRunsOffset);

  /** Resolves the entity with the caller's credentials, checks the permission and reads the annotations. */
  async function resolveTarget(
    req: express.Request,
    params: { kind: string; namespace: string; name: string },
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<CrawlerTarget> {
    const credentials: BackstageCredentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    return resolveCrawlerTarget(credentials, params, permission);
  }

  function requireDag(target: CrawlerTarget, dagId: string) {
    if (!target.dagIds.includes(dagId)) {
      throw new NotFoundError(
        `DAG "${dagId}" is not one of the DAGs of ${target.entityRef}`,
      );
    }
  }

  /** `GET /entities/:kind/:namespace/:name/<suffix>`: one entity's state, no query parameters, the read permission. */
  function entityRead(
    suffix: string,
    read: (target: CrawlerTarget) => Promise<unknown>,
  ) {
    router.get(
      `/entities/:kind/:namespace/:name/${suffix}`,
      async (req, res) => {
        const params = parse(entitySchema, req.params, 'path');
        parse(emptyQuery, req.query, 'query');
        const target = await resolveTarget(
          req,
          params,
          crawlersAirflowReadPermission,
        );
        res.json(await read(target));
      },
    );
  }

  /** Runs a change as an audit event: its success (with `successMeta` of the result) or its failure. */
  async function audited<R>(
    req: express.Request,
    audit: { eventId: string; meta: JsonObject },
    change: () => Promise<R>,
    successMeta?: (result: R) => JsonObject,
  ): Promise<R> {
    const event = await auditor.createEvent({
      eventId: audit.eventId,
      severityLevel: 'medium',
      request: req,
      meta: audit.meta,
    });
    try {
      const result = await change();
      await event.success(
        successMeta ? { meta: successMeta(result) } : undefined,
      );
      return result;
    } catch (error) {
      await event.fail({ error: toError(error) });
      throw error;
    }
  }

  entityRead('airflow', target => crawlerAirflow.getOverview(target));

  router.get(
    '/entities/:kind/:namespace/:name/dags/:dagId/runs',
    async (req, res) => {
      const params = parse(dagSchema, req.params, 'path');
      const query = parse(runsQuerySchema, req.query, 'query');
      const target = await resolveTarget(
        req,
        params,
        crawlersAirflowReadPermission,
      );
      requireDag(target, params.dagId);
      res.json(
        await crawlerAirflow.listRuns(target, params.dagId, {
          limit: query.limit,
          offset: query.offset,
          states: query.state,
        }),
      );
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/dags/:dagId/runs/:runId/taskInstances',
    async (req, res) => {
      const params = parse(runSchema, req.params, 'path');
      parse(emptyQuery, req.query, 'query');
      const target = await resolveTarget(
        req,
        params,
        crawlersAirflowReadPermission,
      );
      requireDag(target, params.dagId);
      res.json(
        await crawlerAirflow.listTaskInstances(
          target,
          params.dagId,
          params.runId,
        ),
      );
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/dags/:dagId/runs/:runId/taskInstances/:taskId/logs/:tryNumber',
    async (req, res) => {
      const params = parse(logSchema, req.params, 'path');
      const query = parse(logQuery, req.query, 'query');
      const target = await resolveTarget(
        req,
        params,
        crawlersAirflowReadPermission,
      );
      requireDag(target, params.dagId);
      res.json(
        await crawlerAirflow.getTaskLog(
          target,
          params.dagId,
          params.runId,
          params.taskId,
          params.tryNumber,
          { token: query.token, mapIndex: query.mapIndex },
        ),
      );
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/dags/:dagId/runs',
    async (req, res) => {
      const params = parse(dagSchema, req.params, 'path');
      parse(emptyQuery, req.query, 'query');
      const body = parse(triggerBody, req.body ?? {}, 'body');
      if (body.conf) {
        const size = Buffer.byteLength(JSON.stringify(body.conf));
        if (size > maxConfBytes) {
          throw new InputError(
            `Invalid body: conf is ${size} bytes of JSON; the limit is ${maxConfBytes} (crawlers.trigger.maxConfBytes)`,
          );
        }
      }
      const result = await audited(
        req,
        {
          eventId: 'dag-trigger',
          meta: {
            entityRef: stringifyEntityRef(params),
            dagId: params.dagId,
          },
        },
        async () => {
          const target = await resolveTarget(
            req,
            params,
            crawlersDagTriggerPermission,
          );
          requireDag(target, params.dagId);
          return crawlerAirflow.triggerRun(target, params.dagId, body);
        },
        triggered => ({ runId: triggered.run.runId }),
      );
      res.status(201).json(result);
    },
  );

  router.patch(
    '/entities/:kind/:namespace/:name/dags/:dagId',
    async (req, res) => {
      const params = parse(dagSchema, req.params, 'path');
      parse(emptyQuery, req.query, 'query');
      const body = parse(pauseBody, req.body ?? {}, 'body');
      const result = await audited(
        req,
        {
          eventId: 'dag-pause',
          meta: {
            entityRef: stringifyEntityRef(params),
            dagId: params.dagId,
            isPaused: body.isPaused,
          },
        },
        async () => {
          const target = await resolveTarget(
            req,
            params,
            crawlersDagPausePermission,
          );
          requireDag(target, params.dagId);
          return crawlerAirflow.setPaused(target, params.dagId, body.isPaused);
        },
      );
      res.json(result);
    },
  );

  entityRead('pods', target => crawlerKubernetes.listPods(target));

  router.post(
    '/entities/:kind/:namespace/:name/pods/cleanup',
    async (req, res) => {
      const params = parse(entitySchema, req.params, 'path');
      parse(emptyQuery, req.query, 'query');
      parse(cleanupBody, req.body ?? {}, 'body');
      const result = await audited(
        req,
        {
          eventId: 'pod-cleanup',
          meta: { entityRef: stringifyEntityRef(params) },
        },
        async () => {
          const target = await resolveTarget(
            req,
            params,
            crawlersPodDeletePermission,
          );
          return crawlerKubernetes.cleanupPods(target);
        },
        cleaned => ({
          namespace: cleaned.namespace,
          deleted: cleaned.deleted.length,
          pods: cleaned.deleted.map(p => p.name),
          failed: cleaned.errors.filter(e => e.source.startsWith('pod:'))
            .length,
        }),
      );
      res.json(result);
    },
  );

  entityRead('git-sync', target => crawlerKubernetes.getGitSync(target));

  entityRead('overview', target => crawlerOverview.getOverview(target));

  entityRead('diagnosis', target => crawlerDiagnosis.diagnose(target));

  return router;
}
