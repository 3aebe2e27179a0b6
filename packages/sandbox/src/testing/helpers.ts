/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';
import { SandboxLogger } from '../util/logger';

/** A fresh temporary data folder; remove it with the returned function. */
export function tempDataDir(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-test-'));
  return {
    dir,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** AWS SDK client configuration for the sandbox's AWS endpoint. */
export function awsClientConfig(
  endpoint: string,
  secretAccessKey = SANDBOX_SECRET_ACCESS_KEY,
) {
  return {
    endpoint,
    region: SANDBOX_REGION,
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey },
    maxAttempts: 1,
  };
}

/** A logger that records its lines for assertions. */
export function recordingLogger(): SandboxLogger & {
  lines: Array<{ message: string; meta?: Record<string, unknown> }>;
} {
  const lines: Array<{ message: string; meta?: Record<string, unknown> }> = [];
  const push = (message: string, meta?: Record<string, unknown>) =>
    lines.push({ message, meta });
  return { lines, info: push, warn: push, error: push };
}

/** Waits until `check` returns a value other than undefined/false, polling every few milliseconds. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  attempts = 500,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await check();
    if (v !== undefined && v !== false) {
      return v as T;
    }
    await new Promise(r => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}
