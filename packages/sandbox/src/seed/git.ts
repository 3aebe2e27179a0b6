/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SANDBOX_GIT_PASSWORD, SANDBOX_GIT_USERNAME } from '../constants';

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_AUTHOR_NAME: 'Crawler Platform Sandbox',
          GIT_AUTHOR_EMAIL: 'sandbox@example.com',
          GIT_COMMITTER_NAME: 'Crawler Platform Sandbox',
          GIT_COMMITTER_EMAIL: 'sandbox@example.com',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `${cmd} ${args[0]} failed: ${
                String(stderr).trim() || error.message
              }`,
            ),
          );
          return;
        }
        resolve(String(stdout));
      },
    );
  });
}

/** Commits files to a fresh repository and pushes them with real git over HTTP, using the static git credentials. */
export async function pushFiles(
  cloneUrl: string,
  branch: string,
  files: Record<string, string>,
  message: string,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-seed-'));
  try {
    await run('git', ['init', '-q', '-b', branch], dir);
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    await run('git', ['add', '-A'], dir);
    await run('git', ['commit', '-q', '-m', message], dir);
    await run(
      'git',
      [
        '-c',
        'credential.helper=',
        '-c',
        'credential.helper=!f() { test "$1" = get || exit 0; echo "username=$SEED_GIT_USERNAME"; echo "password=$SEED_GIT_PASSWORD"; }; f',
        'push',
        '-q',
        cloneUrl,
        `HEAD:refs/heads/${branch}`,
      ],
      dir,
      {
        SEED_GIT_USERNAME: SANDBOX_GIT_USERNAME,
        SEED_GIT_PASSWORD: SANDBOX_GIT_PASSWORD,
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
