/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { UpstreamCall } from './upstreamCalls';

export function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

export const median = (values: number[]) => percentile(values, 50);

export const describeCall = (c: UpstreamCall) => `${c.source} ${c.what}`;

/** The span from the first call's start to the last call's end: what a request must wait for at least. */
export function criticalPath(calls: UpstreamCall[]) {
  const firstStart = Math.min(...calls.map(c => c.start));
  const lastEnd = Math.max(...calls.map(c => c.start + c.ms));
  return { firstStart, lastEnd, ms: lastEnd - firstStart };
}

/** Why a call of these routes has to wait for another one (what it needs from that one's answer). */
const DEPENDENCIES: Array<{ call: RegExp; needs: string }> = [
  {
    call: /^kube .*\/pods\/[^/]*(scheduler|dag-processor)[^/]*\/log$/,
    needs:
      'the git-sync log read needs the pod name from the git-sync pod list',
  },
  {
    call: /^kube .*\/pods\/[^/]+\/log$/,
    needs: "a pod's log read needs the pod name from a pod list",
  },
  {
    call: /^aws GetCommit$/,
    needs:
      "GetCommit (the head's commit time) needs the commit id from GetBranch",
  },
  {
    call: /^aws GetDifferences$/,
    needs:
      'GetDifferences needs the synced commit (from the log) and the head (from GetBranch)',
  },
  {
    call: /^airflow .*\/dagRuns\/[^/]+\/taskInstances$/,
    needs: 'the task instances read needs the run id from the runs list',
  },
  {
    call: /^airflow .*\/taskInstances\/[^/]+\/logs\/\d+$/,
    needs: 'the task log read needs the try number from the task instances',
  },
];

/**
 * The calls that started only after another call had ended: what they need from an earlier answer (`needs`), and
 * those that need nothing from one (`unexplained`: avoidable serialisation, or a start delayed by a busy CPU).
 */
export function waitingCalls(calls: UpstreamCall[]): {
  needs: string[];
  unexplained: string[];
} {
  const needs: string[] = [];
  const unexplained: string[] = [];
  for (const call of calls) {
    if (calls.some(d => d !== call && d.start + d.ms <= call.start + 0.5)) {
      const name = describeCall(call);
      const known = DEPENDENCIES.find(d => d.call.test(name));
      if (known) {
        needs.push(known.needs);
      } else {
        unexplained.push(name);
      }
    }
  }
  return { needs, unexplained };
}

/** Calls per upstream, e.g. `airflow 3, kube 4, aws 2`. */
export function bySource(calls: UpstreamCall[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) {
    counts.set(c.source, (counts.get(c.source) ?? 0) + 1);
  }
  return (
    ['airflow', 'kube', 'aws']
      .filter(s => counts.has(s))
      .map(s => `${s} ${counts.get(s)}`)
      .join(', ') || 'none'
  );
}

export const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
