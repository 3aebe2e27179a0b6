/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { StateStore } from '../../state/StateStore';
import { AwsServiceError } from '../errors';
import type { AwsAccount } from '../state';
import { findManagedPolicy, ManagedPolicy } from './managedPolicies';
import { evaluatePolicies, parsePolicy, PolicyDecision } from './policy';

export interface IamRoleRecord {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  Tags?: Array<{ Key: string; Value: string }>;
  /** ARNs of the attached managed policies, in attachment order. */
  AttachedPolicies?: string[];
  /** Inline policies: name → document. */
  RolePolicies?: Record<string, string>;
}

/** Managed policies per role (IAM quota, adjustable in real accounts). */
const MAX_ATTACHED_POLICIES = 10;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const POLICY_ARN = /^arn:aws:iam::(aws|\d{12}):policy\/(.+)$/;

/** IAM's slice of `aws.json`: roles by name. */
export interface IamState {
  iam: Record<string, IamRoleRecord>;
}

export interface CreateRoleInput {
  RoleName?: string;
  AssumeRolePolicyDocument?: string;
  Path?: string;
  Description?: string;
  MaxSessionDuration?: number;
  Tags?: Array<{ Key: string; Value: string }>;
}

/**
 * The IAM stand-in: roles with their attached AWS managed policies and inline policies (the EKS stand-in checks
 * Fargate pod execution roles against them; the kubelet's image pulls evaluate their policies).
 */
export class IamService {
  constructor(
    private readonly store: StateStore<IamState>,
    private readonly account: AwsAccount,
  ) {}

  createRole(input: CreateRoleInput): IamRoleRecord {
    const name = input.RoleName;
    if (!name || !/^[\w+=,.@-]{1,64}$/.test(name)) {
      throw new AwsServiceError(
        'ValidationError',
        `1 validation error detected: Value '${
          name ?? ''
        }' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and 64`,
      );
    }
    if (!input.AssumeRolePolicyDocument) {
      throw new AwsServiceError(
        'ValidationError',
        "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
      );
    }
    try {
      JSON.parse(input.AssumeRolePolicyDocument);
    } catch {
      throw new AwsServiceError(
        'MalformedPolicyDocument',
        'This policy contains invalid Json',
      );
    }
    if (this.store.state.iam[name]) {
      throw new AwsServiceError(
        'EntityAlreadyExists',
        `Role with name ${name} already exists.`,
        409,
      );
    }
    const rolePath = input.Path ?? '/';
    const role: IamRoleRecord = {
      RoleName: name,
      RoleId: `AROA${crypto
        .createHash('sha1')
        .update(name)
        .digest('hex')
        .slice(0, 17)
        .toUpperCase()}`,
      Arn: `arn:aws:iam::${this.account.accountId}:role${rolePath}${name}`,
      Path: rolePath,
      CreateDate: this.store.now().toISOString(),
      AssumeRolePolicyDocument: input.AssumeRolePolicyDocument,
      Description: input.Description,
      MaxSessionDuration: input.MaxSessionDuration ?? 3600,
      Tags: input.Tags,
    };
    this.store.state.iam[name] = role;
    this.store.changed();
    return role;
  }

  getRole(name: string | undefined): IamRoleRecord {
    const role = name ? this.store.state.iam[name] : undefined;
    if (!role) {
      throw new AwsServiceError(
        'NoSuchEntity',
        `The role with name ${name ?? ''} cannot be found.`,
        404,
      );
    }
    return role;
  }

  /** The role with this name, if any (no error). */
  findRole(name: string): IamRoleRecord | undefined {
    return this.store.state.iam[name];
  }

  /** AttachRolePolicy: AWS managed policies only; LimitExceeded past 10. */
  attachRolePolicy(
    roleName: string | undefined,
    policyArn: string | undefined,
  ) {
    const role = this.getRole(roleName);
    const policy = this.requireAttachable(policyArn);
    const attached = role.AttachedPolicies ?? [];
    if (attached.includes(policy.Arn)) return;
    if (attached.length >= MAX_ATTACHED_POLICIES) {
      throw new AwsServiceError(
        'LimitExceeded',
        `Cannot exceed quota for PoliciesPerRole: ${MAX_ATTACHED_POLICIES}`,
        409,
      );
    }
    role.AttachedPolicies = [...attached, policy.Arn];
    this.store.changed();
  }

  detachRolePolicy(
    roleName: string | undefined,
    policyArn: string | undefined,
  ) {
    const role = this.getRole(roleName);
    this.requireArn(policyArn);
    if (!(role.AttachedPolicies ?? []).includes(policyArn!)) {
      throw new AwsServiceError(
        'NoSuchEntity',
        `Policy ${policyArn} was not found.`,
        404,
      );
    }
    role.AttachedPolicies = role.AttachedPolicies!.filter(a => a !== policyArn);
    this.store.changed();
  }

  /** ListAttachedRolePolicies (optionally only policies under `pathPrefix`). */
  listAttachedRolePolicies(
    roleName: string | undefined,
    pathPrefix = '/',
  ): ManagedPolicy[] {
    return (this.getRole(roleName).AttachedPolicies ?? [])
      .map(arn => findManagedPolicy(arn)!)
      .filter(p => p && p.Path.startsWith(pathPrefix));
  }

  /** PutRolePolicy: creates or replaces an inline policy after IAM's grammar checks. */
  putRolePolicy(
    roleName: string | undefined,
    policyName: string | undefined,
    document: string | undefined,
  ) {
    const role = this.getRole(roleName);
    this.checkPolicyName(policyName);
    if (!document) {
      throw new AwsServiceError(
        'ValidationError',
        "1 validation error detected: Value null at 'policyDocument' failed to satisfy constraint: Member must not be null",
      );
    }
    const parsed = parsePolicy(document, 'identity');
    if ('error' in parsed) {
      throw new AwsServiceError('MalformedPolicyDocument', parsed.error);
    }
    role.RolePolicies = {
      ...(role.RolePolicies ?? {}),
      [policyName!]: document,
    };
    this.store.changed();
  }

  getRolePolicy(roleName: string | undefined, policyName: string | undefined) {
    const role = this.getRole(roleName);
    this.checkPolicyName(policyName);
    const document = role.RolePolicies?.[policyName!];
    if (document === undefined) {
      throw new AwsServiceError(
        'NoSuchEntity',
        `The role policy with name ${policyName} cannot be found.`,
        404,
      );
    }
    return {
      RoleName: role.RoleName,
      PolicyName: policyName!,
      PolicyDocument: document,
    };
  }

  deleteRolePolicy(
    roleName: string | undefined,
    policyName: string | undefined,
  ) {
    const role = this.getRolePolicy(roleName, policyName);
    const record = this.getRole(role.RoleName);
    const { [role.PolicyName]: _gone, ...rest } = record.RolePolicies ?? {};
    record.RolePolicies = rest;
    this.store.changed();
  }

  listRolePolicies(roleName: string | undefined): string[] {
    return Object.keys(this.getRole(roleName).RolePolicies ?? {}).sort();
  }

  /**
   * The decision of a role's identity policies (attached managed and inline) on one action and resource; undefined
   * when no statement applies (an implicit deny), also for a role that does not exist.
   */
  roleDecision(
    roleName: string,
    action: string,
    resource: string,
  ): PolicyDecision {
    const role = this.findRole(roleName);
    if (!role) return undefined;
    const documents = [
      ...(role.AttachedPolicies ?? []).map(
        arn => findManagedPolicy(arn)?.Document ?? '',
      ),
      ...Object.values(role.RolePolicies ?? {}),
    ];
    return evaluatePolicies(documents, { action, resource }, 'identity');
  }

  private checkPolicyName(name: string | undefined) {
    if (!name || !POLICY_NAME.test(name)) {
      throw new AwsServiceError(
        'ValidationError',
        `1 validation error detected: Value '${
          name ?? ''
        }' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      );
    }
  }

  private requireArn(arn: string | undefined): void {
    if (!arn || !POLICY_ARN.test(arn)) {
      throw new AwsServiceError(
        'InvalidInput',
        `ARN ${arn ?? ''} is not valid.`,
      );
    }
  }

  private requireAttachable(arn: string | undefined): ManagedPolicy {
    this.requireArn(arn);
    const policy = findManagedPolicy(arn!);
    if (!policy) {
      throw new AwsServiceError(
        'NoSuchEntity',
        `Policy ${arn} does not exist or is not attachable.`,
        404,
      );
    }
    return policy;
  }
}
