/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * A small reader for the literal subset of Python that the sandbox's static DAG rule understands (see README,
 * "DAG static-parsing rule"). It never evaluates code: strings, numbers, True/False/None, lists, tuples, dicts,
 * names and calls become {@link PyValue}s; anything else becomes an `expr` value holding its source text.
 */

/** A value read from Python source. */
export type PyValue =
  | { kind: 'str'; value: string }
  | { kind: 'num'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'dict'; entries: Array<[PyValue, PyValue]> }
  | { kind: 'name'; name: string }
  | {
      kind: 'call';
      callee: string;
      args: PyValue[];
      kwargs: Record<string, PyValue>;
    }
  | { kind: 'expr'; text: string };

/** A call site found in a file: the callee's dotted name, its arguments and its source offset. */
export type PyCall = {
  callee: string;
  args: PyValue[];
  kwargs: Record<string, PyValue>;
  offset: number;
};

type Token = {
  type: 'name' | 'str' | 'num' | 'op' | 'newline';
  text: string;
  value?: string | number;
  fstring?: boolean;
  start: number;
  end: number;
};

const STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;

function unescape(body: string, raw: boolean): string {
  if (raw) {
    return body;
  }
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|N\{[^}]*\}|[0-7]{1,3}|[\s\S])/g,
    (_m, esc: string) => {
      switch (esc[0]) {
        case 'n':
          return '\n';
        case 't':
          return '\t';
        case 'r':
          return '\r';
        case '\\':
          return '\\';
        case "'":
          return "'";
        case '"':
          return '"';
        case '\n':
          return '';
        case 'x':
        case 'u':
          return String.fromCharCode(parseInt(esc.slice(1), 16));
        default:
          if (/^[0-7]/.test(esc)) {
            return String.fromCharCode(parseInt(esc, 8));
          }
          return `\\${esc}`;
      }
    },
  );
}

/** Splits Python source into tokens; newlines are kept only outside brackets (logical line ends). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === '#') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && source[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      if (depth === 0) {
        tokens.push({ type: 'newline', text: '\n', start: i, end: i + 1 });
      }
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    const rest = source.slice(i, i + 6);
    const sm = STRING_START.exec(rest);
    if (sm && (sm[1].length > 0 ? /[\w]/.test(c) : true)) {
      const prefix = sm[1].toLowerCase();
      const quote = sm[2];
      let j = i + sm[0].length;
      let body = '';
      for (;;) {
        if (j >= n) {
          break;
        }
        if (source[j] === '\\') {
          body += source.slice(j, j + 2);
          j += 2;
          continue;
        }
        if (source.startsWith(quote, j)) {
          j += quote.length;
          break;
        }
        if (quote.length === 1 && source[j] === '\n') {
          break;
        }
        body += source[j];
        j++;
      }
      tokens.push({
        type: 'str',
        text: source.slice(i, j),
        value: unescape(body, prefix.includes('r')),
        fstring: prefix.includes('f'),
        start: i,
        end: j,
      });
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /\w/.test(source[j])) j++;
      tokens.push({ type: 'name', text: source.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m =
        /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?j?)/.exec(
          source.slice(i),
        );
      const text = m ? m[0] : c;
      const clean = text.replace(/_/g, '');
      let value: number;
      if (/^0[xX]/.test(clean)) value = parseInt(clean.slice(2), 16);
      else if (/^0[oO]/.test(clean)) value = parseInt(clean.slice(2), 8);
      else if (/^0[bB]/.test(clean)) value = parseInt(clean.slice(2), 2);
      else value = Number(clean);
      tokens.push({ type: 'num', text, value, start: i, end: i + text.length });
      i += text.length;
      continue;
    }
    const three = source.slice(i, i + 3);
    const two = source.slice(i, i + 2);
    let op = c;
    if (['**=', '//=', '>>=', '<<=', '...'].includes(three)) op = three;
    else if (
      [
        '**',
        '//',
        '==',
        '!=',
        '<=',
        '>=',
        '->',
        '+=',
        '-=',
        '*=',
        '/=',
        '>>',
        '<<',
        ':=',
        '%=',
        '&=',
        '|=',
        '^=',
        '@=',
      ].includes(two)
    )
      op = two;
    if (op === '(' || op === '[' || op === '{') depth++;
    if (op === ')' || op === ']' || op === '}') depth = Math.max(0, depth - 1);
    tokens.push({ type: 'op', text: op, start: i, end: i + op.length });
    i += op.length;
  }
  return tokens;
}

class Parser {
  pos = 0;
  constructor(readonly tokens: Token[], readonly source: string) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.type === 'op' && t.text === text;
  }

  /** Skips one balanced expression up to a `,` or closing bracket at depth 0; returns its source text. */
  skipExpression(): string {
    const start = this.peek()?.start ?? this.source.length;
    let end = start;
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos];
      if (t.type === 'op') {
        if (['(', '[', '{'].includes(t.text)) depth++;
        else if ([')', ']', '}'].includes(t.text)) {
          if (depth === 0) break;
          depth--;
        } else if ((t.text === ',' || t.text === ':') && depth === 0) break;
      }
      if (t.type === 'newline' && depth === 0) break;
      end = t.end;
      this.pos++;
    }
    return this.source.slice(start, end).trim();
  }

  /** Parses one expression; falls back to an `expr` value when it is not a literal, a name or a call. */
  expression(): PyValue {
    const save = this.pos;
    const value = this.atom();
    const next = this.peek();
    const ends =
      !next ||
      next.type === 'newline' ||
      (next.type === 'op' && [',', ')', ']', '}', ':'].includes(next.text));
    if (value && ends) {
      return value;
    }
    this.pos = save;
    return { kind: 'expr', text: this.skipExpression() };
  }

  atom(): PyValue | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.type === 'str') {
      let value = '';
      let fstring = false;
      while (this.peek()?.type === 'str') {
        const s = this.peek()!;
        value += s.value as string;
        fstring = fstring || Boolean(s.fstring);
        this.pos++;
      }
      return fstring ? undefined : { kind: 'str', value };
    }
    if (t.type === 'num') {
      this.pos++;
      return { kind: 'num', value: t.value as number };
    }
    if (t.type === 'op' && t.text === '-' && this.peek(1)?.type === 'num') {
      this.pos += 2;
      return {
        kind: 'num',
        value: -(this.tokens[this.pos - 1].value as number),
      };
    }
    if (t.type === 'name') {
      if (t.text === 'True' || t.text === 'False') {
        this.pos++;
        return { kind: 'bool', value: t.text === 'True' };
      }
      if (t.text === 'None') {
        this.pos++;
        return { kind: 'none' };
      }
      let name = t.text;
      this.pos++;
      while (this.isOp('.') && this.peek(1)?.type === 'name') {
        name += `.${this.peek(1)!.text}`;
        this.pos += 2;
      }
      if (this.isOp('(')) {
        this.pos++;
        const { args, kwargs } = this.callArguments();
        return { kind: 'call', callee: name, args, kwargs };
      }
      return { kind: 'name', name };
    }
    if (t.type === 'op' && (t.text === '[' || t.text === '(')) {
      const close = t.text === '[' ? ']' : ')';
      this.pos++;
      const items: PyValue[] = [];
      while (this.peek() && !this.isOp(close)) {
        items.push(this.expression());
        if (this.isOp(',')) this.pos++;
        else if (!this.isOp(close)) return undefined;
      }
      this.pos++;
      return { kind: 'list', items };
    }
    if (t.type === 'op' && t.text === '{') {
      this.pos++;
      const entries: Array<[PyValue, PyValue]> = [];
      while (this.peek() && !this.isOp('}')) {
        const key = this.expression();
        if (!this.isOp(':')) return undefined;
        this.pos++;
        const value = this.expression();
        entries.push([key, value]);
        if (this.isOp(',')) this.pos++;
        else if (!this.isOp('}')) return undefined;
      }
      this.pos++;
      return { kind: 'dict', entries };
    }
    return undefined;
  }

  /** Reads `(args...)` after the opening bracket has been consumed. */
  callArguments(): { args: PyValue[]; kwargs: Record<string, PyValue> } {
    const args: PyValue[] = [];
    const kwargs: Record<string, PyValue> = {};
    while (this.peek() && !this.isOp(')')) {
      const t = this.peek()!;
      if (t.type === 'name' && this.isOp('=', 1)) {
        this.pos += 2;
        kwargs[t.text] = this.expression();
      } else if (t.type === 'op' && (t.text === '*' || t.text === '**')) {
        this.pos++;
        args.push({ kind: 'expr', text: `${t.text}${this.skipExpression()}` });
      } else {
        args.push(this.expression());
      }
      if (this.isOp(',')) this.pos++;
      else if (!this.isOp(')')) {
        this.skipExpression();
        if (this.isOp(',')) this.pos++;
        else if (!this.isOp(')')) break;
      }
    }
    if (this.isOp(')')) this.pos++;
    return { args, kwargs };
  }
}

/** A parsed module: calls of the wanted callees (by last dotted segment) and module-level `NAME = value`. */
export type PyModule = {
  calls: PyCall[];
  assignments: Record<string, PyValue>;
};

/** Finds the calls to the given callee names and the simple module-level assignments in Python source. */
export function scanModule(source: string, callees: string[]): PyModule {
  const tokens = tokenize(source);
  const calls: PyCall[] = [];
  const assignments: Record<string, PyValue> = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'name') continue;
    const prev = tokens[i - 1];
    const atLineStart = !prev || prev.type === 'newline';
    if (
      atLineStart &&
      tokens[i + 1]?.type === 'op' &&
      tokens[i + 1].text === '=' &&
      source[t.start - 1] !== ' ' &&
      source[t.start - 1] !== '\t'
    ) {
      const parser = new Parser(tokens, source);
      parser.pos = i + 2;
      assignments[t.text] = parser.expression();
      continue;
    }
    if (prev?.type === 'op' && prev.text === '.') continue;
    let name = t.text;
    let j = i + 1;
    while (
      tokens[j]?.type === 'op' &&
      tokens[j].text === '.' &&
      tokens[j + 1]?.type === 'name'
    ) {
      name += `.${tokens[j + 1].text}`;
      j += 2;
    }
    const last = name.slice(name.lastIndexOf('.') + 1);
    if (
      callees.includes(last) &&
      tokens[j]?.type === 'op' &&
      tokens[j].text === '('
    ) {
      const prevName = tokens[i - 1];
      if (
        prevName?.type === 'name' &&
        (prevName.text === 'def' ||
          prevName.text === 'class' ||
          prevName.text === 'import')
      ) {
        continue;
      }
      const parser = new Parser(tokens, source);
      parser.pos = j + 1;
      const { args, kwargs } = parser.callArguments();
      calls.push({ callee: last, args, kwargs, offset: t.start });
    }
  }
  return { calls, assignments };
}

/** Resolves a `name` value through module-level assignments (one level of indirection per step, no cycles). */
export function resolve(
  value: PyValue | undefined,
  assignments: Record<string, PyValue>,
  seen: Set<string> = new Set(),
): PyValue | undefined {
  if (
    value?.kind === 'name' &&
    assignments[value.name] &&
    !seen.has(value.name)
  ) {
    seen.add(value.name);
    return resolve(assignments[value.name], assignments, seen);
  }
  return value;
}

/** Converts a literal value to plain JSON data; non-literal parts become undefined. */
export function toPlain(
  value: PyValue | undefined,
  assignments: Record<string, PyValue> = {},
): unknown {
  const v = resolve(value, assignments);
  if (!v) return undefined;
  switch (v.kind) {
    case 'str':
    case 'num':
    case 'bool':
      return v.value;
    case 'none':
      return null;
    case 'list':
      return v.items.map(item => toPlain(item, assignments));
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [k, val] of v.entries) {
        const key = toPlain(k, assignments);
        if (typeof key === 'string' || typeof key === 'number') {
          out[String(key)] = toPlain(val, assignments);
        }
      }
      return out;
    }
    default:
      return undefined;
  }
}
