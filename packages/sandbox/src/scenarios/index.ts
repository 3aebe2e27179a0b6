/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export {
  breakScenario,
  healScenario,
  findCrawler,
  findScenario,
  SCENARIOS,
} from './registry';
export { SCENARIO_IDS, SCENARIO_OPTION_FLAGS, ScenarioError } from './types';
export type {
  Scenario,
  ScenarioId,
  ScenarioOptions,
  ScenarioOutcome,
  ScenarioResult,
} from './types';
export type { ScenarioSettings, ScenarioUrls } from './context';
