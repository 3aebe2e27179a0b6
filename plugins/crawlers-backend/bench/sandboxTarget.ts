/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { JsonObject } from '@backstage/types';
import { Worker } from 'node:worker_threads';
import { startFakeAirflows } from './fakeAirflowServer';
import type { UpstreamCall } from './upstreamCalls';

const CREDENTIALS = { username: 'admin', password: 'admin' };

/** What the bench runs against, and the backend config that reaches it. */
export interface BenchTarget {
  kind: string;
  /** Airflow base URLs (their calls are timed through global fetch). */
  airflowUrls: string[];
  /** Whether the Kubernetes and AWS routes can be measured (the sandbox, not the fake). */
  kubernetes: boolean;
  config: JsonObject;
  /** Waits until the sandbox's world is complete (first git sync done, DAGs parsed). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

type StartedMessage = {
  urls: {
    airflow2: string;
    airflow3: string;
    kubeProxy: string;
    awsProxy: string;
    kube: string;
    aws: string;
  };
  aws: {
    region: string;
    clusterName: string;
    accessKeyId: string;
    secretAccessKey: string;
  };
};

/**
 * The sandbox with the same added latency on Airflow, Kubernetes and AWS, and counting proxies in front of its
 * Kubernetes API and AWS endpoint, all in a worker thread (`sandboxWorker.ts`). The backend reaches the cluster as
 * `make start` does (`type: eks`, DescribeCluster and an STS-signed token) through the AWS proxy; the sandbox's
 * DescribeCluster answers the Kubernetes proxy as the endpoint, so no call goes around the proxies.
 */
async function startSandboxTarget(
  latencyMs: number,
  calls: UpstreamCall[],
): Promise<BenchTarget> {
  const worker = new Worker(new URL('./sandboxWorker.ts', import.meta.url), {
    workerData: { latencyMs },
  });
  let resolveReady: () => void;
  let rejectReady: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {});
  let stopped: () => void;
  const whenStopped = new Promise<void>(resolve => {
    stopped = resolve;
  });
  // The worker's call starts are on the process-wide monotonic clock; ours are performance.now().
  const hrOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  const started = await new Promise<StartedMessage>((resolve, reject) => {
    worker.on('message', message => {
      switch (message.type) {
        case 'call':
          calls.push({
            ...message.call,
            start: message.call.start - hrOffset,
          });
          break;
        case 'started':
          resolve(message);
          break;
        case 'ready':
          resolveReady();
          break;
        case 'failed':
          reject(new Error(message.error));
          rejectReady(new Error(message.error));
          break;
        case 'stopped':
          stopped();
          break;
        default:
      }
    });
    worker.once('error', reject);
    worker.once('exit', code =>
      reject(new Error(`the sandbox worker exited with ${code}`)),
    );
  }).catch(async error => {
    await worker.terminate();
    throw error;
  });
  const { urls } = started;
  const instance = (name: 'airflow2' | 'airflow3') => ({
    name,
    baseUrl: urls[name],
    auth: {
      type: name === 'airflow2' ? 'basic' : 'password',
      ...CREDENTIALS,
    },
    dagRepository: {
      repositoryName: 'airflow-dags',
      region: started.aws.region,
      endpoint: urls.awsProxy,
      subPath: name,
    },
    kubernetes: { cluster: 'sandbox', release: name },
  });
  return {
    kind: `sandbox (startSandbox in a worker thread, ${latencyMs} ms added latency on Airflow, Kubernetes and AWS; counting proxies in that thread in front of its Kubernetes API ${urls.kube} and AWS endpoint ${urls.aws}; the cluster as type eks through the AWS proxy, DescribeCluster answering the Kubernetes proxy)`,
    airflowUrls: [urls.airflow2, urls.airflow3],
    kubernetes: true,
    config: {
      aws: {
        mainAccount: {
          accessKeyId: started.aws.accessKeyId,
          secretAccessKey: started.aws.secretAccessKey,
        },
      },
      crawlers: {
        airflow: {
          instances: [instance('airflow2'), instance('airflow3')],
        },
        clusters: [
          {
            type: 'eks',
            name: 'sandbox',
            region: started.aws.region,
            clusterName: started.aws.clusterName,
            endpoint: urls.awsProxy,
          },
        ],
      },
    },
    ready,
    stop: async () => {
      worker.postMessage({ type: 'stop' });
      await Promise.race([
        whenStopped,
        new Promise(resolve => setTimeout(resolve, 10_000)),
      ]);
      await worker.terminate();
    },
  };
}

/** The local fake Airflow (no Kubernetes, no AWS): only `/airflow` can be measured. */
async function startFakeTarget(latencyMs: number): Promise<BenchTarget> {
  const fake = await startFakeAirflows({
    latencyMs,
    credentials: CREDENTIALS,
    dagIds: ['news_crawler', 'price_crawler'],
    // As the sandbox's DAG files do: each DAG's tags name the entity that claims it.
    claimTags: {
      news_crawler: 'backstage:component:default/news-crawler',
      price_crawler: 'backstage:component:default/price-crawler',
    },
  });
  return {
    kind: `local node:http fake Airflow (latency ${latencyMs} ms; no Kubernetes or AWS)`,
    airflowUrls: [fake.urls.airflow2, fake.urls.airflow3],
    kubernetes: false,
    config: {
      crawlers: {
        airflow: {
          instances: [
            {
              name: 'airflow2',
              baseUrl: fake.urls.airflow2,
              auth: { type: 'basic', ...CREDENTIALS },
            },
            {
              name: 'airflow3',
              baseUrl: fake.urls.airflow3,
              auth: { type: 'password', ...CREDENTIALS },
            },
          ],
        },
      },
    },
    ready: Promise.resolve(),
    stop: fake.stop,
  };
}

/** The sandbox, or the fake Airflow when BENCH_FAKE is set or the sandbox cannot start. */
export async function startTarget(
  latencyMs: number,
  calls: UpstreamCall[],
): Promise<BenchTarget> {
  if (!process.env.BENCH_FAKE) {
    try {
      return await startSandboxTarget(latencyMs, calls);
    } catch (error) {
      console.warn(
        `Sandbox unavailable (${
          (error as Error).message
        }); using the local fake Airflow`,
      );
    }
  }
  return startFakeTarget(latencyMs);
}
