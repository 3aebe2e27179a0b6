/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AirflowInstance } from '../airflow/AirflowInstance';
import { PyCompiler } from '../airflow/pyCompile';
import { startAirflowServer } from '../airflow/server';
import { KubeStore } from '../kube/KubeStore';

/** A folder standing in for git-sync's `<root>/<link>`, with the given repository files. */
export function syncedFolder(files: Record<string, string>): {
  dir: string;
  write(files: Record<string, string>): void;
  remove(): void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-dags-'));
  const write = (more: Record<string, string>) => {
    for (const [file, content] of Object.entries(more)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
  };
  write(files);
  return {
    dir,
    write,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A crawler namespace with a Role for Airflow's worker service account (optionally without `pods/log` or `create`). */
export function crawlerNamespace(
  kube: KubeStore,
  namespace: string,
  options: { podsLog?: boolean; createPods?: boolean } = {},
) {
  kube.create('namespaces', undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  const rules: Array<Record<string, unknown>> = [
    {
      apiGroups: [''],
      resources: ['pods'],
      verbs: [
        'get',
        'list',
        'watch',
        'delete',
        'patch',
        ...(options.createPods === false ? [] : ['create']),
      ],
    },
  ];
  if (options.podsLog !== false) {
    rules.push({
      apiGroups: [''],
      resources: ['pods/log'],
      verbs: ['get', 'list'],
    });
  }
  kube.create('roles', namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'airflow-pod-runner', namespace },
    rules,
  });
  kube.create('rolebindings', namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'airflow-pod-runner', namespace },
    subjects: [
      { kind: 'ServiceAccount', name: 'airflow-worker', namespace: 'airflow' },
    ],
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'airflow-pod-runner',
    },
  });
}

/** Plays kubelet for one pod: Running, log lines, then Succeeded or Failed with the exit code. */
export function finishPod(
  kube: KubeStore,
  namespace: string,
  name: string,
  lines: string[],
  exitCode = 0,
) {
  kube.updatePodStatus(namespace, name, {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'base',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: new Date().toISOString() } },
      },
    ],
  });
  if (lines.length > 0)
    kube.appendLog(namespace, name, 'base', `${lines.join('\n')}\n`);
  kube.updatePodStatus(namespace, name, {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    containerStatuses: [
      {
        name: 'base',
        ready: false,
        restartCount: 0,
        state: {
          terminated: {
            exitCode,
            reason: exitCode === 0 ? 'Completed' : 'Error',
          },
        },
      },
    ],
  });
}

/** Starts one Airflow instance and its API server over a synced folder holding the seeded DAG repository. */
export async function startTestAirflow(options: {
  version: 'v1' | 'v2';
  clock: { now(): Date; onAdvance?(l: (d: Date) => void): () => void };
  files: Record<string, string>;
  generatedDags?: number;
  tokenExpirySeconds?: number;
}) {
  const kube = new KubeStore({ clock: options.clock });
  crawlerNamespace(kube, 'crawler-news');
  crawlerNamespace(kube, 'crawler-price', { podsLog: false });
  const folder = syncedFolder(options.files);
  const instance = new AirflowInstance({
    name: options.version === 'v1' ? 'airflow2' : 'airflow3',
    apiVersion: options.version,
    kube,
    clock: options.clock,
    dagsFolder: () => folder.dir,
    compiler: new PyCompiler({
      pycachePrefix: path.join(os.tmpdir(), 'sandbox-airflow-test-pycache'),
    }),
    tickIntervalMs: 20,
    generatedDags: options.generatedDags,
  });
  await instance.start();
  const server = await startAirflowServer({
    instance,
    tokenExpirySeconds: options.tokenExpirySeconds,
  });
  return {
    kube,
    instance,
    url: server.url,
    folder,
    async stop() {
      await server.close();
      await instance.stop();
      folder.remove();
    },
  };
}

/** Waits until `check` gives a truthy value (polling every 10 ms, up to 5 s). */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await check();
    if (v) return v;
    await new Promise(r => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}
