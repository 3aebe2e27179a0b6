/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/*
 * The bench's sandbox, in a process of its own so that neither its memory nor its CPU is counted as the indexer's.
 * Started by searchIndex.bench.ts with `GENERATED_DAGS`; sends `{ urls }` once the world is ready and stops on any
 * message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '@crawler-platform/sandbox';

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'search-bench-'));
  const sandbox = await startSandbox({
    dataDir,
    generatedDags: Number(process.env.GENERATED_DAGS ?? 0),
    delays: { buildMs: 10, fargateProfileMs: 10 },
  });
  await sandbox.ready;
  process.send!({ urls: sandbox.urls });
  process.once('message', async () => {
    await sandbox.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
