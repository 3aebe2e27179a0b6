/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The Crawler Platform sandbox: a local stand-in world (git, AWS, Kubernetes, git-sync, Airflow 2 and 3) for tests
 * and demos.
 *
 * @packageDocumentation
 */

import fs from 'node:fs';
import path from 'node:path';
import { AirflowInstance } from './airflow/AirflowInstance';
import { generatedDagSource } from './airflow/generated';
import { PyCompiler } from './airflow/pyCompile';
import { startAirflowServer } from './airflow/server';
import { AwsWorld } from './aws/AwsWorld';
import { startAwsServer } from './aws/server';
import { Clock, SystemClock } from './clock';
import {
  SANDBOX_CLUSTER_NAME,
  SANDBOX_DEFAULT_DELAYS,
  SandboxDelays,
} from './constants';
import { startImageBuilds } from './git/imageBuilds';
import { startGitServer } from './git/server';
import { GitSync } from './gitsync/GitSync';
import { startGitSyncServer } from './gitsync/server';
import { kubeErrorStatus } from './kube/errors';
import { KubeStore } from './kube/KubeStore';
import { startPodLifecycle } from './kube/podLifecycle';
import { startKubeApiServer } from './kube/server';
import { startLatencyProxy } from './latencyProxy';
import { AIRFLOW_INSTANCES, AIRFLOW_NODE, seedWorld } from './seed';
import { RunningServer } from './util/http';
import { SandboxLogger, silentLogger } from './util/logger';

export { ManualClock, SystemClock } from './clock';
export type { Clock } from './clock';
export { AirflowInstance } from './airflow/AirflowInstance';
export { GitSync } from './gitsync/GitSync';
export { seedWorld } from './seed';
export { makeSafeLabelValue } from './airflow/labels';
export { startAirflowServer } from './airflow/server';
export { startGitSyncServer } from './gitsync/server';
export { parseDagFile } from './airflow/dagFile';
export { SEED_CRAWLERS, claimTag, crawlerDag } from './seedContent';
export * from './constants';
export * from './aws';
export * from './git';
export * from './kube';

/** Ports of the sandbox's servers; 0 picks a free port. */
export type SandboxPorts = {
  aws: number;
  git: number;
  kube: number;
  airflow2: number;
  airflow3: number;
  gitSync: number;
};

/** Options of {@link startSandbox}. */
export type SandboxOptions = {
  /** The data folder (state survives restarts; a fresh folder is seeded). */
  dataDir: string;
  /** Server ports; each defaults to 0 (a free port). */
  ports?: Partial<SandboxPorts>;
  /** Added latency per response in ms: one number for all, or per stand-in. */
  latencyMs?: number | { airflow?: number; aws?: number; kube?: number };
  /** In-memory generated DAGs per Airflow (0..10000). */
  generatedDags?: number;
  /** The clock of the schedulers and timestamps. Default: the wall clock. */
  clock?: Clock;
  /** Delays of the simulated processes (builds, Fargate, pod lifecycle). */
  delays?: Partial<SandboxDelays>;
  /** GITSYNC_PERIOD of the seeded git-sync env (Go duration). Default `10s`. */
  gitSyncPeriod?: string;
  /** Real-time period of the Airflow scheduler loops. Default 1000 ms. */
  schedulerTickMs?: number;
  /** Airflow 3 JWT lifetime in seconds. Default 86400. */
  tokenExpirySeconds?: number;
  /** Receives one line per request and lifecycle messages. */
  logger?: SandboxLogger;
};

/** A running sandbox. */
export type Sandbox = {
  urls: {
    aws: string;
    git: string;
    kube: string;
    airflow2: string;
    airflow3: string;
    gitSync: string;
  };
  world: AwsWorld;
  kube: KubeStore;
  airflow: { airflow2: AirflowInstance; airflow3: AirflowInstance };
  gitSync: { airflow2: GitSync; airflow3: GitSync };
  /** Whether this start seeded a fresh data folder. */
  seeded: boolean;
  /**
   * Resolves once the world is complete: on a fresh folder the crawler images are built and the DAG repository is
   * pushed; then the first git sync is done and both Airflows have parsed the synced DAG files.
   */
  ready: Promise<void>;
  stop(): Promise<void>;
};

/** Marks one pod bound to the Airflow node-group node as Running, as that node's kubelet would. */
function runNodeGroupPod(kube: KubeStore, pod: any) {
  if (pod?.spec?.nodeName !== AIRFLOW_NODE || pod.status?.phase === 'Running')
    return;
  const startedAt = kube
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  kube.updatePodStatus(pod.metadata.namespace, pod.metadata.name, {
    phase: 'Running',
    startTime: startedAt,
    podIP: '10.0.1.57',
    hostIP: '10.0.1.23',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: startedAt },
      { type: 'Initialized', status: 'True', lastTransitionTime: startedAt },
      {
        type: 'ContainersReady',
        status: 'True',
        lastTransitionTime: startedAt,
      },
      { type: 'Ready', status: 'True', lastTransitionTime: startedAt },
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((c: any) => ({
      name: c.name,
      image: c.image,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
    })),
  });
}

/**
 * The kubelet of the node-group node the Airflow pods are bound to (part A's lifecycle only handles pods without
 * a node): pods created on it start Running, now and whenever they are created again.
 */
function startNodeGroupKubelet(
  kube: KubeStore,
  logger: SandboxLogger,
): () => void {
  for (const pod of kube.list('pods', undefined)) runNodeGroupPod(kube, pod);
  return kube.onChange((type, resource, obj) => {
    if (type !== 'ADDED' || resource !== 'pods') return;
    // Outside the store's notification: the kubelet reacts after the pod is stored.
    setImmediate(() => {
      try {
        runNodeGroupPod(
          kube,
          kube.get('pods', obj.metadata.namespace, obj.metadata.name),
        );
      } catch (error) {
        // A pod deleted again meanwhile is no failure; anything else is.
        if (kubeErrorStatus(error)?.code !== 404) {
          logger.error(
            `node-group kubelet failed on pod ${obj.metadata.namespace}/${
              obj.metadata.name
            }: ${(error as Error).message}`,
          );
        }
      }
    });
  });
}

/**
 * Starts the whole sandbox: part A's git server, AWS endpoint, Kubernetes API, pod lifecycle and image builds,
 * then (seeding a fresh data folder through those APIs) one git-sync and one Airflow per instance.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const startedAt = Date.now();
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? new SystemClock();
  const ports = {
    aws: 0,
    git: 0,
    kube: 0,
    airflow2: 0,
    airflow3: 0,
    gitSync: 0,
    ...options.ports,
  };
  const latency =
    typeof options.latencyMs === 'number'
      ? {
          airflow: options.latencyMs,
          aws: options.latencyMs,
          kube: options.latencyMs,
        }
      : options.latencyMs ?? {};
  const delays = { ...SANDBOX_DEFAULT_DELAYS, ...options.delays };
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const seedMarker = path.join(dataDir, 'seed.json');
  const fresh = !fs.existsSync(seedMarker);

  const servers: RunningServer[] = [];
  const stops: Array<() => void | Promise<void>> = [];
  const world = new AwsWorld({ dataDir, clock, delays, logger });
  const kube = new KubeStore({ dataDir, clock, logger });

  const withLatency = async (
    server: RunningServer,
    ms: number | undefined,
    port: number,
  ) => {
    if (!ms || ms <= 0) return server;
    const proxy = await startLatencyProxy({
      target: server.url,
      port,
      latencyMs: ms,
    });
    servers.push(proxy);
    return proxy;
  };

  const compiler = new PyCompiler({
    pycachePrefix: path.join(dataDir, 'pycache'),
    resultsFile: path.join(dataDir, 'pycache', 'py_compile-results.json'),
  });
  const warm = compiler.warmUp();
  // The generated DAGs share one template: it is syntax-checked once (beside the seeding), not once per DAG.
  const templateCheck = (async () => {
    if (!options.generatedDags) return;
    const template = path.join(dataDir, 'pycache', 'generated_dag_template.py');
    fs.mkdirSync(path.dirname(template), { recursive: true });
    const { source } = generatedDagSource(1);
    fs.writeFileSync(template, source);
    const problem = await compiler.check(template, source);
    if (problem)
      throw new Error(
        `the generated DAG template does not compile: ${problem}`,
      );
  })();
  templateCheck.catch(() => undefined);

  try {
    const git = await startGitServer({ world, port: ports.git, logger });
    servers.push(git);
    const awsInner = await startAwsServer({
      world,
      kube,
      port: latency.aws ? 0 : ports.aws,
      logger,
    });
    servers.push(awsInner);
    const aws = await withLatency(awsInner, latency.aws, ports.aws);
    const kubeInner = await startKubeApiServer({
      kube,
      world,
      port: latency.kube ? 0 : ports.kube,
      logger,
    });
    servers.push(kubeInner);
    const kubeApi = await withLatency(kubeInner, latency.kube, ports.kube);
    if (kubeApi !== kubeInner) {
      world.eks.setClusterEndpoint(SANDBOX_CLUSTER_NAME, kubeApi.url);
    }
    const lifecycle = startPodLifecycle({ kube, world, delays, logger });
    stops.push(() => lifecycle.stop());
    stops.push(startImageBuilds({ world, buildMs: delays.buildMs, logger }));

    // A fresh folder is seeded; the DAG repository is pushed once the crawler images exist (part of `ready`).
    let dagRepository: Promise<void> = Promise.resolve();
    if (fresh) {
      const started = Date.now();
      const seeded = await seedWorld({
        urls: { aws: aws.url, kube: kubeApi.url },
        gitSyncPeriod: options.gitSyncPeriod,
      });
      logger.info('sandbox seeded', { ms: Date.now() - started });
      dagRepository = seeded.dagRepository.then(() => {
        fs.writeFileSync(
          seedMarker,
          JSON.stringify({ seededAt: new Date().toISOString() }, null, 2),
        );
        logger.info('DAG repository pushed', { ms: Date.now() - started });
      });
    }
    stops.push(startNodeGroupKubelet(kube, logger));
    await warm;

    await templateCheck;

    const gitSyncs = {} as Sandbox['gitSync'];
    const airflows = {} as Sandbox['airflow'];
    for (const instance of AIRFLOW_INSTANCES) {
      const sync = new GitSync({
        kube,
        clock,
        namespace: 'airflow',
        podName: instance.podName,
        root: path.join(dataDir, 'git-sync', instance.name),
        logger,
      });
      gitSyncs[instance.name] = sync;
      const airflow = new AirflowInstance({
        name: instance.name,
        apiVersion: instance.name === 'airflow2' ? 'v1' : 'v2',
        kube,
        clock,
        dagsFolder: () => sync.linkPath(),
        stateFile: path.join(dataDir, 'airflow', `${instance.name}.json`),
        generatedDags: options.generatedDags,
        compiler,
        tickIntervalMs: options.schedulerTickMs,
        logger,
      });
      airflows[instance.name] = airflow;
      sync.onUpdate(() => airflow.requestTick());
    }
    // The first sync runs while the servers start, as in a real deployment: Airflow lists the DAGs once it has
    // parsed the synced files. `ready` resolves at that point.
    const syncStarted = Date.now();
    const firstSync = dagRepository.then(() =>
      Promise.all(Object.values(gitSyncs).map(s => s.syncNow())),
    );
    for (const sync of Object.values(gitSyncs)) {
      stops.push(() => sync.stop());
    }
    const gitSyncServer = await startGitSyncServer({
      instances: gitSyncs,
      port: ports.gitSync,
      logger,
    });
    servers.push(gitSyncServer);
    const airflowUrls: Record<string, string> = {};
    for (const instance of AIRFLOW_INSTANCES) {
      const airflow = airflows[instance.name];
      const airflowStarted = Date.now();
      await airflow.start();
      stops.push(() => airflow.stop());
      logger.info('airflow started', {
        instance: instance.name,
        dags: airflow.dags.size,
        ms: Date.now() - airflowStarted,
      });
      const server = await startAirflowServer({
        instance: airflow,
        port: ports[instance.name],
        latencyMs: latency.airflow,
        logger,
        tokenExpirySeconds: options.tokenExpirySeconds,
      });
      servers.push(server);
      airflowUrls[instance.name] = server.url;
    }

    const ready = firstSync.then(async outcomes => {
      logger.info('git-sync first sync done', {
        ms: Date.now() - syncStarted,
        outcomes: outcomes.map(o => o.status).join(','),
      });
      for (const sync of Object.values(gitSyncs)) {
        sync.start({ afterFirstSync: true });
      }
      await Promise.all(Object.values(airflows).map(a => a.tick()));
      logger.info('sandbox ready', {
        ms: Date.now() - startedAt,
        airflow2Dags: airflows.airflow2.dags.size,
        airflow3Dags: airflows.airflow3.dags.size,
      });
    });
    ready.catch(() => undefined);

    let stopped = false;
    return {
      ready,
      urls: {
        aws: aws.url,
        git: git.url,
        kube: kubeApi.url,
        airflow2: airflowUrls.airflow2,
        airflow3: airflowUrls.airflow3,
        gitSync: gitSyncServer.url,
      },
      world,
      kube,
      airflow: airflows,
      gitSync: gitSyncs,
      seeded: fresh,
      async stop() {
        if (stopped) return;
        stopped = true;
        await ready.catch(() => undefined);
        for (const stop of stops.reverse()) await stop();
        for (const server of servers.reverse())
          await server.close().catch(() => undefined);
        world.close();
        kube.flush();
      },
    };
  } catch (e) {
    for (const stop of stops.reverse())
      await Promise.resolve(stop()).catch(() => undefined);
    for (const server of servers.reverse())
      await server.close().catch(() => undefined);
    world.close();
    kube.flush();
    throw e;
  }
}
