/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersDiagnosisCheck,
  CrawlersFinding,
  CrawlersFindingId,
  CrawlersFindingSeverity,
} from '@crawler-platform/plugin-crawlers-common';
import { checkNoFargateProfile } from './checks/fargateScheduling';
import { checkFinishedPods, checkImportError } from './checks/airflowState';
import { checkGitSyncAuth } from './checks/gitSyncAuth';
import { checkImagePull403 } from './checks/imagePull';
import { checkNoNatEgress } from './checks/noNatEgress';
import { checkPodsLogForbidden } from './checks/podsLogForbidden';
import {
  checkWorkerImageMissing,
  checkWorkerWithoutDags,
} from './checks/workerTemplate';
import type { DiagnosisCheck, DiagnosisInput } from './types';

/**
 * The nine checks by finding id, in the order of `CRAWLERS_FINDING_IDS`.
 *
 * @public
 */
export const diagnosisChecks: Record<CrawlersFindingId, DiagnosisCheck> = {
  'image-pull-403': checkImagePull403,
  'pods-log-forbidden': checkPodsLogForbidden,
  'worker-image-missing': checkWorkerImageMissing,
  'worker-without-dags': checkWorkerWithoutDags,
  'no-fargate-profile': checkNoFargateProfile,
  'no-nat-egress': checkNoNatEgress,
  'git-sync-auth': checkGitSyncAuth,
  'finished-pods': checkFinishedPods,
  'import-error': checkImportError,
};

const RANK: Record<CrawlersFindingSeverity, number> = {
  error: 0,
  warning: 1,
  info: 2,
};

/**
 * Findings sorted by severity (errors first), keeping the checks' order otherwise.
 *
 * @public
 */
export function sortFindings(findings: CrawlersFinding[]): CrawlersFinding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
    .map(x => x.f);
}

/**
 * Runs every check over the collected state: pure, so the route, the overview, search and AI tools share it. A check
 * that throws (a bug, unexpected input) reports itself `unknown` instead of hiding the others.
 *
 * @public
 */
export function diagnoseCrawler(input: DiagnosisInput): {
  findings: CrawlersFinding[];
  checks: CrawlersDiagnosisCheck[];
} {
  const findings: CrawlersFinding[] = [];
  const checks: CrawlersDiagnosisCheck[] = [];
  for (const [id, check] of Object.entries(diagnosisChecks) as Array<
    [CrawlersFindingId, DiagnosisCheck]
  >) {
    try {
      const result = check(input);
      checks.push(result.check);
      findings.push(...result.findings);
    } catch (error) {
      checks.push({
        id,
        status: 'unknown',
        reason: `the check failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      });
    }
  }
  return { findings: sortFindings(findings), checks };
}
