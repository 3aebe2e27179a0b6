/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The outcome of `python3 -m py_compile`. */
export type PyCompileResult =
  | { status: 'compiled' }
  | { status: 'failed'; message: string }
  | { status: 'unavailable'; message: string };

/**
 * Compiles a Python file with `<python> -m py_compile`. The bytecode goes to a temporary `PYTHONPYCACHEPREFIX`
 * that is removed afterwards, so the workspace gains no `__pycache__`. A missing interpreter is `unavailable`.
 */
export async function pyCompile(options: {
  python: string;
  file: string;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<PyCompileResult> {
  const prefix = await fs.mkdtemp(
    path.join(os.tmpdir(), 'crawlers-pycompile-'),
  );
  try {
    return await new Promise<PyCompileResult>(resolve => {
      const child = spawn(options.python, ['-m', 'py_compile', options.file], {
        env: { ...process.env, PYTHONPYCACHEPREFIX: prefix },
        timeout: options.timeoutMs,
        signal: options.signal,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: Buffer[] = [];
      child.stdout.on('data', d => output.push(d));
      child.stderr.on('data', d => output.push(d));
      child.on('error', (e: NodeJS.ErrnoException) =>
        resolve(
          e.code === 'ENOENT'
            ? {
                status: 'unavailable',
                message: `${options.python} was not found on the backend host`,
              }
            : {
                status: 'unavailable',
                message: `${options.python} could not run: ${e.message}`,
              },
        ),
      );
      child.on('close', (code, signal) => {
        const text = Buffer.concat(output).toString('utf8').trim();
        if (code === 0) resolve({ status: 'compiled' });
        else if (code === 127)
          resolve({
            status: 'unavailable',
            message: `${options.python} could not start: ${text}`,
          });
        else if (signal)
          resolve({
            status: 'unavailable',
            message: `${options.python} was stopped (${signal}), e.g. by the timeout`,
          });
        else
          resolve({
            status: 'failed',
            message: text.split(options.file).join(path.basename(options.file)),
          });
      });
    });
  } finally {
    await fs.rm(prefix, { recursive: true, force: true });
  }
}
