/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { DiagnosisFargateProfile, DiagnosisInput } from '../types';

/** Fargate's selector wildcards (`*`, `?`; §5.1), no regex. */
export function fargateWildcard(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map(ch => {
        if (ch === '*') return '.*';
        if (ch === '?') return '.';
        return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('')}$`,
  );
  return re.test(value);
}

/**
 * Whether a profile's selectors match pods of `namespace` with `labels` (every listed label must match). Without
 * labels (no pod known yet), a selector with labels counts as matching: it could select the crawler's pods.
 *
 * @public
 */
export function profileSelects(
  profile: DiagnosisFargateProfile,
  namespace: string,
  labels?: Record<string, string>,
): boolean {
  return profile.selectors.some(selector => {
    if (
      !selector.namespace ||
      !fargateWildcard(selector.namespace, namespace)
    ) {
      return false;
    }
    const wanted = Object.entries(selector.labels ?? {});
    if (!labels) {
      return true;
    }
    return wanted.every(([k, v]) =>
      Object.entries(labels).some(
        ([lk, lv]) => fargateWildcard(k, lk) && fargateWildcard(v, lv),
      ),
    );
  });
}

/**
 * The ACTIVE profiles that select the crawler's namespace, alphabetically (the first one wins, §5.1).
 *
 * @public
 */
export function crawlerProfiles(
  input: DiagnosisInput,
  labels?: Record<string, string>,
): DiagnosisFargateProfile[] {
  const ns = input.crawlerNamespace;
  if (!ns || !input.fargateProfiles) {
    return [];
  }
  return input.fargateProfiles
    .filter(p => p.status === 'ACTIVE' && profileSelects(p, ns, labels))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The role name of an IAM role ARN (`arn:aws:iam::1:role/path/name` → `name`). */
export const roleNameOf = (arn: string) => arn.split('/').pop() ?? arn;
