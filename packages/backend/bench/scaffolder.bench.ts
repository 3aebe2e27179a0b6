/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/*
 * Benchmark of the "New crawler" template end to end: from the creation of a scaffolder task (POST
 * /api/scaffolder/v2/tasks with only name, owner and targetUrls, as the guest) to the crawler's first successful
 * Airflow run visible through our backend (GET /api/crawlers/entities/component/default/<name>/dags/<dag>/runs).
 * The portal's backend is the real one (every feature of src/features.ts, startTestBackend) against the sandbox
 * with its default delays (`make start`'s: CodeBuild 3 s, Fargate profile 2 s, pod schedule 0.5 s, image pull 1 s,
 * run 3 s; git-sync every 10 s; scheduler tick 1 s).
 *
 * Prints each template step's time (from the task log's step events), then the phases after the task: the DAG
 * showing through our backend (git-sync + DAG processor + catalog), the trigger, the run, and the total against the
 * target (≤ 3 min).
 *
 * Run: yarn bench:scaffolder   (at the root). Option (env): BENCH_CRAWLER_NAME (bench-crawler).
 * All traffic stays on 127.0.0.1; the script stops by itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { startSandbox } from '@crawler-platform/sandbox';
import {
  firstRunThroughBackend,
  formValues,
  readNewCrawlerTemplate,
  runTemplateTask,
  startPortal,
  stepTimings,
} from '../src/templates/__testUtils__/sandboxPortal';

const TARGET_MS = 180_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2).padStart(7)} s`;

async function main() {
  const name = process.env.BENCH_CRAWLER_NAME ?? 'bench-crawler';
  const dagId = name.replace(/-/g, '_');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scaffolder-'));
  const sandbox = await startSandbox({ dataDir });
  let portal: Awaited<ReturnType<typeof startPortal>> | undefined;
  try {
    await sandbox.ready;
    portal = await startPortal(sandbox);
    const authorization = mockCredentials.user.header('user:default/guest');
    const createdAt = Date.now();
    const task = await runTemplateTask(portal.app, {
      authorization,
      templateRef: 'template:default/new-crawler',
      values: formValues(readNewCrawlerTemplate(), {
        name,
        owner: 'group:default/crawler-team',
        targetUrls: ['https://news.example.com/'],
      }),
      timeoutMs: TARGET_MS,
    });
    const taskDoneAt = Math.max(
      ...task.events.map(e => Date.parse(e.createdAt)),
    );
    console.log(`new-crawler task ${task.taskId}: ${task.status}`);
    for (const step of stepTimings(task.events)) {
      console.log(
        `  step ${step.stepId.padEnd(10)} ${seconds(step.ms)}  ${step.status}`,
      );
    }
    console.log(`  task total      ${seconds(taskDoneAt - createdAt)}`);
    if (task.status !== 'completed') {
      throw new Error(`the task ${task.status}:\n${task.log}`);
    }
    const first = await firstRunThroughBackend(portal.app, {
      authorization,
      entityName: name,
      dagId,
      timeoutMs: TARGET_MS,
    });
    console.log('after the task');
    console.log(
      `  DAG visible through our backend (git-sync, DAG processor, catalog) ${seconds(
        first.dagVisibleAt - taskDoneAt,
      )}`,
    );
    console.log(
      `  unpause + trigger ${seconds(first.triggeredAt - first.dagVisibleAt)}`,
    );
    console.log(
      `  run ${first.runId} → ${first.run?.state ?? 'not finished'} ${seconds(
        first.finishedAt - first.triggeredAt,
      )} (in Airflow ${seconds(
        Date.parse(first.run?.endDate) - Date.parse(first.run?.logicalDate),
      )} from trigger to end; the rest is our backend's run list cache, crawlers.cache.runsTtlMs, default 15 s)`,
    );
    const total = first.finishedAt - createdAt;
    const ok = first.run?.state === 'success' && total <= TARGET_MS;
    console.log(
      `total: task creation → first successful run visible ${seconds(
        total,
      )} (target ≤ ${TARGET_MS / 1000} s: ${ok ? 'met' : 'NOT met'})`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await portal?.stop();
    await sandbox.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  // The backend's and the sandbox's timers (catalog processing, scaffolder workers) outlive stop(): exit here.
  () => process.exit(process.exitCode ?? 0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
