/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * An env var of a container spec, as the Kubernetes API gives it.
 *
 * @public
 */
export interface ContainerEnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name?: string; key: string; optional?: boolean };
    configMapKeyRef?: { name?: string; key: string };
  };
}

/**
 * What a git-sync container is configured to follow, read from its env with v4.4+ precedence (domain facts §2.1, §2.2):
 * when an old `GIT_SYNC_*` and a new `GITSYNC_*` name are both set, the old one wins; a non-empty `GIT_SYNC_BRANCH`
 * with `GIT_SYNC_REV` empty or `HEAD` overrides the ref. Secret values are never read: only the keys named by
 * `secretKeyRef`.
 *
 * @public
 */
export interface GitSyncSettings {
  repo: string | null;
  /** The ref git-sync follows after precedence and the branch override. */
  ref: string;
  /** The ref the v4 setting (`GITSYNC_REF`) asked for, when set. */
  requestedRef: string | null;
  /** True when `GIT_SYNC_BRANCH` overrides a different `GITSYNC_REF` (the trap of apache/airflow#42918). */
  branchOverridesRef: boolean;
  /** A flag combination git-sync refuses to start with (both a branch and a non-HEAD rev), else null. */
  fatal: string | null;
  /** Sync period in ms (`GITSYNC_PERIOD` Go duration, or v3 `GIT_SYNC_WAIT` seconds); default 10 s. */
  periodMs: number;
  /** `GITSYNC_MAX_FAILURES` / `GIT_SYNC_MAX_SYNC_FAILURES`; default 0 (the first failure exits). */
  maxFailures: number;
  oneTime: boolean;
  /** Credential env vars and the Secret keys they read. */
  credentials: Array<{ env: string; secretName: string | null; key: string }>;
  /** Old names set (each makes git-sync ≥ 4.2 print a deprecation warning). */
  deprecatedNames: string[];
}

const PAIRS: Array<[string, string]> = [
  ['GIT_SYNC_REPO', 'GITSYNC_REPO'],
  ['GIT_SYNC_REV', 'GITSYNC_REF'],
  ['GIT_SYNC_PERIOD', 'GITSYNC_PERIOD'],
  ['GIT_SYNC_MAX_SYNC_FAILURES', 'GITSYNC_MAX_FAILURES'],
  ['GIT_SYNC_ONE_TIME', 'GITSYNC_ONE_TIME'],
];

/**
 * Parses a Go duration such as `10s`, `1m30s`, `500ms` into milliseconds; null when it is not one.
 *
 * @public
 */
export function parseGoDuration(value: string): number | null {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0].length;
  }
  return consumed === value.length && consumed > 0 ? total : null;
}

/**
 * Resolves a git-sync container's settings from its env list.
 *
 * @public
 */
export function resolveGitSyncSettings(
  env: ContainerEnvVar[],
): GitSyncSettings {
  const byName = new Map(env.map(e => [e.name, e]));
  const value = (name: string) => {
    const v = byName.get(name)?.value;
    return v === undefined ? undefined : v;
  };
  const pick = (oldName: string, newName: string) =>
    value(oldName) ?? value(newName);
  const requestedRef = value('GITSYNC_REF') ?? null;
  const rev = value('GIT_SYNC_REV');
  let ref = (rev || undefined) ?? (requestedRef || undefined) ?? 'HEAD';
  const branch = value('GIT_SYNC_BRANCH');
  let branchOverridesRef = false;
  let fatal: string | null = null;
  if (branch) {
    if (rev === undefined || rev === '' || rev === 'HEAD') {
      // main.go: "setting --ref from deprecated --branch"
      branchOverridesRef = requestedRef !== null && requestedRef !== branch;
      ref = branch;
    } else {
      fatal =
        "deprecated flag combo: can't set --ref from deprecated --branch and --rev (one or the other is OK)";
    }
  }
  let periodMs = 10_000;
  const period = value('GITSYNC_PERIOD') ?? value('GIT_SYNC_PERIOD');
  const wait = value('GIT_SYNC_WAIT');
  if (wait !== undefined && Number.isFinite(Number(wait))) {
    periodMs = Number(wait) * 1000;
  } else if (period !== undefined) {
    periodMs = parseGoDuration(period) ?? periodMs;
  }
  const maxFailures = Number(
    pick('GIT_SYNC_MAX_SYNC_FAILURES', 'GITSYNC_MAX_FAILURES') ?? 0,
  );
  const oneTime = pick('GIT_SYNC_ONE_TIME', 'GITSYNC_ONE_TIME') === 'true';
  const credentials = env
    .filter(e => /^(GIT_SYNC|GITSYNC)_(USERNAME|PASSWORD)$/.test(e.name))
    .filter(e => e.valueFrom?.secretKeyRef)
    .map(e => ({
      env: e.name,
      secretName: e.valueFrom!.secretKeyRef!.name ?? null,
      key: e.valueFrom!.secretKeyRef!.key,
    }));
  const deprecatedNames = env
    .map(e => e.name)
    .filter(
      n =>
        n.startsWith('GIT_SYNC_') &&
        (PAIRS.some(([o]) => o === n) ||
          n === 'GIT_SYNC_BRANCH' ||
          n === 'GIT_SYNC_WAIT' ||
          n === 'GIT_SYNC_USERNAME' ||
          n === 'GIT_SYNC_PASSWORD'),
    );
  return {
    repo: pick('GIT_SYNC_REPO', 'GITSYNC_REPO') ?? null,
    ref,
    fatal,
    requestedRef,
    branchOverridesRef,
    periodMs,
    maxFailures: Number.isFinite(maxFailures) ? maxFailures : 0,
    oneTime,
    credentials,
    deprecatedNames,
  };
}
