/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import { seedWorld } from '../seed';
import { SandboxLogger } from '../util/logger';

/**
 * Seeds a fresh data folder through the started APIs. Resolves once the seeding is done; `dagRepository` resolves
 * once the DAG repository is pushed, the Airflow pods are created and the seed marker written (so an interrupted
 * seeding is redone on the next start).
 */
export async function seedFreshWorld(options: {
  urls: { aws: string; kube: string };
  gitSyncPeriod?: string;
  seedMarker: string;
  logger: SandboxLogger;
}): Promise<{ dagRepository: Promise<void> }> {
  const { logger } = options;
  const started = Date.now();
  const seeded = await seedWorld({
    urls: options.urls,
    gitSyncPeriod: options.gitSyncPeriod,
    logger,
  });
  logger.info('sandbox seeded', { ms: Date.now() - started });
  const dagRepository = seeded.dagRepository.then(() => {
    fs.writeFileSync(
      options.seedMarker,
      JSON.stringify({ seededAt: new Date().toISOString() }, null, 2),
    );
    logger.info('DAG repository pushed and Airflow pods created', {
      ms: Date.now() - started,
    });
  });
  return { dagRepository };
}
