/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersDag,
  CrawlersDagRun,
  CrawlersImportError,
  CrawlersLogLine,
  CrawlersTaskInstance,
} from '@crawler-platform/plugin-crawlers-common';

/* Wire shapes: only the fields we read, typed loosely because the versions differ. */
type Json = Record<string, any>;

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function seconds(start: string | null, end: string | null): number | null {
  if (!start || !end) {
    return null;
  }
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

/** A duration in seconds as Airflow reports it; a negative one (clock skew, bad data) becomes null. */
function duration(value: unknown): number | null {
  const n = num(value);
  return n !== null && n < 0 ? null : n;
}

/** Renders a v1 ScheduleInterval object (CronExpression, TimeDelta, RelativeDelta) as text. */
export function renderScheduleInterval(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'string') {
    return value;
  }
  const v = value as Json;
  switch (v.__type) {
    case 'CronExpression':
      return str(v.value);
    case 'TimeDelta':
      return `every ${v.days ?? 0}d ${v.seconds ?? 0}s`;
    case 'RelativeDelta': {
      const parts = Object.entries(v)
        .filter(([k, n]) => k !== '__type' && typeof n === 'number' && n)
        .map(([k, n]) => `${k}=${n}`);
      return `relativedelta(${parts.join(', ')})`;
    }
    default:
      return null;
  }
}

function tagNames(tags: unknown): string[] {
  if (!Array.isArray(tags)) {
    return [];
  }
  return tags
    .map(t => (typeof t === 'string' ? t : str((t as Json)?.name)))
    .filter((t): t is string => !!t);
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

export function mapDagV1(d: Json): CrawlersDag {
  return {
    dagId: d.dag_id,
    displayName: str(d.dag_display_name) ?? d.dag_id,
    description: str(d.description),
    isPaused: d.is_paused === true,
    isActive: d.is_active !== false,
    schedule:
      renderScheduleInterval(d.schedule_interval) ??
      str(d.timetable_description),
    nextRunLogicalDate: str(d.next_dagrun),
    nextRunAfter: str(d.next_dagrun_create_after),
    owners: stringArray(d.owners),
    tags: tagNames(d.tags),
    fileloc: str(d.fileloc),
    relativeFileloc: null,
    bundleName: null,
    hasImportErrors: d.has_import_errors === true,
  };
}

export function mapDagV2(d: Json): CrawlersDag {
  return {
    dagId: d.dag_id,
    displayName: str(d.dag_display_name) ?? d.dag_id,
    description: str(d.description),
    isPaused: d.is_paused === true,
    isActive: d.is_stale !== true,
    schedule: str(d.timetable_summary),
    nextRunLogicalDate: str(d.next_dagrun_logical_date),
    nextRunAfter: str(d.next_dagrun_run_after),
    owners: stringArray(d.owners),
    tags: tagNames(d.tags),
    fileloc: str(d.fileloc),
    relativeFileloc: str(d.relative_fileloc),
    bundleName: str(d.bundle_name),
    hasImportErrors: d.has_import_errors === true,
  };
}

function conf(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function mapDagRunV1(r: Json): CrawlersDagRun {
  const logicalDate = str(r.logical_date) ?? str(r.execution_date);
  const startDate = str(r.start_date);
  const endDate = str(r.end_date);
  return {
    dagId: r.dag_id,
    runId: r.dag_run_id,
    state: r.state,
    runType: r.run_type,
    logicalDate,
    runAfter: logicalDate,
    startDate,
    endDate,
    durationSeconds: seconds(startDate, endDate),
    triggeredBy: r.external_trigger === true ? 'external' : null,
    conf: conf(r.conf),
    note: str(r.note),
  };
}

export function mapDagRunV2(r: Json): CrawlersDagRun {
  const startDate = str(r.start_date);
  const endDate = str(r.end_date);
  return {
    dagId: r.dag_id,
    runId: r.dag_run_id,
    state: r.state,
    runType: r.run_type,
    logicalDate: str(r.logical_date),
    runAfter: str(r.run_after),
    startDate,
    endDate,
    durationSeconds:
      num(r.duration) !== null
        ? duration(r.duration)
        : seconds(startDate, endDate),
    triggeredBy: str(r.triggered_by),
    conf: conf(r.conf),
    note: str(r.note),
  };
}

export function mapTaskInstance(t: Json): CrawlersTaskInstance {
  const startDate = str(t.start_date);
  const endDate = str(t.end_date);
  return {
    taskId: t.task_id,
    mapIndex: num(t.map_index) ?? -1,
    state: str(t.state),
    tryNumber: num(t.try_number) ?? 0,
    maxTries: num(t.max_tries),
    operator: str(t.operator) ?? str(t.operator_name),
    startDate,
    endDate,
    durationSeconds:
      num(t.duration) !== null
        ? duration(t.duration)
        : seconds(startDate, endDate),
    hostname: str(t.hostname),
  };
}

export function mapImportError(e: Json): CrawlersImportError {
  return {
    id: e.import_error_id,
    filename: str(e.filename) ?? '',
    timestamp: str(e.timestamp),
    stackTrace: str(e.stack_trace) ?? '',
    bundleName: str(e.bundle_name),
  };
}

function textLines(text: string): CrawlersLogLine[] {
  return text
    .split(/\r?\n/)
    .filter((line, i, all) => line !== '' || i < all.length - 1)
    .map(message => ({ timestamp: null, level: null, message }));
}

const PY_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/**
 * Reads the Python `repr()` of a list of `(host, text)` string tuples, which is
 * what Airflow 2.x puts in the JSON `content` of a task log
 * (`"[('worker-1', '*** Found logs\\n...')]"`). Returns the texts, or
 * `undefined` when the content is not of that shape (then it is plain text).
 */
export function parsePythonLogChunks(content: string): string[] | undefined {
  let i = 0;
  const skipSpace = () => {
    while (/\s/.test(content[i] ?? '')) i++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (content[i] !== char) throw new Error(`expected ${char} at ${i}`);
    i++;
  };
  const pyString = (): string => {
    skipSpace();
    const quote = content[i];
    if (quote !== "'" && quote !== '"') throw new Error(`no string at ${i}`);
    i++;
    let out = '';
    for (;;) {
      const c = content[i++];
      if (c === undefined) throw new Error('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = content[i++];
      if (e === 'x' || e === 'u' || e === 'U') {
        const len = { x: 2, u: 4, U: 8 }[e];
        const hex = content.slice(i, i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) {
          throw new Error(`bad escape at ${i}`);
        }
        out += String.fromCodePoint(parseInt(hex, 16));
        i += len;
      } else if (e !== undefined && e in PY_ESCAPES) {
        out += PY_ESCAPES[e];
      } else {
        out += `\\${e ?? ''}`;
      }
    }
  };
  try {
    const texts: string[] = [];
    expect('[');
    skipSpace();
    while (content[i] === '(') {
      i++;
      pyString(); // host
      expect(',');
      texts.push(pyString());
      expect(')');
      skipSpace();
      if (content[i] === ',') i++;
      skipSpace();
    }
    expect(']');
    skipSpace();
    return i === content.length ? texts : undefined;
  } catch {
    return undefined;
  }
}

/**
 * v1 log content: Airflow 2.x sends the Python repr of `(host, text)` chunks;
 * anything else is read as plain text.
 */
export function mapLogContentV1(content: unknown): CrawlersLogLine[] {
  if (typeof content !== 'string') {
    return [];
  }
  const chunks = parsePythonLogChunks(content);
  return textLines(chunks ? chunks.join('') : content);
}

/** v2 log content: StructuredLogMessage[] or string[]. */
export function mapLogContentV2(content: unknown): CrawlersLogLine[] {
  if (typeof content === 'string') {
    return textLines(content);
  }
  if (!Array.isArray(content)) {
    return [];
  }
  return content.map(item => {
    if (typeof item === 'string') {
      return { timestamp: null, level: null, message: item };
    }
    const m = (item ?? {}) as Json;
    return {
      timestamp: str(m.timestamp),
      level: str(m.level),
      message: typeof m.event === 'string' ? m.event : JSON.stringify(m),
    };
  });
}
