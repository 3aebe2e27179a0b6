/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { gitSyncEnv } from '../seed/airflow';
import { parseGoDuration, resolveGitSyncConfig } from './config';
import { goQuote } from './env';

const base = { GITSYNC_ROOT: '/git', GITSYNC_REPO: 'http://git/v1/repos/dags' };
const envOf = (entries: Array<Record<string, unknown>>) =>
  Object.fromEntries(
    entries.map(e => [
      e.name as string,
      (e.value as string | undefined) ?? `<${e.name}>`,
    ]),
  );

describe('parseGoDuration', () => {
  it('should parse Go durations into milliseconds', () => {
    expect(parseGoDuration('10s')).toBe(10_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('0')).toBe(0);
  });

  it("should answer Go's error text for what Go rejects", () => {
    expect(parseGoDuration('10')).toBe('time: missing unit in duration "10"');
    expect(parseGoDuration('10x')).toBe(
      'time: unknown unit "x" in duration "10x"',
    );
    expect(parseGoDuration('ten seconds')).toBe(
      'time: invalid duration "ten seconds"',
    );
  });
});

describe('goQuote', () => {
  it("should quote like Go's %q", () => {
    expect(goQuote('fatal: x\n')).toBe('"fatal: x\\n"');
    expect(goQuote('a "b" \\ \x01')).toBe('"a \\"b\\" \\\\ \\x01"');
  });
});

describe('resolveGitSyncConfig (git-sync v4.4.2)', () => {
  it('should read the v4 GITSYNC_* names and default the link to the leaf of the repo', () => {
    const r = resolveGitSyncConfig({
      ...base,
      GITSYNC_REPO: 'http://git/v1/repos/airflow-dags.git',
      GITSYNC_REF: 'main',
      GITSYNC_PERIOD: '10s',
      GITSYNC_USERNAME: 'u',
      GITSYNC_PASSWORD: 'p',
    });
    expect(r.ok && r.config).toMatchObject({
      repo: 'http://git/v1/repos/airflow-dags.git',
      ref: 'main',
      root: '/git',
      link: 'airflow-dags.git',
      periodMs: 10_000,
      syncTimeoutMs: 120_000,
      username: 'u',
      password: 'p',
      depth: 1,
      maxFailures: 0,
      oneTime: false,
      httpMetrics: false,
    });
    expect(r.messages).toEqual([]);
  });

  it('should warn about each old name and let it win, naming the winner as env.go does', () => {
    const r = resolveGitSyncConfig({
      ...base,
      GIT_SYNC_REPO: 'http://old',
      GITSYNC_DEPTH: '1',
      GIT_SYNC_DEPTH: '5',
      GITSYNC_USERNAME: 'u',
      GITSYNC_PASSWORD: 'new-secret',
      GIT_SYNC_PASSWORD: 'old-secret',
    });
    expect(r.ok && r.config).toMatchObject({
      repo: 'http://old',
      depth: 5,
      password: 'old-secret',
    });
    expect(r.messages).toEqual([
      {
        kind: 'stderr',
        text: 'env $GIT_SYNC_REPO has been deprecated, use $GITSYNC_REPO instead',
      },
      {
        kind: 'stderr',
        text: 'env $GITSYNC_REPO was overridden by $GIT_SYNC_REPO',
      },
      {
        kind: 'stderr',
        text: 'env $GIT_SYNC_DEPTH has been deprecated, use $GITSYNC_DEPTH instead',
      },
      // env.go's int reader names the primary key as the winner.
      {
        kind: 'stderr',
        text: 'env $GITSYNC_DEPTH was overridden by $GITSYNC_DEPTH',
      },
      {
        kind: 'stderr',
        text: 'env $GIT_SYNC_PASSWORD has been deprecated, use $GITSYNC_PASSWORD instead',
      },
      {
        kind: 'stderr',
        text: 'env $GITSYNC_PASSWORD was overridden by $GIT_SYNC_PASSWORD',
      },
    ]);
  });

  it('should print the warnings and back-compat lines of the env the chart renders, in git-sync order', () => {
    const r = resolveGitSyncConfig(
      envOf(
        gitSyncEnv('http://git/v1/repos/airflow-dags', '10s', { init: true }),
      ),
    );
    expect(r.ok).toBe(true);
    expect(
      r.messages.map(m => (m.kind === 'stderr' ? m.text : `INFO ${m.msg}`)),
    ).toEqual([
      'env $GIT_SYNC_REPO has been deprecated, use $GITSYNC_REPO instead',
      'env $GITSYNC_REPO was overridden by $GIT_SYNC_REPO',
      'env $GIT_SYNC_DEPTH has been deprecated, use $GITSYNC_DEPTH instead',
      'env $GITSYNC_DEPTH was overridden by $GITSYNC_DEPTH',
      'env $GIT_SYNC_ROOT has been deprecated, use $GITSYNC_ROOT instead',
      'env $GITSYNC_ROOT was overridden by $GIT_SYNC_ROOT',
      'env $GIT_SYNC_ONE_TIME has been deprecated, use $GITSYNC_ONE_TIME instead',
      'env $GITSYNC_ONE_TIME was overridden by $GITSYNC_ONE_TIME',
      'env $GIT_SYNC_ADD_USER has been deprecated, use $GITSYNC_ADD_USER instead',
      'env $GITSYNC_ADD_USER was overridden by $GITSYNC_ADD_USER',
      'INFO setting --ref from deprecated --branch',
      'INFO setting --link from deprecated --dest',
      'INFO setting --max-failures from deprecated --max-sync-failures',
    ]);
    expect(r.ok && r.config).toMatchObject({
      ref: 'main',
      link: 'repo',
      oneTime: true,
      maxFailures: 3,
      httpBind: ':8000',
      httpMetrics: true,
    });
  });

  it('should take the ref from a deprecated GIT_SYNC_BRANCH over GITSYNC_REF when GIT_SYNC_REV is HEAD (the branch trap)', () => {
    const r = resolveGitSyncConfig({
      ...base,
      GITSYNC_REF: 'main',
      GIT_SYNC_BRANCH: 'v2-2-stable',
      GIT_SYNC_REV: 'HEAD',
    });
    expect(r.ok && r.config.ref).toBe('v2-2-stable');
    expect(r.messages).toContainEqual({
      kind: 'info',
      msg: 'setting --ref from deprecated --branch',
      line: expect.any(Number),
    });
  });

  it('should take the ref from GIT_SYNC_REV alone and fail on a branch with another rev', () => {
    const rev = resolveGitSyncConfig({ ...base, GIT_SYNC_REV: 'v1.0' });
    expect(rev.ok && rev.config.ref).toBe('v1.0');
    expect(rev.messages.map(m => m.kind === 'info' && m.msg)).toContain(
      'setting --ref from deprecated --rev',
    );
    const both = resolveGitSyncConfig({
      ...base,
      GIT_SYNC_BRANCH: 'main',
      GIT_SYNC_REV: 'v1.0',
    });
    expect(both.ok).toBe(false);
    const message =
      "deprecated flag combo: can't set --ref from deprecated --branch and --rev (one or the other is OK)";
    expect(!both.ok && both.fatal[0]).toBe(message);
    expect(!both.ok && both.fatal[both.fatal.length - 1]).toBe(message);
    expect(!both.ok && both.fatal).toContain('Usage: git-sync [FLAGS...]');
  });

  it('should apply GIT_SYNC_MAX_SYNC_FAILURES, GIT_SYNC_WAIT and GIT_SYNC_DEST only when set to something', () => {
    const r = resolveGitSyncConfig({
      ...base,
      GITSYNC_MAX_FAILURES: '5',
      GIT_SYNC_MAX_SYNC_FAILURES: '0',
      GIT_SYNC_WAIT: '1.5',
      GIT_SYNC_DEST: 'current',
    });
    expect(r.ok && r.config).toMatchObject({
      maxFailures: 5,
      periodMs: 1500,
      link: 'current',
    });
    expect(r.messages.map(m => m.kind === 'info' && m.msg)).toEqual([
      'setting --link from deprecated --dest',
      'setting --period from deprecated --wait',
    ]);
  });

  it("should refuse the flag combinations git-sync refuses, with git-sync's messages", () => {
    const fatal = (env: Record<string, string>) => {
      const r = resolveGitSyncConfig(env);
      return r.ok ? undefined : r.fatal[0];
    };
    expect(fatal({ GITSYNC_REPO: 'x' })).toBe(
      'required flag: --root must be specified',
    );
    expect(fatal({ GITSYNC_ROOT: '/git' })).toBe(
      'required flag: --repo must be specified',
    );
    expect(fatal({ ...base, GITSYNC_USERNAME: 'u' })).toBe(
      'required flag: $GITSYNC_PASSWORD or --password-file must be specified when --username is specified',
    );
    expect(fatal({ ...base, GITSYNC_PASSWORD: 'p' })).toBe(
      'invalid flag: $GITSYNC_PASSWORD may only be specified when --username is specified',
    );
    expect(fatal({ ...base, GITSYNC_HTTP_METRICS: 'true' })).toBe(
      'required flag: --http-bind must be specified when --http-metrics is set',
    );
    expect(fatal({ ...base, GITSYNC_PERIOD: '5ms' })).toBe(
      'invalid flag: --period must be at least 10ms',
    );
    expect(fatal({ ...base, GITSYNC_DEPTH: '-1' })).toBe(
      'invalid flag: --depth must be greater than or equal to 0',
    );
    expect(fatal({ ...base, GITSYNC_DEPTH: 'one' })).toBe(
      'FATAL: invalid int env GITSYNC_DEPTH="one": strconv.ParseInt: parsing "one": invalid syntax',
    );
    expect(fatal({ ...base, GITSYNC_PERIOD: '10' })).toBe(
      'FATAL: invalid duration env GITSYNC_PERIOD="10": time: missing unit in duration "10"',
    );
  });
});
