/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../clock';
import { jsonLines, tempGitRepo } from '../testing/gitRepo';
import { GitSyncProcess } from './process';

describe('GitSyncProcess', () => {
  const clock = new ManualClock('2026-05-01T10:00:00Z');
  let repo: ReturnType<typeof tempGitRepo>;
  let root: string;
  let log: string;

  const processWith = (
    env: Record<string, string>,
    reachesRemote?: () => boolean,
  ) => {
    const proc = new GitSyncProcess({
      reachesRemote,
      env: {
        GITSYNC_ROOT: '/git',
        GITSYNC_REPO: repo.bare,
        GITSYNC_REF: 'main',
        GITSYNC_LINK: 'repo',
        ...env,
      },
      localRoot: root,
      clock,
      write: text => {
        log += text;
      },
      manual: true,
    });
    proc.start();
    return proc;
  };
  const msgs = () => jsonLines(log).map(l => l.msg);

  beforeEach(() => {
    repo = tempGitRepo();
    root = path.join(repo.dir, 'root');
    fs.mkdirSync(root);
    log = '';
  });

  afterEach(() => repo.remove());

  it('should fail each fetch with context deadline exceeded while the remote is unreachable, and sync once it is reachable again', async () => {
    const sha = repo.commit('airflow2/a.py', 'print(1)\n');
    let reachable = false;
    const proc = processWith({ GITSYNC_MAX_FAILURES: '-1' }, () => reachable);
    const failed = await proc.step();
    expect(failed).toEqual({
      status: 'error',
      error: `Run(git fetch ${repo.bare} main --verbose --no-progress --prune --no-auto-gc --depth 1): context deadline exceeded: { stdout: "", stderr: "" }`,
    });
    expect(jsonLines(log).find(l => l.failCount === 1)).toMatchObject({
      msg: 'error syncing repo, will retry',
    });
    reachable = true;
    await expect(proc.step()).resolves.toEqual({
      status: 'success',
      hash: sha,
    });
  });

  it('should fetch the ref, publish it through the link and log update required / updated successfully', async () => {
    const sha = repo.commit('airflow2/a.py', 'print(1)\n');
    const proc = processWith({});
    await expect(proc.step()).resolves.toEqual({
      status: 'success',
      hash: sha,
    });
    expect(log.split('\n')[0]).toBe(
      'INFO: detected pid 1, running init handler',
    );
    expect(msgs()).toEqual([
      'starting up',
      'repo directory was empty or failed checks',
      'initializing repo directory',
      'update required',
      'updated successfully',
    ]);
    const lines = jsonLines(log);
    expect(lines[0]).toMatchObject({ version: 'v4.4.2', flags: [] });
    const update = lines.find(l => l.msg === 'update required');
    expect(Object.keys(update)).toEqual([
      'logger',
      'ts',
      'caller',
      'level',
      'msg',
      'ref',
      'local',
      'remote',
      'syncCount',
    ]);
    expect(update).toMatchObject({
      ts: '2026-05-01 10:00:00.000000',
      ref: 'main',
      local: '',
      remote: sha,
      syncCount: 0,
    });
    const done = lines.find(l => l.msg === 'updated successfully');
    expect(done).toEqual({
      logger: '',
      ts: '2026-05-01 10:00:00.000000',
      caller: { file: 'main.go', line: expect.any(Number) },
      level: 0,
      msg: 'updated successfully',
      ref: 'main',
      remote: sha,
      syncCount: 1,
    });
    expect(fs.readlinkSync(path.join(root, 'repo'))).toBe(
      path.join('.worktrees', sha),
    );
    expect(fs.readFileSync(path.join(root, 'repo/airflow2/a.py'), 'utf8')).toBe(
      'print(1)\n',
    );
  });

  it('should count a noop for an unchanged remote after the first loop and a success for a new commit', async () => {
    const sha = repo.commit('a.py', '1\n');
    const proc = processWith({});
    await proc.step();
    await expect(proc.step()).resolves.toEqual({ status: 'noop', hash: sha });
    expect(msgs().filter(m => m === 'update required')).toHaveLength(1);
    const sha2 = repo.commit('a.py', '2\n');
    await expect(proc.step()).resolves.toEqual({
      status: 'success',
      hash: sha2,
    });
    expect(
      jsonLines(log).filter(l => l.msg === 'update required')[1],
    ).toMatchObject({ local: sha, remote: sha2, syncCount: 1 });
    expect(fs.existsSync(path.join(root, '.worktrees', sha))).toBe(false);
    const metrics = await proc.metrics.text();
    expect(metrics).toContain('git_sync_count_total{status="success"} 2');
    expect(metrics).toContain('git_sync_count_total{status="noop"} 1');
    expect(metrics).toContain('git_fetch_count_total 2');
    expect(metrics).toContain(
      'git_sync_duration_seconds_count{status="success"} 2',
    );
    expect(metrics).toContain('git_sync_duration_seconds_sum{status="noop"}');
    expect(metrics).not.toContain('quantile');
    expect(metrics).not.toContain('status="error"');
  });

  it('should log its own update pair, count a success and a fetch, and be unready until its first sync after a restart', async () => {
    const sha = repo.commit('a.py', '1\n');
    const first = processWith({
      GITSYNC_HTTP_BIND: ':8000',
      GITSYNC_HTTP_METRICS: 'true',
    });
    await first.step();
    await first.step();
    await first.kill();
    log = '';
    const second = processWith({
      GITSYNC_HTTP_BIND: ':8000',
      GITSYNC_HTTP_METRICS: 'true',
    });
    await expect(second.http('/')).resolves.toMatchObject({
      status: 503,
      body: 'repo is not ready\n',
    });
    await expect(second.step()).resolves.toEqual({
      status: 'success',
      hash: sha,
    });
    expect(msgs()).toEqual([
      'starting up',
      'serving HTTP',
      'update required',
      'updated successfully',
    ]);
    expect(jsonLines(log).find(l => l.msg === 'update required')).toMatchObject(
      { local: sha, remote: sha, syncCount: 0 },
    );
    expect(jsonLines(log).find(l => l.msg === 'serving HTTP')).toMatchObject({
      endpoint: ':8000',
      reasons: ['liveness', 'metrics'],
    });
    await expect(second.http('/')).resolves.toMatchObject({
      status: 200,
      body: '',
    });
    const metrics = (await second.http('/metrics'))!.body;
    expect(metrics).toContain('git_sync_count_total{status="success"} 1');
    expect(metrics).toContain('git_fetch_count_total 1');
    expect(metrics).not.toContain('status="noop"');
  });

  it('should serve HTTP only with GITSYNC_HTTP_BIND, and answer /metrics as readiness without GITSYNC_HTTP_METRICS', async () => {
    repo.commit('a.py', '1\n');
    await expect(processWith({}).http('/')).resolves.toBeUndefined();
    const proc = processWith({ GITSYNC_HTTP_BIND: ':8000' });
    await expect(proc.http('/metrics')).resolves.toMatchObject({
      status: 503,
      body: 'repo is not ready\n',
    });
    await proc.step();
    await expect(proc.http('/metrics')).resolves.toMatchObject({
      status: 200,
      body: '',
    });
  });

  it("should log git's own stderr for a missing ref in git-sync's Run(git fetch …) error and retry below maxFailures", async () => {
    repo.commit('a.py', '1\n');
    const proc = processWith({
      GITSYNC_REF: 'v2-2-stable',
      GITSYNC_MAX_FAILURES: '3',
    });
    await expect(proc.step()).resolves.toMatchObject({ status: 'error' });
    await expect(proc.step()).resolves.toMatchObject({ status: 'error' });
    const errors = jsonLines(log).filter(
      l => l.msg === 'error syncing repo, will retry',
    );
    expect(errors.map(e => e.failCount)).toEqual([1, 2]);
    expect(Object.keys(errors[0])).toEqual([
      'logger',
      'ts',
      'caller',
      'msg',
      'error',
      'failCount',
    ]);
    expect(errors[0].error).toBe(
      `Run(git fetch ${repo.bare} v2-2-stable --verbose --no-progress --prune --no-auto-gc --depth 1): exit status 128: { stdout: "", stderr: "fatal: couldn't find remote ref v2-2-stable\\n" }`,
    );
    expect(await proc.metrics.text()).toContain(
      'git_sync_count_total{status="error"} 2',
    );
    expect(proc.isRunning()).toBe(true);
  });

  it('should abort with exit code 1 when failCount reaches maxFailures', async () => {
    repo.commit('a.py', '1\n');
    const proc = processWith({
      GITSYNC_REF: 'nope',
      GITSYNC_MAX_FAILURES: '3',
    });
    await proc.step();
    await proc.step();
    await expect(proc.step()).resolves.toEqual({
      status: 'exited',
      exitCode: 1,
    });
    await expect(proc.exited).resolves.toBe(1);
    const last = jsonLines(log).pop();
    expect(last).toMatchObject({
      msg: 'too many failures, aborting',
      failCount: 3,
    });
    expect(Object.keys(last)).toEqual([
      'logger',
      'ts',
      'caller',
      'msg',
      'error',
      'failCount',
    ]);
    expect(last.error).toContain("fatal: couldn't find remote ref nope");
  });

  it('should abort on the first failure with the default maxFailures 0', async () => {
    const proc = processWith({ GITSYNC_REF: 'nope' });
    await expect(proc.step()).resolves.toEqual({
      status: 'exited',
      exitCode: 1,
    });
    expect(msgs().pop()).toBe('too many failures, aborting');
  });

  it('should exit 0 after one good sync with GITSYNC_ONE_TIME', async () => {
    repo.commit('a.py', '1\n');
    const proc = processWith({ GITSYNC_ONE_TIME: 'true' });
    await expect(proc.step()).resolves.toEqual({
      status: 'exited',
      exitCode: 0,
    });
    await expect(proc.exited).resolves.toBe(0);
    expect(jsonLines(log).pop()).toMatchObject({
      msg: 'exiting after one sync',
      status: 0,
    });
  });

  it('should print a fatal flag error with the usage and exit 1 before starting up', async () => {
    const proc = processWith({ GIT_SYNC_BRANCH: 'main', GIT_SYNC_REV: 'v1' });
    await expect(proc.exited).resolves.toBe(1);
    const lines = log.split('\n');
    expect(lines[1]).toBe(
      "deprecated flag combo: can't set --ref from deprecated --branch and --rev (one or the other is OK)",
    );
    expect(lines).toContain('Usage: git-sync [FLAGS...]');
    expect(msgs()).not.toContain('starting up');
  });
});
