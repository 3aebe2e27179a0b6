/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { AwsWorld } from '../aws/AwsWorld';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_GIT_PASSWORD,
  SANDBOX_GIT_USERNAME,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';
import { recordingLogger, tempDataDir } from '../testing/helpers';
import { RunningServer } from '../util/http';
import { startGitServer } from './server';

function git(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      'git',
      [
        '-c',
        'user.name=Test',
        '-c',
        'user.email=test@example.com',
        '-c',
        'init.defaultBranch=main',
        ...args,
      ],
      {
        cwd,
        env: {
          PATH: process.env.PATH!,
          HOME: cwd,
          GIT_TERMINAL_PROMPT: '0',
          GIT_CONFIG_NOSYSTEM: '1',
          ...env,
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (err as any).code ?? 1 : 0, stdout, stderr }),
    );
  });
}

/** An independent implementation of git-remote-codecommit's password (HMAC chain by hand). */
function gitRemoteCodeCommitPassword(
  secret: string,
  region: string,
  host: string,
  repo: string,
  date: Date,
): string {
  const ts = date.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const day = ts.slice(0, 8);
  const canonical = `GIT\n/v1/repos/${repo}\n\nhost:${host}\n\nhost\n`;
  const toSign = `AWS4-HMAC-SHA256\n${ts}\n${day}/${region}/codecommit/aws4_request\n${crypto
    .createHash('sha256')
    .update(canonical)
    .digest('hex')}`;
  const h = (k: crypto.BinaryLike, d: string) =>
    crypto.createHmac('sha256', k).update(d).digest();
  const key = h(
    h(h(h(`AWS4${secret}`, day), region), 'codecommit'),
    'aws4_request',
  );
  return `${ts}Z${crypto
    .createHmac('sha256', key)
    .update(toSign)
    .digest('hex')}`;
}

describe('startGitServer', () => {
  let data: ReturnType<typeof tempDataDir>;
  let world: AwsWorld;
  let server: RunningServer;
  let work: string;
  const logger = recordingLogger();

  const url = (user: string, password: string, repo = 'crawler-one') => {
    const u = new URL(`${server.url}/v1/repos/${repo}`);
    u.username = encodeURIComponent(user);
    u.password = encodeURIComponent(password);
    return u.toString();
  };

  beforeEach(async () => {
    data = tempDataDir();
    work = path.join(data.dir, 'work');
    fs.mkdirSync(work);
    world = new AwsWorld({ dataDir: path.join(data.dir, 'state') });
    server = await startGitServer({ world, port: 0, logger });
    await world.codecommit.createRepository('crawler-one');
  });

  afterEach(async () => {
    await server.close();
    world.close();
    data.remove();
  });

  it('should accept a real git push and clone with the static HTTPS git credentials', async () => {
    const src = path.join(work, 'src');
    fs.mkdirSync(src);
    await git(['init', '-q'], src);
    fs.writeFileSync(path.join(src, 'README.md'), 'hello\n');
    await git(['add', '.'], src);
    await git(['commit', '-q', '-m', 'first'], src);
    const push = await git(
      [
        'push',
        url(SANDBOX_GIT_USERNAME, SANDBOX_GIT_PASSWORD),
        'HEAD:refs/heads/main',
      ],
      src,
    );
    expect(push.stderr).toContain('HEAD -> main');
    expect(push.code).toBe(0);
    const branch = await world.codecommit.getBranch('crawler-one', 'main');
    expect(branch.commitId).toMatch(/^[0-9a-f]{40}$/);
    expect(world.codecommit.metadata('crawler-one').defaultBranch).toBe('main');

    const clone = await git(
      ['clone', '-q', url(SANDBOX_GIT_USERNAME, SANDBOX_GIT_PASSWORD), 'copy'],
      work,
    );
    expect(clone.code).toBe(0);
    expect(fs.readFileSync(path.join(work, 'copy', 'README.md'), 'utf8')).toBe(
      'hello\n',
    );
  });

  it('should reject a wrong password and never log it', async () => {
    const res = await git(
      ['clone', '-q', url(SANDBOX_GIT_USERNAME, 'wrong-password'), 'copy'],
      work,
    );
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('403');
    expect(JSON.stringify(logger.lines)).not.toContain('wrong-password');
    expect(JSON.stringify(logger.lines)).not.toContain(SANDBOX_GIT_PASSWORD);
    expect(JSON.stringify(logger.lines)).not.toContain(SANDBOX_GIT_USERNAME);
  });

  it('should ask for credentials (401) and accept them from a GIT_ASKPASS script', async () => {
    const askpass = path.join(work, 'askpass.sh');
    fs.writeFileSync(
      askpass,
      `#!/bin/sh\ncase "$1" in Username*) echo '${SANDBOX_GIT_USERNAME}';; *) echo '${SANDBOX_GIT_PASSWORD}';; esac\n`,
      { mode: 0o755 },
    );
    const res = await git(
      ['clone', '-q', `${server.url}/v1/repos/crawler-one`, 'copy'],
      work,
      { GIT_ASKPASS: askpass },
    );
    expect(res.code).toBe(0);
    expect(logger.lines.some(l => l.meta?.status === 401)).toBe(true);
  });

  it('should accept a git-remote-codecommit SigV4 password and reject a tampered one', async () => {
    const host = new URL(server.url).host;
    const password = gitRemoteCodeCommitPassword(
      SANDBOX_SECRET_ACCESS_KEY,
      world.region,
      host,
      'crawler-one',
      new Date(),
    );
    const ok = await git(
      ['clone', '-q', url(SANDBOX_ACCESS_KEY_ID, password), 'copy'],
      work,
    );
    expect(ok.code).toBe(0);
    const tampered =
      password.slice(0, -1) + (password.endsWith('0') ? '1' : '0');
    const bad = await git(
      ['clone', '-q', url(SANDBOX_ACCESS_KEY_ID, tampered), 'copy2'],
      work,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('403');
    const otherRepo = gitRemoteCodeCommitPassword(
      SANDBOX_SECRET_ACCESS_KEY,
      world.region,
      host,
      'other',
      new Date(),
    );
    const wrongRepo = await git(
      ['clone', '-q', url(SANDBOX_ACCESS_KEY_ID, otherRepo), 'copy3'],
      work,
    );
    expect(wrongRepo.code).not.toBe(0);
  });

  it('should answer 404 for repositories not created through CreateRepository', async () => {
    const res = await git(
      [
        'clone',
        '-q',
        url(SANDBOX_GIT_USERNAME, SANDBOX_GIT_PASSWORD, 'not-created'),
        'copy',
      ],
      work,
    );
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/not found|404/);
  });

  it('should inflate gzip request bodies of git-upload-pack (as git sends large negotiations)', async () => {
    const { commitId } = await world.codecommit.createCommit({
      repositoryName: 'crawler-one',
      branchName: 'main',
      putFiles: [{ filePath: 'a.txt', fileContent: Buffer.from('a') }],
    });
    const want = `want ${commitId}\n`;
    const body = `${(want.length + 4)
      .toString(16)
      .padStart(4, '0')}${want}00000009done\n`;
    const res = await fetch(
      `${server.url}/v1/repos/crawler-one/git-upload-pack`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(
            `${SANDBOX_GIT_USERNAME}:${SANDBOX_GIT_PASSWORD}`,
          ).toString('base64')}`,
          'content-type': 'application/x-git-upload-pack-request',
          'content-encoding': 'gzip',
        },
        body: zlib.gzipSync(body),
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/x-git-upload-pack-result',
    );
    const out = Buffer.from(await res.arrayBuffer()).toString('latin1');
    expect(out).toContain('NAK');
    expect(out).toContain('PACK');
  });
});
