/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { PyToken } from './tokenize';

/**
 * A Python expression as far as a static reading can know it: literals, containers of them, names, calls with their
 * arguments; anything else (arithmetic, comprehensions, subscripts, f-strings, …) is `expr` with its source text.
 */
export type PyValue =
  | { kind: 'str'; value: string; line: number }
  | { kind: 'bytes'; line: number }
  | { kind: 'num'; value: number; line: number }
  | { kind: 'bool'; value: boolean; line: number }
  | { kind: 'none'; line: number }
  | { kind: 'list'; items: PyValue[]; line: number }
  | { kind: 'dict'; entries: Array<[PyValue, PyValue]>; line: number }
  | { kind: 'name'; name: string; line: number }
  | { kind: 'call'; call: PyCall; line: number }
  | { kind: 'expr'; text: string; line: number };

/** A call with its literal reading of the arguments. */
export type PyCall = {
  /** Dotted callee, e.g. `k8s.V1ResourceRequirements`. */
  callee: string;
  args: PyValue[];
  kwargs: Record<string, PyValue>;
  /** Whether `*args` or `**kwargs` were passed (their content is unknown). */
  starred: boolean;
  line: number;
  /** Index of the token after the closing parenthesis. */
  endIndex: number;
};

const CLOSERS = new Set([')', ']', '}']);
const OPENERS = new Set(['(', '[', '{']);

/** Reads expressions from a token list. */
export class PyParser {
  constructor(readonly source: string, readonly tokens: PyToken[]) {}

  private at(i: number): PyToken {
    return this.tokens[Math.min(i, this.tokens.length - 1)];
  }

  private isOp(i: number, text: string): boolean {
    const t = this.at(i);
    return t.type === 'op' && t.text === text;
  }

  /** Whether the token ends an expression in a list, call or dict. */
  private ends(i: number, stopAtColon: boolean): boolean {
    const t = this.at(i);
    return (
      t.type === 'end' ||
      t.type === 'newline' ||
      (t.type === 'op' &&
        (t.text === ',' ||
          CLOSERS.has(t.text) ||
          (stopAtColon && t.text === ':') ||
          t.text === ';'))
    );
  }

  /** Skips one expression without reading it; returns the index after it. */
  private skip(i: number, stopAtColon: boolean): number {
    let depth = 0;
    let j = i;
    while (this.at(j).type !== 'end') {
      const t = this.at(j);
      if (depth === 0 && this.ends(j, stopAtColon)) break;
      if (t.type === 'op' && OPENERS.has(t.text)) depth++;
      if (t.type === 'op' && CLOSERS.has(t.text)) depth--;
      j++;
    }
    return j;
  }

  /** Parses the expression at `i`; returns it and the index after it. */
  expression(i: number, stopAtColon = false): [PyValue, number] {
    const [value, next] = this.primary(i);
    if (value && this.ends(next, stopAtColon)) {
      return [value, next];
    }
    const end = this.skip(i, stopAtColon);
    const text = this.source
      .slice(this.at(i).start, this.at(end - 1).end)
      .trim();
    return [{ kind: 'expr', text, line: this.at(i).line }, end];
  }

  private primary(i: number): [PyValue | undefined, number] {
    const t = this.at(i);
    const line = t.line;
    if (t.type === 'string') {
      let j = i;
      let value = '';
      let literal = true;
      let bytes = false;
      while (this.at(j).type === 'string') {
        const s = this.at(j);
        if (s.value === undefined) literal = false;
        bytes = bytes || !!s.bytes;
        value += s.value ?? '';
        j++;
      }
      if (!literal) return [undefined, j];
      return [
        bytes ? { kind: 'bytes', line } : { kind: 'str', value, line },
        j,
      ];
    }
    if (
      t.type === 'number' ||
      (t.type === 'op' && t.text === '-' && this.at(i + 1).type === 'number')
    ) {
      const neg = t.type === 'op';
      const text = this.at(neg ? i + 1 : i).text.replace(/_/g, '');
      const n = /[jJ]$/.test(text) ? NaN : Number(text);
      if (Number.isNaN(n)) return [undefined, i + (neg ? 2 : 1)];
      return [{ kind: 'num', value: neg ? -n : n, line }, i + (neg ? 2 : 1)];
    }
    if (t.type === 'name') {
      if (t.text === 'True' || t.text === 'False') {
        return [{ kind: 'bool', value: t.text === 'True', line }, i + 1];
      }
      if (t.text === 'None') return [{ kind: 'none', line }, i + 1];
      let j = i + 1;
      let name = t.text;
      while (this.isOp(j, '.') && this.at(j + 1).type === 'name') {
        name += `.${this.at(j + 1).text}`;
        j += 2;
      }
      if (this.isOp(j, '(')) {
        const call = this.call(name, j);
        return [{ kind: 'call', call, line }, call.endIndex];
      }
      return [{ kind: 'name', name, line }, j];
    }
    if (t.type === 'op' && (t.text === '[' || t.text === '(')) {
      return this.sequence(i, t.text === '[' ? ']' : ')');
    }
    if (t.type === 'op' && t.text === '{') {
      return this.braces(i);
    }
    return [undefined, i + 1];
  }

  private sequence(i: number, closer: string): [PyValue | undefined, number] {
    const items: PyValue[] = [];
    let j = i + 1;
    let comma = false;
    while (!this.isOp(j, closer)) {
      if (this.at(j).type === 'end') return [undefined, j];
      const [item, next] = this.expression(j);
      if (item.kind === 'expr' && /\bfor\b/.test(item.text))
        return [undefined, this.skip(i, false)];
      items.push(item);
      j = next;
      if (this.isOp(j, ',')) {
        comma = true;
        j++;
      } else if (!this.isOp(j, closer)) {
        return [undefined, j];
      }
    }
    if (closer === ')' && items.length === 1 && !comma) {
      return [items[0], j + 1];
    }
    return [{ kind: 'list', items, line: this.at(i).line }, j + 1];
  }

  private braces(i: number): [PyValue | undefined, number] {
    const entries: Array<[PyValue, PyValue]> = [];
    const items: PyValue[] = [];
    let j = i + 1;
    while (!this.isOp(j, '}')) {
      if (this.at(j).type === 'end') return [undefined, j];
      if (this.isOp(j, '**')) return [undefined, j];
      const [key, afterKey] = this.expression(j, true);
      if (this.isOp(afterKey, ':')) {
        const [value, afterValue] = this.expression(afterKey + 1);
        if (value.kind === 'expr' && /\bfor\b/.test(value.text))
          return [undefined, afterValue];
        entries.push([key, value]);
        j = afterValue;
      } else {
        items.push(key);
        j = afterKey;
      }
      if (this.isOp(j, ',')) j++;
      else if (!this.isOp(j, '}')) return [undefined, j];
    }
    const line = this.at(i).line;
    if (items.length && !entries.length)
      return [{ kind: 'list', items, line }, j + 1];
    if (items.length) return [undefined, j + 1];
    return [{ kind: 'dict', entries, line }, j + 1];
  }

  /** Parses a call whose `(` is at `open`. */
  call(callee: string, open: number): PyCall {
    const args: PyValue[] = [];
    const kwargs: Record<string, PyValue> = {};
    let starred = false;
    let j = open + 1;
    while (!this.isOp(j, ')') && this.at(j).type !== 'end') {
      if (this.isOp(j, '*') || this.isOp(j, '**')) {
        starred = true;
        j = this.skip(j + 1, false);
      } else if (this.at(j).type === 'name' && this.isOp(j + 1, '=')) {
        const [value, next] = this.expression(j + 2);
        kwargs[this.at(j).text] = value;
        j = next;
      } else {
        const [value, next] = this.expression(j);
        args.push(value);
        j = next;
      }
      if (this.isOp(j, ',')) j++;
      else if (!this.isOp(j, ')')) j = this.skip(j, false);
    }
    return {
      callee,
      args,
      kwargs,
      starred,
      line: this.at(open).line,
      endIndex: j + 1,
    };
  }
}

/** The Python literal of a value as plain JSON-like data, or undefined when it is not a literal. */
export function literalOf(
  value: PyValue,
  constants: Map<string, PyValue> = new Map(),
  seen = 0,
): unknown {
  switch (value.kind) {
    case 'str':
    case 'num':
    case 'bool':
      return value.value;
    case 'none':
      return null;
    case 'list': {
      const items = value.items.map(v => literalOf(v, constants, seen));
      return items.some(v => v === undefined) ? undefined : items;
    }
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of value.entries) {
        const key = literalOf(k, constants, seen);
        const val = literalOf(v, constants, seen);
        if (typeof key !== 'string' || val === undefined) return undefined;
        out[key] = val;
      }
      return out;
    }
    case 'name': {
      const bound = constants.get(value.name);
      return bound && seen < 8
        ? literalOf(bound, constants, seen + 1)
        : undefined;
    }
    default:
      return undefined;
  }
}
