/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  PatchStrategy,
  setHeaderOptions,
  V1Pod,
} from '@kubernetes/client-node';
import {
  SANDBOX_DAG_BRANCH,
  SANDBOX_GIT_PASSWORD,
  SANDBOX_GIT_USERNAME,
} from '../constants';
import { AIRFLOW_NAMESPACE } from '../gitsync/airflowPods';
import {
  AIRFLOW_INSTANCES,
  airflowPodTemplate,
  GIT_CREDENTIALS_SECRET,
} from '../seed/airflow';
import { ScenarioContext, ScenarioCrawler } from './context';
import {
  deletePod,
  gitSyncFailing,
  gitSyncPod,
  initSynced,
  rollOut,
} from './kube';
import { Scenario } from './types';

/** The password the break writes into git-sync's credentials Secret. */
export const WRONG_GIT_PASSWORD = 'sandbox-wrong-git-password';
/** The stale branch of the ref trap (the chart's old `dags.gitSync.branch` default). */
export const TRAP_BRANCH = 'v2-2-stable';

async function readCredentials(ctx: ScenarioContext) {
  const secret = await ctx.clients.core.readNamespacedSecret({
    namespace: AIRFLOW_NAMESPACE,
    name: GIT_CREDENTIALS_SECRET,
  });
  const value = (key: string) => {
    const data = secret.data?.[key];
    return data === undefined
      ? undefined
      : Buffer.from(data, 'base64').toString('utf8');
  };
  return {
    username: value('GITSYNC_USERNAME'),
    password: value('GITSYNC_PASSWORD'),
  };
}

async function patchCredentials(
  ctx: ScenarioContext,
  stringData: Record<string, string>,
) {
  await ctx.clients.core.patchNamespacedSecret(
    {
      namespace: AIRFLOW_NAMESPACE,
      name: GIT_CREDENTIALS_SECRET,
      body: { stringData },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  ctx.note(
    `Kubernetes: merge-patched Secret ${AIRFLOW_NAMESPACE}/${GIT_CREDENTIALS_SECRET} (${Object.keys(
      stringData,
    ).join(', ')})`,
  );
}

/** A git-sync env value of the pod's git-sync containers (the first one that sets it). */
function gitSyncEnv(pod: V1Pod | undefined, name: string): string | undefined {
  const containers = [
    ...(pod?.spec?.initContainers ?? []),
    ...(pod?.spec?.containers ?? []),
  ].filter(c => c.name.startsWith('git-sync'));
  for (const c of containers) {
    const found = (c.env ?? []).find(e => e.name === name);
    if (found) return found.value;
  }
  return undefined;
}

/** The pod's spec with `GIT_SYNC_BRANCH` set to `branch` in its git-sync containers. */
function withBranch(pod: V1Pod, branch: string): any {
  const edit = (c: any) =>
    c.name.startsWith('git-sync')
      ? {
          ...c,
          env: (c.env ?? []).map((e: any) =>
            e.name === 'GIT_SYNC_BRANCH' ? { ...e, value: branch } : e,
          ),
        }
      : c;
  return {
    ...pod.spec,
    initContainers: pod.spec?.initContainers?.map(edit),
    containers: pod.spec!.containers.map(edit),
  };
}

function workloadOf(crawler: ScenarioCrawler) {
  return { release: crawler.airflow, component: crawler.gitSyncComponent };
}

/** The ref trap: a rollout whose `GIT_SYNC_BRANCH` names a stale branch while `GITSYNC_REF` stays `main`. */
async function breakRef(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  pod: V1Pod | undefined,
): Promise<boolean> {
  if (!pod || gitSyncEnv(pod, 'GIT_SYNC_BRANCH') === TRAP_BRANCH) return false;
  const name = await rollOut(ctx, workloadOf(crawler), {
    labels: { tier: 'airflow', ...workloadOf(crawler) },
    spec: withBranch(pod, TRAP_BRANCH),
  });
  ctx.note(
    `Kubernetes: rolled out ${name} with GIT_SYNC_BRANCH=${TRAP_BRANCH} (GITSYNC_REF=${gitSyncEnv(
      pod,
      'GITSYNC_REF',
    )}): git-sync ≥ 4 takes the deprecated branch as --ref`,
  );
  return true;
}

/** Rolls the Airflow's git-sync Deployment back to the seeded template (branch = ref = main). */
async function healRef(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  pod: V1Pod,
): Promise<void> {
  const instance = AIRFLOW_INSTANCES.find(i => i.name === crawler.airflow)!;
  const component = instance.components.find(
    c => c.component === crawler.gitSyncComponent,
  )!;
  const template = airflowPodTemplate(
    instance,
    component,
    gitSyncEnv(pod, 'GITSYNC_REPO') ?? '',
    gitSyncEnv(pod, 'GITSYNC_PERIOD') ?? '10s',
  );
  const name = await rollOut(ctx, workloadOf(crawler), template);
  ctx.note(
    `Kubernetes: rolled out ${name} with the seeded git-sync env (GIT_SYNC_BRANCH=GITSYNC_REF=${SANDBOX_DAG_BRANCH})`,
  );
}

/**
 * §9 row 7: git-sync of the crawler's Airflow cannot sync. Default: the credentials Secret
 * `airflow/airflow-git-credentials` gets a wrong `GITSYNC_PASSWORD` and the Airflow's git-sync pod (Airflow 2
 * scheduler, Airflow 3 dag-processor) is deleted; its replacement reads the Secret and sticks in
 * `Init:CrashLoopBackOff` with the 403 in `git-sync-init`. With `refTrap`: a rollout with a stale `GIT_SYNC_BRANCH`
 * (`couldn't find remote ref`). Heal puts the seeded credentials and env back and restarts a failing pod.
 */
export const gitSyncAuth: Scenario = {
  id: 'git-sync-auth',
  summary:
    "git-sync of the crawler's Airflow gets a wrong password (or, with --ref-trap, a stale GIT_SYNC_BRANCH) → Init:CrashLoopBackOff",
  scope:
    "the crawler's Airflow (its git-sync pod); the credentials Secret is shared, so the other Airflow's git-sync also fails at its next container start while the password is wrong",
  options: ['refTrap'],
  async break(ctx, crawler, options) {
    const pod = await gitSyncPod(ctx, crawler);
    if (options.refTrap) {
      return { changed: await breakRef(ctx, crawler, pod) };
    }
    let changed = false;
    if ((await readCredentials(ctx)).password !== WRONG_GIT_PASSWORD) {
      await patchCredentials(ctx, { GITSYNC_PASSWORD: WRONG_GIT_PASSWORD });
      ctx.note(
        'scope: the Secret is shared by both Airflows; only containers started from now on read it',
      );
      changed = true;
    }
    // A pod that synced with the old credentials keeps them; its replacement reads the Secret.
    if (pod && initSynced(pod)) {
      await deletePod(ctx, AIRFLOW_NAMESPACE, pod.metadata!.name!);
      ctx.note(
        `Kubernetes: deleted ${
          pod.metadata!.name
        } (the Deployment replaces it; the new pod's git-sync-init reads the wrong password)`,
      );
      changed = true;
    }
    return { changed };
  },
  async heal(ctx, crawler) {
    let changed = false;
    const credentials = await readCredentials(ctx);
    if (
      credentials.username !== SANDBOX_GIT_USERNAME ||
      credentials.password !== SANDBOX_GIT_PASSWORD
    ) {
      await patchCredentials(ctx, {
        GITSYNC_USERNAME: SANDBOX_GIT_USERNAME,
        GITSYNC_PASSWORD: SANDBOX_GIT_PASSWORD,
      });
      changed = true;
    }
    const pod = await gitSyncPod(ctx, crawler);
    if (pod && gitSyncEnv(pod, 'GIT_SYNC_BRANCH') !== SANDBOX_DAG_BRANCH) {
      await healRef(ctx, crawler, pod);
      changed = true;
    } else if (pod && (gitSyncFailing(pod) || (changed && !initSynced(pod)))) {
      // A git-sync-init still retrying with the wrong password waits a whole period between attempts: restart it.
      await deletePod(ctx, AIRFLOW_NAMESPACE, pod.metadata!.name!);
      ctx.note(
        `Kubernetes: deleted ${
          pod.metadata!.name
        } (its git-sync had failed; the replacement starts with the seeded credentials)`,
      );
      changed = true;
    }
    if (changed) {
      await ctx.waitFor(
        `the git-sync pod of ${crawler.airflow} to sync again`,
        async () => initSynced(await gitSyncPod(ctx, crawler)),
      );
    }
    return { changed };
  },
};
