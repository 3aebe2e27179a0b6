/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** The `ts` field of git-sync's funcr logger: "2006-01-02 15:04:05.000000" in UTC. */
export function funcrTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2026-01-01T00:00:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

/**
 * One info line as git-sync v4 writes it (funcr JSON): logger, ts, caller, level, msg, then the key/value pairs
 * in order.
 */
export function infoLine(
  date: Date,
  line: number,
  msg: string,
  kv: Array<[string, unknown]> = [],
): string {
  const fields: Array<[string, unknown]> = [
    ['logger', ''],
    ['ts', funcrTimestamp(date)],
    ['caller', { file: 'main.go', line }],
    ['level', 0],
    ['msg', msg],
    ...kv,
  ];
  return serialize(fields);
}

/** One error line as git-sync v4 writes it: like an info line without `level`, with `error` right after `msg`. */
export function errorLine(
  date: Date,
  line: number,
  msg: string,
  error: string,
  kv: Array<[string, unknown]> = [],
): string {
  const fields: Array<[string, unknown]> = [
    ['logger', ''],
    ['ts', funcrTimestamp(date)],
    ['caller', { file: 'main.go', line }],
    ['msg', msg],
    ['error', error],
    ...kv,
  ];
  return serialize(fields);
}

function serialize(fields: Array<[string, unknown]>): string {
  return `{${fields
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(',')}}`;
}
