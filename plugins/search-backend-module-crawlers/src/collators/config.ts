/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Where the collators read their settings. */
export const CONFIG_KEY = 'search.collators.crawler';

/** Every default of the crawler collators, in one place (config.d.ts documents the same values). */
export const defaults = {
  /** How often the DAGs are indexed. */
  schedule: {
    frequency: { minutes: 10 },
    timeout: { minutes: 15 },
    initialDelay: { seconds: 3 },
  } as SchedulerServiceTaskScheduleDefinition,
  /** Whether DAGs no entity claims are indexed too (type `crawler-unclaimed`, platform admins only). */
  includeUnclaimed: false,
  /** Newest runs of each instance read once per collation to learn the DAGs' last runs (0 = none). */
  recentRuns: 500,
  /** DAGs per `GET /dags` page (Airflow's default maximum). */
  dagPageSize: 100,
  /** Crawler entities per catalog page. */
  entityPageSize: 500,
  /** DAGs read from one instance at most, so that an Airflow that keeps answering cannot hold a collation forever. */
  maxDagsPerInstance: 100_000,
} as const;

/** The largest `recentRuns` accepted. */
const MAX_RECENT_RUNS = 10_000;

/** Settings of the crawler collators, defaults applied. */
export interface CrawlerCollatorSettings {
  includeUnclaimed: boolean;
  recentRuns: number;
}

/**
 * Reads `search.collators.crawler.schedule`; throws an `InputError` naming the key when it is not a valid schedule.
 */
export function readScheduleConfigOptions(
  configRoot: Config,
): SchedulerServiceTaskScheduleDefinition {
  const scheduleConfig = configRoot.getOptionalConfig(`${CONFIG_KEY}.schedule`);
  if (!scheduleConfig) {
    return defaults.schedule;
  }
  try {
    return readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig);
  } catch (error) {
    throw new InputError(
      `Invalid schedule at ${CONFIG_KEY}.schedule: ${error}`,
    );
  }
}

/** Reads the collators' other settings under `search.collators.crawler`. */
export function readCollatorConfigOptions(
  configRoot: Config,
): CrawlerCollatorSettings {
  const config = configRoot.getOptionalConfig(CONFIG_KEY);
  const includeUnclaimed =
    config?.getOptionalBoolean('includeUnclaimed') ?? defaults.includeUnclaimed;
  const recentRuns =
    config?.getOptionalNumber('recentRuns') ?? defaults.recentRuns;
  if (
    !Number.isInteger(recentRuns) ||
    recentRuns < 0 ||
    recentRuns > MAX_RECENT_RUNS
  ) {
    throw new InputError(
      `Invalid ${CONFIG_KEY}.recentRuns: expected an integer from 0 to ${MAX_RECENT_RUNS}, got ${recentRuns}`,
    );
  }
  return { includeUnclaimed, recentRuns };
}
