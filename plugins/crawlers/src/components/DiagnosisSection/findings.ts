/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type {
  CrawlersFinding,
  CrawlersFindingId,
  CrawlersFindingSeverity,
} from '@crawler-platform/plugin-crawlers-common';
import type { StatusTone } from '../shared/StatusBadge';

/** What each check looks at, in a few words. */
export const CHECK_LABELS: Record<CrawlersFindingId, string> = {
  'image-pull-403': 'Image pulls',
  'pods-log-forbidden': "Permissions of Airflow's worker service account",
  'worker-image-missing': "Image of the worker pod template's base container",
  'worker-without-dags': 'DAG files on the worker pods',
  'no-fargate-profile': 'Fargate profile of the crawler pods',
  'no-nat-egress': 'Egress of the Fargate subnets',
  'git-sync-auth': 'git-sync credentials and ref',
  'finished-pods': 'Finished pods piling up',
  'import-error': 'Import errors of the DAG files',
};

/** The severities, most severe first, with the heading of their group. */
export const SEVERITIES: Array<{
  severity: CrawlersFindingSeverity;
  heading: string;
  tone: StatusTone;
}> = [
  { severity: 'error', heading: 'Errors', tone: 'danger' },
  { severity: 'warning', heading: 'Warnings', tone: 'warning' },
  { severity: 'info', heading: 'Information', tone: 'info' },
];

/** The findings by severity, most severe first; the backend's order is kept within a severity. */
export function groupFindings(findings: CrawlersFinding[]): Array<{
  severity: CrawlersFindingSeverity;
  heading: string;
  tone: StatusTone;
  findings: CrawlersFinding[];
}> {
  return SEVERITIES.map(s => ({
    ...s,
    findings: findings.filter(f => f.severity === s.severity),
  })).filter(g => g.findings.length > 0);
}

/** `1 finding`, `3 findings`. */
export function findingsCount(n: number): string {
  return `${n} ${n === 1 ? 'finding' : 'findings'}`;
}
