/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { StateStore } from '../../state/StateStore';
import { AwsServiceError } from '../errors';
import type { AwsAccount } from '../state';

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
}

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

/** The IAM stand-in: roles only (the EKS stand-in checks Fargate pod execution roles against them). */
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
}
