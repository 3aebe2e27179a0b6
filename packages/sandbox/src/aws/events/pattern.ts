/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';

/**
 * EventBridge event patterns: every field of the pattern must match; a leaf is an array of alternatives, each an
 * exact value or a matcher (`prefix`, `suffix`, `anything-but`, `exists`, `equals-ignore-case`, `wildcard`); an
 * event array matches when one of its elements does.
 */
const MATCHERS = [
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'equals-ignore-case',
  'wildcard',
];

const invalidPattern = (reason: string) =>
  new AwsServiceError(
    'InvalidEventPatternException',
    `Event pattern is not valid. Reason: ${reason}`,
  );

function checkLeaf(path: string, values: unknown[]): void {
  if (values.length === 0) {
    throw invalidPattern(`Empty arrays are not allowed at ${path}`);
  }
  for (const v of values) {
    if (v === null || typeof v !== 'object') continue;
    const keys = Object.keys(v);
    if (keys.length !== 1 || !MATCHERS.includes(keys[0])) {
      throw invalidPattern(
        `Unrecognized match type ${keys.join(',')} at ${path}`,
      );
    }
  }
}

function checkNode(path: string, node: unknown): void {
  if (Array.isArray(node)) {
    checkLeaf(path, node);
    return;
  }
  if (!node || typeof node !== 'object') {
    throw invalidPattern(
      `Match value must be String, number, true, false, or null at ${path}`,
    );
  }
  for (const [key, child] of Object.entries(node)) {
    checkNode(path ? `${path}.${key}` : key, child);
  }
}

/** Parses and checks an event pattern (InvalidEventPatternException). */
export function parseEventPattern(text: unknown): Record<string, unknown> {
  let pattern: unknown;
  try {
    pattern = JSON.parse(String(text));
  } catch {
    throw invalidPattern('Filter is not valid JSON');
  }
  if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern)) {
    throw invalidPattern('Filter is not an object');
  }
  checkNode('', pattern);
  return pattern as Record<string, unknown>;
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

function alternativeMatches(alt: unknown, value: unknown): boolean {
  if (alt === null || typeof alt !== 'object') return alt === value;
  const [kind, arg] = Object.entries(alt as Record<string, unknown>)[0];
  const text = typeof value === 'string' ? value : undefined;
  switch (kind) {
    case 'prefix':
      return text !== undefined && text.startsWith(String(arg));
    case 'suffix':
      return text !== undefined && text.endsWith(String(arg));
    case 'equals-ignore-case':
      return (
        text !== undefined && text.toLowerCase() === String(arg).toLowerCase()
      );
    case 'wildcard':
      return text !== undefined && globMatch(String(arg), text);
    case 'anything-but': {
      if (value === undefined) return false;
      const excluded = Array.isArray(arg) ? arg : [arg];
      return !excluded.some(e => alternativeMatches(e, value));
    }
    default:
      return false;
  }
}

function leafMatches(alternatives: unknown[], value: unknown): boolean {
  const exists = alternatives.find(
    a => a && typeof a === 'object' && 'exists' in (a as object),
  ) as { exists: boolean } | undefined;
  if (exists) return exists.exists === (value !== undefined);
  const values = Array.isArray(value) ? value : [value];
  return values.some(v => alternatives.some(a => alternativeMatches(a, v)));
}

/** Does an event match a (checked) pattern? */
export function eventMatches(
  pattern: Record<string, unknown>,
  event: Record<string, unknown>,
): boolean {
  return Object.entries(pattern).every(([key, node]) => {
    const value = event?.[key];
    if (Array.isArray(node)) return leafMatches(node, value);
    return (
      value !== null &&
      typeof value === 'object' &&
      eventMatches(
        node as Record<string, unknown>,
        value as Record<string, unknown>,
      )
    );
  });
}

/** Reads a JSONPath of EventBridge's subset (`$`, `$.a.b`, `$.a[0]`); undefined when absent. */
export function readJsonPath(event: unknown, path: string): unknown {
  if (!path.startsWith('$')) {
    throw new AwsServiceError(
      'ValidationException',
      `Invalid InputPath: ${path}`,
    );
  }
  const steps = path
    .slice(1)
    .split(/\.|\[(\d+)\]/)
    .filter(s => s !== undefined && s !== '');
  let current: any = event;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[step];
  }
  return current;
}

/**
 * An input transformer's output: each `<name>` of the template replaced by its path's value, as a string inside
 * quotes and as JSON outside them (EventBridge's rule).
 */
export function transformInput(
  event: unknown,
  pathsMap: Record<string, string>,
  template: string,
): string {
  const values = Object.fromEntries(
    Object.entries(pathsMap).map(([k, p]) => [k, readJsonPath(event, p)]),
  );
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '"' && template[i - 1] !== '\\') inString = !inString;
    const m = c === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (m && Object.hasOwn(values, m[1])) {
      const v = values[m[1]];
      if (inString) out += typeof v === 'string' ? v : JSON.stringify(v ?? '');
      else out += v === undefined ? 'null' : JSON.stringify(v);
      i += m[0].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}
