/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Env, EnvParseError, EnvReader } from './env';

export { parseGoDuration } from './env';

/** The git-sync release whose flags, messages and behaviour the sandbox models (see the README). */
export const GIT_SYNC_VERSION = 'v4.4.2';
/** Its image. */
export const GIT_SYNC_IMAGE = `registry.k8s.io/git-sync/git-sync:${GIT_SYNC_VERSION}`;

/** git-sync's settings as the sandbox uses them, resolved from a container's environment. */
export type GitSyncConfig = {
  repo: string;
  ref: string;
  /** `--root` inside the container (the sandbox keeps the files in its own folder per pod). */
  root: string;
  link: string;
  depth: number;
  periodMs: number;
  syncTimeoutMs: number;
  oneTime: boolean;
  maxFailures: number;
  username?: string;
  password?: string;
  passwordFile?: string;
  /** `--http-bind` (the HTTP endpoint is served only when set). */
  httpBind?: string;
  httpMetrics: boolean;
  httpPprof: boolean;
};

/** A line git-sync prints while reading its flags: stderr lines are printed raw, info lines go to the JSON log. */
export type ConfigMessage =
  | { kind: 'info'; msg: string; line: number }
  | { kind: 'stderr'; text: string };

/** The outcome of reading the environment: a config, or the lines git-sync prints before it exits 1. */
export type ResolvedConfig =
  | { ok: true; config: GitSyncConfig; messages: ConfigMessage[] }
  | { ok: false; fatal: string[]; messages: ConfigMessage[] };

/** The flags as the environment sets them, in main.go's definition order (which orders the env warnings). */
function readFlags(r: EnvReader) {
  const f = {
    verbose: r.int(0, 'GITSYNC_VERBOSE'),
    repo: r.string('', 'GITSYNC_REPO', 'GIT_SYNC_REPO'),
    ref: r.string('HEAD', 'GITSYNC_REF'),
    depth: r.int(1, 'GITSYNC_DEPTH', 'GIT_SYNC_DEPTH'),
    submodules: r.string(
      'recursive',
      'GITSYNC_SUBMODULES',
      'GIT_SYNC_SUBMODULES',
    ),
    sparse: r.string(
      '',
      'GITSYNC_SPARSE_CHECKOUT_FILE',
      'GIT_SYNC_SPARSE_CHECKOUT_FILE',
    ),
    root: r.string('', 'GITSYNC_ROOT', 'GIT_SYNC_ROOT'),
    link: r.string('', 'GITSYNC_LINK', 'GIT_SYNC_LINK'),
    errorFile: r.string('', 'GITSYNC_ERROR_FILE', 'GIT_SYNC_ERROR_FILE'),
    periodMs: r.duration(10_000, 'GITSYNC_PERIOD', 'GIT_SYNC_PERIOD'),
    syncTimeoutMs: r.duration(
      120_000,
      'GITSYNC_SYNC_TIMEOUT',
      'GIT_SYNC_SYNC_TIMEOUT',
    ),
    oneTime: r.bool(false, 'GITSYNC_ONE_TIME', 'GIT_SYNC_ONE_TIME'),
    syncOnSignal: r.string(
      '',
      'GITSYNC_SYNC_ON_SIGNAL',
      'GIT_SYNC_SYNC_ON_SIGNAL',
    ),
    maxFailures: r.int(0, 'GITSYNC_MAX_FAILURES', 'GIT_SYNC_MAX_FAILURES'),
    touchFile: r.string('', 'GITSYNC_TOUCH_FILE', 'GIT_SYNC_TOUCH_FILE'),
    addUser: r.bool(false, 'GITSYNC_ADD_USER', 'GIT_SYNC_ADD_USER'),
    groupWrite: r.bool(false, 'GITSYNC_GROUP_WRITE', 'GIT_SYNC_GROUP_WRITE'),
    staleTimeoutMs: r.duration(0, 'GITSYNC_STALE_WORKTREE_TIMEOUT'),
    exechookCommand: r.string(
      '',
      'GITSYNC_EXECHOOK_COMMAND',
      'GIT_SYNC_EXECHOOK_COMMAND',
    ),
    exechookTimeoutMs: r.duration(
      30_000,
      'GITSYNC_EXECHOOK_TIMEOUT',
      'GIT_SYNC_EXECHOOK_TIMEOUT',
    ),
    exechookBackoffMs: r.duration(
      3_000,
      'GITSYNC_EXECHOOK_BACKOFF',
      'GIT_SYNC_EXECHOOK_BACKOFF',
    ),
    webhookUrl: r.string('', 'GITSYNC_WEBHOOK_URL', 'GIT_SYNC_WEBHOOK_URL'),
    webhookMethod: r.string(
      'POST',
      'GITSYNC_WEBHOOK_METHOD',
      'GIT_SYNC_WEBHOOK_METHOD',
    ),
    webhookSuccess: r.int(
      200,
      'GITSYNC_WEBHOOK_SUCCESS_STATUS',
      'GIT_SYNC_WEBHOOK_SUCCESS_STATUS',
    ),
    webhookTimeoutMs: r.duration(
      1_000,
      'GITSYNC_WEBHOOK_TIMEOUT',
      'GIT_SYNC_WEBHOOK_TIMEOUT',
    ),
    webhookBackoffMs: r.duration(
      3_000,
      'GITSYNC_WEBHOOK_BACKOFF',
      'GIT_SYNC_WEBHOOK_BACKOFF',
    ),
    username: r.string('', 'GITSYNC_USERNAME', 'GIT_SYNC_USERNAME'),
    password: r.string('', 'GITSYNC_PASSWORD', 'GIT_SYNC_PASSWORD'),
    passwordFile: r.string(
      '',
      'GITSYNC_PASSWORD_FILE',
      'GIT_SYNC_PASSWORD_FILE',
    ),
    credential: r.string('', 'GITSYNC_CREDENTIAL'),
    sshKeyFiles: r.stringArray(
      '/etc/git-secret/ssh',
      'GITSYNC_SSH_KEY_FILE',
      'GIT_SYNC_SSH_KEY_FILE',
      'GIT_SSH_KEY_FILE',
    ),
    sshKnownHosts: r.bool(
      true,
      'GITSYNC_SSH_KNOWN_HOSTS',
      'GIT_SYNC_KNOWN_HOSTS',
      'GIT_KNOWN_HOSTS',
    ),
    sshKnownHostsFile: r.string(
      '/etc/git-secret/known_hosts',
      'GITSYNC_SSH_KNOWN_HOSTS_FILE',
      'GIT_SYNC_SSH_KNOWN_HOSTS_FILE',
      'GIT_SSH_KNOWN_HOSTS_FILE',
    ),
    cookieFile: r.bool(
      false,
      'GITSYNC_COOKIE_FILE',
      'GIT_SYNC_COOKIE_FILE',
      'GIT_COOKIE_FILE',
    ),
    askPassUrl: r.string(
      '',
      'GITSYNC_ASKPASS_URL',
      'GIT_SYNC_ASKPASS_URL',
      'GIT_ASKPASS_URL',
    ),
    git: r.string('git', 'GITSYNC_GIT', 'GIT_SYNC_GIT'),
    gitConfig: r.string('', 'GITSYNC_GIT_CONFIG', 'GIT_SYNC_GIT_CONFIG'),
    gitGc: r.string('always', 'GITSYNC_GIT_GC', 'GIT_SYNC_GIT_GC'),
    httpBind: r.string('', 'GITSYNC_HTTP_BIND', 'GIT_SYNC_HTTP_BIND'),
    httpMetrics: r.bool(false, 'GITSYNC_HTTP_METRICS', 'GIT_SYNC_HTTP_METRICS'),
    httpPprof: r.bool(false, 'GITSYNC_HTTP_PPROF', 'GIT_SYNC_HTTP_PPROF'),
  };
  // The obsolete flags, kept for compatibility: one (old) name each, so no env warnings.
  const deprecated = {
    branch: r.string('', 'GIT_SYNC_BRANCH'),
    chmod: r.int(0, 'GIT_SYNC_PERMISSIONS'),
    dest: r.string('', 'GIT_SYNC_DEST'),
    maxSyncFailures: r.int(0, 'GIT_SYNC_MAX_SYNC_FAILURES'),
    rev: r.string('', 'GIT_SYNC_REV'),
    syncHookCommand: r.string('', 'GIT_SYNC_HOOK_COMMAND'),
    timeout: r.int(0, 'GIT_SYNC_TIMEOUT'),
    wait: r.float(0, 'GIT_SYNC_WAIT'),
  };
  return { ...f, deprecated };
}

type Flags = ReturnType<typeof readFlags>;

/** A fatal configuration error: main.go's fatalConfigError (message, usage, message again; exit 1). */
class ConfigError extends Error {}

/** What the back-compat handling logs (caller lines are the sandbox's fixed values, see the README). */
function info(messages: ConfigMessage[], msg: string, line: number) {
  messages.push({ kind: 'info', msg, line });
}

/** --ref from the deprecated --branch / --rev (the branch trap of domain-facts §2.2). */
function resolveRef(f: Flags, messages: ConfigMessage[]): string {
  const { branch, rev } = f.deprecated;
  if (branch !== '' && (rev === '' || rev === 'HEAD')) {
    info(messages, 'setting --ref from deprecated --branch', 460);
    return branch;
  }
  if (rev !== '' && branch === '') {
    info(messages, 'setting --ref from deprecated --rev', 464);
    return rev;
  }
  if (branch !== '' && rev !== '') {
    throw new ConfigError(
      "deprecated flag combo: can't set --ref from deprecated --branch and --rev (one or the other is OK)",
    );
  }
  return f.ref;
}

/** main.go's checks in its order; throws {@link ConfigError} for the first one that fails. */
function validate(f: Flags, messages: ConfigMessage[]): GitSyncConfig {
  if (f.repo === '')
    throw new ConfigError('required flag: --repo must be specified');
  const ref = resolveRef(f, messages);
  if (ref === '')
    throw new ConfigError('required flag: --ref must be specified');
  if (f.depth < 0)
    throw new ConfigError(
      'invalid flag: --depth must be greater than or equal to 0',
    );
  if (!['recursive', 'shallow', 'off'].includes(f.submodules))
    throw new ConfigError(
      'invalid flag: --submodules must be one of "recursive", "shallow", or "off"',
    );
  if (!['auto', 'always', 'aggressive', 'off'].includes(f.gitGc))
    throw new ConfigError(
      'invalid flag: --git-gc must be one of "auto", "always", "aggressive", or "off"',
    );
  let link = f.link;
  if (f.deprecated.dest !== '') {
    info(messages, 'setting --link from deprecated --dest', 493);
    link = f.deprecated.dest;
  }
  if (link === '') {
    const parts = f.repo.replace(/^\/+|\/+$/g, '').split('/');
    link = parts[parts.length - 1];
  }
  let periodMs = f.periodMs;
  if (f.deprecated.wait !== 0) {
    info(messages, 'setting --period from deprecated --wait', 502);
    periodMs = Math.trunc(f.deprecated.wait * 1000);
  }
  if (periodMs < 10)
    throw new ConfigError('invalid flag: --period must be at least 10ms');
  if (f.deprecated.chmod !== 0)
    throw new ConfigError(
      'deprecated flag: --change-permissions is no longer supported',
    );
  let syncTimeoutMs = f.syncTimeoutMs;
  if (f.deprecated.timeout !== 0) {
    info(messages, 'setting --sync-timeout from deprecated --timeout', 530);
    syncTimeoutMs = f.deprecated.timeout * 1000;
  }
  if (syncTimeoutMs < 10)
    throw new ConfigError('invalid flag: --sync-timeout must be at least 10ms');
  let maxFailures = f.maxFailures;
  if (f.deprecated.maxSyncFailures !== 0) {
    info(
      messages,
      'setting --max-failures from deprecated --max-sync-failures',
      539,
    );
    maxFailures = f.deprecated.maxSyncFailures;
  }
  if (f.deprecated.syncHookCommand !== '') {
    info(
      messages,
      'setting --exechook-command from deprecated --sync-hook-command',
      545,
    );
  }
  validateCredentials(f);
  if (f.httpBind === '' && f.httpMetrics)
    throw new ConfigError(
      'required flag: --http-bind must be specified when --http-metrics is set',
    );
  if (f.httpBind === '' && f.httpPprof)
    throw new ConfigError(
      'required flag: --http-bind must be specified when --http-pprof is set',
    );
  return {
    repo: f.repo,
    ref,
    root: f.root,
    link,
    depth: f.depth,
    periodMs,
    syncTimeoutMs,
    oneTime: f.oneTime,
    maxFailures,
    username: f.username || undefined,
    password: f.password || undefined,
    passwordFile: f.passwordFile || undefined,
    httpBind: f.httpBind || undefined,
    httpMetrics: f.httpMetrics,
    httpPprof: f.httpPprof,
  };
}

/** The username / password checks. */
function validateCredentials(f: Flags) {
  if (f.username !== '') {
    if (f.password === '' && f.passwordFile === '')
      throw new ConfigError(
        'required flag: $GITSYNC_PASSWORD or --password-file must be specified when --username is specified',
      );
    if (f.password !== '' && f.passwordFile !== '')
      throw new ConfigError(
        'invalid flag: only one of $GITSYNC_PASSWORD and --password-file may be specified',
      );
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(f.repo))
      throw new ConfigError(
        'invalid flag: credentials may not be specified in --repo when --username is specified',
      );
  } else {
    if (f.password !== '')
      throw new ConfigError(
        'invalid flag: $GITSYNC_PASSWORD may only be specified when --username is specified',
      );
    if (f.passwordFile !== '')
      throw new ConfigError(
        'invalid flag: --password-file may only be specified when --username is specified',
      );
  }
}

/**
 * The lines `usage()` prints around a flag error. The sandbox prints the header of git-sync's usage text and leaves
 * out its long flag list.
 */
function usageLines(message: string): string[] {
  return [
    message,
    'Usage: git-sync [FLAGS...]',
    '',
    ' FLAGS:',
    '  (the flag list of `git-sync --help` is not reproduced by the sandbox)',
    '',
    message,
  ];
}

/**
 * Resolves git-sync's settings from a container environment as the modelled release does: the env readers of
 * env.go (deprecation warnings, old names winning), then main.go's back-compat handling — the deprecated
 * GIT_SYNC_BRANCH / GIT_SYNC_REV overriding --ref (the branch trap of domain-facts §2.2), GIT_SYNC_DEST,
 * GIT_SYNC_WAIT, GIT_SYNC_TIMEOUT and GIT_SYNC_MAX_SYNC_FAILURES — and its fatal flag checks.
 */
export function resolveGitSyncConfig(env: Env): ResolvedConfig {
  const reader = new EnvReader(env);
  const infos: ConfigMessage[] = [];
  const stderr = () =>
    reader.stderr.map(text => ({ kind: 'stderr' as const, text }));
  let flags: Flags;
  try {
    flags = readFlags(reader);
  } catch (e) {
    if (e instanceof EnvParseError) {
      return { ok: false, fatal: [e.message], messages: stderr() };
    }
    throw e;
  }
  if (flags.root === '') {
    return {
      ok: false,
      fatal: usageLines('required flag: --root must be specified'),
      messages: stderr(),
    };
  }
  try {
    const config = validate(flags, infos);
    return { ok: true, config, messages: [...stderr(), ...infos] };
  } catch (e) {
    if (e instanceof ConfigError) {
      return {
        ok: false,
        fatal: usageLines(e.message),
        messages: [...stderr(), ...infos],
      };
    }
    throw e;
  }
}
