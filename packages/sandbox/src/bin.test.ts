/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import path from 'node:path';
import { parseArgs } from './bin';

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
