/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createHash } from 'node:crypto';

const MAX_LABEL_LENGTH = 63;
const HASH_LENGTH = 9;

/**
 * The label value Airflow puts on its pods for a raw value such as a DAG id (`make_safe_label_value` of the
 * cncf.kubernetes provider's pod_generator.py): drop characters outside `[a-zA-Z0-9_.-]` and non-alphanumeric
 * characters at both ends; when the result is longer than 63 characters or differs from the input, cut it to 53 and
 * append `-` plus the first 9 hex characters of the MD5 of the original value.
 *
 * @public
 */
export function makeSafeLabelValue(value: string): string {
  const safe = value
    .replace(/[^a-zA-Z0-9_.-]/g, '')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .replace(/[^a-zA-Z0-9]+$/, '');
  if (safe.length > MAX_LABEL_LENGTH || safe !== value) {
    const hash = createHash('md5')
      .update(value, 'utf8')
      .digest('hex')
      .slice(0, HASH_LENGTH);
    return `${safe.slice(0, MAX_LABEL_LENGTH - HASH_LENGTH - 1)}-${hash}`;
  }
  return safe;
}
