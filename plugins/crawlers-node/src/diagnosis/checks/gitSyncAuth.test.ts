/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  container,
  gitSync,
  gitSyncPod,
  healthyInput,
} from '../__testUtils__/fixtures';
import { checkGitSyncAuth } from './gitSyncAuth';

const fetchError = (stderr: string) =>
  `Run(git fetch https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags main --verbose --no-progress --prune --no-auto-gc --depth 1): exit status 128: { stdout: "", stderr: "${stderr}" }`;

/** A fresh pod whose git-sync-init gave up (§3.3: Init:CrashLoopBackOff, exit 1). */
function initFailing(message: string) {
  return gitSyncPod({
    phase: 'Pending',
    status: 'Init:CrashLoopBackOff',
    state: 'failing',
    logContainer: 'git-sync-init',
    failCount: 3,
    aborted: true,
    lastError: { message, at: '2026-06-01 12:00:00.000000' },
    containers: [
      container({
        name: 'git-sync-init',
        init: true,
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        restartCount: 2,
        lastTermination: {
          reason: 'Error',
          message: null,
          exitCode: 1,
          finishedAt: null,
        },
      }),
    ],
  });
}

describe('git-sync-auth', () => {
  it.each([
    [
      "CodeCommit's 403",
      "fatal: unable to access 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags/': The requested URL returned error: 403\\n",
    ],
    [
      'a missing username (no credentials at all)',
      "fatal: could not read Username for 'https://git-codecommit.eu-west-1.amazonaws.com': terminal prompts disabled\\n",
    ],
    [
      'a refused password',
      "remote: Invalid username or password.\\nfatal: Authentication failed for 'https://example.com/airflow-dags/'\\n",
    ],
  ])(
    'should report the credentials git refuses in git-sync-init (%s)',
    (_, stderr) => {
      const result = checkGitSyncAuth(
        healthyInput({
          gitSync: gitSync({ pods: [initFailing(fetchError(stderr))] }),
        }),
      );
      const [finding] = result.findings;
      expect(finding).toMatchObject({
        id: 'git-sync-auth',
        severity: 'error',
        variant: 'credentials',
      });
      expect(finding.evidence[0]).toMatchObject({
        object: 'Pod airflow/airflow-scheduler-6d5f7c9b8-abcde',
        where: 'log of container git-sync-init',
      });
      expect(finding.evidence[0].text).toMatch(
        /^too many failures, aborting \(failCount 3\): Run\(git fetch/,
      );
      expect(finding.evidence[1].text).toBe(
        'Init:CrashLoopBackOff; CrashLoopBackOff, last exit code 1, 2 restarts',
      );
      expect(finding.fix.snippet.code).toContain(
        'kubectl create secret generic airflow-git-credentials --namespace airflow',
      );
    },
  );

  it('should report the branch/ref trap with the missing ref it fetches', () => {
    const pod = initFailing(
      fetchError("fatal: couldn't find remote ref v2-2-stable\\n"),
    );
    pod.settings = {
      ...pod.settings!,
      ref: 'v2-2-stable',
      requestedRef: 'main',
    };
    const result = checkGitSyncAuth(
      healthyInput({
        gitSync: gitSync({
          pods: [pod],
          traps: [
            {
              kind: 'branch-overrides-ref',
              pod: pod.name,
              message:
                'GIT_SYNC_BRANCH "v2-2-stable" overrides GITSYNC_REF "main": git-sync follows v2-2-stable (its log says "setting --ref from deprecated --branch").',
            },
          ],
        }),
      }),
    );
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      severity: 'error',
      variant: 'ref-trap',
      title:
        'git-sync follows v2-2-stable instead of main: GIT_SYNC_BRANCH overrides GITSYNC_REF',
    });
    expect(result.findings[0].fix.snippet.code).toBe(
      '# Helm values of the Airflow chart\ndags:\n  gitSync:\n    branch: main\n    ref: main\n    rev: HEAD',
    );
  });

  it('should warn about the trap while the other branch still syncs', () => {
    const result = checkGitSyncAuth(
      healthyInput({
        gitSync: gitSync({
          traps: [
            {
              kind: 'branch-overrides-ref',
              pod: 'airflow-scheduler-6d5f7c9b8-abcde',
              message: 'GIT_SYNC_BRANCH "develop" overrides GITSYNC_REF "main"',
            },
          ],
        }),
      }),
    );
    expect(result.findings[0]).toMatchObject({
      severity: 'warning',
      variant: 'ref-trap',
    });
  });

  it('should report a Secret key the container cannot find', () => {
    const result = checkGitSyncAuth(
      healthyInput({
        gitSync: gitSync({
          traps: [
            {
              kind: 'missing-credential-key',
              pod: 'airflow-scheduler-6d5f7c9b8-abcde',
              keys: ['GITSYNC_PASSWORD'],
              message:
                'Secret airflow/airflow-git-credentials has no key GITSYNC_PASSWORD, which the git-sync containers read',
            },
          ],
        }),
      }),
    );
    expect(result.findings[0]).toMatchObject({
      variant: 'missing-credential-key',
      title:
        'git-sync cannot start: Secret airflow/airflow-git-credentials has no key GITSYNC_PASSWORD, which the git-sync containers read',
    });
  });

  it('should leave timeouts (no egress) to no-nat-egress', () => {
    const result = checkGitSyncAuth(
      healthyInput({
        gitSync: gitSync({
          pods: [
            initFailing(
              'Run(git fetch https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags main --verbose --no-progress --prune --no-auto-gc --depth 1): context deadline exceeded: { stdout: "", stderr: "" }',
            ),
          ],
        }),
      }),
    );
    expect(result.findings).toEqual([]);
  });

  it('should find nothing while git-sync is in sync', () => {
    expect(checkGitSyncAuth(healthyInput()).check.status).toBe('ok');
  });

  it('should stay unknown when git-sync could not be read', () => {
    expect(
      checkGitSyncAuth(
        healthyInput({ gitSync: null, unavailable: { gitSync: 'no config' } }),
      ).check,
    ).toEqual({ id: 'git-sync-auth', status: 'unknown', reason: 'no config' });
  });
});
