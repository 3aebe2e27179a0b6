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
import { AwsWorld } from './aws/AwsWorld';
import { Clock, SystemClock } from './clock';
import { SANDBOX_DEFAULT_DELAYS, SandboxDelays } from './constants';
import { GitSync } from './gitsync/GitSync';
import { KubeStore } from './kube/KubeStore';
import {
  createAirflows,
  reachesCodeCommit,
  startAirflows,
  startGitSyncs,
  whenReady,
} from './startup/airflows';
import { prepareCompiler } from './startup/compiler';
import { startNodeGroupKubelet } from './startup/kubelet';
import { releaseResources, SandboxResources } from './startup/resources';
import { seedFreshWorld } from './startup/seeding';
import { startCoreServers } from './startup/servers';
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
export {
  breakScenario,
  healScenario,
  SCENARIOS,
  SCENARIO_IDS,
  ScenarioError,
} from './scenarios';
export type {
  Scenario,
  ScenarioId,
  ScenarioOptions,
  ScenarioResult,
  ScenarioSettings,
  ScenarioUrls,
} from './scenarios';
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
  /**
   * The cncf.kubernetes provider version the KubernetesPodOperator behaves as (see the README): a current 10.x by
   * default; a version before 10.5 has no fast fail on image errors.
   */
  kpoProviderVersion?: string;
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

/** The options of {@link startSandbox} with their defaults applied; creates the data folder. */
function resolveOptions(options: SandboxOptions) {
  const latency =
    typeof options.latencyMs === 'number'
      ? {
          airflow: options.latencyMs,
          aws: options.latencyMs,
          kube: options.latencyMs,
        }
      : options.latencyMs ?? {};
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const seedMarker = path.join(dataDir, 'seed.json');
  return {
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? new SystemClock(),
    ports: {
      aws: 0,
      git: 0,
      kube: 0,
      airflow2: 0,
      airflow3: 0,
      gitSync: 0,
      ...options.ports,
    },
    latency,
    delays: { ...SANDBOX_DEFAULT_DELAYS, ...options.delays },
    dataDir,
    seedMarker,
    fresh: !fs.existsSync(seedMarker),
  };
}

type ResolvedOptions = ReturnType<typeof resolveOptions>;

/**
 * Starts the sandbox's parts in order, registering each in `resources`: part A's servers, the seeding of a fresh
 * folder, the node-group kubelet, then the git-syncs and the Airflows.
 */
async function startParts(
  options: SandboxOptions,
  settings: ResolvedOptions,
  resources: SandboxResources,
  compiling: ReturnType<typeof prepareCompiler>,
  startedAt: number,
): Promise<Sandbox> {
  const { logger, ports } = settings;
  const core = await startCoreServers(resources, settings);
  resources.stops.push(startNodeGroupKubelet(resources.kube, logger));
  // A fresh folder is seeded through the started APIs while the git-syncs and Airflows start; the DAG repository is
  // pushed once the crawler images exist. Both are part of `ready` (git-sync's first sync waits for that push).
  const dagRepository = settings.fresh
    ? seedFreshWorld({
        urls: { aws: core.aws.url, kube: core.kubeApi.url },
        gitSyncPeriod: options.gitSyncPeriod,
        seedMarker: settings.seedMarker,
        logger,
      }).then(seeded => seeded.dagRepository)
    : Promise.resolve();
  // Not swallowed: `ready` rejects with it (through the first sync); this only avoids an unhandled rejection first.
  dagRepository.catch(() => undefined);
  await compiling.warm;
  await compiling.templateCheck;

  const parts = createAirflows({
    kube: resources.kube,
    clock: settings.clock,
    dataDir: settings.dataDir,
    logger,
    compiler: compiling.compiler,
    generatedDags: options.generatedDags,
    schedulerTickMs: options.schedulerTickMs,
    delays: settings.delays,
    kpoProviderVersion: options.kpoProviderVersion,
    // The node group runs in a private subnet: git-sync reaches CodeCommit only through its NAT route (or endpoint).
    reachesGitRemote: podIp => reachesCodeCommit(resources.world, podIp),
  });
  // Airflow lists the DAGs once it has parsed the synced files; `ready` resolves at that point.
  const syncs = await startGitSyncs(
    resources,
    parts.gitSyncs,
    dagRepository,
    ports.gitSync,
  );
  const airflowUrls = await startAirflows(resources, parts.airflows, {
    ports,
    latencyMs: settings.latency.airflow,
    tokenExpirySeconds: options.tokenExpirySeconds,
  });
  const ready = whenReady(
    parts,
    syncs.firstSync,
    { startedAt, syncStarted: syncs.syncStarted },
    logger,
  );
  // The caller receives `ready` too; this settles once a failure is logged, for `stop()` to wait on.
  const readySettled = ready.catch(error =>
    logger.error('sandbox did not get ready', {
      error: (error as Error).message,
    }),
  );

  let stopped = false;
  return {
    ready,
    urls: {
      aws: core.aws.url,
      git: core.git.url,
      kube: core.kubeApi.url,
      ...airflowUrls,
      gitSync: syncs.server.url,
    },
    world: resources.world,
    kube: resources.kube,
    airflow: parts.airflows,
    gitSync: parts.gitSyncs,
    seeded: settings.fresh,
    async stop() {
      if (stopped) return;
      stopped = true;
      await readySettled;
      await releaseResources(resources, false);
    },
  };
}

/**
 * Starts the whole sandbox: part A's git server, AWS endpoint, Kubernetes API, pod lifecycle and image builds,
 * then (seeding a fresh data folder through those APIs) one git-sync and one Airflow per instance.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const startedAt = Date.now();
  const settings = resolveOptions(options);
  const { dataDir, clock, delays, logger } = settings;
  const resources: SandboxResources = {
    world: new AwsWorld({ dataDir, clock, delays, logger }),
    kube: new KubeStore({ dataDir, clock, logger }),
    logger,
    servers: [],
    stops: [],
  };
  const compiling = prepareCompiler({
    dataDir,
    generatedDags: options.generatedDags,
    logger,
  });
  try {
    return await startParts(options, settings, resources, compiling, startedAt);
  } catch (e) {
    await releaseResources(resources, true);
    throw e;
  }
}
