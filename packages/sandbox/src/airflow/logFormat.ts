/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { v2Date } from './serialize';
import { LogEntry } from './types';

/** Airflow 2's text log line: `[2026-01-01T00:00:00.000+0000] {file.py:12} INFO - message`. */
export function v1LogLine(entry: LogEntry): string {
  const ts = entry.timestamp.replace('Z', '+0000');
  return `[${ts}] {${entry.source}} ${entry.level.toUpperCase()} - ${
    entry.event
  }`;
}

/** Airflow 3's StructuredLogMessage. */
export function v2LogMessage(entry: LogEntry): Record<string, unknown> {
  return {
    timestamp: v2Date(entry.timestamp),
    event: entry.event,
    level: entry.level,
    logger: entry.logger,
  };
}

/** Python's repr() of a str (the v1 JSON log content is the repr of a list of (host, text) tuples). */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f)
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}
