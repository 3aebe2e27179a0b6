/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_PORTS } from '../constants';
import { ScenarioSettings } from './context';
import { SCENARIOS } from './registry';
import {
  SCENARIO_OPTION_FLAGS,
  ScenarioOptions,
  ScenarioResult,
} from './types';

/** `break`/`heal` parsed from the command line. */
export type ScenarioCommand = {
  command: 'break' | 'heal';
  scenario: string;
  crawler: string;
  options: ScenarioOptions;
  settings: ScenarioSettings;
  /** Print the result as JSON. */
  json: boolean;
};

/** The URL flags of break/heal, their environment variables and defaults (the fixed ports of `make start`). */
const URL_FLAGS = {
  'aws-url': ['aws', 'SANDBOX_AWS_URL', SANDBOX_PORTS.aws],
  'kube-url': ['kube', 'SANDBOX_KUBE_URL', SANDBOX_PORTS.kube],
  'airflow2-url': ['airflow2', 'SANDBOX_AIRFLOW2_URL', SANDBOX_PORTS.airflow2],
  'airflow3-url': ['airflow3', 'SANDBOX_AIRFLOW3_URL', SANDBOX_PORTS.airflow3],
} as const;

/** The help text of break/heal/scenarios. */
export const SCENARIO_USAGE = `Usage: crawler-sandbox scenarios
       crawler-sandbox break <scenario> <crawler> [options]
       crawler-sandbox heal <scenario> <crawler> [options]

Acts on the running sandbox of \`make start\` through its own APIs. Options:
  --ref-trap               git-sync-auth: a stale GIT_SYNC_BRANCH instead of a wrong password
  --fix-seeded-fault       pods-log-forbidden: let heal fix price-crawler's seeded fault too
  --json                   print the result as JSON
  --timeout-ms N           longest wait for one condition        SANDBOX_SCENARIO_TIMEOUT_MS (default 60000)
${Object.entries(URL_FLAGS)
  .map(
    ([flag, [, env, port]]) =>
      `${`  --${flag} URL`.padEnd(
        27,
      )}${env} (default http://127.0.0.1:${port})`,
  )
  .join('\n')}
`;

/** Parses `break|heal <scenario> <crawler> [options]`; throws a message with the usage on bad input. */
export function parseScenarioCommand(
  command: 'break' | 'heal',
  rest: string[],
  env: NodeJS.ProcessEnv,
): ScenarioCommand {
  const positional: string[] = [];
  const options: ScenarioOptions = {};
  const urls: Record<string, string> = {};
  let json = false;
  let timeout = env.SANDBOX_SCENARIO_TIMEOUT_MS;
  const flagOf = Object.fromEntries(
    Object.entries(SCENARIO_OPTION_FLAGS).map(([k, f]) => [f, k]),
  ) as Record<string, keyof ScenarioOptions>;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      positional.push(arg);
    } else if (flagOf[arg]) {
      options[flagOf[arg]] = true;
    } else if (arg === '--json') {
      json = true;
    } else if (m[1] in URL_FLAGS || m[1] === 'timeout-ms') {
      const value = m[2] ?? rest[++i];
      if (value === undefined) {
        throw new Error(`option --${m[1]} needs a value\n\n${SCENARIO_USAGE}`);
      }
      if (m[1] === 'timeout-ms') timeout = value;
      else urls[m[1]] = value;
    } else {
      throw new Error(
        `unknown option ${JSON.stringify(arg)}\n\n${SCENARIO_USAGE}`,
      );
    }
  }
  if (positional.length !== 2) {
    throw new Error(
      `${command} needs <scenario> <crawler>, got ${JSON.stringify(
        positional,
      )}\n\n${SCENARIO_USAGE}`,
    );
  }
  const timeoutMs =
    timeout === undefined || timeout === '' ? 60_000 : Number(timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new Error(
      `--timeout-ms must be a positive integer, got ${JSON.stringify(timeout)}`,
    );
  }
  const resolved = {} as ScenarioSettings['urls'];
  for (const [flag, [key, envName, port]] of Object.entries(URL_FLAGS)) {
    resolved[key] = urls[flag] ?? env[envName] ?? `http://127.0.0.1:${port}`;
  }
  return {
    command,
    scenario: positional[0],
    crawler: positional[1],
    options,
    settings: { urls: resolved, timeoutMs },
    json,
  };
}

/** `yarn sandbox scenarios`: each id with its one-line description. */
export function scenarioList(): string {
  const width = Math.max(...SCENARIOS.map(s => s.id.length));
  return SCENARIOS.map(
    s =>
      `${s.id.padEnd(width)}  ${s.summary}${
        s.options?.length
          ? ` [${s.options.map(o => SCENARIO_OPTION_FLAGS[o]).join(', ')}]`
          : ''
      }`,
  ).join('\n');
}

/** The result as the CLI prints it: a headline, what was done, and the run id to look at. */
export function formatResult(result: ScenarioResult): string {
  const verb = result.action === 'break' ? 'broke' : 'healed';
  const lines = [
    `${verb} ${result.scenario} for ${result.crawler} (${result.airflow}, DAG ${
      result.dagId
    })${
      result.changed
        ? ''
        : `: nothing to change, it was already ${
            result.action === 'break' ? 'broken' : 'healthy'
          }`
    }`,
    ...result.notes.map(n => `  - ${n}`),
  ];
  if (result.runId) lines.push(`run id: ${result.runId}`);
  return lines.join('\n');
}
