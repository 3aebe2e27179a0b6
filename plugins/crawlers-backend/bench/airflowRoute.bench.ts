/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/*
 * Benchmark of GET /api/crawlers/entities/:kind/:namespace/:name/airflow on a real backend (startTestBackend with
 * the crawlers plugin and a mock catalog) against the sandbox's Airflow 2 and Airflow 3 with 50 ms added latency.
 * If the sandbox cannot start, a local node:http fake Airflow with the same latency is used instead.
 *
 * Prints, per Airflow version:
 *   1. cold /airflow latency ÷ slowest single upstream call of that request (target ≤ 1.1);
 *   2. warm p50 latency (target ≤ 10 ms);
 *   3. upstream requests ÷ client requests for 200 concurrent clients during 10 s on one crawler (target ≤ 0.01).
 *
 * Run: yarn workspace @crawler-platform/plugin-crawlers-backend bench   (or `yarn bench:backend` at the root)
 * Options (env): BENCH_LATENCY_MS (50), BENCH_CLIENTS (200), BENCH_SECONDS (10), BENCH_COLD_SAMPLES (9),
 *                BENCH_WARM_REQUESTS (500), BENCH_SETTLE_MS (5000), BENCH_DEBUG=1 for per-call timings,
 *                BENCH_FAKE=1 to skip the sandbox.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_IDS,
} from '@crawler-platform/plugin-crawlers-common';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { crawlersPlugin } from '../src/plugin';
import { startFakeAirflows } from './fakeAirflowServer';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 9);
const WARM_REQUESTS = Number(process.env.BENCH_WARM_REQUESTS ?? 500);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 5000);
const CREDENTIALS = { username: 'admin', password: 'admin' };

type Target = {
  kind: string;
  urls: { airflow2: string; airflow3: string };
  dagIds: string[];
  stop(): Promise<void>;
};

async function startTarget(): Promise<Target> {
  if (!process.env.BENCH_FAKE) {
    try {
      const { startSandbox } = await import('@crawler-platform/sandbox');
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crawlers-bench-'));
      const sandbox = await startSandbox({
        dataDir,
        latencyMs: { airflow: LATENCY_MS },
      });
      return {
        kind: `sandbox (packages/sandbox startSandbox, latencyMs.airflow=${LATENCY_MS})`,
        urls: {
          airflow2: sandbox.urls.airflow2,
          airflow3: sandbox.urls.airflow3,
        },
        dagIds: ['news_crawler', 'price_crawler'],
        stop: async () => {
          await sandbox.stop();
          fs.rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      console.warn(
        `Sandbox unavailable (${
          (error as Error).message
        }); using the local fake Airflow`,
      );
    }
  }
  const fake = await startFakeAirflows({
    latencyMs: LATENCY_MS,
    credentials: CREDENTIALS,
    dagIds: ['news_crawler', 'price_crawler'],
  });
  return {
    kind: `local node:http fake Airflow (latency ${LATENCY_MS} ms)`,
    ...fake,
    dagIds: ['news_crawler', 'price_crawler'],
  };
}

/** Times every fetch the backend makes to Airflow. */
function instrumentFetch(origins: string[]) {
  const calls: Array<{ url: string; ms: number; start: number }> = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input: any, init?: any) => {
    let url: string;
    if (typeof input === 'string') {
      url = input;
    } else if (input instanceof URL) {
      url = input.href;
    } else {
      url = input.url;
    }
    if (!origins.some(o => url.startsWith(o))) {
      return original(input, init);
    }
    const start = performance.now();
    const response = await original(input, init);
    const body = await response.arrayBuffer();
    calls.push({ url, ms: performance.now() - start, start });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return calls;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 10 });

function get(
  url: string,
  authorization: string,
): Promise<{ status: number; ms: number; body: string }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { authorization } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ms: performance.now() - start,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
  });
}

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

const median = (values: number[]) => percentile(values, 50);

function entities(dagIds: string[]): Entity[] {
  return (['airflow2', 'airflow3'] as const).map(instance => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `crawler-${instance}`,
      namespace: 'default',
      annotations: {
        [ANNOTATION_CRAWLERS_DAG_IDS]: dagIds.join(','),
        [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: instance,
      },
    },
    spec: {
      type: 'crawler',
      lifecycle: 'production',
      owner: 'user:default/bench',
    },
  }));
}

async function startBackend(target: Target) {
  const backend = await startTestBackend({
    features: [
      crawlersPlugin,
      mockServices.rootConfig.factory({
        data: {
          crawlers: {
            airflow: {
              instances: [
                // The bench's entities claim DAGs whose claim tags name the seeded crawlers, so the annotation is
                // trusted here; the tag check itself is an in-memory compare of the cached DAG's tags, and the
                // upstream calls (DAG, runs and import errors in parallel) are the same with `claims: tag`.
                {
                  name: 'airflow2',
                  baseUrl: target.urls.airflow2,
                  auth: { type: 'basic', ...CREDENTIALS },
                  claims: 'annotation',
                },
                {
                  name: 'airflow3',
                  baseUrl: target.urls.airflow3,
                  auth: { type: 'password', ...CREDENTIALS },
                  claims: 'annotation',
                },
              ],
            },
          },
        },
      }),
      mockServices.rootLogger.factory({ level: 'warn' }),
      catalogServiceMock.factory({ entities: entities(target.dagIds) }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  const port = (backend.server.address() as AddressInfo).port;
  return {
    backend,
    base: `http://127.0.0.1:${port}/api/crawlers/entities/component/default`,
  };
}

/** Waits until the startup warm-up (version probe, JWT) has finished: no Airflow call for 3 × latency. */
async function settle(calls: unknown[]) {
  let seen = -1;
  while (seen !== calls.length) {
    seen = calls.length;
    await new Promise(r => setTimeout(r, LATENCY_MS * 3 + 50));
  }
}

async function main() {
  const target = await startTarget();
  const calls = instrumentFetch([target.urls.airflow2, target.urls.airflow3]);
  const authorization = mockCredentials.user.header('user:default/bench');
  console.log(`Upstream: ${target.kind}`);
  console.log(
    `Crawler DAGs: ${target.dagIds.join(
      ', ',
    )} (per /airflow request: 2 calls per DAG + import errors)\n`,
  );
  try {
    // The sandbox keeps parsing DAGs and catching up its schedulers for a few seconds after it starts: wait until
    // both instances serve the crawler's DAGs, then let it settle, so that neither version is measured during that.
    {
      const { backend, base } = await startBackend(target);
      for (const instance of ['airflow2', 'airflow3']) {
        for (let attempt = 0; attempt < 120; attempt++) {
          const res = await get(
            `${base}/crawler-${instance}/airflow`,
            authorization,
          );
          const body = res.status === 200 ? JSON.parse(res.body) : undefined;
          if (body?.dags.every((d: any) => d.dag)) {
            break;
          }
          await new Promise(r => setTimeout(r, 500));
        }
      }
      await backend.stop();
      await new Promise(r => setTimeout(r, SETTLE_MS));
    }
    for (const instance of ['airflow2', 'airflow3'] as const) {
      const label =
        instance === 'airflow2' ? 'Airflow 2 (/api/v1)' : 'Airflow 3 (/api/v2)';
      const path_ = `/crawler-${instance}/airflow`;

      // 1. Cold: a fresh backend (empty cache) per sample, after its startup warm-up.
      const ratios: number[] = [];
      const colds: number[] = [];
      const slowests: number[] = [];
      // Sample 0 warms the JIT of a freshly loaded process and is not counted: a running backend has served
      // requests before its cache is cold for a given crawler.
      for (let i = 0; i <= COLD_SAMPLES; i++) {
        const { backend, base } = await startBackend(target);
        await settle(calls);
        const before = calls.length;
        const requestStart = performance.now();
        const res = await get(base + path_, authorization);
        const requestEnd = performance.now();
        if (res.status !== 200) {
          throw new Error(
            `cold request answered ${res.status}: ${res.body.slice(0, 300)}`,
          );
        }
        const upstream = calls.slice(before);
        const slowest = Math.max(...upstream.map(c => c.ms));
        if (i > 0) {
          colds.push(res.ms);
          slowests.push(slowest);
          ratios.push(res.ms / slowest);
        }
        if (process.env.BENCH_DEBUG) {
          const firstStart = Math.min(...upstream.map(c => c.start));
          const lastEnd = Math.max(...upstream.map(c => c.start + c.ms));
          console.log(
            `  sample ${i}: before first upstream call ${(
              firstStart - requestStart
            ).toFixed(1)} ms, calls ${upstream
              .map(
                c =>
                  `${new URL(c.url).pathname} +${(
                    c.start - requestStart
                  ).toFixed(1)}/${c.ms.toFixed(1)}`,
              )
              .join(', ')}, after last ${(requestEnd - lastEnd).toFixed(1)} ms`,
          );
        }
        await backend.stop();
      }

      // 2. Warm p50 and 3. concurrency, on one fresh backend.
      const { backend, base } = await startBackend(target);
      await settle(calls);
      const concurrencyStart = calls.length;
      const first = await get(base + path_, authorization);
      const body = JSON.parse(first.body);
      const sectionErrors = body.dags
        .flatMap((d: any) => d.errors)
        .concat(body.errors);
      const warm: number[] = [];
      for (let i = 0; i < WARM_REQUESTS; i++) {
        warm.push((await get(base + path_, authorization)).ms);
      }
      let clientRequests = 0;
      let failures = 0;
      const deadline = performance.now() + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (performance.now() < deadline) {
            const res = await get(base + path_, authorization);
            clientRequests++;
            if (res.status !== 200) failures++;
          }
        }),
      );
      // The cold request, the warm run and the concurrent run all count against their own upstream calls.
      const totalClient = clientRequests + WARM_REQUESTS + 1;
      const upstreamCount = calls.length - concurrencyStart;
      await backend.stop();

      const line = [
        `${label}`,
        `  cold /airflow ÷ slowest upstream call: ${median(ratios).toFixed(
          3,
        )} (median of ${COLD_SAMPLES}; cold ${median(colds).toFixed(
          1,
        )} ms, slowest call ${median(slowests).toFixed(
          1,
        )} ms; all ratios ${ratios
          .map(r => r.toFixed(2))
          .join(', ')})  target ≤ 1.1`,
        `  warm p50: ${median(warm).toFixed(2)} ms (p95 ${percentile(
          warm,
          95,
        ).toFixed(
          2,
        )} ms, ${WARM_REQUESTS} sequential requests)  target ≤ 10 ms`,
        `  ${CLIENTS} clients × ${SECONDS} s: upstream ÷ client requests = ${(
          upstreamCount / totalClient
        ).toFixed(
          5,
        )} (${upstreamCount} upstream / ${totalClient} client, ${failures} non-200, ${(
          clientRequests / SECONDS
        ).toFixed(0)} req/s)  target ≤ 0.01`,
        sectionErrors.length
          ? `  upstream section errors: ${JSON.stringify(sectionErrors)}`
          : '  upstream section errors: none',
      ].join('\n');
      console.log(`${line}\n`);
    }
  } finally {
    agent.destroy();
    await target.stop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
