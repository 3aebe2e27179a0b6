/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { DiagnosisRolePolicies } from './types';

/** The ECR actions a Fargate pull needs on the repository (§8: the pod execution role's ECR read). */
export const ECR_PULL_ACTIONS = [
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
] as const;

/**
 * AWS managed policies that allow both pull actions on every repository. Other AWS managed policies are taken not to
 * (the pull is not their purpose); customer managed policies are not read (their documents need
 * `iam:GetPolicyVersion`), so a role relying on one is "unknown", never "missing".
 */
export const ECR_READ_MANAGED_POLICIES = [
  'AmazonEKSFargatePodExecutionRolePolicy',
  'AmazonEC2ContainerRegistryReadOnly',
  'AmazonEC2ContainerRegistryPullOnly',
  'AmazonEC2ContainerRegistryPowerUser',
  'AmazonEC2ContainerRegistryFullAccess',
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
];

/** One statement of a policy document. */
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: string | Record<string, string | string[]>;
  NotPrincipal?: string | Record<string, string | string[]>;
  Condition?: unknown;
}

function list(v: string | string[] | undefined): string[] {
  if (v === undefined) {
    return [];
  }
  return Array.isArray(v) ? v : [v];
}

/** The statements of a policy document (JSON text, possibly URL-encoded as IAM returns it); null when unreadable. */
export function parsePolicy(text: string): PolicyStatement[] | null {
  let json = text;
  if (/^%7B/i.test(text.trim())) {
    try {
      json = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  try {
    const doc = JSON.parse(json);
    const statements = doc?.Statement;
    if (Array.isArray(statements)) {
      return statements.filter(s => s && typeof s === 'object');
    }
    return statements && typeof statements === 'object' ? [statements] : null;
  } catch {
    return null;
  }
}

/** IAM wildcard match (`*`, `?`); actions compare case-insensitively. */
function wildcard(pattern: string, value: string, ignoreCase: boolean) {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map(ch => {
        if (ch === '*') return '.*';
        if (ch === '?') return '.';
        return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('')}$`,
    ignoreCase ? 'i' : '',
  );
  return re.test(value);
}

function actionApplies(s: PolicyStatement, action: string): boolean {
  if (s.NotAction !== undefined) {
    return !list(s.NotAction).some(p => wildcard(p, action, true));
  }
  return list(s.Action).some(p => wildcard(p, action, true));
}

function resourceApplies(s: PolicyStatement, arn: string): boolean {
  if (s.NotResource !== undefined) {
    return !list(s.NotResource).some(p => wildcard(p, arn, false));
  }
  // A resource policy's statements may omit Resource: they apply to the resource itself.
  return s.Resource === undefined
    ? true
    : list(s.Resource).some(p => wildcard(p, arn, false));
}

/** The account of an ARN (`arn:aws:iam::123456789012:role/x` → `123456789012`). */
export const accountOf = (arn: string) => arn.split(':')[4] ?? '';

function principalApplies(s: PolicyStatement, roleArn: string): boolean {
  const names = (p: PolicyStatement['Principal']): string[] => {
    if (p === undefined) {
      return [];
    }
    return typeof p === 'string' ? [p] : Object.values(p).flatMap(v => list(v));
  };
  const account = accountOf(roleArn);
  const matches = (value: string) =>
    value === '*' ||
    value === roleArn ||
    value === account ||
    value === `arn:aws:iam::${account}:root`;
  if (s.NotPrincipal !== undefined) {
    return !names(s.NotPrincipal).some(matches);
  }
  return names(s.Principal).some(matches);
}

/** A statement that decides, with where it is. */
export interface DecidingStatement {
  policy: string;
  sid: string | null;
  effect: 'Allow' | 'Deny';
  /** True when the statement carries conditions (it may not apply to every request). */
  conditional: boolean;
}

/** The role's own verdict on pulling from a repository (its identity policies). */
export type RoleEcrVerdict =
  | { verdict: 'allowed'; by: string }
  | { verdict: 'denied'; by: DecidingStatement }
  | { verdict: 'missing' }
  | { verdict: 'unknown'; customerPolicies: string[] };

/** Whether the pod execution role's identity policies allow the two pull actions on `repositoryArn`. */
export function roleEcrVerdict(
  role: DiagnosisRolePolicies,
  repositoryArn: string,
): RoleEcrVerdict {
  const applies = (s: PolicyStatement, action: string) =>
    actionApplies(s, action) && resourceApplies(s, repositoryArn);
  const allowedBy = new Map<string, string>();
  for (const inline of role.inline) {
    const statements = parsePolicy(inline.document) ?? [];
    for (const s of statements) {
      for (const action of ECR_PULL_ACTIONS) {
        if (!applies(s, action)) continue;
        if (s.Effect === 'Deny') {
          return {
            verdict: 'denied',
            by: {
              policy: inline.name,
              sid: s.Sid ?? null,
              effect: 'Deny',
              conditional: s.Condition !== undefined,
            },
          };
        }
        if (s.Effect === 'Allow' && s.Condition === undefined) {
          allowedBy.set(action, `inline policy ${inline.name}`);
        }
      }
    }
  }
  const managed = role.attached.find(p =>
    ECR_READ_MANAGED_POLICIES.some(
      name => p.arn === `arn:aws:iam::aws:policy/${name}`,
    ),
  );
  if (managed) {
    return { verdict: 'allowed', by: `managed policy ${managed.name}` };
  }
  if (ECR_PULL_ACTIONS.every(a => allowedBy.has(a))) {
    return { verdict: 'allowed', by: allowedBy.get(ECR_PULL_ACTIONS[0])! };
  }
  const customer = role.attached
    .filter(p => !p.arn.startsWith('arn:aws:iam::aws:policy/'))
    .map(p => p.name);
  if (customer.length) {
    return { verdict: 'unknown', customerPolicies: customer };
  }
  return { verdict: 'missing' };
}

/** The repository policy's verdict on a pull by the role. */
export type RepositoryEcrVerdict =
  | { verdict: 'denied'; by: DecidingStatement }
  | { verdict: 'allowed'; by: DecidingStatement }
  | { verdict: 'silent' };

/** Whether an ECR repository policy denies (or allows) the role the two pull actions. */
export function repositoryEcrVerdict(
  policy: string | null,
  roleArn: string,
  repositoryArn: string,
): RepositoryEcrVerdict {
  const statements = policy ? parsePolicy(policy) ?? [] : [];
  let allowed: DecidingStatement | undefined;
  for (const s of statements) {
    if (!principalApplies(s, roleArn) || !resourceApplies(s, repositoryArn)) {
      continue;
    }
    const actions = ECR_PULL_ACTIONS.filter(a => actionApplies(s, a));
    if (!actions.length) continue;
    const by: DecidingStatement = {
      policy: 'repository policy',
      sid: s.Sid ?? null,
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      conditional: s.Condition !== undefined,
    };
    if (s.Effect === 'Deny') {
      return { verdict: 'denied', by };
    }
    if (
      s.Effect === 'Allow' &&
      actions.length === ECR_PULL_ACTIONS.length &&
      !by.conditional
    ) {
      allowed = by;
    }
  }
  return allowed ? { verdict: 'allowed', by: allowed } : { verdict: 'silent' };
}

/** A policy document without the statement with `sid` (for the fix snippet). */
export function policyWithout(policy: string, sid: string | null): string {
  try {
    const doc = JSON.parse(policy);
    const statements = (
      Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
    ).filter((s: PolicyStatement) => !(sid !== null && s?.Sid === sid));
    return JSON.stringify({ ...doc, Statement: statements }, null, 2);
  } catch {
    return policy;
  }
}
