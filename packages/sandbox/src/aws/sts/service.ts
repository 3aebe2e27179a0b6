/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_IAM_USER_ARN,
  SANDBOX_IAM_USER_ID,
} from '../../constants';
import type { StateStore } from '../../state/StateStore';
import { AwsServiceError } from '../errors';
import type { IamService } from '../iam/service';
import { evaluatePolicies } from '../iam/policy';
import type { AwsAccount } from '../state';

/** Who signed a request: the sandbox's IAM user or an assumed-role session. */
export interface CallerIdentity {
  arn: string;
  userId: string;
  account: string;
  /** How a resource or trust policy's `Principal` may name the caller (see PolicyRequest.principals). */
  principals: string[];
  /** The role of an assumed-role session. */
  roleName?: string;
}

/** Temporary credentials issued by AssumeRole. */
export interface StsSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Wall-clock expiry (signatures are checked against the wall clock). */
  expiration: string;
  roleArn: string;
  roleName: string;
  sessionName: string;
  assumedRoleId: string;
}

/** STS's slice of `aws.json`: the sessions by access key id (absent in older data folders). */
export interface StsState {
  sts?: { sessions: Record<string, StsSession> };
}

/** AssumeRole's input. */
export interface AssumeRoleInput {
  RoleArn?: string;
  RoleSessionName?: string;
  DurationSeconds?: number;
  ExternalId?: string;
}

const SESSION_NAME = /^[\w+=,.@-]*$/;
const ROLE_ARN =
  /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

function randomKey(alphabet: string, length: number): string {
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, b => alphabet[b % alphabet.length]).join('');
}

function validation(message: string) {
  return new AwsServiceError('ValidationError', message);
}

/**
 * The STS stand-in: the caller identities behind signatures and AssumeRole, which checks the role's trust policy
 * against the caller and issues temporary credentials the AWS endpoint then accepts (with their session token,
 * until they expire). Requests made with them are not authorised against the role's policies.
 */
export class StsService {
  constructor(
    private readonly store: StateStore<StsState>,
    private readonly account: AwsAccount,
    private readonly iam: IamService,
  ) {}

  private get sessions(): Record<string, StsSession> {
    if (!this.store.state.sts) this.store.state.sts = { sessions: {} };
    return this.store.state.sts.sessions;
  }

  /** The IAM user of the sandbox's dummy credentials. */
  userIdentity(): CallerIdentity {
    const id = this.account.accountId;
    return {
      arn: SANDBOX_IAM_USER_ARN,
      userId: SANDBOX_IAM_USER_ID,
      account: id,
      principals: [`AWS:${SANDBOX_IAM_USER_ARN}`, `AWS:${id}`],
    };
  }

  /** The session of temporary credentials, if they were issued (expired ones included). */
  session(accessKeyId: string): StsSession | undefined {
    return accessKeyId === SANDBOX_ACCESS_KEY_ID
      ? undefined
      : this.sessions[accessKeyId];
  }

  identityOf(s: StsSession): CallerIdentity {
    const id = this.account.accountId;
    const arn = `arn:aws:sts::${id}:assumed-role/${s.roleName}/${s.sessionName}`;
    return {
      arn,
      userId: s.assumedRoleId,
      account: id,
      principals: [`AWS:${arn}`, `AWS:${s.roleArn}`, `AWS:${id}`],
      roleName: s.roleName,
    };
  }

  /** AssumeRole: the role must exist and trust the caller (else AccessDenied, as STS answers for both). */
  assumeRole(caller: CallerIdentity, input: AssumeRoleInput) {
    const sessionName = input.RoleSessionName;
    if (!input.RoleArn) {
      throw validation(
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
      );
    }
    if (!sessionName || sessionName.length < 2 || sessionName.length > 64) {
      throw validation(
        `1 validation error detected: Value '${
          sessionName ?? ''
        }' at 'roleSessionName' failed to satisfy constraint: Member must have length ${
          (sessionName ?? '').length < 2
            ? 'greater than or equal to 2'
            : 'less than or equal to 64'
        }`,
      );
    }
    if (!SESSION_NAME.test(sessionName)) {
      throw validation(
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const m = ROLE_ARN.exec(input.RoleArn);
    const role =
      m && m[1] === this.account.accountId
        ? this.iam.findRole(m[2])
        : undefined;
    if (
      !role ||
      role.Arn !== input.RoleArn ||
      !this.trusts(role.AssumeRolePolicyDocument, caller, input)
    ) {
      throw new AwsServiceError(
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        403,
      );
    }
    const duration = this.duration(
      input.DurationSeconds,
      role.MaxSessionDuration,
      caller,
    );
    const session: StsSession = {
      accessKeyId: `ASIA${randomKey('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
      secretAccessKey: crypto.randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${crypto.randomBytes(96).toString('base64')}`,
      expiration: new Date(Date.now() + duration * 1000).toISOString(),
      roleArn: role.Arn,
      roleName: role.RoleName,
      sessionName,
      assumedRoleId: `${role.RoleId}:${sessionName}`,
    };
    this.prune();
    this.sessions[session.accessKeyId] = session;
    this.store.changed();
    return { session, identity: this.identityOf(session) };
  }

  /**
   * The trust policy must allow sts:AssumeRole for the caller. A policy that trusts only the caller's account also
   * needs the caller's own permission: the sandbox's IAM user has it; a role session needs its role's policies.
   */
  private trusts(
    trustPolicy: string,
    caller: CallerIdentity,
    input: AssumeRoleInput,
  ): boolean {
    const request = (principals: string[]) => ({
      action: 'sts:AssumeRole',
      resource: input.RoleArn!,
      principals,
      context: {
        'sts:ExternalId': input.ExternalId,
        'aws:PrincipalArn': caller.arn,
      },
    });
    if (
      evaluatePolicies(
        [trustPolicy],
        request(caller.principals),
        'resource',
      ) !== 'Allow'
    ) {
      return false;
    }
    if (!caller.roleName) return true;
    const named = caller.principals.filter(p => p !== `AWS:${caller.account}`);
    return (
      evaluatePolicies([trustPolicy], request(named), 'resource') === 'Allow' ||
      this.iam.roleDecision(
        caller.roleName,
        'sts:AssumeRole',
        input.RoleArn!,
      ) === 'Allow'
    );
  }

  private duration(
    requested: number | undefined,
    max: number,
    caller: CallerIdentity,
  ): number {
    const seconds = requested ?? 3600;
    if (seconds < 900) {
      throw validation(
        `1 validation error detected: Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
      );
    }
    if (caller.roleName && seconds > 3600) {
      throw validation(
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    if (seconds > max) {
      throw validation(
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    return seconds;
  }

  /** Forgets sessions expired more than a day ago. */
  private prune() {
    const cutoff = Date.now() - 86_400_000;
    for (const [key, s] of Object.entries(this.sessions)) {
      if (Date.parse(s.expiration) < cutoff) delete this.sessions[key];
    }
  }
}
