/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/* eslint-disable no-console */

/*
 * Benchmark of the crawler collators: the sandbox's two Airflows with 10 000 generated DAGs each (none claimed, so
 * they become `crawler-unclaimed` documents; the seeded crawlers become `crawler` documents) are indexed, and the
 * time and the growth of the indexing process's peak RSS over an empty run (a sandbox without generated DAGs) are
 * printed, for three sinks: the PostgreSQL search engine of production (when PostgreSQL answers at PG_URL, default
 * postgres://postgres@127.0.0.1:5432), the in-memory Lunr engine of `make start`, and none (the collators alone).
 * Targets: ≤ 10 s and ≤ 100 MB, checked on the PostgreSQL engine (on the collators alone without PostgreSQL). Each
 * indexing run is a fresh process; the sandbox runs in another one. The PostgreSQL and collator-only runs are
 * repeated RUNS times (default 3; the machine is shared) and reported by their median time and largest growth.
 *
 * Run: yarn bench:search (or yarn workspace @crawler-platform/plugin-search-backend-module-crawlers bench);
 * GENERATED_DAGS overrides the 10 000.
 */
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';

const TARGET_MS = 10_000;
const TARGET_RSS_GROWTH_MB = 100;
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const BENCH_DATABASE = 'crawler_search_bench';
const RUNS = Number(process.env.RUNS ?? 3);

type Sink = 'pg' | 'lunr' | 'none';

interface RunResult {
  ms: number;
  documents: number;
  peakRssMb: number;
  firstHit: string | null;
  warnings: string[];
}

function child(script: string, env: Record<string, string>): ChildProcess {
  return fork(path.join(__dirname, script), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function message<T>(proc: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    proc.once('message', value => resolve(value as T));
    proc.once('exit', code =>
      reject(new Error(`${what} exited with code ${code} before answering`)),
    );
  });
}

/** Recreates the bench's search database; false when PostgreSQL does not answer. */
async function freshDatabase(): Promise<boolean> {
  const client = new Client({
    connectionString: `${PG_URL}/postgres`,
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
  } catch {
    return false;
  }
  try {
    await client.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE}`);
    await client.query(`CREATE DATABASE ${BENCH_DATABASE}`);
    return true;
  } finally {
    await client.end();
  }
}

async function withSandbox<T>(
  generatedDags: number,
  fn: (urls: unknown) => Promise<T>,
): Promise<T> {
  const sandbox = child('sandboxProcess.ts', {
    GENERATED_DAGS: String(generatedDags),
  });
  try {
    const { urls } = await message<{ urls: unknown }>(sandbox, 'the sandbox');
    return await fn(urls);
  } finally {
    sandbox.send('stop');
  }
}

async function index(urls: unknown, sink: Sink): Promise<RunResult> {
  if (sink === 'pg') {
    await freshDatabase();
  }
  const run = child('indexRun.ts', {
    SANDBOX_URLS: JSON.stringify(urls),
    SINK: sink,
    PG_DATABASE_URL: `${PG_URL}/${BENCH_DATABASE}`,
  });
  return message<RunResult>(run, `the indexing run (${sink})`);
}

const LABELS: Record<Sink, string> = {
  pg: 'PostgreSQL engine (production)',
  lunr: 'Lunr engine (make start, in memory)',
  none: 'collators alone (documents dropped)',
};

async function main() {
  const count = Number(process.env.GENERATED_DAGS ?? 10_000);
  const sinks: Sink[] = (await freshDatabase())
    ? ['pg', 'lunr', 'none']
    : ['lunr', 'none'];
  if (!sinks.includes('pg')) {
    console.log(
      `PostgreSQL does not answer at ${PG_URL}: no PostgreSQL figures`,
    );
  }
  const empty = new Map<Sink, RunResult>();
  const full = new Map<Sink, RunResult[]>();
  await withSandbox(0, async urls => {
    for (const sink of sinks) empty.set(sink, await index(urls, sink));
  });
  await withSandbox(count, async urls => {
    for (const sink of sinks) {
      const runs: RunResult[] = [];
      for (let i = 0; i < (sink === 'lunr' ? 1 : RUNS); i++) {
        runs.push(await index(urls, sink));
      }
      full.set(sink, runs);
    }
  });
  console.log(
    `${count} generated DAGs per Airflow (two Airflows), growth of peak RSS over an empty run:`,
  );
  const summary = new Map<Sink, { ms: number; growth: number }>();
  for (const sink of sinks) {
    const e = empty.get(sink)!;
    const runs = full.get(sink)!;
    const times = runs.map(r => r.ms).sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    const growth = Math.max(...runs.map(r => r.peakRssMb - e.peakRssMb));
    summary.set(sink, { ms, growth });
    const f = runs[0];
    console.log(
      `  ${LABELS[sink]}: ${f.documents} documents in ${(ms / 1000).toFixed(
        2,
      )} s${
        runs.length > 1
          ? ` (median of ${times.map(t => (t / 1000).toFixed(2)).join(', ')})`
          : ''
      }, peak RSS ${f.peakRssMb.toFixed(0)} MB, growth ${growth.toFixed(
        1,
      )} MB (empty run: ${e.documents} documents in ${e.ms.toFixed(
        0,
      )} ms, peak RSS ${e.peakRssMb.toFixed(0)} MB)${
        f.firstHit ? `; "generated_dag_00042" finds ${f.firstHit}` : ''
      }`,
    );
    const unexpected = runs
      .flatMap(r => r.warnings)
      .filter(w => !w.includes('0 documents'));
    for (const warning of new Set(unexpected)) {
      console.log(`    warning: ${warning}`);
    }
  }
  const judged = sinks[0];
  const { ms, growth } = summary.get(judged)!;
  const met = ms <= TARGET_MS && growth <= TARGET_RSS_GROWTH_MB;
  console.log(
    `targets (${LABELS[judged]}): ≤ ${TARGET_MS / 1000} s: ${(
      ms / 1000
    ).toFixed(2)} s; ≤ ${TARGET_RSS_GROWTH_MB} MB: ${growth.toFixed(1)} MB: ${
      met ? 'met' : 'MISSED'
    }`,
  );
  if (!met) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
