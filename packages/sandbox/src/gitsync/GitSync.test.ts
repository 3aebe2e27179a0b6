/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ManualClock } from '../clock';
import { KubeStore } from '../kube/KubeStore';
import { GitSync } from './GitSync';
import { startGitSyncServer } from './server';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

describe('GitSync', () => {
  let dir: string;
  let bare: string;
  let work: string;
  let kube: KubeStore;
  const clock = new ManualClock('2026-05-01T10:00:00Z');

  function commit(file: string, content: string): string {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), content);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', `update ${file}`);
    git(work, 'push', '-q', 'origin', 'HEAD:main');
    return git(work, 'rev-parse', 'HEAD');
  }

  function schedulerPod(env: Array<Record<string, unknown>>) {
    try {
      kube.delete('pods', 'airflow', 'airflow2-scheduler-0');
    } catch {
      // first time
    }
    kube.create('pods', 'airflow', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'airflow2-scheduler-0', namespace: 'airflow' },
      spec: {
        containers: [
          { name: 'scheduler', image: 'apache/airflow:2.10.0' },
          {
            name: 'git-sync',
            image: 'registry.k8s.io/git-sync/git-sync:v4.7.1',
            env,
          },
        ],
      },
    });
  }

  function logLines(): any[] {
    return kube
      .readLog('airflow', 'airflow2-scheduler-0', 'git-sync')
      .split('\n')
      .filter(l => l.startsWith('{'))
      .map(l => JSON.parse(l));
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitsync-test-'));
    bare = path.join(dir, 'airflow-dags.git');
    work = path.join(dir, 'work');
    git(dir, 'init', '-q', '--bare', bare);
    git(dir, 'clone', '-q', bare, work);
    kube = new KubeStore({ clock });
    kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'airflow' },
    });
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should sync the ref into the root layout and log update required / updated successfully', async () => {
    const sha = commit('dags/a.py', 'print(1)\n');
    schedulerPod([
      { name: 'GITSYNC_REPO', value: bare },
      { name: 'GITSYNC_REF', value: 'main' },
      { name: 'GITSYNC_PERIOD', value: '10s' },
      { name: 'GITSYNC_LINK', value: 'repo' },
    ]);
    const root = path.join(dir, 'root');
    const sync = new GitSync({
      kube,
      clock,
      namespace: 'airflow',
      podName: 'airflow2-scheduler-0',
      root,
    });
    expect(sync.isReady()).toBe(false);
    await expect(sync.syncNow()).resolves.toEqual({
      status: 'success',
      hash: sha,
    });

    expect(fs.readlinkSync(path.join(root, 'repo'))).toBe(
      path.join('.worktrees', sha),
    );
    expect(
      fs.readFileSync(path.join(root, 'repo', 'dags', 'a.py'), 'utf8'),
    ).toBe('print(1)\n');
    const lines = logLines();
    const update = lines.find(l => l.msg === 'update required');
    const done = lines.find(l => l.msg === 'updated successfully');
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
      logger: '',
      level: 0,
      ref: 'main',
      local: '',
      remote: sha,
      syncCount: 0,
    });
    expect(update.ts).toBe('2026-05-01 10:00:00.000000');
    expect(done).toMatchObject({ ref: 'main', remote: sha, syncCount: 1 });
    expect(done).not.toHaveProperty('hash');
    expect(sync.isReady()).toBe(true);

    await expect(sync.syncNow()).resolves.toEqual({
      status: 'noop',
      hash: sha,
    });
    const sha2 = commit('dags/b.py', 'print(2)\n');
    await expect(sync.syncNow()).resolves.toEqual({
      status: 'success',
      hash: sha2,
    });
    expect(fs.existsSync(path.join(root, '.worktrees', sha))).toBe(false);
    expect(fs.existsSync(path.join(root, 'repo', 'dags', 'b.py'))).toBe(true);
    expect(
      logLines()
        .filter(l => l.msg === 'update required')
        .pop(),
    ).toMatchObject({ local: sha, remote: sha2 });

    const metrics = await sync.metrics();
    expect(metrics).toContain('git_sync_count_total{status="success"} 2');
    expect(metrics).toContain('git_sync_count_total{status="noop"} 1');
    expect(metrics).toContain(
      'git_sync_duration_seconds_count{status="success"} 2',
    );
  });

  it('should log error syncing repo with a growing failCount when the ref cannot be fetched', async () => {
    commit('dags/a.py', 'print(1)\n');
    schedulerPod([
      { name: 'GITSYNC_REPO', value: path.join(dir, 'missing.git') },
      { name: 'GITSYNC_REF', value: 'main' },
      { name: 'GITSYNC_MAX_FAILURES', value: '-1' },
    ]);
    const sync = new GitSync({
      kube,
      clock,
      namespace: 'airflow',
      podName: 'airflow2-scheduler-0',
      root: path.join(dir, 'root'),
    });
    await sync.syncNow();
    await sync.syncNow();
    const errors = logLines().filter(
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
    expect(errors[0].error).toMatch(
      /^Run\(git ls-remote -q .*missing\.git main main\^\{\}\): exit status 128: \{ stdout: "", stderr: ".*" \}$/,
    );
    expect(await sync.metrics()).toContain(
      'git_sync_count_total{status="error"} 2',
    );
  });

  it('should abort and restart the container after more than GITSYNC_MAX_FAILURES failures', async () => {
    schedulerPod([
      { name: 'GITSYNC_REPO', value: path.join(dir, 'missing.git') },
    ]);
    kube.updatePodStatus('airflow', 'airflow2-scheduler-0', {
      containerStatuses: [
        { name: 'git-sync', restartCount: 0, state: { running: {} } },
      ],
    });
    const sync = new GitSync({
      kube,
      clock,
      namespace: 'airflow',
      podName: 'airflow2-scheduler-0',
      root: path.join(dir, 'root'),
    });
    await sync.syncNow();
    await sync.syncNow();
    const msgs = (text: string) =>
      text
        .split('\n')
        .filter(l => l.startsWith('{'))
        .map(l => JSON.parse(l).msg);
    // The first container aborted; the restarted one has its own log, the old one is the previous log.
    expect(
      msgs(
        kube.readLog('airflow', 'airflow2-scheduler-0', 'git-sync', {
          previous: true,
        }),
      ),
    ).toEqual([
      'starting up',
      'repo directory was empty or failed checks',
      'initializing repo directory',
      'too many failures, aborting',
    ]);
    expect(
      msgs(kube.readLog('airflow', 'airflow2-scheduler-0', 'git-sync')),
    ).toEqual(['starting up', 'too many failures, aborting']);
    const pod: any = kube.get('pods', 'airflow', 'airflow2-scheduler-0');
    expect(pod.status.containerStatuses[0].restartCount).toBe(1);
  });

  it('should keep the env it started with until its pod is replaced', async () => {
    const sha = commit('dags/a.py', 'print(1)\n');
    schedulerPod([
      { name: 'GITSYNC_REPO', value: path.join(dir, 'missing.git') },
      { name: 'GITSYNC_MAX_FAILURES', value: '-1' },
    ]);
    const sync = new GitSync({
      kube,
      clock,
      namespace: 'airflow',
      podName: 'airflow2-scheduler-0',
      root: path.join(dir, 'root'),
    });
    await expect(sync.syncNow()).resolves.toMatchObject({ status: 'error' });
    schedulerPod([
      { name: 'GITSYNC_REPO', value: bare },
      { name: 'GITSYNC_REF', value: 'main' },
    ]);
    await expect(sync.syncNow()).resolves.toEqual({
      status: 'success',
      hash: sha,
    });
  });

  it('should follow the branch of GIT_SYNC_BRANCH over GITSYNC_REF and log why', async () => {
    commit('dags/a.py', 'main\n');
    git(work, 'checkout', '-q', '-b', 'release');
    const releaseSha = commit('dags/a.py', 'release\n');
    git(work, 'push', '-q', 'origin', 'HEAD:release');
    git(work, 'checkout', '-q', 'main');
    git(work, 'reset', '-q', '--hard', 'origin/main');
    schedulerPod([
      { name: 'GITSYNC_REPO', value: bare },
      { name: 'GITSYNC_REF', value: 'main' },
      { name: 'GIT_SYNC_BRANCH', value: 'release' },
      { name: 'GIT_SYNC_REV', value: 'HEAD' },
    ]);
    const root = path.join(dir, 'root');
    const sync = new GitSync({
      kube,
      clock,
      namespace: 'airflow',
      podName: 'airflow2-scheduler-0',
      root,
    });
    await expect(sync.syncNow()).resolves.toEqual({
      status: 'success',
      hash: releaseSha,
    });
    expect(logLines().map(l => l.msg)).toContain(
      'setting --ref from deprecated --branch',
    );
    expect(
      fs.readFileSync(path.join(root, 'airflow-dags', 'dags', 'a.py'), 'utf8'),
    ).toBe('release\n');
  });

  it('should read credentials from a secretKeyRef without logging them', async () => {
    commit('dags/a.py', 'print(1)\n');
    kube.create('secrets', 'airflow', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'git-credentials', namespace: 'airflow' },
      data: {
        GITSYNC_USERNAME: Buffer.from('someone').toString('base64'),
        GITSYNC_PASSWORD: Buffer.from('very-secret-password').toString(
          'base64',
        ),
      },
    });
    schedulerPod([
      { name: 'GITSYNC_REPO', value: bare },
      { name: 'GITSYNC_REF', value: 'main' },
      {
        name: 'GITSYNC_USERNAME',
        valueFrom: {
          secretKeyRef: { name: 'git-credentials', key: 'GITSYNC_USERNAME' },
        },
      },
      {
        name: 'GITSYNC_PASSWORD',
        valueFrom: {
          secretKeyRef: { name: 'git-credentials', key: 'GITSYNC_PASSWORD' },
        },
      },
    ]);
    const sync = new GitSync({
      kube,
      clock,
      namespace: 'airflow',
      podName: 'airflow2-scheduler-0',
      root: path.join(dir, 'root'),
    });
    await expect(sync.syncNow()).resolves.toMatchObject({ status: 'success' });
    expect(
      kube.readLog('airflow', 'airflow2-scheduler-0', 'git-sync'),
    ).not.toContain('very-secret-password');
  });

  it('should serve readiness and metrics per instance', async () => {
    const sha = commit('dags/a.py', 'print(1)\n');
    schedulerPod([
      { name: 'GITSYNC_REPO', value: bare },
      { name: 'GITSYNC_REF', value: 'main' },
    ]);
    const sync = new GitSync({
      kube,
      clock,
      namespace: 'airflow',
      podName: 'airflow2-scheduler-0',
      root: path.join(dir, 'root'),
    });
    const server = await startGitSyncServer({ instances: { airflow2: sync } });
    try {
      const notReady = await request(server.url).get('/airflow2/');
      expect(notReady.status).toBe(503);
      expect(notReady.text).toBe('repo is not ready');
      await expect(sync.syncNow()).resolves.toEqual({
        status: 'success',
        hash: sha,
      });
      const ready = await request(server.url).get('/airflow2/');
      expect(ready.status).toBe(200);
      expect(ready.text).toBe('');
      expect((await request(server.url).get('/')).status).toBe(200);
      const metrics = await request(server.url).get('/airflow2/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('# TYPE git_sync_count_total counter');
      expect(metrics.text).toContain(
        '# TYPE git_sync_duration_seconds summary',
      );
      expect((await request(server.url).get('/nope/metrics')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('should run on its own every period once started', async () => {
    const sha = commit('dags/a.py', 'print(1)\n');
    schedulerPod([
      { name: 'GITSYNC_REPO', value: bare },
      { name: 'GITSYNC_REF', value: 'main' },
      { name: 'GITSYNC_PERIOD', value: '20ms' },
    ]);
    const sync = new GitSync({
      kube,
      clock,
      namespace: 'airflow',
      podName: 'airflow2-scheduler-0',
      root: path.join(dir, 'root'),
    });
    const updated = new Promise<string>(resolve => sync.onUpdate(resolve));
    sync.start();
    await expect(updated).resolves.toBe(sha);
    await sync.stop();
  });
});
