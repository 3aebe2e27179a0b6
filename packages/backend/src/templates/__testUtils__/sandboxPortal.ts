/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The portal's backend (every feature of src/features.ts) wired to a running sandbox, and the scaffolder task API as
// the frontend drives it: shared by the new-crawler template tests and `yarn bench:scaffolder`.

import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  Sandbox,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_SECRET_ACCESS_KEY,
} from '@crawler-platform/sandbox';
import { features } from '../../features';
import { catalogUserInfo, onBehalfOfAuth } from '../../__testUtils__/auth';

export const repoRoot = path.resolve(__dirname, '../../../../..');
export const newCrawlerTemplateDir = path.join(
  repoRoot,
  'templates/new-crawler',
);

/** The new-crawler template as parsed from templates/. */
export function readNewCrawlerTemplate(): any {
  return parse(
    fs.readFileSync(path.join(newCrawlerTemplateDir, 'template.yaml'), 'utf8'),
  );
}

/** The form as the scaffolder's UI submits it: the required inputs, every other field at its default. */
export function formValues(template: any, required: Record<string, unknown>) {
  const values: Record<string, unknown> = {};
  for (const page of template.spec.parameters) {
    for (const [key, prop] of Object.entries<any>(page.properties)) {
      if (prop.default !== undefined) values[key] = prop.default;
    }
  }
  return { ...values, ...required };
}

/** app-config.yaml pointed at the sandbox's dynamic ports, with the examples and the template as locations. */
export function portalConfig(sandbox: Sandbox) {
  const appConfig = parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  return {
    ...appConfig,
    backend: { ...appConfig.backend, listen: { port: 0 } },
    aws: {
      mainAccount: {
        accessKeyId: SANDBOX_ACCESS_KEY_ID,
        secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
      },
    },
    catalog: {
      ...appConfig.catalog,
      locations: [
        ...['org.yaml', 'entities.yaml'].map(file => ({
          type: 'file',
          target: path.join(repoRoot, 'examples', file),
        })),
        {
          type: 'file',
          target: path.join(newCrawlerTemplateDir, 'template.yaml'),
        },
      ],
    },
    crawlers: {
      ...appConfig.crawlers,
      airflow: {
        ...appConfig.crawlers.airflow,
        instances: appConfig.crawlers.airflow.instances.map((i: any) => ({
          ...i,
          baseUrl: (sandbox.urls as any)[i.name],
          dagRepository: { ...i.dagRepository, endpoint: sandbox.urls.aws },
        })),
      },
      clusters: appConfig.crawlers.clusters.map((c: any) => ({
        ...c,
        endpoint: sandbox.urls.aws,
      })),
      aws: { ...appConfig.crawlers.aws, endpoint: sandbox.urls.aws },
      scaffolder: {
        ...appConfig.crawlers.scaffolder,
        codecommit: {
          ...appConfig.crawlers.scaffolder?.codecommit,
          gitUrl: sandbox.urls.git,
        },
      },
    },
  };
}

/** The portal's backend against the sandbox; resolves once the users, news-crawler and the template are in the catalog. */
export async function startPortal(
  sandbox: Sandbox,
  options: {
    /** Replaces `crawlers.cache` (e.g. a short `runsTtlMs`, so a finished run shows at once). */
    crawlersCache?: Record<string, number>;
  } = {},
): Promise<{ app: any; stop: () => Promise<void> }> {
  const config = portalConfig(sandbox);
  if (options.crawlersCache) {
    config.crawlers.cache = options.crawlersCache;
  }
  const backend = await startTestBackend({
    features: [
      ...features,
      onBehalfOfAuth,
      httpAuthServiceFactory,
      catalogUserInfo,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  const app: any = backend.server;
  await waitForEntities(app, [
    'user/default/guest',
    'user/default/alex',
    'component/default/news-crawler',
    'template/default/new-crawler',
  ]);
  return { app, stop: () => backend.stop() };
}

/** Waits (up to 60 s) until the catalog serves the entities with their relations. */
export async function waitForEntities(app: any, refs: string[]) {
  const ingested = async (ref: string) => {
    const res = await request(app)
      .get(`/api/catalog/entities/by-name/${ref}`)
      .set('Authorization', mockCredentials.service.header());
    return res.status === 200 && res.body.relations?.length > 0;
  };
  for (let i = 0; i < 240; i++) {
    if ((await Promise.all(refs.map(ingested))).every(Boolean)) return true;
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  return false;
}

/** One event of a scaffolder task (GET /v2/tasks/:id/events). */
export type TaskEvent = {
  id: number;
  type: 'log' | 'completion' | 'cancelled' | 'recovered';
  createdAt: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    output?: Record<string, any>;
    error?: { name?: string; message?: string };
  };
};

/** A finished task: its status, every event and its output. */
export type FinishedTask = {
  taskId: string;
  status: string;
  events: TaskEvent[];
  output?: Record<string, any>;
  /** The task log's messages, one a line. */
  log: string;
};

/**
 * Creates a task of a template (POST /v2/tasks, as the scaffolder's UI does) and follows its events (long-polling
 * GET /v2/tasks/:id/events) until it completes or `timeoutMs` passes.
 */
export async function runTemplateTask(
  app: any,
  options: {
    authorization: string;
    templateRef: string;
    values: Record<string, unknown>;
    timeoutMs?: number;
  },
): Promise<FinishedTask> {
  const created = await request(app)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', options.authorization)
    .send({ templateRef: options.templateRef, values: options.values });
  if (created.status !== 201) {
    throw new Error(
      `POST /v2/tasks answered ${created.status}: ${JSON.stringify(
        created.body,
      )}`,
    );
  }
  const taskId: string = created.body.id;
  const events: TaskEvent[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    const after = events.length ? events[events.length - 1].id : undefined;
    const res = await request(app)
      .get(
        `/api/scaffolder/v2/tasks/${taskId}/events${
          after === undefined ? '' : `?after=${after}`
        }`,
      )
      .set('Authorization', options.authorization);
    events.push(...(res.body as TaskEvent[]));
    if (events.some(e => e.type === 'completion' || e.type === 'cancelled')) {
      break;
    }
  }
  const task = await request(app)
    .get(`/api/scaffolder/v2/tasks/${taskId}`)
    .set('Authorization', options.authorization);
  return {
    taskId,
    status: task.body.status,
    events,
    output: events.find(e => e.type === 'completion')?.body.output,
    log: events.map(e => e.body.message ?? '').join('\n'),
  };
}

/** Each step's time from the task log: its `processing` event to its `completed`/`failed`/`skipped` event. */
export function stepTimings(events: TaskEvent[]) {
  const started = new Map<string, number>();
  const timings: Array<{ stepId: string; status: string; ms: number }> = [];
  for (const e of events) {
    const { stepId, status } = e.body;
    if (!stepId || !status) continue;
    const at = Date.parse(e.createdAt);
    if (status === 'processing') {
      started.set(stepId, at);
    } else if (['completed', 'failed', 'skipped'].includes(status)) {
      timings.push({
        stepId,
        status,
        ms: at - (started.get(stepId) ?? at),
      });
    }
  }
  return timings;
}

/** A run state Airflow does not change any more. */
const FINISHED = ['success', 'failed'];

/**
 * The crawler's first run through our backend, as the entity page does it: waits until the DAG is in Airflow
 * (git-sync, then the DAG processor), unpauses it (PATCH), triggers a run (POST) and polls the runs route until
 * the run finished. Resolves with the run as our backend lists it and when each phase ended (epoch ms).
 */
export async function firstRunThroughBackend(
  app: any,
  options: {
    authorization: string;
    entityName: string;
    dagId: string;
    timeoutMs: number;
  },
) {
  const base = `/api/crawlers/entities/component/default/${options.entityName}/dags/${options.dagId}`;
  const deadline = Date.now() + options.timeoutMs;
  const pause = async () =>
    request(app)
      .patch(base)
      .set('Authorization', options.authorization)
      .send({ isPaused: false });
  let unpaused = await pause();
  while (unpaused.status !== 200 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 200));
    unpaused = await pause();
  }
  if (unpaused.status !== 200) {
    throw new Error(
      `the DAG never showed through our backend: ${
        unpaused.status
      } ${JSON.stringify(unpaused.body)}`,
    );
  }
  const dagVisibleAt = Date.now();
  const trigger = await request(app)
    .post(`${base}/runs`)
    .set('Authorization', options.authorization)
    .send({});
  if (trigger.status !== 201) {
    throw new Error(
      `triggering answered ${trigger.status}: ${JSON.stringify(trigger.body)}`,
    );
  }
  const triggeredAt = Date.now();
  const runId: string = trigger.body.run.runId;
  let run: any;
  while (Date.now() < deadline) {
    const runs = await request(app)
      .get(`${base}/runs?limit=100`)
      .set('Authorization', options.authorization);
    run = runs.body.runs?.find((r: any) => r.runId === runId);
    if (run && FINISHED.includes(run.state)) break;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  return { runId, run, dagVisibleAt, triggeredAt, finishedAt: Date.now() };
}
