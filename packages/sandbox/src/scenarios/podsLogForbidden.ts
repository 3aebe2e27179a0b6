/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { V1PolicyRule, V1Role } from '@kubernetes/client-node';
import { ScenarioContext, ScenarioCrawler } from './context';
import { Scenario, ScenarioError, SCENARIO_OPTION_FLAGS } from './types';

/** The Role the seeding gives Airflow's worker in each crawler namespace. */
export const POD_RUNNER_ROLE = 'airflow-pod-runner';

/** The seeded rule for the operator's log reading (domain-facts §8 "Forbidden on pods/log"). */
const PODS_LOG_RULE: V1PolicyRule = {
  apiGroups: [''],
  resources: ['pods/log'],
  verbs: ['get', 'list'],
};

const grantsPodsLog = (rules: V1PolicyRule[]) =>
  rules.some(
    r =>
      (r.apiGroups ?? []).includes('') &&
      (r.resources ?? []).includes('pods/log') &&
      (r.verbs ?? []).some(v => v === 'get' || v === '*'),
  );

async function readRole(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
): Promise<V1Role> {
  return ctx.clients.rbac.readNamespacedRole({
    namespace: crawler.namespace,
    name: POD_RUNNER_ROLE,
  });
}

async function replaceRules(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  role: V1Role,
  rules: V1PolicyRule[],
  what: string,
) {
  await ctx.clients.rbac.replaceNamespacedRole({
    namespace: crawler.namespace,
    name: POD_RUNNER_ROLE,
    body: { ...role, rules },
  });
  ctx.note(
    `Kubernetes: replaced Role ${crawler.namespace}/${POD_RUNNER_ROLE} ${what}`,
  );
}

/**
 * §9 row 2: the Role bound to Airflow's worker service account in the crawler's namespace loses its `pods/log` rule,
 * so the KubernetesPodOperator's log reading gets a 403 while the pod runs. price-crawler has this fault in the
 * seeded world: its break changes nothing (and still triggers a run), its heal is refused unless asked with
 * `fixSeededFault`.
 */
export const podsLogForbidden: Scenario = {
  id: 'pods-log-forbidden',
  summary:
    "the crawler namespace's Role for Airflow's worker loses pods/log → the operator's log read gets a 403",
  scope: "the crawler's namespace only",
  options: ['fixSeededFault'],
  async break(ctx, crawler) {
    const role = await readRole(ctx, crawler);
    const rules = role.rules ?? [];
    let changed = false;
    if (!crawler.seed.podsLogRule) {
      ctx.note(
        `${crawler.name} has this fault in the seeded world (its Role has no pods/log rule)`,
      );
    }
    if (rules.some(r => (r.resources ?? []).includes('pods/log'))) {
      const kept = rules
        .map(r => ({
          ...r,
          resources: (r.resources ?? []).filter(x => x !== 'pods/log'),
        }))
        .filter(r => r.resources.length > 0);
      await replaceRules(ctx, crawler, role, kept, 'without pods/log');
      changed = true;
    }
    return { changed, runId: await ctx.triggerRun(crawler) };
  },
  async heal(ctx, crawler, options) {
    const role = await readRole(ctx, crawler);
    const rules = role.rules ?? [];
    if (grantsPodsLog(rules)) return { changed: false };
    if (!crawler.seed.podsLogRule && !options.fixSeededFault) {
      throw new ScenarioError(
        `${crawler.name}'s Role ${crawler.namespace}/${POD_RUNNER_ROLE} lacks pods/log in the seeded world (its seeded fault); ` +
          `heal leaves the seeded state alone. Pass ${SCENARIO_OPTION_FLAGS.fixSeededFault} to grant it anyway ` +
          `(\`break pods-log-forbidden ${crawler.name}\` brings the seeded fault back).`,
      );
    }
    // The seeded order: pods, pods/log, events.
    const podsRule = rules.findIndex(r => (r.resources ?? []).includes('pods'));
    const next = [...rules];
    next.splice(podsRule + 1, 0, PODS_LOG_RULE);
    await replaceRules(
      ctx,
      crawler,
      role,
      next,
      'with the seeded pods/log rule (get, list)',
    );
    return { changed: true };
  },
};
