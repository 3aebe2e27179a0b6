/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** git-sync v4 settings the sandbox honours, resolved from a container's environment. */
export type GitSyncConfig = {
  repo: string;
  ref: string;
  periodMs: number;
  username?: string;
  password?: string;
  link?: string;
  depth: number;
  maxFailures: number;
};

/** A line git-sync prints while reading its flags: info lines go to the JSON log, stderr lines are printed raw. */
export type ConfigMessage =
  | { kind: 'info'; msg: string; line: number }
  | { kind: 'stderr'; text: string };

/** The outcome of reading the environment: a config, or the fatal error git-sync exits with. */
export type ResolvedConfig =
  | { ok: true; config: GitSyncConfig; messages: ConfigMessage[] }
  | { ok: false; error: string; messages: ConfigMessage[] };

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration ("10s", "1m30s", "250ms", "1.5h") into milliseconds, as Go's time.ParseDuration does
 * (a unit is required except for "0"). Returns undefined for text Go would reject.
 */
export function parseGoDuration(text: string): number | undefined {
  const input = text.trim();
  if (input === '0') {
    return 0;
  }
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.test(
    input,
  );
  if (!match) {
    return undefined;
  }
  const sign = input.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const part of input
    .replace(/^[-+]/, '')
    .matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += parseFloat(part[1]) * UNITS[part[2]];
  }
  return sign * total;
}

/**
 * Reads one setting the way git-sync v4.4+'s env.go does: the primary key first, then each alternative
 * (old v3 name); the last one set wins and git-sync prints `env $X was overridden by $Y` to stderr.
 */
function envString(
  env: Record<string, string | undefined>,
  messages: ConfigMessage[],
  key: string,
  ...alts: string[]
): string | undefined {
  let found = 0;
  let result: string | undefined;
  let resultKey = key;
  for (const candidate of [key, ...alts]) {
    const value = env[candidate];
    if (value !== undefined) {
      result = value;
      resultKey = candidate;
      found++;
    }
  }
  if (found > 1) {
    messages.push({
      kind: 'stderr',
      text: `env $${key} was overridden by $${resultKey}`,
    });
  }
  return result;
}

function envInt(
  env: Record<string, string | undefined>,
  messages: ConfigMessage[],
  def: number,
  key: string,
  ...alts: string[]
): number | string {
  const value = envString(env, messages, key, ...alts);
  if (value === undefined || value === '') {
    return def;
  }
  const n = Number(value);
  if (!Number.isInteger(n)) {
    return `ERROR: invalid env ${key}=${JSON.stringify(value)}: not an integer`;
  }
  return n;
}

/** The settings as the environment gives them, before the deprecated flags and the checks are applied. */
type EnvSettings = {
  repo: string;
  ref: string;
  branch: string;
  rev: string;
  periodText?: string;
  wait?: string;
  username?: string;
  password?: string;
  link?: string;
  dest?: string;
  /** A number, or the error text of a value that is not an integer. */
  depth: number | string;
  /** A number, or the error text of a value that is not an integer. */
  maxFailures: number | string;
  maxSyncFailures?: string;
};

/** A setting git-sync rejects: the fatal error it exits with. */
type Invalid = { error: string };

/** Reads the settings in git-sync's flag order (which orders the `overridden` messages). */
function readEnvSettings(
  env: Record<string, string | undefined>,
  messages: ConfigMessage[],
): EnvSettings {
  return {
    repo: envString(env, messages, 'GITSYNC_REPO', 'GIT_SYNC_REPO') ?? '',
    ref: envString(env, messages, 'GITSYNC_REF') ?? 'HEAD',
    branch: env.GIT_SYNC_BRANCH ?? '',
    rev: env.GIT_SYNC_REV ?? '',
    periodText: envString(env, messages, 'GITSYNC_PERIOD', 'GIT_SYNC_PERIOD'),
    wait: env.GIT_SYNC_WAIT,
    username: envString(env, messages, 'GITSYNC_USERNAME', 'GIT_SYNC_USERNAME'),
    password: envString(env, messages, 'GITSYNC_PASSWORD', 'GIT_SYNC_PASSWORD'),
    link: envString(env, messages, 'GITSYNC_LINK', 'GIT_SYNC_LINK'),
    dest: env.GIT_SYNC_DEST,
    depth: envInt(env, messages, 1, 'GITSYNC_DEPTH', 'GIT_SYNC_DEPTH'),
    maxFailures: envInt(
      env,
      messages,
      0,
      'GITSYNC_MAX_FAILURES',
      'GIT_SYNC_MAX_FAILURES',
    ),
    maxSyncFailures: env.GIT_SYNC_MAX_SYNC_FAILURES,
  };
}

/** --ref, overridden by the deprecated --branch (unless --rev names another revision) or --rev. */
function resolveRef(settings: EnvSettings, messages: ConfigMessage[]): string {
  const { branch, rev } = settings;
  if (branch !== '' && (rev === '' || rev === 'HEAD')) {
    messages.push({
      kind: 'info',
      msg: 'setting --ref from deprecated --branch',
      line: 424,
    });
    return branch;
  }
  if (rev !== '') {
    messages.push({
      kind: 'info',
      msg: 'setting --ref from deprecated --rev',
      line: 428,
    });
    return rev;
  }
  return settings.ref;
}

/** --period in ms (default 10 s), overridden by the deprecated --wait in seconds; at least 10 ms. */
function resolvePeriod(
  settings: EnvSettings,
  messages: ConfigMessage[],
): number | Invalid {
  const { periodText, wait } = settings;
  let periodMs = 10_000;
  if (periodText !== undefined && periodText !== '') {
    const parsed = parseGoDuration(periodText);
    if (parsed === undefined) {
      return {
        error: `ERROR: invalid env GITSYNC_PERIOD=${JSON.stringify(
          periodText,
        )}: time: invalid duration ${JSON.stringify(periodText)}`,
      };
    }
    periodMs = parsed;
  }
  if (wait !== undefined && wait !== '' && Number(wait) !== 0) {
    const seconds = Number(wait);
    if (Number.isNaN(seconds)) {
      return {
        error: `ERROR: invalid env GIT_SYNC_WAIT=${JSON.stringify(
          wait,
        )}: not a number`,
      };
    }
    messages.push({
      kind: 'info',
      msg: 'setting --period from deprecated --wait',
      line: 468,
    });
    periodMs = Math.trunc(seconds * 1000);
  }
  if (periodMs < 10) {
    return { error: 'ERROR: --period must be at least 10ms' };
  }
  return periodMs;
}

/** --link, overridden by the deprecated --dest. */
function resolveLink(
  settings: EnvSettings,
  messages: ConfigMessage[],
): string | undefined {
  const { dest } = settings;
  if (dest !== undefined && dest !== '') {
    messages.push({
      kind: 'info',
      msg: 'setting --link from deprecated --dest',
      line: 456,
    });
    return dest;
  }
  return settings.link;
}

/** --max-failures, overridden by the deprecated --max-sync-failures. */
function resolveMaxFailures(
  settings: EnvSettings,
  messages: ConfigMessage[],
): number | Invalid {
  const { maxSyncFailures } = settings;
  if (maxSyncFailures !== undefined && maxSyncFailures !== '') {
    const n = Number(maxSyncFailures);
    if (!Number.isInteger(n)) {
      return {
        error: `ERROR: invalid env GIT_SYNC_MAX_SYNC_FAILURES=${JSON.stringify(
          maxSyncFailures,
        )}: not an integer`,
      };
    }
    messages.push({
      kind: 'info',
      msg: 'setting --max-failures from deprecated --max-sync-failures',
      line: 506,
    });
    return n;
  }
  if (typeof settings.maxFailures === 'string') {
    return { error: settings.maxFailures };
  }
  return settings.maxFailures;
}

/**
 * Resolves git-sync v4's settings from a container environment, with v4.4+'s precedence (old v3 names win over
 * GITSYNC_*), the deprecated GIT_SYNC_BRANCH / GIT_SYNC_REV overriding --ref (the branch trap of
 * domain-facts §2.2), GIT_SYNC_WAIT overriding --period, and GIT_SYNC_DEST / GIT_SYNC_MAX_SYNC_FAILURES.
 */
export function resolveGitSyncConfig(
  env: Record<string, string | undefined>,
): ResolvedConfig {
  const messages: ConfigMessage[] = [];
  const fail = (error: string): ResolvedConfig => ({
    ok: false,
    error,
    messages,
  });

  const settings = readEnvSettings(env, messages);
  const { repo, depth, username, password } = settings;
  if (repo === '') {
    return fail('ERROR: --repo must be specified');
  }
  const ref = resolveRef(settings, messages);
  if (ref === '') {
    return fail('ERROR: --ref must be specified');
  }
  if (typeof depth === 'string') {
    return fail(depth);
  }
  if (depth < 0) {
    return fail('ERROR: --depth must be greater than or equal to 0');
  }
  const periodMs = resolvePeriod(settings, messages);
  if (typeof periodMs !== 'number') {
    return fail(periodMs.error);
  }
  const link = resolveLink(settings, messages);
  const maxFailures = resolveMaxFailures(settings, messages);
  if (typeof maxFailures !== 'number') {
    return fail(maxFailures.error);
  }
  if (password !== undefined && password !== '' && !username) {
    return fail('ERROR: --password requires --username');
  }

  return {
    ok: true,
    messages,
    config: {
      repo,
      ref,
      periodMs,
      username: username || undefined,
      password: password || undefined,
      link: link || undefined,
      depth,
      maxFailures,
    },
  };
}

/** The default --link: the leaf directory of --repo without a `.git` suffix, as git-sync computes it. */
export function defaultLink(repo: string): string {
  const trimmed = repo.replace(/\/+$/, '');
  const leaf = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return leaf.replace(/\.git$/, '') || 'repo';
}
