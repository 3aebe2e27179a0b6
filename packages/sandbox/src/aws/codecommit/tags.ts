/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import type { CodeCommitRepositories } from './repositories';

/** CodeCommit's tag limits: 50 tags a repository, keys 1–128 and values 0–256 characters, no `aws:` keys. */
export const CODECOMMIT_TAG_LIMITS = {
  maxTags: 50,
  maxKeyLength: 128,
  maxValueLength: 256,
};

/**
 * Checks a tags map as CreateRepository and TagResource take it (`{ key: value }`): InvalidTagsMapException for a
 * non-map, a bad key or value, InvalidSystemTagUsageException for an `aws:` key.
 */
export function checkTagsMap(tags: unknown): Record<string, string> {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw new AwsServiceError(
      'InvalidTagsMapException',
      'The map of tags is not valid.',
    );
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (
      key.length < 1 ||
      key.length > CODECOMMIT_TAG_LIMITS.maxKeyLength ||
      typeof value !== 'string' ||
      value.length > CODECOMMIT_TAG_LIMITS.maxValueLength
    ) {
      throw new AwsServiceError(
        'InvalidTagsMapException',
        `The map of tags is not valid: tag "${key}" needs a key of 1–${CODECOMMIT_TAG_LIMITS.maxKeyLength} characters and a string value of at most ${CODECOMMIT_TAG_LIMITS.maxValueLength}.`,
      );
    }
    checkSystemKey(key);
    out[key] = value;
  }
  return out;
}

function checkSystemKey(key: string): void {
  if (key.toLowerCase().startsWith('aws:')) {
    throw new AwsServiceError(
      'InvalidSystemTagUsageException',
      `The tag key ${key} is reserved for AWS use (aws: prefix).`,
    );
  }
}

/** TooManyTagsException beyond 50 tags. */
export function checkTagCount(tags: Record<string, string>): void {
  if (Object.keys(tags).length > CODECOMMIT_TAG_LIMITS.maxTags) {
    throw new AwsServiceError(
      'TooManyTagsException',
      `The maximum number of tags for an AWS CodeCommit resource has been exceeded (${CODECOMMIT_TAG_LIMITS.maxTags}).`,
    );
  }
}

/** The repository a CodeCommit ARN of this account and region names (only repositories carry tags). */
function repositoryOfArn(
  repos: CodeCommitRepositories,
  resourceArn: unknown,
): string {
  if (resourceArn === undefined || resourceArn === '') {
    throw new AwsServiceError(
      'ResourceArnRequiredException',
      'A valid Amazon Resource Name (ARN) for an AWS CodeCommit resource is required.',
    );
  }
  const prefix = repos.arn('');
  const name =
    typeof resourceArn === 'string' && resourceArn.startsWith(prefix)
      ? resourceArn.slice(prefix.length)
      : '';
  if (!/^[\w.-]{1,100}$/.test(name)) {
    throw new AwsServiceError(
      'InvalidResourceArnException',
      `The value for the resource ARN is not valid: ${String(resourceArn)}`,
    );
  }
  repos.requireRepo(name);
  return name;
}

/** ListTagsForResource: the repository's tags (all on one page; the sandbox never needs more than 50). */
export function listTags(
  repos: CodeCommitRepositories,
  resourceArn: unknown,
): Record<string, string> {
  return { ...repos.requireRepo(repositoryOfArn(repos, resourceArn)).tags };
}

/** TagResource: adds or overwrites tags; the result may hold at most 50. */
export function tagResource(
  repos: CodeCommitRepositories,
  resourceArn: unknown,
  tags: unknown,
): void {
  const record = repos.requireRepo(repositoryOfArn(repos, resourceArn));
  if (tags === undefined || tags === null) {
    throw new AwsServiceError(
      'TagsMapRequiredException',
      'A map of tags is required.',
    );
  }
  const merged = { ...record.tags, ...checkTagsMap(tags) };
  checkTagCount(merged);
  record.tags = merged;
  repos.tagsChanged();
}

/** UntagResource: removes the named keys (absent keys are ignored, as CodeCommit does). */
export function untagResource(
  repos: CodeCommitRepositories,
  resourceArn: unknown,
  tagKeys: unknown,
): void {
  const record = repos.requireRepo(repositoryOfArn(repos, resourceArn));
  if (tagKeys === undefined || tagKeys === null) {
    throw new AwsServiceError(
      'TagKeysListRequiredException',
      'A list of tag keys is required. The list cannot be empty or null.',
    );
  }
  if (
    !Array.isArray(tagKeys) ||
    tagKeys.some(
      k =>
        typeof k !== 'string' ||
        k.length < 1 ||
        k.length > CODECOMMIT_TAG_LIMITS.maxKeyLength,
    )
  ) {
    throw new AwsServiceError(
      'InvalidTagKeysListException',
      'The list of tags is not valid.',
    );
  }
  tagKeys.forEach(checkSystemKey);
  const remaining = { ...record.tags };
  for (const key of tagKeys) delete remaining[key];
  record.tags = remaining;
  repos.tagsChanged();
}
