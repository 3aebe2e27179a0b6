/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** The result of reading the trigger dialog's `conf` text. */
export type ConfParseResult =
  | { ok: true; conf: Record<string, unknown> | undefined }
  | { ok: false; message: string };

/**
 * Reads a run's `conf` as the trigger route accepts it: empty (no conf) or a JSON object. Arrays, strings, numbers and
 * `null` are refused before anything is sent.
 */
export function parseConf(text: string): ConfParseResult {
  if (text.trim() === '') {
    return { ok: true, conf: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `Not valid JSON: ${(error as Error).message}`,
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      message:
        'conf must be a JSON object, for example {"since": "2026-01-01"}',
    };
  }
  return { ok: true, conf: value as Record<string, unknown> };
}
