/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CrawlersLogLine } from '@crawler-platform/plugin-crawlers-common';
import type { CrawlersApi, CrawlersTaskLogRequest } from '../../api';

/** Chunks read at most for one log (a running task's log can keep growing). */
export const MAX_LOG_CHUNKS = 50;

/** A whole task try log, read chunk after chunk. */
export interface WholeTaskLog {
  lines: CrawlersLogLine[];
  chunks: number;
  /** False when reading stopped at {@link MAX_LOG_CHUNKS}. */
  complete: boolean;
}

/**
 * Reads a task try's log by following Airflow's continuation tokens until a chunk brings no new line, the token
 * stops changing, or there is none.
 */
export async function readWholeTaskLog(
  api: Pick<CrawlersApi, 'getTaskLog'>,
  request: Omit<CrawlersTaskLogRequest, 'token'>,
  maxChunks: number = MAX_LOG_CHUNKS,
): Promise<WholeTaskLog> {
  const lines: CrawlersLogLine[] = [];
  let token: string | undefined;
  for (let chunks = 1; ; chunks++) {
    const { log } = await api.getTaskLog({ ...request, token });
    lines.push(...log.lines);
    const next = log.continuationToken ?? undefined;
    if (!next || log.lines.length === 0 || next === token) {
      return { lines, chunks, complete: true };
    }
    if (chunks >= maxChunks) {
      return { lines, chunks, complete: false };
    }
    token = next;
  }
}

/** The colours the log viewer understands (it has no reset `0` nor dim `2`: `39` restores the default colour). */
const ANSI = {
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  grey: '\u001b[90m',
  reset: '\u001b[39m',
};

function levelColour(level: string): string {
  switch (level) {
    case 'CRITICAL':
    case 'ERROR':
    case 'FATAL':
      return ANSI.red;
    case 'WARNING':
    case 'WARN':
      return ANSI.yellow;
    case 'DEBUG':
      return ANSI.grey;
    default:
      return ANSI.cyan;
  }
}

/**
 * Renders log lines as text for the log viewer. Airflow 3's structured lines (timestamp, level, message) become
 * `timestamp LEVEL message` with the level coloured (ANSI, which the viewer renders); Airflow 2's lines are already
 * formatted text and are shown as they are.
 */
export function formatTaskLog(lines: CrawlersLogLine[]): string {
  return lines
    .map(line => {
      if (!line.timestamp && !line.level) return line.message;
      const level = (line.level ?? '').toUpperCase();
      const parts: string[] = [];
      if (line.timestamp)
        parts.push(`${ANSI.grey}${line.timestamp}${ANSI.reset}`);
      if (level)
        parts.push(`${levelColour(level)}${level.padEnd(8)}${ANSI.reset}`);
      parts.push(line.message);
      return parts.join(' ');
    })
    .join('\n');
}
