/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** One validation failure, in FastAPI/pydantic's shape (Airflow 3) with Airflow 2's connexion text beside it. */
export type ValidationItem = {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
  /** The message Airflow 2 (connexion/jsonschema) gives for the same problem. */
  v1: string;
};

/** An API error; the server renders it as problem+json (v1) or FastAPI's `{detail}` (v2). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly validation?: ValidationItem[],
  ) {
    super(message);
  }
}

type Query = Record<string, unknown>;

function pyStr(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/** Reads query parameters for one API version, collecting every problem before failing. */
export class QueryReader {
  readonly problems: ValidationItem[] = [];

  constructor(
    private readonly query: Query,
    private readonly version: 'v1' | 'v2',
  ) {}

  private raw(name: string): string | string[] | undefined {
    const v = this.query[name];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v.map(String) : String(v);
  }

  private single(name: string): string | undefined {
    const v = this.raw(name);
    return Array.isArray(v) ? v[v.length - 1] : v;
  }

  int(name: string, def: number, options: { min?: number } = {}): number {
    const text = this.single(name);
    if (text === undefined || (this.version === 'v1' && text === ''))
      return def;
    if (!/^-?\d+$/.test(text.trim())) {
      this.problems.push({
        type: 'int_parsing',
        loc: ['query', name],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: text,
        v1: `${pyStr(text)} is not of type 'integer' - '${name}'`,
      });
      return def;
    }
    const n = Number(text);
    if (options.min !== undefined && n < options.min) {
      this.problems.push({
        type: 'greater_than_equal',
        loc: ['query', name],
        msg: `Input should be greater than or equal to ${options.min}`,
        input: text,
        ctx: { ge: options.min },
        v1: `${n} is less than the minimum of ${options.min} - '${name}'`,
      });
      return def;
    }
    return n;
  }

  bool(name: string): boolean | undefined {
    const text = this.single(name);
    if (text === undefined || text === '') return undefined;
    const lower = text.toLowerCase();
    const truthy =
      this.version === 'v1' ? ['true'] : ['true', '1', 'yes', 'on', 't', 'y'];
    const falsy =
      this.version === 'v1' ? ['false'] : ['false', '0', 'no', 'off', 'f', 'n'];
    if (truthy.includes(lower)) return true;
    if (falsy.includes(lower)) return false;
    this.problems.push({
      type: 'bool_parsing',
      loc: ['query', name],
      msg: 'Input should be a valid boolean, unable to interpret input',
      input: text,
      v1: `${pyStr(text)} is not of type 'boolean' - '${name}'`,
    });
    return undefined;
  }

  string(name: string): string | undefined {
    return this.single(name);
  }

  /** Array parameters: repeated (`?a=1&a=2`); v1 also splits comma-separated values. */
  list(name: string): string[] {
    const v = this.raw(name);
    if (v === undefined) return [];
    const items = Array.isArray(v) ? v : [v];
    return this.version === 'v1'
      ? items.flatMap(i => i.split(',')).filter(Boolean)
      : items.filter(i => i !== '');
  }

  enumOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const text = this.single(name);
    if (text === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(text)) {
      this.problems.push({
        type: 'enum',
        loc: ['query', name],
        msg: `Input should be ${allowed
          .map(a => `'${a}'`)
          .join(', ')
          .replace(/, ([^,]*)$/, ' or $1')}`,
        input: text,
        ctx: { expected: allowed.map(a => `'${a}'`).join(', ') },
        v1: `${pyStr(text)} is not one of ${JSON.stringify(
          allowed,
        )} - '${name}'`,
      });
      return undefined;
    }
    return text as T;
  }

  date(name: string): Date | undefined {
    const text = this.single(name);
    if (text === undefined || text === '') return undefined;
    const d = parseAwareDate(text);
    if (!d.ok) {
      this.problems.push({
        type: d.type,
        loc: ['query', name],
        msg: d.msg,
        input: text,
        v1: `${pyStr(text)} is not a 'date-time' - '${name}'`,
      });
      return undefined;
    }
    return d.date;
  }

  /** Throws the collected problems as a 400 (v1) or 422 (v2). */
  done(): void {
    throwIfProblems(this.problems, this.version);
  }
}

/** Throws validation problems in the version's error shape. */
export function throwIfProblems(
  problems: ValidationItem[],
  version: 'v1' | 'v2',
) {
  if (problems.length === 0) return;
  if (version === 'v1') {
    throw new ApiError(400, 'Bad Request', problems[0].v1);
  }
  throw new ApiError(422, 'Unprocessable Entity', 'Validation error', problems);
}

/** Parses an RFC 3339 datetime with a time zone (pydantic's AwareDatetime). */
export function parseAwareDate(
  text: string,
): { ok: true; date: Date } | { ok: false; type: string; msg: string } {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!m) {
    return {
      ok: false,
      type: 'datetime_from_date_parsing',
      msg: 'Input should be a valid datetime or date, invalid character in year',
    };
  }
  if (!m[8]) {
    return {
      ok: false,
      type: 'timezone_aware',
      msg: 'Input should have timezone info',
    };
  }
  const d = new Date(text.trim().replace(' ', 'T'));
  if (Number.isNaN(d.getTime())) {
    return {
      ok: false,
      type: 'datetime_from_date_parsing',
      msg: 'Input should be a valid datetime or date, day value is outside expected range',
    };
  }
  return { ok: true, date: d };
}

/** SQL LIKE (case-insensitive) as a RegExp. */
export function likeToRegExp(pattern: string): RegExp {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '.*';
    else if (ch === '_') out += '.';
    else out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}
