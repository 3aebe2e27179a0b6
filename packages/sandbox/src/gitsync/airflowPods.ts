/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Clock } from '../clock';
import { isNotFound } from '../kube/errors';
import { KubeStoreApi } from '../kube/storeApi';
import { KubeObject } from '../kube/types';
import { SandboxLogger, silentLogger } from '../util/logger';
import { PodRun } from './podRun';

/** The namespace of the Airflow pods. */
export const AIRFLOW_NAMESPACE = 'airflow';

/** The labels the chart gives the pods of one Airflow component (`tier`, `component`, `release`). */
export type WorkloadLabels = { release: string; component: string };

/** The alphabet of Kubernetes' generated name suffixes and pod-template-hash values (no vowels, no 0, 1, 3). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function safeChars(bytes: Buffer, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++)
    out += SAFE_ALPHABET[bytes[i] % SAFE_ALPHABET.length];
  return out;
}

/** The `pod-template-hash` of a pod template (10 characters of the safe alphabet, stable for the same template). */
export function podTemplateHash(template: {
  labels: Record<string, string>;
  spec: unknown;
}): string {
  const digest = crypto
    .createHash('sha256')
    .update(JSON.stringify(template))
    .digest();
  return safeChars(digest, 10);
}

/** A Deployment pod name: `<release>-<component>-<pod-template-hash>-<5 random characters>`. */
export function deploymentPodName(
  workload: WorkloadLabels,
  templateHash: string,
): string {
  return `${workload.release}-${workload.component}-${templateHash}-${safeChars(
    crypto.randomBytes(5),
    5,
  )}`;
}

/** The workload of a pod (chart labels `tier: airflow`, `release`, `component` in namespace `airflow`), if any. */
export function workloadOf(pod: KubeObject): WorkloadLabels | undefined {
  const labels = pod.metadata.labels ?? {};
  if (pod.metadata.namespace !== AIRFLOW_NAMESPACE) return undefined;
  if (labels.tier !== 'airflow' || !labels.release || !labels.component)
    return undefined;
  return { release: labels.release, component: labels.component };
}

/** The components of the Airflow Deployments whose pods {@link AirflowPods} runs (not KubernetesExecutor workers). */
export const AIRFLOW_DEPLOYMENT_COMPONENTS = ['scheduler', 'dag-processor'];

/**
 * Whether a pod is one of the Airflow Deployments' pods whose status {@link AirflowPods} writes (the node-group
 * kubelet stand-in should leave those to it).
 */
export function isAirflowDeploymentPod(pod: KubeObject): boolean {
  const w = workloadOf(pod);
  return Boolean(w && AIRFLOW_DEPLOYMENT_COMPONENTS.includes(w.component));
}

const key = (w: WorkloadLabels) => `${w.release}/${w.component}`;

type Template = { labels: Record<string, string>; spec: any; hash: string };

/** Options of {@link AirflowPods}. */
export type AirflowPodsOptions = {
  kube: KubeStoreApi;
  /**
   * The Deployments to run (e.g. `airflow2`/`scheduler`); other pods with Airflow labels (KubernetesExecutor
   * workers, `component: worker`) are not this runtime's.
   */
  workloads: WorkloadLabels[];
  clock: Clock;
  /** Folder of the pods' `dags` volumes (`<folder>/<pod name>`). */
  rootsDir: string;
  /** The sandbox's wait for the kubelet's 10 s restart back-off. */
  backoffMs: number;
  /** Overrides git-sync's `--period` (tests). */
  periodMs?: number;
  logger?: SandboxLogger;
  /** Whether a pod at this address reaches the git remote now (its subnet's egress). Default: always. */
  reachesGitRemote?: (podIp: string) => boolean;
};

/**
 * The Airflow Deployments' pods of namespace `airflow` (chart labels `tier: airflow`, `component`, `release`; the
 * workloads given): their kubelet
 * ({@link PodRun}: init containers, git-sync processes, container statuses, restarts) and a Deployment-like
 * controller, since the sandbox has no Deployment API:
 *
 * - each workload (release + component) keeps one pod; a deleted pod is replaced by a new one
 *   (`<release>-<component>-<pod-template-hash>-<random>`) from the workload's template, with an empty `dags`
 *   volume;
 * - the template is the spec and labels of the newest pod of the workload: creating a pod with the workload's labels
 *   and another spec (e.g. other git-sync env) rolls the workload over to it, and the older pods are deleted.
 */
export class AirflowPods {
  private readonly runs = new Map<string, PodRun>();
  private readonly templates = new Map<string, Template>();
  private readonly listeners = new Set<
    (run: PodRun, event: 'published' | 'exited' | 'started') => void
  >();
  private readonly logger: SandboxLogger;
  private unsubscribe: (() => void) | undefined;
  private stopping = false;

  constructor(private readonly options: AirflowPodsOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The managed workload of a pod, if it is one of {@link AirflowPodsOptions.workloads}. */
  private managed(pod: KubeObject): WorkloadLabels | undefined {
    const w = workloadOf(pod);
    return w &&
      this.options.workloads.some(
        x => x.release === w.release && x.component === w.component,
      )
      ? w
      : undefined;
  }

  /** Adopts the Airflow pods that exist (their containers start again) and follows pod changes. */
  start(): void {
    const { kube, rootsDir } = this.options;
    const pods = kube
      .list('pods', AIRFLOW_NAMESPACE)
      .filter(p => this.managed(p))
      .sort((a, b) => created(a).localeCompare(created(b)));
    fs.mkdirSync(rootsDir, { recursive: true });
    const names = new Set(pods.map(p => p.metadata.name));
    for (const entry of fs.readdirSync(rootsDir)) {
      if (!names.has(entry))
        fs.rmSync(path.join(rootsDir, entry), { recursive: true, force: true });
    }
    for (const pod of pods) this.adopt(pod, false);
    this.unsubscribe = kube.onChange((type, resource, obj) => {
      if (resource !== 'pods' || !this.managed(obj)) return;
      // Outside the store's notification, after the node-group kubelet's own reaction to a new pod.
      setImmediate(() => this.guard(() => this.changed(type, obj)));
    });
  }

  /** Stops every pod's processes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    await Promise.all([...this.runs.values()].map(r => r.stop()));
    this.runs.clear();
  }

  /** Registers a listener for git-sync progress and pod starts; returns an unsubscribe function. */
  onActivity(
    listener: (run: PodRun, event: 'published' | 'exited' | 'started') => void,
  ): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The newest running pod of a workload. */
  current(workload: WorkloadLabels): PodRun | undefined {
    let best: PodRun | undefined;
    for (const run of this.runs.values()) {
      if (run.labels.release !== workload.release) continue;
      if (run.labels.component !== workload.component) continue;
      if (!best || run.createdAt >= best.createdAt) best = run;
    }
    return best;
  }

  private guard(fn: () => void) {
    try {
      fn();
    } catch (e) {
      this.logger.error('Airflow pod controller failed', {
        error: (e as Error)?.message ?? String(e),
      });
    }
  }

  private changed(type: string, obj: KubeObject) {
    if (this.stopping) return;
    if (type === 'ADDED') {
      const pod = this.read(obj.metadata.name);
      if (pod && pod.metadata.uid === obj.metadata.uid) this.adopt(pod, true);
    } else if (type === 'DELETED') {
      this.deleted(obj);
    }
  }

  /** Starts the kubelet's run of a pod and makes its spec the workload's template. */
  private adopt(pod: KubeObject, rollout: boolean) {
    const workload = this.managed(pod)!;
    if (this.runs.has(String(pod.metadata.uid))) return;
    const { ['pod-template-hash']: hash, ...labels } =
      pod.metadata.labels ?? {};
    const spec = stripRuntimeFields(pod.spec);
    const previous = this.templates.get(key(workload));
    const same =
      previous && JSON.stringify(previous.spec) === JSON.stringify(spec);
    this.templates.set(key(workload), {
      labels,
      spec,
      // A new revision gets a new hash; the same template keeps its hash.
      hash: same
        ? previous.hash
        : (!previous && hash) || podTemplateHash({ labels, spec }),
    });
    const run = new PodRun(pod, {
      kube: this.options.kube,
      clock: this.options.clock,
      logger: this.logger,
      backoffMs: this.options.backoffMs,
      periodMs: this.options.periodMs,
      localRoot: path.join(this.options.rootsDir, pod.metadata.name),
      onGitSync: (r, event) => this.notify(r, event),
      reachesGitRemote: this.options.reachesGitRemote,
    });
    this.runs.set(run.uid, run);
    run.start();
    this.notify(run, 'started');
    if (rollout) this.deleteOthers(workload, run.uid);
  }

  /** A newer pod took over the workload: the older ones go, as in a Deployment rollout. */
  private deleteOthers(workload: WorkloadLabels, keepUid: string) {
    for (const run of [...this.runs.values()]) {
      if (run.uid === keepUid) continue;
      if (run.labels.release !== workload.release) continue;
      if (run.labels.component !== workload.component) continue;
      try {
        this.options.kube.delete('pods', AIRFLOW_NAMESPACE, run.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** A pod is gone: stop its run, drop its volume, and replace it when it was the workload's last pod. */
  private deleted(obj: KubeObject) {
    const uid = String(obj.metadata.uid);
    const run = this.runs.get(uid);
    if (run) {
      this.runs.delete(uid);
      // The pod's emptyDir goes with it, once its processes have stopped.
      void run
        .stop()
        .then(() =>
          this.guard(() =>
            fs.rmSync(run.localRoot, { recursive: true, force: true }),
          ),
        );
    }
    const workload = this.managed(obj)!;
    if (this.current(workload)) return;
    const template = this.templates.get(key(workload));
    if (!template) return;
    const { hash } = template;
    this.options.kube.create('pods', AIRFLOW_NAMESPACE, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: deploymentPodName(workload, hash),
        namespace: AIRFLOW_NAMESPACE,
        labels: { ...template.labels, 'pod-template-hash': hash },
      },
      spec: template.spec,
    });
  }

  private read(name: string): KubeObject | undefined {
    try {
      return this.options.kube.get('pods', AIRFLOW_NAMESPACE, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private notify(run: PodRun, event: 'published' | 'exited' | 'started') {
    for (const listener of [...this.listeners]) {
      try {
        listener(run, event);
      } catch (e) {
        this.logger.error('Airflow pod listener failed', {
          pod: run.name,
          error: (e as Error)?.message ?? String(e),
        });
      }
    }
  }
}

function created(pod: KubeObject): string {
  return String(pod.metadata.creationTimestamp ?? '');
}

/** The template part of a pod spec (without what the API server and scheduler fill in). */
function stripRuntimeFields(spec: any): any {
  return JSON.parse(JSON.stringify(spec ?? {}));
}
