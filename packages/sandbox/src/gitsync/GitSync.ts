/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import { SandboxLogger, silentLogger } from '../util/logger';
import { AirflowPods, WorkloadLabels } from './airflowPods';
import { linkedHash } from './git';
import { HttpAnswer } from './process';
import { PodRun } from './podRun';

export { GIT_SYNC_VERSION } from './config';

/** How the first git-sync attempt of an Airflow ended (for start-up logging). */
export type FirstSyncOutcome = { status: 'success' | 'error' | 'none' };

/**
 * The git-sync of one Airflow instance, as that Airflow sees it: the git-sync containers of the instance's
 * git-sync pod (Airflow 2: the scheduler pod; Airflow 3: the dag-processor pod), run by {@link AirflowPods}. The DAG
 * folder is the link the current pod's git-sync published; readiness, metrics and the HTTP endpoint are those of its
 * running git-sync process.
 */
export class GitSync {
  private readonly logger: SandboxLogger;

  constructor(
    /** The runtime of the Airflow pods. */
    readonly runtime: AirflowPods,
    /** The workload whose pods run git-sync (`release` = the instance name). */
    readonly workload: WorkloadLabels,
    logger?: SandboxLogger,
  ) {
    this.logger = logger ?? silentLogger;
  }

  /** The current pod of the workload. */
  pod(): PodRun | undefined {
    return this.runtime.current(this.workload);
  }

  /** The synced folder (`<root>/<link>` of the current pod), once a git-sync container of the pod published it. */
  linkPath(): string | undefined {
    const link = this.pod()?.linkPath();
    return link && fs.existsSync(link) ? link : undefined;
  }

  /** The commit the current pod's link points at. */
  currentHash(): string | undefined {
    const link = this.linkPath();
    return link ? linkedHash(link, this.logger) : undefined;
  }

  /** Whether the current pod's `git-sync` sidecar has completed its own first sync. */
  isReady(): boolean {
    return this.pod()?.process('git-sync')?.isReady() ?? false;
  }

  /** The Prometheus text of the running sidecar process (empty when none runs). */
  async metrics(): Promise<string> {
    return (await this.pod()?.process('git-sync')?.metrics.text()) ?? '';
  }

  /**
   * The HTTP endpoint of the pod's running git-sync process (the init container while it runs, else the sidecar);
   * undefined when no process listens (none runs, or it has no `--http-bind`).
   */
  async http(requestPath: string): Promise<HttpAnswer | undefined> {
    for (const proc of this.pod()?.runningProcesses() ?? []) {
      const answer = await proc.http(requestPath);
      if (answer) return answer;
    }
    return undefined;
  }

  /** Registers a listener for commits the workload's pods publish; returns an unsubscribe function. */
  onUpdate(listener: () => void): () => void {
    return this.runtime.onActivity((run, event) => {
      if (event !== 'published') return;
      if (run.labels.release !== this.workload.release) return;
      if (run.labels.component !== this.workload.component) return;
      listener();
    });
  }

  /**
   * Resolves once the current pod's git-sync has an outcome: a published commit, or a git-sync container that
   * exited or could not be created; `none` when the workload's pod runs no git-sync. Waits for the workload's
   * pod when there is none yet.
   */
  whenSettled(): Promise<FirstSyncOutcome> {
    return new Promise(resolve => {
      const check = (): boolean => {
        const run = this.pod();
        if (!run) return false;
        if (!run.hasGitSync()) {
          resolve({ status: 'none' });
          return true;
        }
        if (this.linkPath()) {
          resolve({ status: 'success' });
          return true;
        }
        return false;
      };
      if (check()) return;
      const stop = this.runtime.onActivity((run, event) => {
        if (run.labels.release !== this.workload.release) return;
        if (run.labels.component !== this.workload.component) return;
        if (event === 'exited') {
          stop();
          resolve({ status: 'error' });
        } else if (check()) {
          stop();
        }
      });
    });
  }
}
