/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import { wildcard } from '../iam/policy';

/** ECR's tag mutability settings (the `*_WITH_EXCLUSION` ones exempt the tags their filters match). */
export type EcrTagMutability =
  | 'MUTABLE'
  | 'IMMUTABLE'
  | 'IMMUTABLE_WITH_EXCLUSION'
  | 'MUTABLE_WITH_EXCLUSION';

/** A tag filter exempt from the repository's mutability (`*` wildcards). */
export interface EcrTagMutabilityFilter {
  filterType: 'WILDCARD';
  filter: string;
}

const MUTABILITIES: EcrTagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
];
const FILTER = /^[0-9a-zA-Z._*-]{1,128}$/;
const MAX_FILTERS = 5;
const MAX_TAGS = 50;

const invalid = (field: string, constraint: string) =>
  new AwsServiceError(
    'InvalidParameterException',
    `Invalid parameter at '${field}' failed to satisfy constraint: '${constraint}'`,
  );

/** Checks a mutability setting and its exclusion filters (required with, and only with, `*_WITH_EXCLUSION`). */
export function checkMutability(
  value: unknown,
  filters: unknown,
): {
  imageTagMutability: EcrTagMutability;
  filters?: EcrTagMutabilityFilter[];
} {
  const mutability = (value ?? 'MUTABLE') as EcrTagMutability;
  if (!MUTABILITIES.includes(mutability)) {
    throw invalid(
      'imageTagMutability',
      `Member must satisfy enum value set: [${MUTABILITIES.join(', ')}]`,
    );
  }
  const withExclusion = mutability.endsWith('_WITH_EXCLUSION');
  const list = filters === undefined || filters === null ? [] : filters;
  if (!Array.isArray(list)) {
    throw invalid(
      'imageTagMutabilityExclusionFilters',
      'Member must be a list',
    );
  }
  if (withExclusion && list.length === 0) {
    throw new AwsServiceError(
      'InvalidParameterException',
      `imageTagMutabilityExclusionFilters must be specified when imageTagMutability is ${mutability}.`,
    );
  }
  if (!withExclusion && list.length > 0) {
    throw new AwsServiceError(
      'InvalidParameterException',
      `imageTagMutabilityExclusionFilters can only be specified when imageTagMutability is IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.`,
    );
  }
  if (list.length > MAX_FILTERS) {
    throw invalid(
      'imageTagMutabilityExclusionFilters',
      `Member must have length less than or equal to ${MAX_FILTERS}`,
    );
  }
  const checked = list.map((f: any) => {
    if (f?.filterType !== 'WILDCARD') {
      throw invalid(
        'imageTagMutabilityExclusionFilters.member.filterType',
        'Member must satisfy enum value set: [WILDCARD]',
      );
    }
    if (typeof f.filter !== 'string' || !FILTER.test(f.filter)) {
      throw invalid(
        'imageTagMutabilityExclusionFilters.member.filter',
        'Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}',
      );
    }
    return { filterType: 'WILDCARD' as const, filter: f.filter as string };
  });
  return withExclusion
    ? { imageTagMutability: mutability, filters: checked }
    : { imageTagMutability: mutability };
}

/** `imageScanningConfiguration.scanOnPush` (default false). */
export function checkScanning(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  const scan = (value as { scanOnPush?: unknown }).scanOnPush;
  if (scan !== undefined && typeof scan !== 'boolean') {
    throw invalid(
      'imageScanningConfiguration.scanOnPush',
      'Member must be a boolean',
    );
  }
  return Boolean(scan);
}

/** Resource tags `[{Key, Value}]`: ≤ 50, keys 1–128 and values ≤ 256 characters, keys unique. */
export function checkTags(
  value: unknown,
): Array<{ Key: string; Value: string }> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_TAGS) {
    throw new AwsServiceError(
      'TooManyTagsException',
      `The number of tags exceeds the limit of ${MAX_TAGS}.`,
    );
  }
  const seen = new Set<string>();
  return value.map((t: any) => {
    const key = t?.Key;
    const val = t?.Value ?? '';
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
      throw new AwsServiceError(
        'InvalidTagParameterException',
        'Tag keys must be between 1 and 128 characters in length.',
      );
    }
    if (typeof val !== 'string' || val.length > 256) {
      throw new AwsServiceError(
        'InvalidTagParameterException',
        'Tag values must be between 0 and 256 characters in length.',
      );
    }
    if (seen.has(key)) {
      throw new AwsServiceError(
        'InvalidTagParameterException',
        `Duplicate tag key: ${key}`,
      );
    }
    seen.add(key);
    return { Key: key, Value: val };
  });
}

/** Whether a tag may move to another image under the repository's mutability setting. */
export function tagIsMutable(
  repo: {
    imageTagMutability: EcrTagMutability;
    imageTagMutabilityExclusionFilters?: EcrTagMutabilityFilter[];
  },
  tag: string,
): boolean {
  const excluded = (repo.imageTagMutabilityExclusionFilters ?? []).some(f =>
    wildcard(f.filter, tag, false),
  );
  switch (repo.imageTagMutability) {
    case 'IMMUTABLE':
      return false;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return !excluded;
    default:
      return true;
  }
}

const lifecycleError = (reason: string) =>
  invalid(
    'LifecyclePolicyText',
    `Lifecycle policy validation failure: ${reason}`,
  );

/** One lifecycle rule's checks (ECR's lifecycle policy grammar). */
function checkLifecycleRule(rule: any, priorities: Set<number>): void {
  if (!Number.isInteger(rule?.rulePriority) || rule.rulePriority < 1) {
    throw lifecycleError('rulePriority must be a positive integer');
  }
  if (priorities.has(rule.rulePriority)) {
    throw lifecycleError(
      `rulePriority ${rule.rulePriority} is used by more than one rule`,
    );
  }
  priorities.add(rule.rulePriority);
  const sel = rule.selection;
  if (!sel || !['tagged', 'untagged', 'any'].includes(sel.tagStatus)) {
    throw lifecycleError(
      'selection.tagStatus must be one of tagged, untagged, any',
    );
  }
  if (
    sel.tagStatus === 'tagged' &&
    !sel.tagPrefixList?.length &&
    !sel.tagPatternList?.length
  ) {
    throw lifecycleError(
      'tagPrefixList or tagPatternList is required when tagStatus is tagged',
    );
  }
  if (!['imageCountMoreThan', 'sinceImagePushed'].includes(sel.countType)) {
    throw lifecycleError(
      'selection.countType must be imageCountMoreThan or sinceImagePushed',
    );
  }
  if (!Number.isInteger(sel.countNumber) || sel.countNumber < 1) {
    throw lifecycleError('selection.countNumber must be a positive integer');
  }
  if (sel.countType === 'sinceImagePushed' && sel.countUnit !== 'days') {
    throw lifecycleError('countUnit must be days for sinceImagePushed');
  }
  if (rule.action?.type !== 'expire') {
    throw lifecycleError('action.type must be expire');
  }
}

/** Checks a lifecycle policy document (`rules` with unique priorities, selections and `expire` actions). */
export function checkLifecyclePolicy(text: unknown): string {
  if (typeof text !== 'string' || text.length < 100 || text.length > 30720) {
    throw invalid(
      'lifecyclePolicyText',
      'Member must have length between 100 and 30720',
    );
  }
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    throw lifecycleError('the policy is not valid JSON');
  }
  if (!Array.isArray(doc?.rules) || doc.rules.length === 0) {
    throw lifecycleError('rules must be a non-empty array');
  }
  const priorities = new Set<number>();
  for (const rule of doc.rules) checkLifecycleRule(rule, priorities);
  return text;
}
