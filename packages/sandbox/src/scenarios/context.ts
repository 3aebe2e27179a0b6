/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { EC2Client } from '@aws-sdk/client-ec2';
import { AIRFLOW_INSTANCES } from '../seed/airflow';
import {
  awsConfig,
  createSeedClients,
  destroySeedClients,
  SeedClients,
} from '../seed/clients';
import { SEED_CRAWLERS, SeedCrawler } from '../seedContent';
import { AirflowApi } from './airflowApi';

/** The sandbox URLs the scenarios talk to (e.g. `sandbox.urls`, or the fixed ports of `make start`). */
export type ScenarioUrls = {
  aws: string;
  kube: string;
  airflow2: string;
  airflow3: string;
};

/** How to reach the running sandbox, and how long to wait for what a break or heal waits on. */
export type ScenarioSettings = {
  urls: ScenarioUrls;
  /** The longest wait for one condition (a profile to go, a commit to be synced, an import error). Default 60 s. */
  timeoutMs?: number;
  /** The polling interval of those waits. Default 100 ms. */
  pollMs?: number;
  /** A Kubernetes administrator's bearer token. Default: the sandbox's static admin token. */
  kubeToken?: string;
};

/** A seeded crawler with what the scenarios need to know about it: its Airflow, DAG file and git-sync pod. */
export type ScenarioCrawler = {
  seed: SeedCrawler;
  name: string;
  namespace: string;
  dagId: string;
  /** The Airflow instance (`airflow2`, `airflow3`) — the chart release. */
  airflow: 'airflow2' | 'airflow3';
  airflowMajor: 2 | 3;
  /** The Airflow's folder of the DAG repository (`dags.gitSync.subPath`). */
  subPath: string;
  /** The DAG file's name in that folder. */
  dagFileName: string;
  /** The DAG file's path in the DAG repository (`<subPath>/<dag_id>.py`). */
  dagFile: string;
  /** The component whose pod runs git-sync: Airflow 2 `scheduler`, Airflow 3 `dag-processor`. */
  gitSyncComponent: string;
};

/** The seeded crawler of that name, or undefined. */
export function scenarioCrawler(name: string): ScenarioCrawler | undefined {
  const seed = SEED_CRAWLERS.find(c => c.name === name);
  if (!seed) return undefined;
  const instance = AIRFLOW_INSTANCES.find(i => i.name === seed.airflow)!;
  const dagFileName = `${seed.dagId}.py`;
  return {
    seed,
    name: seed.name,
    namespace: seed.namespace,
    dagId: seed.dagId,
    airflow: seed.airflow,
    airflowMajor: seed.airflow === 'airflow2' ? 2 : 3,
    subPath: instance.subPath,
    dagFileName,
    dagFile: `${instance.subPath}/${dagFileName}`,
    gitSyncComponent: instance.gitSyncComponent,
  };
}

/**
 * What a scenario acts with: the real clients of the sandbox's public APIs (AWS SDK v3 with the dummy credentials,
 * `@kubernetes/client-node` as an administrator, the Airflow REST APIs) and the notes of what it did.
 */
export class ScenarioContext {
  readonly clients: SeedClients;
  readonly ec2: EC2Client;
  readonly notes: string[] = [];
  readonly timeoutMs: number;
  readonly pollMs: number;
  private readonly airflows: Record<string, AirflowApi>;

  constructor(settings: ScenarioSettings) {
    this.clients = createSeedClients({
      urls: settings.urls,
      kubeToken: settings.kubeToken,
    });
    this.ec2 = new EC2Client(awsConfig(settings.urls.aws));
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    this.pollMs = settings.pollMs ?? 100;
    this.airflows = {
      airflow2: new AirflowApi('airflow2', settings.urls.airflow2, 2),
      airflow3: new AirflowApi('airflow3', settings.urls.airflow3, 3),
    };
  }

  /** The Airflow REST API of the crawler's Airflow. */
  airflowOf(crawler: ScenarioCrawler): AirflowApi {
    return this.airflows[crawler.airflow];
  }

  /** Records one line of what was done (returned to the caller, printed by the CLI). */
  note(line: string): void {
    this.notes.push(line);
  }

  /** Triggers a run of the crawler's DAG through its Airflow's API; returns the run id. */
  async triggerRun(crawler: ScenarioCrawler): Promise<string> {
    const runId = await this.airflowOf(crawler).trigger(crawler.dagId);
    this.note(
      `Airflow ${crawler.airflow}: triggered run ${runId} of ${crawler.dagId} (POST /dags/${crawler.dagId}/dagRuns)`,
    );
    return runId;
  }

  /** Polls `check` until it returns a value other than undefined/false; throws after `timeoutMs`. */
  async waitFor<T>(
    what: string,
    check: () => Promise<T | undefined | false>,
  ): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
      if (Date.now() > deadline) {
        throw new Error(
          `gave up after ${Math.round(
            this.timeoutMs / 1000,
          )} s waiting for ${what}`,
        );
      }
      await new Promise(r => setTimeout(r, this.pollMs));
    }
  }

  /** Releases the AWS clients' connections. */
  destroy(): void {
    destroySeedClients(this.clients);
    this.ec2.destroy();
  }
}
