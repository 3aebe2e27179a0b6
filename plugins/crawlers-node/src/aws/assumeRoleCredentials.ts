/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from '@aws-sdk/types';

/** Assumed-role credentials are renewed this long before they expire. */
const ASSUMED_MARGIN_MS = 5 * 60 * 1000;

/**
 * Credentials of an assumed role: STS AssumeRole (with the external id when given) on top of a base identity,
 * reused until five minutes before they expire; concurrent callers share one STS call.
 *
 * @public
 */
export function createAssumeRoleCredentialProvider(options: {
  /** The identity that assumes the role (the `aws` integration's credentials of the account). */
  base: AwsCredentialIdentityProvider;
  roleArn: string;
  externalId?: string;
  region: string;
  /** STS endpoint override (the sandbox's AWS endpoint). */
  endpoint?: string;
  /** Shows in CloudTrail as the session name. */
  sessionName: string;
  now?: () => number;
}): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;

  async function assume(): Promise<AwsCredentialIdentity> {
    const sts = new STSClient({
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.base,
      maxAttempts: 2,
    });
    try {
      const { Credentials: c } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          ExternalId: options.externalId,
          RoleSessionName: options.sessionName,
        }),
      );
      if (!c?.AccessKeyId || !c.SecretAccessKey) {
        throw new Error(
          `STS AssumeRole of ${options.roleArn} returned no credentials`,
        );
      }
      current = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
      return current;
    } finally {
      sts.destroy();
    }
  }

  return async () => {
    const expiration = current?.expiration?.getTime();
    if (
      current &&
      (expiration === undefined || now() < expiration - ASSUMED_MARGIN_MS)
    ) {
      return current;
    }
    if (!pending) {
      pending = assume().finally(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}
