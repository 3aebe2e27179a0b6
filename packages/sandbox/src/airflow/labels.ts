/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';

const MAX_LABEL_LEN = 63;

/**
 * Airflow's make_safe_label_value (pod_generator.py): strips characters outside `[a-zA-Z0-9_.-]` and
 * non-alphanumeric leading/trailing characters; if that changed the value or it is longer than 63 characters,
 * cuts it to 53 characters and appends `-` and the first 9 hex characters of the md5 of the original.
 */
export function makeSafeLabelValue(value: string): string {
  let safe = value.replace(
    /^[^a-z0-9A-Z]*|[^a-zA-Z0-9_\-.]|[^a-z0-9A-Z]*$/g,
    '',
  );
  if (safe.length > MAX_LABEL_LEN || value !== safe) {
    const hash = crypto
      .createHash('md5')
      .update(value)
      .digest('hex')
      .slice(0, 9);
    safe = `${safe.slice(0, MAX_LABEL_LEN - hash.length - 1)}-${hash}`;
  }
  return safe;
}

/** KubernetesPodOperator's pod name: the task's `name` (or task_id) made DNS-safe plus `-` and 8 random chars. */
export function kpoPodName(name: string, random: () => string): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'pod';
  const suffix = random();
  return `${base
    .slice(0, 63 - suffix.length - 1)
    .replace(/[^a-z0-9]+$/, '')}-${suffix}`;
}
