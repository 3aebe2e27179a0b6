/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/* eslint-disable no-console */

// Prints how long startSandbox takes on a fresh data folder (seeding included) and on a second start of the same
// folder: until every server listens, and until the first git sync is parsed by both Airflows (`ready`). Run: yarn workspace @crawler-platform/sandbox bench:start
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../src/index';

async function main() {
  const dataDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'sandbox-bench-start-'),
  );
  try {
    for (const label of [
      'fresh data folder (seeds the world)',
      'existing data folder',
    ]) {
      const started = process.hrtime.bigint();
      const sandbox = await startSandbox({ dataDir });
      const listening = Number(process.hrtime.bigint() - started) / 1e6;
      await sandbox.ready;
      const ready = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(
        `start, ${label}: all servers listening after ${listening.toFixed(
          0,
        )} ms (target < 5000 ms); DAGs synced and parsed after ${ready.toFixed(
          0,
        )} ms`,
      );
      await sandbox.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
