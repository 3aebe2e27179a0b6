/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * git-sync's env.go: each flag's default comes from its env variable, the primary (GITSYNC_*) name first, then the
 * old names. Every old name found prints `env $OLD has been deprecated, use $NEW instead`; when more than one is set
 * the last one found wins and `env $NEW was overridden by $X` is printed (for strings $X is the winning old name;
 * the int, bool, float, duration and string-array readers of env.go name the primary key there, a quirk of the
 * source kept as is). A value that does not parse is fatal: `FATAL: invalid <type> env <KEY>=<value>: <Go error>`.
 */

/** The raw environment of the container. */
export type Env = Record<string, string | undefined>;

/** Thrown for a value Go would not parse; the message is the `FATAL: …` line git-sync prints before exiting 1. */
export class EnvParseError extends Error {}

/** A reader of the environment that collects the stderr lines env.go prints. */
export class EnvReader {
  readonly stderr: string[] = [];

  constructor(private readonly env: Env) {}

  /** The raw value of a variable (deprecated flags read their one name directly). */
  raw(key: string): string | undefined {
    return this.env[key];
  }

  /** env.go's lookup: the value and the key to name in errors; undefined when no name is set. */
  private lookup(
    key: string,
    alts: string[],
    stringQuirk: boolean,
  ): { value: string; key: string } | undefined {
    let found = 0;
    let value = '';
    let resultKey = '';
    if (this.env[key] !== undefined) {
      found++;
      value = this.env[key]!;
      resultKey = key;
    }
    for (const alt of alts) {
      if (this.env[alt] !== undefined) {
        this.stderr.push(
          `env $${alt} has been deprecated, use $${key} instead`,
        );
        found++;
        value = this.env[alt]!;
        resultKey = stringQuirk ? alt : key;
      }
    }
    if (found === 0) return undefined;
    if (found > 1) {
      this.stderr.push(`env $${key} was overridden by $${resultKey}`);
    }
    return { value, key: resultKey };
  }

  string(def: string, key: string, ...alts: string[]): string {
    return this.lookup(key, alts, true)?.value ?? def;
  }

  int(def: number, key: string, ...alts: string[]): number {
    const hit = this.lookup(key, alts, false);
    if (!hit) return def;
    const n = parseGoInt(hit.value);
    if (n === undefined) {
      throw new EnvParseError(
        `FATAL: invalid int env ${hit.key}=${goQuote(
          hit.value,
        )}: strconv.ParseInt: parsing ${goQuote(hit.value)}: invalid syntax`,
      );
    }
    return n;
  }

  bool(def: boolean, key: string, ...alts: string[]): boolean {
    const hit = this.lookup(key, alts, false);
    if (!hit) return def;
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(hit.value))
      return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(hit.value))
      return false;
    throw new EnvParseError(
      `FATAL: invalid bool env ${hit.key}=${goQuote(
        hit.value,
      )}: strconv.ParseBool: parsing ${goQuote(hit.value)}: invalid syntax`,
    );
  }

  float(def: number, key: string, ...alts: string[]): number {
    const hit = this.lookup(key, alts, false);
    if (!hit) return def;
    const text = hit.value.trim();
    const n = Number(text);
    if (text === '' || text !== hit.value || Number.isNaN(n)) {
      throw new EnvParseError(
        `FATAL: invalid float env ${hit.key}=${goQuote(
          hit.value,
        )}: strconv.ParseFloat: parsing ${goQuote(hit.value)}: invalid syntax`,
      );
    }
    return n;
  }

  /** A Go duration in milliseconds. */
  duration(defMs: number, key: string, ...alts: string[]): number {
    const hit = this.lookup(key, alts, false);
    if (!hit) return defMs;
    const parsed = parseGoDuration(hit.value);
    if (typeof parsed === 'string') {
      throw new EnvParseError(
        `FATAL: invalid duration env ${hit.key}=${goQuote(
          hit.value,
        )}: ${parsed}`,
      );
    }
    return parsed;
  }

  /** A `:`-separated list (env.go's envStringArray). */
  stringArray(def: string, key: string, ...alts: string[]): string[] {
    return (this.lookup(key, alts, false)?.value ?? def).split(':');
  }
}

/** Go's `%q` of a string: double quotes, backslash escapes, `\x..` for other control characters. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f)
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** strconv.ParseInt(s, 0, 0): decimal, 0x/0o/0b prefixes, a leading 0 for octal, underscores after a prefix. */
function parseGoInt(text: string): number | undefined {
  const m =
    /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(
      text,
    );
  if (!m) return undefined;
  const digits = m[2].replace(/_/g, '');
  let n: number;
  if (/^0[xX]/.test(digits)) n = parseInt(digits.slice(2), 16);
  else if (/^0[oO]/.test(digits)) n = parseInt(digits.slice(2), 8);
  else if (/^0[bB]/.test(digits)) n = parseInt(digits.slice(2), 2);
  else if (digits.length > 1 && digits.startsWith('0'))
    n = parseInt(digits.slice(1), 8);
  else n = parseInt(digits, 10);
  return m[1] === '-' ? -n : n;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Go's time.ParseDuration in milliseconds ("10s", "1m30s", "250ms", "1.5h"; a unit is required except for "0"), or
 * the text of Go's error.
 */
export function parseGoDuration(text: string): number | string {
  const invalid = `time: invalid duration ${goQuote(text)}`;
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return invalid;
  let total = 0;
  while (rest !== '') {
    const num = /^(\d+(?:\.\d*)?|\.\d+)/.exec(rest);
    if (!num) return invalid;
    rest = rest.slice(num[0].length);
    const unit = /^[^\d.]+/.exec(rest)?.[0] ?? '';
    if (unit === '') return `time: missing unit in duration ${goQuote(text)}`;
    if (!(unit in DURATION_UNITS)) {
      return `time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`;
    }
    rest = rest.slice(unit.length);
    total += parseFloat(num[0]) * DURATION_UNITS[unit];
  }
  return sign * total;
}
