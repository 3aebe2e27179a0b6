/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { defaultLink, parseGoDuration, resolveGitSyncConfig } from './config';

describe('parseGoDuration', () => {
  it('should parse Go durations into milliseconds', () => {
    expect(parseGoDuration('10s')).toBe(10_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('0')).toBe(0);
  });

  it('should reject text Go rejects', () => {
    expect(parseGoDuration('10')).toBeUndefined();
    expect(parseGoDuration('ten seconds')).toBeUndefined();
    expect(parseGoDuration('')).toBeUndefined();
  });
});

describe('resolveGitSyncConfig', () => {
  it('should read the v4 GITSYNC_* names', () => {
    const r = resolveGitSyncConfig({
      GITSYNC_REPO: 'http://git/v1/repos/airflow-dags',
      GITSYNC_REF: 'main',
      GITSYNC_PERIOD: '10s',
      GITSYNC_USERNAME: 'u',
      GITSYNC_PASSWORD: 'p',
      GITSYNC_LINK: 'repo',
    });
    expect(r.ok && r.config).toEqual({
      repo: 'http://git/v1/repos/airflow-dags',
      ref: 'main',
      periodMs: 10_000,
      username: 'u',
      password: 'p',
      link: 'repo',
      depth: 1,
      maxFailures: 0,
    });
  });

  it('should let the old v3 name win when both are set, and say so on stderr (v4.4+)', () => {
    const r = resolveGitSyncConfig({
      GITSYNC_REPO: 'http://new',
      GIT_SYNC_REPO: 'http://old',
      GITSYNC_PASSWORD: 'new-secret',
      GIT_SYNC_PASSWORD: 'old-secret',
      GITSYNC_USERNAME: 'u',
    });
    expect(r.ok && r.config.repo).toBe('http://old');
    expect(r.ok && r.config.password).toBe('old-secret');
    expect(r.messages).toContainEqual({
      kind: 'stderr',
      text: 'env $GITSYNC_REPO was overridden by $GIT_SYNC_REPO',
    });
  });

  it('should let a deprecated GIT_SYNC_BRANCH override GITSYNC_REF (the branch trap)', () => {
    const r = resolveGitSyncConfig({
      GITSYNC_REPO: 'http://x',
      GITSYNC_REF: 'main',
      GIT_SYNC_BRANCH: 'release',
      GIT_SYNC_REV: 'HEAD',
    });
    expect(r.ok && r.config.ref).toBe('release');
    expect(r.messages).toContainEqual({
      kind: 'info',
      msg: 'setting --ref from deprecated --branch',
      line: 424,
    });
  });

  it('should let GIT_SYNC_REV override the ref when it is not HEAD', () => {
    const r = resolveGitSyncConfig({
      GITSYNC_REPO: 'http://x',
      GIT_SYNC_REV: 'v1.0',
      GIT_SYNC_BRANCH: 'main',
    });
    expect(r.ok && r.config.ref).toBe('v1.0');
  });

  it('should take the period from the deprecated GIT_SYNC_WAIT seconds', () => {
    const r = resolveGitSyncConfig({
      GITSYNC_REPO: 'http://x',
      GITSYNC_PERIOD: '10s',
      GIT_SYNC_WAIT: '0.5',
    });
    expect(r.ok && r.config.periodMs).toBe(500);
  });

  it('should fail like git-sync on a missing repo, a bad period or a password without user', () => {
    expect(resolveGitSyncConfig({})).toMatchObject({
      ok: false,
      error: 'ERROR: --repo must be specified',
    });
    expect(
      resolveGitSyncConfig({ GITSYNC_REPO: 'x', GITSYNC_PERIOD: '5' }),
    ).toMatchObject({ ok: false });
    expect(
      resolveGitSyncConfig({ GITSYNC_REPO: 'x', GITSYNC_PERIOD: '5ms' }),
    ).toMatchObject({
      ok: false,
      error: 'ERROR: --period must be at least 10ms',
    });
    expect(
      resolveGitSyncConfig({ GITSYNC_REPO: 'x', GITSYNC_PASSWORD: 'p' }),
    ).toMatchObject({
      ok: false,
      error: 'ERROR: --password requires --username',
    });
  });

  it('should default the link to the leaf of the repo URL', () => {
    expect(
      defaultLink(
        'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
      ),
    ).toBe('airflow-dags');
    expect(defaultLink('https://github.com/x/y.git')).toBe('y');
  });
});
