/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createHash } from 'node:crypto';
import { CRAWLERS_CLAIM_TAG_PREFIX } from '@crawler-platform/plugin-crawlers-common';

/** Airflow keeps a DAG tag in `dag_tag.name VARCHAR(100)`. */
export const MAX_DAG_TAG_LENGTH = 100;
/** Hex characters of the SHA-256 of the ref kept in a shortened tag (64 bits). */
const HASH_LENGTH = 16;

/**
 * The DAG tag that confirms an entity's claim on a DAG.
 *
 * @remarks
 * The rule: lower-case the full entity ref (`kind:namespace/name`, as the catalog compares refs); the tag is
 * `backstage:<ref>` when that fits Airflow's 100 characters. Otherwise it is `backstage:` + the first 73 characters
 * of the ref + `~` + the first 16 hex characters of the SHA-256 of the whole lower-cased ref, exactly 100 characters.
 * Entity refs cannot contain `~`, so a shortened tag never equals the tag of another ref; forging one takes a
 * 64-bit second preimage.
 *
 * @public
 */
export function dagClaimTag(entityRef: string): string {
  const ref = entityRef.trim().toLocaleLowerCase('en-US');
  const full = `${CRAWLERS_CLAIM_TAG_PREFIX}${ref}`;
  if (full.length <= MAX_DAG_TAG_LENGTH) {
    return full;
  }
  const hash = createHash('sha256')
    .update(ref, 'utf8')
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const keep =
    MAX_DAG_TAG_LENGTH - CRAWLERS_CLAIM_TAG_PREFIX.length - 1 - HASH_LENGTH;
  return `${CRAWLERS_CLAIM_TAG_PREFIX}${ref.slice(0, keep)}~${hash}`;
}
