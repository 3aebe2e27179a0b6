/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/* eslint-disable no-console */

// Starts the sandbox with N generated DAGs (default 10000, or SANDBOX_GENERATED_DAGS) and prints the time of
// `GET /dags` pages on Airflow 2 and Airflow 3 (target < 100 ms a page).
// Run: yarn workspace @crawler-platform/sandbox bench:dags
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../src/index';

async function timePages(
  label: string,
  url: (offset: number) => string,
  headers: Record<string, string>,
  pages: number,
) {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < pages; i++) {
    const started = process.hrtime.bigint();
    const res = await fetch(url(i * 100), { headers });
    const body = await res.json();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (res.status !== 200)
      throw new Error(`${label}: HTTP ${res.status} ${JSON.stringify(body)}`);
    total = body.total_entries;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const p95 = times[Math.floor(times.length * 0.95)];
  console.log(
    `${label}: ${pages} pages of 100 over ${total} DAGs: median ${median.toFixed(
      1,
    )} ms, p95 ${p95.toFixed(1)} ms, max ${times[times.length - 1].toFixed(
      1,
    )} ms (target < 100 ms)`,
  );
}

async function main() {
  const count = Number(process.env.SANDBOX_GENERATED_DAGS ?? 10000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-bench-dags-'));
  const started = process.hrtime.bigint();
  const sandbox = await startSandbox({ dataDir, generatedDags: count });
  await sandbox.ready;
  console.log(
    `start with ${count} generated DAGs per Airflow: ${(
      Number(process.hrtime.bigint() - started) / 1e6
    ).toFixed(0)} ms`,
  );
  try {
    const basic = {
      Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    };
    await timePages(
      'Airflow 2 GET /api/v1/dags',
      o => `${sandbox.urls.airflow2}/api/v1/dags?limit=100&offset=${o}`,
      basic,
      50,
    );
    await timePages(
      'Airflow 2 GET /api/v1/dags?dag_id_pattern=0042',
      o =>
        `${sandbox.urls.airflow2}/api/v1/dags?limit=100&offset=${o}&dag_id_pattern=0042`,
      basic,
      20,
    );
    const token = await fetch(`${sandbox.urls.airflow3}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    });
    const bearer = {
      Authorization: `Bearer ${(await token.json()).access_token}`,
    };
    await timePages(
      'Airflow 3 GET /api/v2/dags',
      o => `${sandbox.urls.airflow3}/api/v2/dags?limit=100&offset=${o}`,
      bearer,
      50,
    );
  } finally {
    await sandbox.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
