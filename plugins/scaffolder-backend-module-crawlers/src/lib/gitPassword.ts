/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createHash, createHmac } from 'node:crypto';

/**
 * AWS credentials a SigV4 git password is derived from.
 *
 * @public
 */
export type GitSigningCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
};

/**
 * HTTPS git credentials for CodeCommit, derived from AWS credentials as git-remote-codecommit does
 * (domain-facts §7.5).
 *
 * @public
 */
export type CodeCommitGitCredentials = {
  /** `AccessKeyId`, or `AccessKeyId%SessionToken` for temporary credentials (as git sends it, not URL-quoted). */
  username: string;
  /** `<YYYYMMDDTHHMMSS>Z<signature>`; valid for about 15 minutes after its timestamp. */
  password: string;
};

const hmac = (key: Buffer | string, data: string) =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * The CodeCommit git password git-remote-codecommit derives from AWS credentials: SigV4 (service `codecommit`)
 * over the canonical request `GIT\n/v1/repos/<repo>\n\nhost:<host>\n\nhost\n`, signed with botocore's timestamp
 * `YYYYMMDDTHHMMSS` (no `Z` in the string to sign); the password is that timestamp, `Z`, and the hex signature.
 *
 * @public
 */
export function codeCommitGitCredentials(options: {
  credentials: GitSigningCredentials;
  region: string;
  /** The git endpoint's host as the client sends it: `git-codecommit.<region>.amazonaws.com`, or `host:port`. */
  host: string;
  repositoryName: string;
  /** The signing time; the password is valid for about 15 minutes after it. */
  date: Date;
}): CodeCommitGitCredentials {
  const { credentials, region, host, repositoryName, date } = options;
  const timestamp = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  const day = timestamp.slice(0, 8);
  const scope = `${day}/${region}/codecommit/aws4_request`;
  const canonicalRequest = `GIT\n/v1/repos/${repositoryName}\n\nhost:${host}\n\nhost\n`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    timestamp,
    scope,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const signingKey = hmac(
    hmac(
      hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region),
      'codecommit',
    ),
    'aws4_request',
  );
  const signature = createHmac('sha256', signingKey)
    .update(stringToSign, 'utf8')
    .digest('hex');
  return {
    username: credentials.sessionToken
      ? `${credentials.accessKeyId}%${credentials.sessionToken}`
      : credentials.accessKeyId,
    password: `${timestamp}Z${signature}`,
  };
}

/**
 * The default CodeCommit git endpoint of a region (`git-codecommit.<region>.amazonaws.com`, `.amazonaws.com.cn` in
 * the China regions), as git-remote-codecommit builds it.
 *
 * @public
 */
export function codeCommitGitBaseUrl(region: string): string {
  const domain = region.startsWith('cn-')
    ? 'amazonaws.com.cn'
    : 'amazonaws.com';
  return `https://git-codecommit.${region}.${domain}`;
}
