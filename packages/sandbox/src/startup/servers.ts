/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { startAwsServer } from '../aws/server';
import { SANDBOX_CLUSTER_NAME, SandboxDelays } from '../constants';
import { startImageBuilds } from '../git/imageBuilds';
import { startGitServer } from '../git/server';
import { startPodLifecycle } from '../kube/podLifecycle';
import { startKubeApiServer } from '../kube/server';
import { startLatencyProxy } from '../latencyProxy';
import { RunningServer } from '../util/http';
import { registerNodeGroupNode } from './kubelet';
import { SandboxResources } from './resources';

/** Puts a latency proxy in front of a server (listening on `port`) when `ms` is positive. */
async function withLatency(
  resources: SandboxResources,
  server: RunningServer,
  ms: number | undefined,
  port: number,
): Promise<RunningServer> {
  if (!ms || ms <= 0) return server;
  const proxy = await startLatencyProxy({
    target: server.url,
    port,
    latencyMs: ms,
  });
  resources.servers.push(proxy);
  return proxy;
}

/**
 * Starts part A of the sandbox: the git server, the AWS endpoint and the Kubernetes API (each behind a latency
 * proxy if asked), the node group's Node, the pod lifecycle and the image builds. Each is registered in `resources`
 * as it starts.
 */
export async function startCoreServers(
  resources: SandboxResources,
  settings: {
    ports: { git: number; aws: number; kube: number };
    latency: { aws?: number; kube?: number };
    delays: SandboxDelays;
  },
): Promise<{ git: RunningServer; aws: RunningServer; kubeApi: RunningServer }> {
  const { world, kube, logger, servers, stops } = resources;
  const { ports, latency, delays } = settings;
  const git = await startGitServer({ world, port: ports.git, logger });
  servers.push(git);
  const awsInner = await startAwsServer({
    world,
    kube,
    port: latency.aws ? 0 : ports.aws,
    logger,
  });
  servers.push(awsInner);
  const aws = await withLatency(resources, awsInner, latency.aws, ports.aws);
  const kubeInner = await startKubeApiServer({
    kube,
    world,
    port: latency.kube ? 0 : ports.kube,
    logger,
  });
  servers.push(kubeInner);
  const kubeApi = await withLatency(
    resources,
    kubeInner,
    latency.kube,
    ports.kube,
  );
  if (kubeApi !== kubeInner) {
    world.eks.setClusterEndpoint(SANDBOX_CLUSTER_NAME, kubeApi.url);
  }
  registerNodeGroupNode(kube);
  const lifecycle = startPodLifecycle({ kube, world, delays, logger });
  stops.push(() => lifecycle.stop());
  stops.push(startImageBuilds({ world, buildMs: delays.buildMs, logger }));
  return { git, aws, kubeApi };
}
