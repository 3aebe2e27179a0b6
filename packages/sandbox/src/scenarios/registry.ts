/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SEED_CRAWLERS } from '../seedContent';
import {
  ScenarioContext,
  scenarioCrawler,
  ScenarioCrawler,
  ScenarioSettings,
} from './context';
import { finishedPods } from './finishedPods';
import { gitSyncAuth } from './gitSyncAuth';
import { imagePull403 } from './imagePull403';
import { importError } from './importError';
import { noFargateProfile } from './noFargateProfile';
import { noNatEgress } from './noNatEgress';
import { podsLogForbidden } from './podsLogForbidden';
import {
  Scenario,
  ScenarioError,
  ScenarioId,
  SCENARIO_IDS,
  SCENARIO_OPTION_FLAGS,
  ScenarioOptions,
  ScenarioResult,
} from './types';
import { workerImageMissing } from './workerImageMissing';
import { workerWithoutDags } from './workerWithoutDags';

/** Every scenario, in the order of domain-facts §9. */
export const SCENARIOS: readonly Scenario[] = [
  imagePull403,
  podsLogForbidden,
  workerImageMissing,
  workerWithoutDags,
  noFargateProfile,
  noNatEgress,
  gitSyncAuth,
  finishedPods,
  importError,
];

/** The scenario with that id; refuses an unknown id with the valid ones. */
export function findScenario(id: string): Scenario {
  const scenario = SCENARIOS.find(s => s.id === id);
  if (!scenario) {
    throw new ScenarioError(
      `unknown scenario ${JSON.stringify(
        id,
      )}; valid scenarios: ${SCENARIO_IDS.join(', ')}`,
    );
  }
  return scenario;
}

/** The seeded crawler of that name; refuses an unknown one with the valid ones. */
export function findCrawler(name: string): ScenarioCrawler {
  const crawler = scenarioCrawler(name);
  if (!crawler) {
    throw new ScenarioError(
      `unknown crawler ${JSON.stringify(
        name,
      )}; valid crawlers: ${SEED_CRAWLERS.map(c => c.name).join(', ')}`,
    );
  }
  return crawler;
}

/** Refuses options the scenario does not take. */
function checkOptions(scenario: Scenario, options: ScenarioOptions): void {
  for (const [key, value] of Object.entries(options) as Array<
    [keyof ScenarioOptions, unknown]
  >) {
    if (value === undefined || value === false) continue;
    if (!(key in SCENARIO_OPTION_FLAGS)) {
      throw new ScenarioError(`unknown option ${JSON.stringify(key)}`);
    }
    if (!(scenario.options ?? []).includes(key)) {
      const takers = SCENARIOS.filter(s => s.options?.includes(key)).map(
        s => s.id,
      );
      throw new ScenarioError(
        `option ${SCENARIO_OPTION_FLAGS[key]} does not apply to ${
          scenario.id
        }; it applies to: ${takers.join(', ')}`,
      );
    }
  }
}

async function run(
  settings: ScenarioSettings,
  action: 'break' | 'heal',
  id: string,
  crawlerName: string,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const scenario = findScenario(id);
  const crawler = findCrawler(crawlerName);
  checkOptions(scenario, options);
  const ctx = new ScenarioContext(settings);
  try {
    const outcome = await scenario[action](ctx, crawler, options);
    return {
      scenario: scenario.id as ScenarioId,
      crawler: crawler.name,
      action,
      airflow: crawler.airflow,
      dagId: crawler.dagId,
      ...outcome,
      notes: ctx.notes,
    };
  } finally {
    ctx.destroy();
  }
}

/**
 * Switches a failure on for a seeded crawler through the sandbox's own APIs (see the README, "Break and heal").
 * Breaking twice leaves the same state as once; a scenario whose evidence needs a run triggers one and returns its
 * run id. Unknown scenarios, crawlers or options are refused with a {@link ScenarioError} naming the valid ones.
 */
export function breakScenario(
  settings: ScenarioSettings,
  id: string,
  crawler: string,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  return run(settings, 'break', id, crawler, options);
}

/**
 * Switches a failure off again: restores the seeded healthy state and clears the evidence as an operator would.
 * Healing a healthy crawler changes nothing (`changed: false`).
 */
export function healScenario(
  settings: ScenarioSettings,
  id: string,
  crawler: string,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  return run(settings, 'heal', id, crawler, options);
}
