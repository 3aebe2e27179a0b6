/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { ScenarioContext, ScenarioCrawler } from './context';

/** The scenario ids, one per row of domain-facts §9 "Evidence the diagnosis reads". */
export const SCENARIO_IDS = [
  'image-pull-403',
  'pods-log-forbidden',
  'worker-image-missing',
  'worker-without-dags',
  'no-fargate-profile',
  'no-nat-egress',
  'git-sync-auth',
  'finished-pods',
  'import-error',
] as const;

/** A scenario id. */
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** Options of a break or heal; each scenario accepts only the ones it lists. */
export type ScenarioOptions = {
  /** git-sync-auth: the branch/ref trap (a stale `GIT_SYNC_BRANCH` overriding `GITSYNC_REF`) instead of a wrong password. */
  refTrap?: boolean;
  /**
   * pods-log-forbidden: let heal also fix a crawler whose seeded state has the fault (price-crawler's Role lacks
   * `pods/log` in the seeded world); without it such a heal is refused.
   */
  fixSeededFault?: boolean;
};

/** The names of {@link ScenarioOptions}, as the CLI spells them. */
export const SCENARIO_OPTION_FLAGS: Record<keyof ScenarioOptions, string> = {
  refTrap: '--ref-trap',
  fixSeededFault: '--fix-seeded-fault',
};

/** What one break or heal did. */
export type ScenarioOutcome = {
  /** Whether it changed any state (false: it was already broken / healthy). */
  changed: boolean;
  /** The run it triggered for the evidence (Airflow `dag_run_id`). */
  runId?: string;
};

/** The result of {@link breakScenario} / {@link healScenario}. */
export type ScenarioResult = ScenarioOutcome & {
  scenario: ScenarioId;
  crawler: string;
  action: 'break' | 'heal';
  /** The crawler's Airflow (`airflow2` / `airflow3`) and DAG. */
  airflow: string;
  dagId: string;
  /** What was done, through which API, and what the scope is; one line each. */
  notes: string[];
};

/** One failure that can be switched on (break) and off (heal) through the sandbox's own APIs. */
export interface Scenario {
  readonly id: ScenarioId;
  /** One line for `yarn sandbox scenarios`. */
  readonly summary: string;
  /** Who is affected besides the named crawler (documented in the README). */
  readonly scope: string;
  /** The options it accepts. */
  readonly options?: ReadonlyArray<keyof ScenarioOptions>;
  break(
    ctx: ScenarioContext,
    crawler: ScenarioCrawler,
    options: ScenarioOptions,
  ): Promise<ScenarioOutcome>;
  heal(
    ctx: ScenarioContext,
    crawler: ScenarioCrawler,
    options: ScenarioOptions,
  ): Promise<ScenarioOutcome>;
}

/** A refused request (unknown scenario, crawler or option, or a heal that would change the seeded world). */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}
