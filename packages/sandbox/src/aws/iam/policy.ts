/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** One statement of an IAM policy document. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A request as policy evaluation sees it. */
export interface PolicyRequest {
  /** `ecr:BatchGetImage`, `sts:AssumeRole`, … */
  action: string;
  /** The resource ARN (identity policies); resource policies apply to their own resource. */
  resource: string;
  /**
   * What identifies the caller to a resource or trust policy's `Principal`: e.g. `AWS:arn:aws:iam::1:role/r`,
   * `AWS:1` (its account), `Service:eks-fargate-pods.amazonaws.com`.
   */
  principals?: string[];
  /** Condition keys, e.g. `sts:ExternalId`. */
  context?: Record<string, string | undefined>;
}

/** Allow or Deny when a statement applies, undefined when none does (an implicit deny). */
export type PolicyDecision = 'Allow' | 'Deny' | undefined;

/** Which document is being checked: identity policies have no Principal, resource and trust policies need one. */
export type PolicyKind = 'identity' | 'resource';

function list(v: unknown): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

const WILDCARDS: Record<string, string> = { '*': '.*', '?': '.' };

/** IAM's wildcard match (`*` any run, `?` one character). */
export function wildcard(pattern: string, value: string, ignoreCase: boolean) {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map(c => WILDCARDS[c] ?? c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
      .join('')}$`,
    ignoreCase ? 'i' : '',
  );
  return re.test(value);
}

/**
 * Parses a policy document and checks its grammar the way IAM does; returns the statements or an error message
 * (`This policy contains invalid Json`, `Syntax errors in policy.`, or the Principal rule of `kind`).
 */
export function parsePolicy(
  text: string,
  kind: PolicyKind,
): { statements: PolicyStatement[] } | { error: string } {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    return { error: 'This policy contains invalid Json' };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return { error: 'Syntax errors in policy.' };
  }
  let statements: any[] = [];
  if (Array.isArray(doc.Statement)) statements = doc.Statement;
  else if (doc.Statement) statements = [doc.Statement];
  if (!statements.length) return { error: 'Syntax errors in policy.' };
  for (const s of statements) {
    if (
      !s ||
      (s.Effect !== 'Allow' && s.Effect !== 'Deny') ||
      (s.Action === undefined) === (s.NotAction === undefined)
    ) {
      return { error: 'Syntax errors in policy.' };
    }
    const hasPrincipal =
      s.Principal !== undefined || s.NotPrincipal !== undefined;
    if (kind === 'identity' && hasPrincipal) {
      return { error: 'Policy document should not specify a principal.' };
    }
    if (
      kind === 'identity' &&
      s.Resource === undefined &&
      s.NotResource === undefined
    ) {
      return { error: 'Policy statement must contain resources.' };
    }
    if (kind === 'resource' && !hasPrincipal) {
      return { error: 'Missing required field Principal' };
    }
  }
  return { statements };
}

/** Does a `Principal` value name one of the caller's identifiers? */
function principalMatches(principal: unknown, principals: string[]): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  return Object.entries(principal as Record<string, unknown>).some(
    ([type, values]) =>
      list(values).some(
        v =>
          (type === 'AWS' && v === '*') ||
          principals.includes(`${type}:${v}`) ||
          (type === 'AWS' &&
            /^arn:aws:iam::(\d{12}):root$/.test(v) &&
            principals.includes(`AWS:${v.split(':')[4]}`)),
      ),
  );
}

/** Condition operators the sandbox evaluates; any other operator makes the statement not apply. */
const OPERATORS: Record<string, (value: string, pattern: string) => boolean> = {
  StringEquals: (v, p) => v === p,
  StringNotEquals: (v, p) => v !== p,
  StringLike: (v, p) => wildcard(p, v, false),
  ArnEquals: (v, p) => v === p,
  ArnLike: (v, p) => wildcard(p, v, false),
};

function conditionHolds(
  condition: PolicyStatement['Condition'],
  context: Record<string, string | undefined>,
): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) => {
    const test = OPERATORS[operator];
    return (
      !!test &&
      Object.entries(keys).every(([key, patterns]) => {
        const value = context[key];
        return value !== undefined && list(patterns).some(p => test(value, p));
      })
    );
  });
}

function statementApplies(
  s: PolicyStatement,
  request: PolicyRequest,
  kind: PolicyKind,
): boolean {
  const actionMatch = (patterns: unknown) =>
    list(patterns).some(p => wildcard(p, request.action, true));
  const resourceMatch = (patterns: unknown) =>
    list(patterns).some(p => wildcard(p, request.resource, false));
  if (
    s.Action !== undefined ? !actionMatch(s.Action) : actionMatch(s.NotAction)
  ) {
    return false;
  }
  if (s.Resource !== undefined && !resourceMatch(s.Resource)) return false;
  if (s.NotResource !== undefined && resourceMatch(s.NotResource)) return false;
  if (kind === 'resource') {
    const principals = request.principals ?? [];
    if (
      s.Principal !== undefined &&
      !principalMatches(s.Principal, principals)
    ) {
      return false;
    }
    if (
      s.NotPrincipal !== undefined &&
      principalMatches(s.NotPrincipal, principals)
    ) {
      return false;
    }
  }
  return conditionHolds(s.Condition, request.context ?? {});
}

/**
 * Evaluates policy documents for one request: an explicit Deny wins, then an Allow; undefined when no statement
 * applies. Documents that do not parse are ignored (IAM refuses to store them).
 */
export function evaluatePolicies(
  documents: string[],
  request: PolicyRequest,
  kind: PolicyKind,
): PolicyDecision {
  let decision: PolicyDecision;
  for (const text of documents) {
    const parsed = parsePolicy(text, kind);
    if ('error' in parsed) continue;
    for (const s of parsed.statements) {
      if (!statementApplies(s, request, kind)) continue;
      if (s.Effect === 'Deny') return 'Deny';
      decision = 'Allow';
    }
  }
  return decision;
}
