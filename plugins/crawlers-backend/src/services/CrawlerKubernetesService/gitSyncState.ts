/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersContainerStatus,
  CrawlersGitSyncPod,
  CrawlersGitSyncSettings,
  CrawlersGitSyncState,
  CrawlersGitSyncTrap,
} from '@crawler-platform/plugin-crawlers-common';
import {
  GitSyncLogSummary,
  GitSyncSettings,
  resolveGitSyncSettings,
} from '@crawler-platform/plugin-crawlers-node';
import type { V1Pod } from '@kubernetes/client-node';
import { containersOf, EventRecord, podStatusText } from './pods';

/** The chart's git-sync container names (dags.gitSync.containerName defaults to git-sync). */
export const GIT_SYNC_CONTAINER = 'git-sync';
export const GIT_SYNC_INIT_CONTAINER = 'git-sync-init';

/** Waiting reasons of a git-sync container that mean it cannot run. */
const FAILING_WAITING = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
]);

/** A pod that runs git-sync, as cached. */
export interface GitSyncPodRecord {
  name: string;
  uid: string | null;
  component: string;
  phase: string;
  status: string;
  containers: CrawlersContainerStatus[];
  /** The container whose log tells the current state: `git-sync-init` while the pod is in Init, else `git-sync`. */
  logContainer: string;
  /** Settings of the log container, from its env. */
  settings: GitSyncSettings;
}

/** The pod's git-sync containers and which one to read; undefined when the pod runs no git-sync. */
export function gitSyncPodRecord(pod: V1Pod): GitSyncPodRecord | undefined {
  const init = pod.spec?.initContainers?.find(
    c => c.name === GIT_SYNC_INIT_CONTAINER,
  );
  const sidecar = pod.spec?.containers?.find(
    c => c.name === GIT_SYNC_CONTAINER,
  );
  if (!init && !sidecar) {
    return undefined;
  }
  const all = containersOf(pod);
  const containers = all.filter(
    c =>
      (c.init && c.name === GIT_SYNC_INIT_CONTAINER) ||
      (!c.init && c.name === GIT_SYNC_CONTAINER),
  );
  const initStatus = containers.find(c => c.init);
  const initDone =
    !initStatus ||
    (initStatus.state === 'terminated' && initStatus.exitCode === 0);
  const logContainer =
    init && (!initDone || !sidecar)
      ? GIT_SYNC_INIT_CONTAINER
      : GIT_SYNC_CONTAINER;
  const spec = logContainer === GIT_SYNC_INIT_CONTAINER ? init : sidecar;
  return {
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? null,
    component: pod.metadata?.labels?.component ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    status: podStatusText(pod, all),
    containers,
    logContainer,
    settings: resolveGitSyncSettings(
      (spec?.env ?? []).map(e => ({
        name: e.name,
        value: e.value,
        valueFrom: e.valueFrom?.secretKeyRef
          ? {
              secretKeyRef: {
                name: e.valueFrom.secretKeyRef.name,
                key: e.valueFrom.secretKeyRef.key,
                optional: e.valueFrom.secretKeyRef.optional,
              },
            }
          : undefined,
      })),
    ),
  };
}

/** A repository URL without user information (`https://user:password@host/…` → `https://host/…`). */
export function redactUrl(url: string | null): string | null {
  if (!url) {
    return url;
  }
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

/** Removes user information from URLs inside a message (git's stderr names the remote). */
export function redactMessage(message: string): string {
  return message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s"']*@/gi, '$1');
}

/** The response form of settings (Secret key names only). */
export function settingsOf(settings: GitSyncSettings): CrawlersGitSyncSettings {
  return {
    repo: redactUrl(settings.repo),
    ref: settings.ref,
    requestedRef: settings.requestedRef,
    periodSeconds: settings.periodMs / 1000,
    maxFailures: settings.maxFailures,
    credentialKeys: settings.credentials.map(c => ({
      env: c.env,
      secretName: c.secretName,
      key: c.key,
    })),
  };
}

const shortSha = (sha: string) => sha.slice(0, 12);

/** Inputs of {@link decidePodState}. */
export interface PodStateInput {
  record: GitSyncPodRecord;
  log: GitSyncLogSummary | null;
  /** Why the log could not be read. */
  logError: string | null;
  /** The head of the followed ref, or why it is unknown. */
  head: { commit: string; branch: string } | { error: string };
  logLines: number;
}

/** The git-sync state of one pod and why (§2.6, §3.3, §9 #7). */
export function decidePodState(input: PodStateInput): {
  state: CrawlersGitSyncState;
  reason: string;
} {
  const { record, log, logError, head } = input;
  if (record.settings.fatal) {
    return {
      state: 'failing',
      reason: `git-sync refuses to start: ${record.settings.fatal}`,
    };
  }
  const broken = record.containers.find(
    c => c.state === 'waiting' && c.reason && FAILING_WAITING.has(c.reason),
  );
  const lastError = log?.lastError
    ? `: ${redactMessage(log.lastError.message)}`
    : '';
  if (log?.failing) {
    const count =
      log.lastError?.failCount !== null &&
      log.lastError?.failCount !== undefined
        ? ` (failCount ${log.lastError.failCount})`
        : '';
    return {
      state: 'failing',
      reason: `${record.logContainer} ${
        log.aborted ? 'gave up after too many failures' : 'fails to sync'
      }${count}${lastError}`,
    };
  }
  if (broken) {
    return {
      state: 'failing',
      reason: `${broken.name} is ${broken.reason}${
        broken.message ? `: ${redactMessage(broken.message)}` : ''
      }`,
    };
  }
  const exited = record.containers.find(
    c => c.state === 'terminated' && c.exitCode !== 0 && c.exitCode !== null,
  );
  if (exited) {
    return {
      state: 'failing',
      reason: `${exited.name} exited with code ${exited.exitCode}${lastError}`,
    };
  }
  if (!log) {
    return {
      state: 'unknown',
      reason: `The log of ${record.logContainer} in pod ${
        record.name
      } could not be read${logError ? `: ${logError}` : ''}`,
    };
  }
  if (!log.syncedCommit) {
    return {
      state: 'unknown',
      reason: `${record.logContainer} in pod ${record.name} has not logged a synced commit in the last ${input.logLines} lines of its log`,
    };
  }
  if ('error' in head) {
    return { state: 'unknown', reason: head.error };
  }
  if (log.syncedCommit === head.commit) {
    return {
      state: 'in-sync',
      reason: `git-sync synced ${shortSha(log.syncedCommit)}, the head of ${
        head.branch
      }`,
    };
  }
  return {
    state: 'behind',
    reason: `git-sync synced ${shortSha(log.syncedCommit)}; the head of ${
      head.branch
    } is ${shortSha(head.commit)}`,
  };
}

const SEVERITY: Record<CrawlersGitSyncState, number> = {
  failing: 3,
  behind: 2,
  unknown: 1,
  'in-sync': 0,
};

/** The index of the worst state (failing, then behind, then unknown, then in-sync); -1 for none. */
export function worstIndex(states: CrawlersGitSyncState[]): number {
  let worst = -1;
  states.forEach((s, i) => {
    if (worst < 0 || SEVERITY[s] > SEVERITY[states[worst]]) {
      worst = i;
    }
  });
  return worst;
}

const MISSING_KEY = /couldn't find key (\S+) in Secret (\S+)/;
const MISSING_SECRET = /secret "([^"]+)" not found/;

/**
 * Traps of one pod: flags git-sync refuses, the `GIT_SYNC_BRANCH` override of `GITSYNC_REF` (env, and the log line
 * that confirms it), and credential Secret keys the kubelet could not find (container status and events). Never
 * reads Secret data: key names come from `secretKeyRef.key` and the kubelet's message.
 */
export function trapsOf(
  record: GitSyncPodRecord,
  log: GitSyncLogSummary | null,
  events: EventRecord[],
): CrawlersGitSyncTrap[] {
  const traps: CrawlersGitSyncTrap[] = [];
  const { settings } = record;
  if (settings.fatal) {
    traps.push({
      kind: 'fatal-flags',
      pod: record.name,
      message: `git-sync refuses to start: ${settings.fatal}. Set only dags.gitSync.branch (and ref equal to it), not rev.`,
    });
  }
  if (settings.branchOverridesRef) {
    traps.push({
      kind: 'branch-overrides-ref',
      pod: record.name,
      message: `GIT_SYNC_BRANCH "${settings.ref}" overrides GITSYNC_REF "${
        settings.requestedRef
      }": git-sync follows ${settings.ref}${
        log?.refFromDeprecatedBranch
          ? ' (its log says "setting --ref from deprecated --branch")'
          : ''
      }. Set dags.gitSync.branch to the branch you want and keep dags.gitSync.ref equal to it (apache/airflow#42918).`,
    });
  }
  const messages = [
    ...record.containers
      .filter(c => c.reason === 'CreateContainerConfigError')
      .map(c => c.message ?? ''),
    ...events
      .filter(
        e =>
          (e.podUid ? e.podUid === record.uid : e.podName === record.name) &&
          (e.reason === 'Failed' || e.reason === 'CreateContainerConfigError'),
      )
      .map(e => e.message ?? ''),
  ];
  const missingKeys = new Map<string, Set<string>>();
  const missingSecrets = new Set<string>();
  for (const message of messages) {
    const key = MISSING_KEY.exec(message);
    if (key) {
      const set = missingKeys.get(key[2]) ?? new Set<string>();
      set.add(key[1]);
      missingKeys.set(key[2], set);
    }
    const secret = MISSING_SECRET.exec(message);
    if (secret) {
      missingSecrets.add(secret[1]);
    }
  }
  const expected = settings.credentials.map(c => c.key).join(', ');
  for (const [secret, keys] of missingKeys) {
    const list = [...keys];
    traps.push({
      kind: 'missing-credential-key',
      pod: record.name,
      keys: list,
      message: `Secret ${secret} has no key ${list.join(
        ', ',
      )}, which the git-sync containers read (secretKeyRef keys: ${expected}). Add the key: for git-sync 4.0.0 or later (or tag latest) the chart reads GITSYNC_USERNAME / GITSYNC_PASSWORD, before that GIT_SYNC_USERNAME / GIT_SYNC_PASSWORD.`,
    });
  }
  for (const secret of missingSecrets) {
    traps.push({
      kind: 'missing-credential-key',
      pod: record.name,
      keys: settings.credentials
        .filter(c => c.secretName === secret)
        .map(c => c.key),
      message: `Secret "${secret}" does not exist in the Airflow namespace: create it with the keys ${expected} (dags.gitSync.credentialsSecret).`,
    });
  }
  return traps;
}

/** The response form of a git-sync pod. */
export function gitSyncPodOf(
  record: GitSyncPodRecord,
  log: GitSyncLogSummary | null,
  decided: { state: CrawlersGitSyncState; reason: string },
): CrawlersGitSyncPod {
  return {
    name: record.name,
    component: record.component,
    phase: record.phase,
    status: record.status,
    state: decided.state,
    reason: decided.reason,
    containers: record.containers,
    logContainer: record.logContainer,
    logFormat: log?.format ?? null,
    syncedCommit: log?.syncedCommit ?? null,
    syncedAt: log?.syncedAt ?? null,
    failCount: log?.lastError?.failCount ?? null,
    lastError: log?.lastError
      ? {
          message: redactMessage(log.lastError.message),
          at: log.lastError.at,
        }
      : null,
    aborted: log?.aborted ?? false,
    settings: settingsOf(record.settings),
  };
}
