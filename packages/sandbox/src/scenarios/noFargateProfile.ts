/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  CreateFargateProfileCommand,
  DeleteFargateProfileCommand,
  DescribeFargateProfileCommand,
  FargateProfile,
  ListFargateProfilesCommand,
} from '@aws-sdk/client-eks';
import { SANDBOX_ACCOUNT_ID, SANDBOX_CLUSTER_NAME } from '../constants';
import { FARGATE_POD_EXECUTION_ROLE } from '../seed/aws';
import { ScenarioContext, ScenarioCrawler } from './context';
import { deletePod, listPods } from './kube';
import { Scenario } from './types';

/** A Fargate selector pattern (`*`, `?`) as a regular expression. */
function glob(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map(ch => {
      if (ch === '*') return '.*';
      if (ch === '?') return '.';
      return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

/** The cluster's Fargate profiles with a selector for the namespace (EKS ListFargateProfiles + Describe). */
async function profilesFor(
  ctx: ScenarioContext,
  namespace: string,
): Promise<FargateProfile[]> {
  const { eks } = ctx.clients;
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await eks.send(
      new ListFargateProfilesCommand({
        clusterName: SANDBOX_CLUSTER_NAME,
        nextToken,
      }),
    );
    names.push(...(page.fargateProfileNames ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const profiles: FargateProfile[] = [];
  for (const fargateProfileName of names) {
    try {
      const out = await eks.send(
        new DescribeFargateProfileCommand({
          clusterName: SANDBOX_CLUSTER_NAME,
          fargateProfileName,
        }),
      );
      profiles.push(out.fargateProfile!);
    } catch (e) {
      // Gone between the list and the describe.
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    }
  }
  return profiles.filter(p =>
    (p.selectors ?? []).some(s => glob(s.namespace ?? '').test(namespace)),
  );
}

/** Waits until no profile for the namespace is in `status` (DELETING: until they are gone). */
function waitWhile(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  status: string,
) {
  return ctx.waitFor(
    `the Fargate profiles of ${crawler.namespace} to leave ${status}`,
    async () =>
      (await profilesFor(ctx, crawler.namespace)).every(
        p => p.status !== status,
      ),
  );
}

/** Deletes the crawler namespace's Pending pods that no profile matched (default-scheduler, no profile label). */
async function deleteUnmatchedPods(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
): Promise<number> {
  const pods = (await listPods(ctx, crawler.namespace)).filter(
    p =>
      p.status?.phase === 'Pending' &&
      !p.spec?.nodeName &&
      p.spec?.schedulerName !== 'fargate-scheduler' &&
      !p.metadata?.labels?.['eks.amazonaws.com/fargate-profile'],
  );
  for (const pod of pods) {
    await deletePod(ctx, crawler.namespace, pod.metadata!.name!);
  }
  if (pods.length) {
    ctx.note(
      `Kubernetes: deleted ${pods.length} Pending pod(s) of ${
        crawler.namespace
      } that no profile matched (a profile created later does not reschedule them): ${pods
        .map(p => p.metadata!.name)
        .join(', ')}`,
    );
  }
  return pods.length;
}

/**
 * §9 row 5: no Fargate profile selects the crawler's namespace (EKS DeleteFargateProfile of each one that does).
 * New pods stay Pending with `default-scheduler`, no profile label, and a FailedScheduling from default-scheduler.
 * Heal creates the seeded profile (`<crawler>`, the seeded pod execution role, selector = the namespace) again and
 * deletes the pods that stayed unmatched.
 */
export const noFargateProfile: Scenario = {
  id: 'no-fargate-profile',
  summary:
    "no Fargate profile selects the crawler's namespace → its pods stay Pending (default-scheduler FailedScheduling)",
  scope:
    "the crawler's namespace (a profile whose selector also matches other namespaces would take them along; the seeded profiles do not)",
  async break(ctx, crawler) {
    const { eks } = ctx.clients;
    let changed = false;
    for (const profile of await profilesFor(ctx, crawler.namespace)) {
      if (profile.status === 'DELETING') continue;
      await eks.send(
        new DeleteFargateProfileCommand({
          clusterName: SANDBOX_CLUSTER_NAME,
          fargateProfileName: profile.fargateProfileName!,
        }),
      );
      const others = (profile.selectors ?? [])
        .map(s => s.namespace)
        .filter(ns => ns !== crawler.namespace);
      ctx.note(
        `EKS DeleteFargateProfile ${profile.fargateProfileName}${
          others.length ? ` (it also selected ${others.join(', ')})` : ''
        }`,
      );
      changed = true;
    }
    await waitWhile(ctx, crawler, 'DELETING');
    return { changed, runId: await ctx.triggerRun(crawler) };
  },
  async heal(ctx, crawler) {
    await waitWhile(ctx, crawler, 'DELETING');
    let changed = false;
    if ((await profilesFor(ctx, crawler.namespace)).length === 0) {
      await ctx.clients.eks.send(
        new CreateFargateProfileCommand({
          clusterName: SANDBOX_CLUSTER_NAME,
          fargateProfileName: crawler.name,
          podExecutionRoleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${FARGATE_POD_EXECUTION_ROLE}`,
          selectors: [{ namespace: crawler.namespace }],
        }),
      );
      ctx.note(
        `EKS CreateFargateProfile ${crawler.name} (selector namespace ${crawler.namespace}, the seeded pod execution role)`,
      );
      changed = true;
    }
    await waitWhile(ctx, crawler, 'CREATING');
    const deleted = await deleteUnmatchedPods(ctx, crawler);
    return { changed: changed || deleted > 0 };
  },
};
