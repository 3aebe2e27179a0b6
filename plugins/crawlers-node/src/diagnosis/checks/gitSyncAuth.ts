/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersFinding,
  CrawlersFindingEvidence,
  CrawlersGitSyncPod,
  CrawlersGitSyncResponse,
} from '@crawler-platform/plugin-crawlers-common';
import { evidence, found, unknown } from '../common';
import { classifyGitSyncError } from '../text';
import type { DiagnosisCheck } from '../types';

function podEvidence(
  gitSync: CrawlersGitSyncResponse,
  pod: CrawlersGitSyncPod,
): CrawlersFindingEvidence[] {
  const object = `Pod ${gitSync.namespace}/${pod.name}`;
  const list = [
    evidence(
      object,
      `log of container ${pod.logContainer}`,
      `${
        pod.aborted
          ? 'too many failures, aborting'
          : 'error syncing repo, will retry'
      }${pod.failCount !== null ? ` (failCount ${pod.failCount})` : ''}: ${
        pod.lastError?.message ?? ''
      }`,
    ),
  ];
  const broken = pod.containers.find(
    c =>
      c.name === pod.logContainer &&
      (c.reason === 'CrashLoopBackOff' ||
        c.lastTermination?.exitCode === 1 ||
        c.exitCode === 1),
  );
  if (broken) {
    list.push(
      evidence(
        object,
        `status.${
          broken.init ? 'initContainerStatuses' : 'containerStatuses'
        }[${broken.name}]`,
        `${pod.status}; ${broken.reason ?? broken.state}${
          broken.lastTermination
            ? `, last exit code ${broken.lastTermination.exitCode}`
            : ''
        }, ${broken.restartCount} restarts`,
      ),
    );
  }
  return list;
}

function secretName(gitSync: CrawlersGitSyncResponse) {
  return (
    gitSync.settings?.credentialKeys.find(k => k.secretName)?.secretName ??
    '<dags.gitSync.credentialsSecret>'
  );
}

function credentialsFix(gitSync: CrawlersGitSyncResponse, pods: string[]) {
  const ns = gitSync.namespace ?? 'airflow';
  return [
    `kubectl create secret generic ${secretName(gitSync)} --namespace ${ns} \\`,
    '  --from-literal=GITSYNC_USERNAME=<user> --from-literal=GITSYNC_PASSWORD=<password> \\',
    '  --from-literal=GIT_SYNC_USERNAME=<user> --from-literal=GIT_SYNC_PASSWORD=<password> \\',
    '  --dry-run=client -o yaml | kubectl apply -f -',
    `# a git-sync container reads the Secret when it starts: restart ${
      pods.length ? 'the failing pod' : 'the git-sync pods'
    }`,
    `kubectl delete pod --namespace ${ns} ${pods.join(' ') || '<pod>'}`,
  ].join('\n');
}

function refTrapFinding(
  gitSync: CrawlersGitSyncResponse,
  trap: CrawlersGitSyncResponse['traps'][number],
  failing: CrawlersGitSyncPod[],
): CrawlersFinding {
  const settings =
    gitSync.pods.find(p => p.name === trap.pod)?.settings ?? gitSync.settings;
  const wanted = settings?.requestedRef ?? 'main';
  const evidenceList = [
    evidence(
      `Pod ${gitSync.namespace}/${trap.pod ?? ''}`,
      trap.kind === 'fatal-flags'
        ? 'env GIT_SYNC_BRANCH, GIT_SYNC_REV'
        : 'env GIT_SYNC_BRANCH, GITSYNC_REF',
      trap.message,
    ),
    ...failing.flatMap(p => podEvidence(gitSync, p)),
  ];
  return {
    id: 'git-sync-auth',
    severity:
      failing.length || trap.kind === 'fatal-flags' ? 'error' : 'warning',
    variant: 'ref-trap',
    title:
      trap.kind === 'fatal-flags'
        ? `git-sync refuses to start in pod ${trap.pod}: both a branch and a rev are set`
        : `git-sync follows ${
            settings?.ref ?? 'another branch'
          } instead of ${wanted}: GIT_SYNC_BRANCH overrides GITSYNC_REF`,
    summary: `A non-empty GIT_SYNC_BRANCH replaces --ref (git-sync logs "setting --ref from deprecated --branch"), so git-sync syncs another branch than GITSYNC_REF names${
      failing.length ? ', here one that cannot be fetched' : ''
    } (apache/airflow#42918).`,
    dagIds: [],
    evidence: evidenceList,
    fix: {
      text: 'Set dags.gitSync.branch to the branch you want and keep dags.gitSync.ref equal to it (rev HEAD).',
      snippet: {
        language: 'yaml',
        code: [
          '# Helm values of the Airflow chart',
          'dags:',
          '  gitSync:',
          `    branch: ${wanted}`,
          `    ref: ${wanted}`,
          '    rev: HEAD',
        ].join('\n'),
      },
    },
  };
}

/**
 * `git-sync-auth` (§8, §9 row 7): git-sync of the crawler's Airflow (scheduler on Airflow 2, dag-processor on 3;
 * `git-sync-init` while the pod is in Init) cannot authenticate — git's own stderr in `error syncing repo, will retry`
 * / `too many failures, aborting`, a Secret key the container reads is missing — or follows another branch than
 * intended (the branch/ref trap, variant `ref-trap`). Timeouts are left to `no-nat-egress`.
 */
export const checkGitSyncAuth: DiagnosisCheck = input => {
  const id = 'git-sync-auth';
  const gitSync = input.gitSync;
  if (!gitSync) {
    return unknown(
      id,
      input.unavailable.gitSync ?? 'git-sync could not be read',
    );
  }
  const failing = gitSync.pods.filter(
    p => p.lastError && p.state === 'failing',
  );
  const findings: CrawlersFinding[] = [];
  const trapPods = new Set<string>();
  for (const trap of gitSync.traps) {
    if (trap.kind === 'branch-overrides-ref' || trap.kind === 'fatal-flags') {
      const onPod = failing.filter(
        p =>
          p.name === trap.pod &&
          classifyGitSyncError(p.lastError!.message) === 'missing-ref',
      );
      onPod.forEach(p => trapPods.add(p.name));
      if (!findings.some(f => f.variant === 'ref-trap')) {
        findings.push(refTrapFinding(gitSync, trap, onPod));
      }
    }
  }
  const keyTraps = gitSync.traps.filter(
    t => t.kind === 'missing-credential-key',
  );
  if (keyTraps.length) {
    findings.push({
      id,
      severity: 'error',
      variant: 'missing-credential-key',
      title: `git-sync cannot start: ${keyTraps[0].message.split(':')[0]}`,
      summary:
        'The credentials Secret lacks a key the git-sync containers read (CreateContainerConfigError). git-sync 4.0.0 and later (and tag latest) read GITSYNC_USERNAME / GITSYNC_PASSWORD, older versions GIT_SYNC_USERNAME / GIT_SYNC_PASSWORD; charts before apache/airflow#56245 want all four.',
      dagIds: [],
      evidence: keyTraps.map(t =>
        evidence(
          `Pod ${gitSync.namespace}/${t.pod ?? ''}`,
          'status and events (CreateContainerConfigError)',
          t.message,
        ),
      ),
      fix: {
        text: `Put all four keys into the Secret ${secretName(gitSync)}.`,
        snippet: {
          language: 'shell',
          code: credentialsFix(
            gitSync,
            keyTraps.map(t => t.pod ?? '').filter(Boolean),
          ),
        },
      },
    });
  }
  const auth = failing.filter(
    p =>
      !trapPods.has(p.name) &&
      classifyGitSyncError(p.lastError!.message) === 'auth',
  );
  if (auth.length) {
    const repo = auth[0].settings?.repo ?? gitSync.settings?.repo ?? null;
    const codeCommit = !!repo && /git-codecommit\./.test(repo);
    const noKeys = !(auth[0].settings?.credentialKeys.length ?? 0);
    findings.push({
      id,
      severity: 'error',
      variant: 'credentials',
      title: `git-sync cannot authenticate to ${
        repo ?? 'the DAG repository'
      } (pod ${auth[0].name}, container ${auth[0].logContainer})`,
      summary: `git refuses the credentials, so no DAG change reaches Airflow${
        auth[0].logContainer === 'git-sync-init'
          ? ' and the pod stays in Init'
          : ''
      }.${
        codeCommit && noKeys
          ? ' CodeCommit with IRSA (temporary credentials) needs the SigV4 git password (git-remote-codecommit); static HTTPS Git credentials of an IAM user are simpler.'
          : ' Check the Secret’s values and that its keys match the git-sync version.'
      }`,
      dagIds: [],
      evidence: auth.flatMap(p => podEvidence(gitSync, p)),
      fix: {
        text: `Write valid credentials (e.g. CodeCommit HTTPS Git credentials) into the Secret ${secretName(
          gitSync,
        )} with the keys for your git-sync version, then restart the pod.`,
        snippet: {
          language: 'shell',
          code: credentialsFix(
            gitSync,
            auth.map(p => p.name),
          ),
        },
      },
    });
  }
  return found(id, findings);
};
