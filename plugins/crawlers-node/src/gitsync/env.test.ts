/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { parseGoDuration, resolveGitSyncSettings } from './env';

const v = (name: string, value: string) => ({ name, value });
const secret = (name: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: 'git-credentials', key } },
});

describe('resolveGitSyncSettings', () => {
  it('should read the chart env of a v4 container', () => {
    expect(
      resolveGitSyncSettings([
        v(
          'GIT_SYNC_REPO',
          'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
        ),
        v(
          'GITSYNC_REPO',
          'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
        ),
        v('GITSYNC_REF', 'main'),
        v('GITSYNC_PERIOD', '30s'),
        v('GITSYNC_MAX_FAILURES', '3'),
        secret('GITSYNC_USERNAME', 'GITSYNC_USERNAME'),
        secret('GITSYNC_PASSWORD', 'GITSYNC_PASSWORD'),
      ]),
    ).toMatchObject({
      repo: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
      ref: 'main',
      branchOverridesRef: false,
      fatal: null,
      periodMs: 30_000,
      maxFailures: 3,
      credentials: [
        {
          env: 'GITSYNC_USERNAME',
          secretName: 'git-credentials',
          key: 'GITSYNC_USERNAME',
        },
        {
          env: 'GITSYNC_PASSWORD',
          secretName: 'git-credentials',
          key: 'GITSYNC_PASSWORD',
        },
      ],
    });
  });

  it('should let GIT_SYNC_BRANCH override GITSYNC_REF when GIT_SYNC_REV is empty (the trap)', () => {
    const s = resolveGitSyncSettings([
      v('GIT_SYNC_BRANCH', 'master'),
      v('GIT_SYNC_REV', 'HEAD'),
      v('GITSYNC_REF', 'main'),
    ]);
    expect(s).toMatchObject({
      ref: 'master',
      requestedRef: 'main',
      branchOverridesRef: true,
    });
  });

  it('should not call it a trap when branch and ref agree', () => {
    const s = resolveGitSyncSettings([
      v('GIT_SYNC_BRANCH', 'main'),
      v('GITSYNC_REF', 'main'),
    ]);
    expect(s).toMatchObject({ ref: 'main', branchOverridesRef: false });
  });

  it('should let the old name win when both are set (git-sync 4.4+)', () => {
    expect(
      resolveGitSyncSettings([
        v('GIT_SYNC_REV', 'release'),
        v('GITSYNC_REF', 'main'),
      ]).ref,
    ).toBe('release');
  });

  it('should report a branch with a non-HEAD rev as fatal', () => {
    expect(
      resolveGitSyncSettings([
        v('GIT_SYNC_BRANCH', 'main'),
        v('GIT_SYNC_REV', 'abc'),
      ]).fatal,
    ).toMatch(/^deprecated flag combo/);
  });

  it('should read the v3 wait in seconds and default to 10 s', () => {
    expect(resolveGitSyncSettings([v('GIT_SYNC_WAIT', '2.5')]).periodMs).toBe(
      2500,
    );
    expect(resolveGitSyncSettings([]).periodMs).toBe(10_000);
  });
});

describe('parseGoDuration', () => {
  it('should read Go durations and refuse anything else', () => {
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('10')).toBeNull();
    expect(parseGoDuration('10s garbage')).toBeNull();
  });
});
