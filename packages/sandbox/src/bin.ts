/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/* eslint-disable no-console */

import path from 'node:path';
import { SANDBOX_PORTS } from './constants';
import { startSandbox } from './index';
import {
  formatResult,
  parseScenarioCommand,
  SCENARIO_USAGE,
  ScenarioCommand,
  scenarioList,
} from './scenarios/cli';
import { breakScenario, healScenario } from './scenarios/registry';
import { ScenarioError } from './scenarios/types';
import { SandboxLogger } from './util/logger';

const USAGE = `Usage: crawler-sandbox start [options]
       crawler-sandbox scenarios
       crawler-sandbox break|heal <scenario> <crawler> [options]   (options: crawler-sandbox break --help)

Options of start (each also read from the environment):
  --data DIR               data folder, kept between runs        SANDBOX_DATA_DIR (default packages/sandbox/.data)
  --dags N                 generated DAGs per Airflow, 0..10000  SANDBOX_GENERATED_DAGS (default 0)
  --latency-ms N           added latency per response, all       SANDBOX_LATENCY_MS (default 0)
  --airflow-latency-ms N   added latency per Airflow response    SANDBOX_AIRFLOW_LATENCY_MS
  --aws-latency-ms N       added latency per AWS response        SANDBOX_AWS_LATENCY_MS
  --kube-latency-ms N      added latency per Kubernetes response SANDBOX_KUBE_LATENCY_MS
  --git-sync-period D      GITSYNC_PERIOD of a fresh seed        SANDBOX_GITSYNC_PERIOD (default 10s)
`;

/** Reads a non-negative integer option; exits with a clear message on bad input. */
function intOption(
  name: string,
  text: string | undefined,
  max?: number,
): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || (max !== undefined && n > max)) {
    throw new Error(
      `${name} must be an integer from 0${
        max !== undefined ? ` to ${max}` : ''
      }, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** A command of the CLI: `start` with its options, `scenarios`, or `break`/`heal`. */
export type Command =
  | { command: 'start'; options: ReturnType<typeof parseArgs> }
  | { command: 'scenarios' }
  | { command: 'help'; text: string }
  | ScenarioCommand;

/** Parses any command; throws a message with the usage on bad input. */
export function parseCommand(argv: string[], env: NodeJS.ProcessEnv): Command {
  const [command, ...rest] = argv;
  if (command === 'break' || command === 'heal') {
    if (rest.includes('--help'))
      return { command: 'help', text: SCENARIO_USAGE };
    return parseScenarioCommand(command, rest, env);
  }
  if (command === 'scenarios') {
    if (rest.length) {
      throw new Error(`scenarios takes no arguments\n\n${SCENARIO_USAGE}`);
    }
    return { command: 'scenarios' };
  }
  if (command === 'help' || command === '--help') {
    return { command: 'help', text: `${USAGE}\n${SCENARIO_USAGE}` };
  }
  return { command: 'start', options: parseArgs(argv, env) };
}

/** Parses `start` and its flags; environment variables fill what the flags leave out. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv) {
  const [command, ...rest] = argv;
  if (command !== 'start') {
    throw new Error(
      `unknown command ${JSON.stringify(command ?? '')}\n\n${USAGE}`,
    );
  }
  const flags: Record<string, string> = {};
  const known = [
    'data',
    'dags',
    'latency-ms',
    'airflow-latency-ms',
    'aws-latency-ms',
    'kube-latency-ms',
    'git-sync-period',
  ];
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(rest[i]);
    if (!m || !known.includes(m[1])) {
      throw new Error(`unknown option ${JSON.stringify(rest[i])}\n\n${USAGE}`);
    }
    const value = m[2] ?? rest[++i];
    if (value === undefined)
      throw new Error(`option --${m[1]} needs a value\n\n${USAGE}`);
    flags[m[1]] = value;
  }
  const all =
    intOption('--latency-ms', flags['latency-ms'] ?? env.SANDBOX_LATENCY_MS) ??
    0;
  return {
    dataDir: path.resolve(
      flags.data ??
        env.SANDBOX_DATA_DIR ??
        path.join(
          path.dirname(
            require.resolve('@crawler-platform/sandbox/package.json'),
          ),
          '.data',
        ),
    ),
    generatedDags:
      intOption('--dags', flags.dags ?? env.SANDBOX_GENERATED_DAGS, 10_000) ??
      0,
    latencyMs: {
      airflow:
        intOption(
          '--airflow-latency-ms',
          flags['airflow-latency-ms'] ?? env.SANDBOX_AIRFLOW_LATENCY_MS,
        ) ?? all,
      aws:
        intOption(
          '--aws-latency-ms',
          flags['aws-latency-ms'] ?? env.SANDBOX_AWS_LATENCY_MS,
        ) ?? all,
      kube:
        intOption(
          '--kube-latency-ms',
          flags['kube-latency-ms'] ?? env.SANDBOX_KUBE_LATENCY_MS,
        ) ?? all,
    },
    gitSyncPeriod:
      flags['git-sync-period'] ?? env.SANDBOX_GITSYNC_PERIOD ?? '10s',
  };
}

/** Writes each log record on one line: time, message, then key=value pairs. */
export const lineLogger: SandboxLogger = {
  info: (message, meta) => console.log(formatLine('INFO', message, meta)),
  warn: (message, meta) => console.warn(formatLine('WARN', message, meta)),
  error: (message, meta) => console.error(formatLine('ERROR', message, meta)),
};

function formatLine(
  level: string,
  message: string,
  meta?: Record<string, unknown>,
): string {
  const pairs = Object.entries(meta ?? {})
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) =>
        `${k}=${
          typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)
        }`,
    );
  return [new Date().toISOString(), level, message, ...pairs].join(' ');
}

/** Runs `break`/`heal` against the running sandbox; returns the exit code (1 on failure, 2 when refused). */
export async function runScenarioCommand(
  cmd: ScenarioCommand,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  const act = cmd.command === 'break' ? breakScenario : healScenario;
  try {
    const result = await act(
      cmd.settings,
      cmd.scenario,
      cmd.crawler,
      cmd.options,
    );
    out(cmd.json ? JSON.stringify(result, null, 2) : formatResult(result));
    return 0;
  } catch (e) {
    if (e instanceof ScenarioError) {
      err(e.message);
      return 2;
    }
    const message = (e as Error)?.message ?? String(e);
    err(
      `${cmd.command} ${cmd.scenario} ${cmd.crawler} failed: ${message}${
        /fetch failed|ECONNREFUSED/.test(message)
          ? ` (is the sandbox running? start it with \`make start\`; URLs: ${JSON.stringify(
              cmd.settings.urls,
            )})`
          : ''
      }`,
    );
    return 1;
  }
}

async function startCommand(options: ReturnType<typeof parseArgs>) {
  const started = Date.now();
  const sandbox = await startSandbox({
    dataDir: options.dataDir,
    ports: SANDBOX_PORTS,
    generatedDags: options.generatedDags,
    latencyMs: options.latencyMs,
    gitSyncPeriod: options.gitSyncPeriod,
    logger: lineLogger,
  });
  lineLogger.info('sandbox started', {
    ms: Date.now() - started,
    dataDir: options.dataDir,
    seeded: sandbox.seeded,
    ...sandbox.urls,
  });
  sandbox.ready.catch(e =>
    lineLogger.error('sandbox not ready', { error: (e as Error).message }),
  );
  const shutdown = async (signal: string) => {
    lineLogger.info('sandbox stopping', { signal });
    await sandbox.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

async function main() {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2), process.env);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (command.command === 'help') {
    console.log(command.text);
    return;
  }
  if (command.command === 'scenarios') {
    console.log(scenarioList());
    return;
  }
  if (command.command === 'start') {
    await startCommand(command.options).catch(e => {
      console.error(`sandbox failed to start: ${(e as Error).message}`);
      process.exit(1);
    });
    return;
  }
  process.exitCode = await runScenarioCommand(
    command,
    text => console.log(text),
    text => console.error(text),
  );
}

if (require.main === module) {
  void main();
}
