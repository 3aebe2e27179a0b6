/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** A Python token, as far as reading literal call arguments needs them. */
export type PyToken = {
  type: 'name' | 'number' | 'string' | 'op' | 'newline' | 'end';
  /** Source text of the token. */
  text: string;
  /** Decoded value of a string token; undefined for f-strings (not literal). */
  value?: string;
  /** String prefix flags. */
  bytes?: boolean;
  /** 1-based line and 0-based column of the token's start. */
  line: number;
  col: number;
  /** Offsets in the source. */
  start: number;
  end: number;
};

/** A file the tokenizer cannot read (an unterminated string or bracket). */
export class PySyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'PySyntaxError';
  }
}

const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '->',
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '**',
  '//',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  ';',
  '.',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '|',
  '^',
  '~',
  '@',
  '!',
];
const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);
const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes the backslash escapes of a non-raw string body. */
function unescape(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|N\{[^}]*\}|[\s\S])/g,
    (whole, esc: string) => {
      if (/^[xuU]/.test(esc)) {
        return String.fromCodePoint(parseInt(esc.slice(1), 16));
      }
      if (/^[0-7]/.test(esc)) {
        return String.fromCodePoint(parseInt(esc, 8));
      }
      if (esc.startsWith('N{')) {
        return whole;
      }
      return esc in SIMPLE_ESCAPES ? SIMPLE_ESCAPES[esc] : whole;
    },
  );
}

/** The value of a string body: raw as written, escapes decoded, undefined for an f-string (not a literal). */
function stringValue(prefix: string, body: string): string | undefined {
  if (prefix.includes('f')) {
    return undefined;
  }
  return prefix.includes('r') ? body : unescape(body);
}

/** The operator at an offset (longest first). */
function operatorAt(source: string, offset: number): string | undefined {
  return OPERATORS.find(o => source.startsWith(o, offset));
}

/**
 * Splits Python source into tokens: names, numbers, strings (decoded), operators and logical newlines (only outside
 * brackets). Comments, indentation and line continuations are dropped.
 */
export function tokenize(source: string): PyToken[] {
  const tokens: PyToken[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  const push = (
    type: PyToken['type'],
    start: number,
    extra: Partial<PyToken> = {},
  ) =>
    tokens.push({
      type,
      text: source.slice(start, i),
      line,
      col: start - lineStart,
      start,
      end: i,
      ...extra,
    });
  const newline = () => {
    line++;
    lineStart = i;
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      i++;
      if (
        depth === 0 &&
        tokens.length &&
        tokens[tokens.length - 1].type !== 'newline'
      ) {
        tokens.push({
          type: 'newline',
          text: '\n',
          line,
          col: i - 1 - lineStart,
          start: i - 1,
          end: i,
        });
      }
      newline();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (
      c === '\\' &&
      (source[i + 1] === '\n' || source.startsWith('\r\n', i + 1))
    ) {
      i += source[i + 1] === '\n' ? 2 : 3;
      newline();
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const str = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(source.slice(i, i + 5));
    if (
      str &&
      (str[1].length === 0 || /^(?:[rR]?[bBfF]?|[bBfF][rR]|[uU])$/.test(str[1]))
    ) {
      const start = i;
      const startLine = line;
      const startCol = i - lineStart;
      const prefix = str[1].toLowerCase();
      const quote = str[2];
      i += str[1].length + quote.length;
      const bodyStart = i;
      for (;;) {
        if (i >= source.length) {
          throw new PySyntaxError('unterminated string literal', startLine);
        }
        if (source[i] === '\\') {
          if (source[i + 1] === '\n') {
            i++;
            newline();
          }
          i += 2;
          continue;
        }
        if (source.startsWith(quote, i)) {
          break;
        }
        if (source[i] === '\n') {
          if (quote.length === 1) {
            throw new PySyntaxError('unterminated string literal', startLine);
          }
          i++;
          newline();
          continue;
        }
        i++;
      }
      const body = source.slice(bodyStart, i);
      i += quote.length;
      tokens.push({
        type: 'string',
        text: source.slice(start, i),
        value: stringValue(prefix, body),
        bytes: prefix.includes('b'),
        line: startLine,
        col: startCol,
        start,
        end: i,
      });
      continue;
    }
    const num =
      /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)[jJ]?/.exec(
        source.slice(i, i + 64),
      );
    if (num && /[\d.]/.test(c) && num[0] !== '.') {
      const start = i;
      i += num[0].length;
      push('number', start);
      continue;
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(source.slice(i, i + 256));
    if (name) {
      const start = i;
      i += name[0].length;
      push('name', start);
      continue;
    }
    const op = operatorAt(source, i);
    if (!op) {
      throw new PySyntaxError(
        `unexpected character ${JSON.stringify(c)}`,
        line,
      );
    }
    const start = i;
    i += op.length;
    if (OPENERS.has(op)) depth++;
    if (CLOSERS.has(op)) depth = Math.max(0, depth - 1);
    push('op', start);
  }
  if (depth > 0) {
    throw new PySyntaxError('a bracket is never closed', line);
  }
  tokens.push({
    type: 'end',
    text: '',
    line,
    col: i - lineStart,
    start: i,
    end: i,
  });
  return tokens;
}
