/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ApiException, V1Pod } from '@kubernetes/client-node';
import {
  AIRFLOW_NAMESPACE,
  deploymentPodName,
  podTemplateHash,
} from '../gitsync/airflowPods';
import { ScenarioContext, ScenarioCrawler } from './context';

/** Whether a Kubernetes client error is a 404. */
export function isKubeNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

/** The pods of a namespace matching a label selector, without those being deleted. */
export async function listPods(
  ctx: ScenarioContext,
  namespace: string,
  labelSelector?: string,
): Promise<V1Pod[]> {
  const list = await ctx.clients.core.listNamespacedPod({
    namespace,
    labelSelector,
  });
  return list.items.filter(p => !p.metadata?.deletionTimestamp);
}

/** Deletes a pod (gone already is fine); returns whether it deleted one. */
export async function deletePod(
  ctx: ScenarioContext,
  namespace: string,
  name: string,
): Promise<boolean> {
  try {
    await ctx.clients.core.deleteNamespacedPod({ namespace, name });
    return true;
  } catch (e) {
    if (isKubeNotFound(e)) return false;
    throw e;
  }
}

/** The chart labels of an Airflow component's pods (`tier`, `release`, `component`). */
export function workloadSelector(release: string, component: string): string {
  return `tier=airflow,release=${release},component=${component}`;
}

/** The newest pod of an Airflow component (Deployment), if any. */
export async function airflowPod(
  ctx: ScenarioContext,
  release: string,
  component: string,
): Promise<V1Pod | undefined> {
  const pods = await listPods(
    ctx,
    AIRFLOW_NAMESPACE,
    workloadSelector(release, component),
  );
  return pods.sort((a, b) =>
    String(b.metadata?.creationTimestamp ?? '').localeCompare(
      String(a.metadata?.creationTimestamp ?? ''),
    ),
  )[0];
}

/** The pod that runs git-sync for the crawler's Airflow (Airflow 2 scheduler, Airflow 3 dag-processor). */
export function gitSyncPod(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
): Promise<V1Pod | undefined> {
  return airflowPod(ctx, crawler.airflow, crawler.gitSyncComponent);
}

/** Whether the pod's `git-sync-init` has completed (exit 0): the pod synced once with the env it has. */
export function initSynced(pod: V1Pod | undefined): boolean {
  const init = pod?.status?.initContainerStatuses?.find(
    s => s.name === 'git-sync-init',
  );
  return init?.state?.terminated?.exitCode === 0;
}

/**
 * Whether git-sync fails in the pod now: `git-sync-init` has not completed and has crashed (or cannot be created),
 * or the `git-sync` sidecar waits in CrashLoopBackOff.
 */
export function gitSyncFailing(pod: V1Pod | undefined): boolean {
  if (!pod) return false;
  const init = pod.status?.initContainerStatuses?.find(
    s => s.name === 'git-sync-init',
  );
  if (init && !initSynced(pod)) {
    return (
      (init.restartCount ?? 0) > 0 ||
      init.state?.waiting?.reason === 'CrashLoopBackOff' ||
      init.state?.waiting?.reason === 'CreateContainerConfigError'
    );
  }
  const sidecar = pod.status?.containerStatuses?.find(
    s => s.name === 'git-sync',
  );
  return sidecar?.state?.waiting?.reason === 'CrashLoopBackOff';
}

/**
 * A rollout of a changed pod template, the sandbox way (it has no Deployment API): a pod with the workload's labels,
 * a new `pod-template-hash` and the new spec takes over and the controller deletes the older pod. Resolves with the
 * new pod's name once it is the workload's only pod.
 */
export async function rollOut(
  ctx: ScenarioContext,
  workload: { release: string; component: string },
  template: { labels: Record<string, string>; spec: any },
): Promise<string> {
  const hash = podTemplateHash(template);
  const name = deploymentPodName(workload, hash);
  await ctx.clients.core.createNamespacedPod({
    namespace: AIRFLOW_NAMESPACE,
    body: {
      metadata: {
        name,
        labels: { ...template.labels, 'pod-template-hash': hash },
      },
      spec: template.spec,
    },
  });
  await ctx.waitFor(`the rollout of ${name}`, async () => {
    const pods = await listPods(
      ctx,
      AIRFLOW_NAMESPACE,
      workloadSelector(workload.release, workload.component),
    );
    return pods.length === 1 && pods[0].metadata?.name === name;
  });
  return name;
}

/**
 * Whether a container of the pod waits on an image pull (ErrImagePull, ImagePullBackOff) whose message contains
 * `cause` (e.g. `403 Forbidden`, `i/o timeout`).
 */
export function waitsOnImagePull(pod: V1Pod, cause: string): boolean {
  return [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ].some(
    s =>
      ['ErrImagePull', 'ImagePullBackOff'].includes(
        s.state?.waiting?.reason ?? '',
      ) && String(s.state?.waiting?.message ?? '').includes(cause),
  );
}

/**
 * Deletes the crawler's operator pods stuck on an image pull failing with `cause` (what an operator clears once the
 * cause is fixed; with provider ≥ 10.5 the operator has usually deleted them already). Notes how many.
 */
export async function deleteImagePullPods(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  cause: string,
): Promise<number> {
  const pods = (
    await listPods(ctx, crawler.namespace, 'kubernetes_pod_operator=True')
  ).filter(p => waitsOnImagePull(p, cause));
  for (const pod of pods) {
    await deletePod(ctx, crawler.namespace, pod.metadata!.name!);
  }
  if (pods.length) {
    ctx.note(
      `Kubernetes: deleted ${pods.length} pod(s) of ${
        crawler.namespace
      } stuck on the image pull (${pods
        .map(p => p.metadata!.name)
        .join(', ')})`,
    );
  }
  return pods.length;
}

/** The JSON lines of a container's log (git-sync writes funcr JSON); a container without a log gives none. */
export async function jsonLogLines(
  ctx: ScenarioContext,
  pod: string,
  container: string,
): Promise<Array<Record<string, unknown>>> {
  let text: string;
  try {
    text = await ctx.clients.core.readNamespacedPodLog({
      namespace: AIRFLOW_NAMESPACE,
      name: pod,
      container,
    });
  } catch (e) {
    // 400: the container has not started yet; 404: the pod is gone.
    if (e instanceof ApiException && (e.code === 400 || e.code === 404))
      return [];
    throw e;
  }
  const lines: Array<Record<string, unknown>> = [];
  for (const line of String(text).split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      // not a JSON line
    }
  }
  return lines;
}

/**
 * Waits until the git-sync of the crawler's Airflow has published `commitId` (its current pod logs `updated
 * successfully` with `remote` = the commit, in `git-sync-init` or the sidecar): from then on the Airflow parses
 * that commit before it starts a new run.
 */
export async function waitForSynced(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  commitId: string,
): Promise<void> {
  await ctx.waitFor(
    `git-sync of ${crawler.airflow} to publish commit ${commitId} (is git-sync healthy?)`,
    async () => {
      const pod = await gitSyncPod(ctx, crawler);
      if (!pod?.metadata?.name) return false;
      for (const container of ['git-sync', 'git-sync-init']) {
        const lines = await jsonLogLines(ctx, pod.metadata.name, container);
        if (
          lines.some(
            l => l.msg === 'updated successfully' && l.remote === commitId,
          )
        )
          return true;
      }
      return false;
    },
  );
}
