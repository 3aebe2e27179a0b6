/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { parseGitSyncLog } from './logs';

// Lines written after domain-facts §2.6 (funcr JSON, key order logger, ts, caller, level, msg, …).
const v4 = (o: object) =>
  JSON.stringify({
    logger: '',
    ts: '2026-12-01 10:00:00.000000',
    caller: { file: 'main.go', line: 1 },
    ...o,
  });
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const fetchError =
  'Run(git fetch https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags main --verbose --no-progress --prune --no-auto-gc --depth 1): exit status 128: { stdout: "", stderr: "fatal: unable to access \'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags/\': The requested URL returned error: 403" }';

describe('parseGitSyncLog', () => {
  it('should take the synced commit from "updated successfully" (remote), not a hash key', () => {
    const log = [
      v4({ level: 0, msg: 'starting up', version: 'v4.4.2' }),
      v4({
        level: 0,
        msg: 'update required',
        ref: 'main',
        local: '',
        remote: A,
        syncCount: 0,
      }),
      v4({
        level: 0,
        msg: 'updated successfully',
        ref: 'main',
        remote: A,
        syncCount: 1,
        ts: '2026-12-01 10:00:01.500000',
      }),
    ].join('\n');
    expect(parseGitSyncLog(log)).toMatchObject({
      format: 'v4-json',
      syncedCommit: A,
      syncedAt: '2026-12-01 10:00:01.500000',
      ref: 'main',
      failing: false,
      lastError: null,
    });
  });

  it('should report the last error with its failCount, and the abort', () => {
    const log = [
      v4({
        level: 0,
        msg: 'updated successfully',
        ref: 'main',
        remote: A,
        syncCount: 1,
      }),
      v4({
        msg: 'error syncing repo, will retry',
        error: fetchError,
        failCount: 1,
      }),
      v4({
        msg: 'error syncing repo, will retry',
        error: fetchError,
        failCount: 2,
      }),
      v4({
        msg: 'too many failures, aborting',
        error: fetchError,
        failCount: 3,
        maxFailures: 3,
      }),
    ].join('\n');
    const summary = parseGitSyncLog(log);
    expect(summary).toMatchObject({
      syncedCommit: A,
      failing: true,
      aborted: true,
      lastError: { message: fetchError, failCount: 3 },
    });
  });

  it('should clear the error after a later success', () => {
    const log = [
      v4({
        msg: 'error syncing repo, will retry',
        error: fetchError,
        failCount: 1,
      }),
      v4({
        level: 0,
        msg: 'updated successfully',
        ref: 'main',
        remote: B,
        syncCount: 2,
      }),
    ].join('\n');
    expect(parseGitSyncLog(log)).toMatchObject({
      syncedCommit: B,
      failing: false,
      lastError: null,
    });
  });

  it('should flag the branch→ref override line', () => {
    const log = v4({
      level: 0,
      msg: 'setting --ref from deprecated --branch',
      branch: 'dev',
    });
    expect(parseGitSyncLog(log).refFromDeprecatedBranch).toBe(true);
  });

  it('should read klog-style v3 lines', () => {
    const log = [
      `I1201 10:00:00.000000       1 main.go:401] "update required" rev="HEAD" local="" remote="${A}"`,
      `I1201 10:00:00.100000       1 main.go:950] "syncing git" rev="HEAD" hash="${A}"`,
      `E1201 10:01:00.000000       1 main.go:520] "error syncing repo, will retry" err="exit status 128" failCount=2 waitTime="10s"`,
    ].join('\n');
    expect(parseGitSyncLog(log)).toMatchObject({
      format: 'v3-text',
      syncedCommit: A,
      failing: true,
      lastError: { failCount: 2 },
    });
  });

  it('should count malformed lines and tolerate env warnings and truncated JSON', () => {
    const log = [
      'env $GIT_SYNC_BRANCH has been deprecated, use $GITSYNC_REF instead',
      '{"logger":"","ts":"2026-12-01 10:00:00.000000","msg":"updated succ',
      'garbage line',
      v4({
        level: 0,
        msg: 'updated successfully',
        ref: 'main',
        remote: A,
        syncCount: 1,
      }),
    ].join('\n');
    expect(parseGitSyncLog(log)).toMatchObject({
      syncedCommit: A,
      malformedLines: 2,
    });
  });

  it('should say unknown for an empty log', () => {
    expect(parseGitSyncLog('')).toMatchObject({
      format: 'unknown',
      syncedCommit: null,
    });
  });
});
