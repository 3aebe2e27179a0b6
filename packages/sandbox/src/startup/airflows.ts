/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import path from 'node:path';
import { AirflowInstance } from '../airflow/AirflowInstance';
import { PyCompiler } from '../airflow/pyCompile';
import { startAirflowServer } from '../airflow/server';
import { Clock } from '../clock';
import { GitSync } from '../gitsync/GitSync';
import { startGitSyncServer } from '../gitsync/server';
import { KubeStore } from '../kube/KubeStore';
import { AIRFLOW_INSTANCES } from '../seed/airflow';
import { RunningServer } from '../util/http';
import { SandboxLogger } from '../util/logger';
import { SandboxResources } from './resources';

/** The names of the sandbox's Airflow instances. */
export type AirflowName = (typeof AIRFLOW_INSTANCES)[number]['name'];

/** Each Airflow instance's git-sync and Airflow. */
export type AirflowParts = {
  gitSyncs: Record<AirflowName, GitSync>;
  airflows: Record<AirflowName, AirflowInstance>;
};

/** Creates (without starting) one git-sync and one Airflow per instance; a sync makes its Airflow tick. */
export function createAirflows(options: {
  kube: KubeStore;
  clock: Clock;
  dataDir: string;
  logger: SandboxLogger;
  compiler: PyCompiler;
  generatedDags?: number;
  schedulerTickMs?: number;
}): AirflowParts {
  const { kube, clock, dataDir, logger } = options;
  const gitSyncs = {} as AirflowParts['gitSyncs'];
  const airflows = {} as AirflowParts['airflows'];
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
      compiler: options.compiler,
      tickIntervalMs: options.schedulerTickMs,
      logger,
    });
    airflows[instance.name] = airflow;
    sync.onUpdate(() => airflow.requestTick());
  }
  return { gitSyncs, airflows };
}

/**
 * Starts the first sync of each git-sync once the DAG repository is pushed (it runs while the rest starts, as in
 * a real deployment) and the git-sync server.
 */
export async function startGitSyncs(
  resources: SandboxResources,
  gitSyncs: AirflowParts['gitSyncs'],
  dagRepository: Promise<void>,
  port: number,
) {
  const syncStarted = Date.now();
  const firstSync = dagRepository.then(() =>
    Promise.all(Object.values(gitSyncs).map(s => s.syncNow())),
  );
  for (const sync of Object.values(gitSyncs)) {
    resources.stops.push(() => sync.stop());
  }
  const server = await startGitSyncServer({
    instances: gitSyncs,
    port,
    logger: resources.logger,
  });
  resources.servers.push(server);
  return { syncStarted, firstSync, server };
}

/** Starts each Airflow's scheduler and then its API server; resolves to the servers' URLs. */
export async function startAirflows(
  resources: SandboxResources,
  airflows: AirflowParts['airflows'],
  options: {
    ports: Record<AirflowName, number>;
    latencyMs?: number;
    tokenExpirySeconds?: number;
  },
): Promise<Record<AirflowName, string>> {
  const { logger } = resources;
  const urls = {} as Record<AirflowName, string>;
  for (const instance of AIRFLOW_INSTANCES) {
    const airflow = airflows[instance.name];
    const airflowStarted = Date.now();
    await airflow.start();
    resources.stops.push(() => airflow.stop());
    logger.info('airflow started', {
      instance: instance.name,
      dags: airflow.dags.size,
      ms: Date.now() - airflowStarted,
    });
    const server: RunningServer = await startAirflowServer({
      instance: airflow,
      port: options.ports[instance.name],
      latencyMs: options.latencyMs,
      logger,
      tokenExpirySeconds: options.tokenExpirySeconds,
    });
    resources.servers.push(server);
    urls[instance.name] = server.url;
  }
  return urls;
}

/**
 * Resolves once the world is complete: after the first sync the git-syncs run periodically and both Airflows have
 * parsed the synced DAG files.
 */
export async function whenReady(
  parts: AirflowParts,
  firstSync: Promise<Array<{ status: string }>>,
  timing: { startedAt: number; syncStarted: number },
  logger: SandboxLogger,
): Promise<void> {
  const outcomes = await firstSync;
  logger.info('git-sync first sync done', {
    ms: Date.now() - timing.syncStarted,
    outcomes: outcomes.map(o => o.status).join(','),
  });
  for (const sync of Object.values(parts.gitSyncs)) {
    sync.start({ afterFirstSync: true });
  }
  await Promise.all(Object.values(parts.airflows).map(a => a.tick()));
  logger.info('sandbox ready', {
    ms: Date.now() - timing.startedAt,
    airflow2Dags: parts.airflows.airflow2.dags.size,
    airflow3Dags: parts.airflows.airflow3.dags.size,
  });
}
