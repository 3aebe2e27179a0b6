/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/*
 * The bench's upstream side, in a worker thread: the sandbox (startSandbox, the same added latency on Airflow,
 * Kubernetes and AWS) and the counting proxies in front of its Kubernetes API and AWS endpoint. Apart from the
 * backend's event loop, as real upstreams are, so that neither slows the other down beyond sharing the CPU, and so
 * that each proxied call is timed from the moment its request arrives.
 *
 * DescribeCluster answers the Kubernetes proxy's URL as the cluster endpoint.
 *
 * Messages to the main thread: `started` (URLs), `ready` / `failed`, `call` (one proxied call; `start` on the process-wide
 * monotonic clock: process.hrtime in ms), `stopped`. From it: `stop`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { startCountingProxy, UpstreamCall } from './upstreamCalls';

async function main() {
  const port = parentPort!;
  const { latencyMs } = workerData as { latencyMs: number };
  const {
    startSandbox,
    SANDBOX_ACCESS_KEY_ID,
    SANDBOX_SECRET_ACCESS_KEY,
    SANDBOX_REGION,
    SANDBOX_CLUSTER_NAME,
  } = await import('@crawler-platform/sandbox');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crawlers-bench-'));
  const sandbox = await startSandbox({
    dataDir,
    latencyMs: { airflow: latencyMs, kube: latencyMs, aws: latencyMs },
  });
  // Each call goes to the main thread as it ends, its start on the process-wide monotonic clock (hrtime, in ms).
  const hrOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  const record = (call: UpstreamCall) =>
    port.postMessage({
      type: 'call',
      call: { ...call, start: call.start + hrOffset },
    });
  const kube = await startCountingProxy({
    target: sandbox.urls.kube,
    source: 'kube',
    record,
  });
  const aws = await startCountingProxy({
    target: sandbox.urls.aws,
    source: 'aws',
    record,
  });
  // DescribeCluster hands out the counting proxy as the cluster's endpoint, so that the backend's EKS cluster (as
  // configured in app-config.yaml: type eks, STS-signed token) reaches Kubernetes through it.
  sandbox.world.eks.setClusterEndpoint(SANDBOX_CLUSTER_NAME, kube.url);
  port.on('message', async message => {
    if (message?.type !== 'stop') return;
    await Promise.all([kube.close(), aws.close()]);
    await sandbox.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    port.postMessage({ type: 'stopped' });
  });
  port.postMessage({
    type: 'started',
    urls: {
      airflow2: sandbox.urls.airflow2,
      airflow3: sandbox.urls.airflow3,
      kubeProxy: kube.url,
      awsProxy: aws.url,
      kube: sandbox.urls.kube,
      aws: sandbox.urls.aws,
    },
    aws: {
      region: SANDBOX_REGION,
      clusterName: SANDBOX_CLUSTER_NAME,
      accessKeyId: SANDBOX_ACCESS_KEY_ID,
      secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
    },
  });
  sandbox.ready.then(
    () => port.postMessage({ type: 'ready' }),
    error => port.postMessage({ type: 'failed', error: String(error) }),
  );
}

main().catch(error =>
  parentPort!.postMessage({ type: 'failed', error: String(error) }),
);
