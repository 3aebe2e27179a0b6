/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import path from 'node:path';
import { parseArgs, parseCommand, runScenarioCommand } from './bin';
import { scenarioList } from './scenarios/cli';
import { SCENARIO_IDS } from './scenarios/types';

describe('parseArgs', () => {
  it('should read the start flags', () => {
    expect(
      parseArgs(
        [
          'start',
          '--data',
          '/tmp/x',
          '--dags',
          '10000',
          '--latency-ms=25',
          '--kube-latency-ms',
          '5',
        ],
        {},
      ),
    ).toEqual({
      dataDir: '/tmp/x',
      generatedDags: 10000,
      latencyMs: { airflow: 25, aws: 25, kube: 5 },
      gitSyncPeriod: '10s',
    });
  });

  it('should fall back to the environment and to the package data folder', () => {
    const options = parseArgs(['start'], {
      SANDBOX_GENERATED_DAGS: '50',
      SANDBOX_AIRFLOW_LATENCY_MS: '7',
      SANDBOX_GITSYNC_PERIOD: '1s',
    });
    expect(options).toMatchObject({
      generatedDags: 50,
      latencyMs: { airflow: 7, aws: 0, kube: 0 },
      gitSyncPeriod: '1s',
    });
    expect(path.basename(options.dataDir)).toBe('.data');
  });

  it('should reject unknown commands, unknown options and out-of-range numbers with a clear message', () => {
    expect(() => parseArgs(['run'], {})).toThrow(/unknown command "run"/);
    expect(() => parseArgs(['start', '--port', '1'], {})).toThrow(
      /unknown option "--port"/,
    );
    expect(() => parseArgs(['start', '--dags', '10001'], {})).toThrow(
      '--dags must be an integer from 0 to 10000, got "10001"',
    );
    expect(() => parseArgs(['start', '--latency-ms', '-3'], {})).toThrow(
      /--latency-ms must be an integer/,
    );
    expect(() => parseArgs(['start', '--data'], {})).toThrow(
      /option --data needs a value/,
    );
  });
});

describe('parseCommand', () => {
  it('should read break and heal with the fixed ports of make start by default', () => {
    expect(
      parseCommand(['break', 'image-pull-403', 'news-crawler'], {}),
    ).toEqual({
      command: 'break',
      scenario: 'image-pull-403',
      crawler: 'news-crawler',
      options: {},
      json: false,
      settings: {
        urls: {
          aws: 'http://127.0.0.1:4566',
          kube: 'http://127.0.0.1:7443',
          airflow2: 'http://127.0.0.1:7181',
          airflow3: 'http://127.0.0.1:7182',
        },
        timeoutMs: 60_000,
      },
    });
  });

  it('should take the URLs from the environment, flags over environment, and the scenario options', () => {
    const cmd = parseCommand(
      [
        'heal',
        '--ref-trap',
        'git-sync-auth',
        '--kube-url=http://127.0.0.1:9',
        'price-crawler',
        '--json',
        '--timeout-ms',
        '5000',
        '--fix-seeded-fault',
      ],
      {
        SANDBOX_KUBE_URL: 'http://127.0.0.1:8',
        SANDBOX_AWS_URL: 'http://127.0.0.1:7',
      },
    );
    expect(cmd).toMatchObject({
      command: 'heal',
      scenario: 'git-sync-auth',
      crawler: 'price-crawler',
      options: { refTrap: true, fixSeededFault: true },
      json: true,
      settings: {
        urls: {
          aws: 'http://127.0.0.1:7',
          kube: 'http://127.0.0.1:9',
          airflow2: 'http://127.0.0.1:7181',
        },
        timeoutMs: 5000,
      },
    });
  });

  it('should read scenarios and start, and refuse bad break/heal arguments with the usage', () => {
    expect(parseCommand(['scenarios'], {})).toEqual({ command: 'scenarios' });
    expect(parseCommand(['start', '--dags', '3'], {})).toMatchObject({
      command: 'start',
      options: { generatedDags: 3 },
    });
    expect(() => parseCommand(['break', 'image-pull-403'], {})).toThrow(
      /break needs <scenario> <crawler>, got \["image-pull-403"\]\n\nUsage: crawler-sandbox scenarios/,
    );
    expect(() => parseCommand(['heal', 'a', 'b', '--verbose'], {})).toThrow(
      /unknown option "--verbose"/,
    );
    expect(() =>
      parseCommand(['break', 'a', 'b', '--timeout-ms', '0'], {}),
    ).toThrow('--timeout-ms must be a positive integer, got "0"');
    expect(() => parseCommand(['run'], {})).toThrow(/unknown command "run"/);
  });
});

describe('scenarioList', () => {
  it('should list every scenario id with a one-line description', () => {
    const lines = scenarioList().split('\n');
    expect(lines.map(l => l.split(/\s+/)[0])).toEqual([...SCENARIO_IDS]);
    expect(lines.every(l => /^\S+\s{2,}\S/.test(l))).toBe(true);
    expect(lines.find(l => l.startsWith('git-sync-auth'))).toContain(
      '[--ref-trap]',
    );
  });
});

describe('runScenarioCommand', () => {
  const settings = {
    urls: {
      aws: 'http://127.0.0.1:1',
      kube: 'http://127.0.0.1:1',
      airflow2: 'http://127.0.0.1:1',
      airflow3: 'http://127.0.0.1:1',
    },
    timeoutMs: 1000,
  };
  const run = async (scenario: string, crawler: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runScenarioCommand(
      {
        command: 'break',
        scenario,
        crawler,
        options: {},
        settings,
        json: false,
      },
      t => out.push(t),
      t => err.push(t),
    );
    return { code, out, err };
  };

  it('should refuse an unknown scenario or crawler with exit code 2 and the valid ones', async () => {
    expect(await run('oom-killed', 'news-crawler')).toEqual({
      code: 2,
      out: [],
      err: [
        expect.stringMatching(
          /^unknown scenario "oom-killed"; valid scenarios: image-pull-403, /,
        ),
      ],
    });
    expect((await run('import-error', 'x')).err[0]).toBe(
      'unknown crawler "x"; valid crawlers: news-crawler, price-crawler',
    );
  });

  it('should fail with exit code 1 and a hint when no sandbox answers', async () => {
    const { code, err } = await run('pods-log-forbidden', 'news-crawler');
    expect(code).toBe(1);
    expect(err[0]).toMatch(
      /^break pods-log-forbidden news-crawler failed: .*is the sandbox running\? start it with `make start`/,
    );
  });
});
