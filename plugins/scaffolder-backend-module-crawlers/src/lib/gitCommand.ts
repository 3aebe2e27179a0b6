/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { spawn } from 'node:child_process';

/**
 * Basic credentials for one git remote. They reach git only through its environment (`GIT_CONFIG_*`, as an
 * `http.<url>.extraHeader`), never through arguments, files or logs.
 */
export type GitHttpAuth = { username: string; password: string };

/** A failed git command; its message carries git's stderr with every secret replaced by `***`. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

/** Replaces each secret (and its URL-encoded and base64 forms) in text with `***`. */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) {
      continue;
    }
    for (const form of new Set([
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret, 'utf8').toString('base64'),
    ])) {
      out = out.split(form).join('***');
    }
  }
  return out;
}

/** git variables of the backend's environment that still apply: CA certificates for TLS and git's own programs. */
const KEPT_GIT_VARIABLES = new Set([
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'GIT_EXEC_PATH',
]);

/**
 * The environment git runs with: of the backend's `GIT_*` variables only the CA certificates, no system or global
 * config (so nothing outside the action changes what is pushed, and no credential helper stores anything), no
 * prompts, no tracing, and — when given — the remote's Basic
 * credentials as an `http.<remote>.extraHeader` set through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`
 * (git 2.31+; `GIT_CONFIG_GLOBAL` needs 2.32), which git applies only to requests below that URL.
 */
export function gitEnvironment(options: {
  remoteUrl?: string;
  auth?: GitHttpAuth;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') || KEPT_GIT_VARIABLES.has(key)) {
      env[key] = value;
    }
  }
  Object.assign(env, {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    LC_ALL: 'C',
  });
  const config: Array<[string, string]> = [
    ['credential.helper', ''],
    ['core.autocrlf', 'false'],
    ['core.fileMode', 'true'],
    ['core.symlinks', 'true'],
    ['init.defaultBranch', 'main'],
  ];
  if (options.auth && options.remoteUrl) {
    const basic = Buffer.from(
      `${options.auth.username}:${options.auth.password}`,
      'utf8',
    ).toString('base64');
    config.push([
      `http.${options.remoteUrl}.extraHeader`,
      `Authorization: Basic ${basic}`,
    ]);
  }
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return { ...env, ...options.extra };
}

/** Runs `git <args>`; resolves with trimmed stdout, rejects with a {@link GitCommandError} (secrets redacted). */
export function runGit(
  args: string[],
  options: {
    env: NodeJS.ProcessEnv;
    cwd?: string;
    input?: string;
    secrets?: string[];
    signal?: AbortSignal;
    timeoutMs?: number;
  },
): Promise<string> {
  const secrets = options.secrets ?? [];
  const command =
    args.find(
      (a, i) =>
        !a.startsWith('-') &&
        args[i - 1] !== '--git-dir' &&
        args[i - 1] !== '--work-tree',
    ) ?? 'git';
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      env: options.env,
      cwd: options.cwd,
      signal: options.signal,
      timeout: options.timeoutMs ?? 10 * 60_000,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', d => out.push(d));
    child.stderr!.on('data', d => err.push(d));
    child.on('error', e =>
      reject(
        new GitCommandError(
          `git ${command} could not run: ${redact(e.message, secrets)}`,
          '',
          null,
        ),
      ),
    );
    child.on('close', code => {
      const stderr = redact(Buffer.concat(err).toString('utf8'), secrets);
      if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8').trim());
      } else {
        reject(
          new GitCommandError(
            `git ${command} failed (exit ${code}): ${stderr.trim()}`,
            stderr,
            code,
          ),
        );
      }
    });
    if (child.stdin) {
      // git may exit before reading all of its input; its exit status tells what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}
