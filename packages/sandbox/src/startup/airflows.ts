/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import path from 'node:path';
import { AirflowInstance } from '../airflow/AirflowInstance';
import { AwsWorld } from '../aws/AwsWorld';
import { PyCompiler } from '../airflow/pyCompile';
import { startAirflowServer } from '../airflow/server';
import { Clock } from '../clock';
import { SANDBOX_DEFAULT_DELAYS, SandboxDelays } from '../constants';
import { AirflowPods } from '../gitsync/airflowPods';
import { FirstSyncOutcome, GitSync } from '../gitsync/GitSync';
import { startGitSyncServer } from '../gitsync/server';
import { KubeStore } from '../kube/KubeStore';
import { AIRFLOW_INSTANCES, DAGS_REPO_MOUNT } from '../seed/airflow';
import { RunningServer } from '../util/http';
import { SandboxLogger } from '../util/logger';
import { SandboxResources } from './resources';

/** The names of the sandbox's Airflow instances. */
export type AirflowName = (typeof AIRFLOW_INSTANCES)[number]['name'];

/** The Airflow pods (their kubelet and controller), each Airflow instance's git-sync and Airflow. */
export type AirflowParts = {
  pods: AirflowPods;
  gitSyncs: Record<AirflowName, GitSync>;
  airflows: Record<AirflowName, AirflowInstance>;
};

/**
 * Creates (without starting) the Airflow pods' runtime, one git-sync view and one Airflow per instance; the
 * Airflow loads its own folder (`subPath`) of the commit its git-sync pod published, and a new commit makes it tick.
 */
export function createAirflows(options: {
  kube: KubeStore;
  clock: Clock;
  dataDir: string;
  logger: SandboxLogger;
  compiler: PyCompiler;
  generatedDags?: number;
  schedulerTickMs?: number;
  kpoProviderVersion?: string;
  /** `backoffMs` paces the kubelet's restart back-off of the Airflow pods' containers. */
  delays?: Partial<SandboxDelays>;
  /** Whether an Airflow pod at this address reaches CodeCommit now (see {@link reachesCodeCommit}). */
  reachesGitRemote?: (podIp: string) => boolean;
}): AirflowParts {
  const { kube, clock, dataDir, logger } = options;
  const pods = new AirflowPods({
    kube,
    clock,
    rootsDir: path.join(dataDir, 'git-sync'),
    workloads: AIRFLOW_INSTANCES.flatMap(i =>
      i.components.map(c => ({ release: i.name, component: c.component })),
    ),
    backoffMs: options.delays?.backoffMs ?? SANDBOX_DEFAULT_DELAYS.backoffMs,
    logger,
    reachesGitRemote: options.reachesGitRemote,
  });
  const gitSyncs = {} as AirflowParts['gitSyncs'];
  const airflows = {} as AirflowParts['airflows'];
  for (const instance of AIRFLOW_INSTANCES) {
    const sync = new GitSync(
      pods,
      { release: instance.name, component: instance.gitSyncComponent },
      logger,
    );
    gitSyncs[instance.name] = sync;
    const airflow = new AirflowInstance({
      name: instance.name,
      apiVersion: instance.name === 'airflow2' ? 'v1' : 'v2',
      kube,
      clock,
      dagsFolder: () => sync.linkPath(),
      subPath: instance.subPath,
      inPodRepoPath: DAGS_REPO_MOUNT,
      stateFile: path.join(dataDir, 'airflow', `${instance.name}.json`),
      generatedDags: options.generatedDags,
      compiler: options.compiler,
      tickIntervalMs: options.schedulerTickMs,
      kpoProviderVersion: options.kpoProviderVersion,
      logger,
    });
    airflows[instance.name] = airflow;
    sync.onUpdate(() => airflow.requestTick());
  }
  return { pods, gitSyncs, airflows };
}

/**
 * Starts the Airflow pods' runtime (the pods of an existing data folder start again; a fresh folder's pods are
 * created by the seeding once the DAG repository is pushed) and the git-sync server. `firstSync` resolves with each
 * instance's first git-sync outcome.
 */
export async function startGitSyncs(
  resources: SandboxResources,
  gitSyncs: AirflowParts['gitSyncs'],
  dagRepository: Promise<void>,
  port: number,
) {
  const syncStarted = Date.now();
  for (const pods of new Set(Object.values(gitSyncs).map(s => s.runtime))) {
    pods.start();
    resources.stops.push(() => pods.stop());
  }
  const firstSync: Promise<FirstSyncOutcome[]> = dagRepository.then(() =>
    Promise.all(Object.values(gitSyncs).map(s => s.whenSettled())),
  );
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
 * Resolves once the world is complete: each instance's git-sync pod has an outcome of its first sync and both
 * Airflows have parsed the synced DAG files.
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
  await Promise.all(Object.values(parts.airflows).map(a => a.tick()));
  logger.info('sandbox ready', {
    ms: Date.now() - timing.startedAt,
    airflow2Dags: parts.airflows.airflow2.dags.size,
    airflow3Dags: parts.airflows.airflow3.dags.size,
  });
}

/** `10.0.1.23` as a 32-bit number. */
function ipv4(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/**
 * Whether an Airflow pod at `podIp` reaches CodeCommit (`git-codecommit.<region>.amazonaws.com`, a public endpoint):
 * the route table of the subnet holding the address routes `0.0.0.0/0` to an available NAT gateway, or the VPC has
 * a `git-codecommit` interface endpoint with private DNS (domain-facts §8 "No egress from private subnets"). An
 * address outside the VPC's subnets is not limited.
 */
export function reachesCodeCommit(world: AwsWorld, podIp: string): boolean {
  const subnet = world.ec2.subnets().find(s => {
    const [base, bits] = s.cidrBlock.split('/');
    const block = 2 ** (32 - Number(bits));
    return Math.floor(ipv4(podIp) / block) === Math.floor(ipv4(base) / block);
  });
  if (!subnet) return true;
  const egress = world.ec2.egress(subnet.subnetId);
  return (
    Boolean(egress.natGatewayId) ||
    egress.endpointServices.includes(
      `com.amazonaws.${world.region}.git-codecommit`,
    )
  );
}
