/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  parseAmzDate,
  sameSignature,
  sigV4Signature,
  SigV4Credentials,
} from '../util/sigv4';

/** Result of checking CodeCommit HTTPS git credentials. */
export type GitAuthResult =
  | { ok: true; user: string; method: 'static' | 'sigv4' }
  | { ok: false; status: 401 | 403; reason: string };

/**
 * The git password git-remote-codecommit derives from AWS credentials (domain-facts §7.5):
 * `<YYYYMMDDTHHMMSS>Z<SigV4 signature>` over `GIT\n/v1/repos/<repo>\n\nhost:<host>\n\nhost\n`, service `codecommit`.
 */
export function codeCommitGitPassword(options: {
  secretAccessKey: string;
  region: string;
  host: string;
  repository: string;
  date: Date;
}): string {
  // git-remote-codecommit signs botocore's request.context['timestamp'] (strftime('%Y%m%dT%H%M%S'), no 'Z') and
  // appends the 'Z' only in the password.
  const timestamp = options.date
    .toISOString()
    .replace(/[-:]/g, '')
    .slice(0, 15);
  const canonicalRequest = `GIT\n/v1/repos/${options.repository}\n\nhost:${options.host}\n\nhost\n`;
  const signature = sigV4Signature({
    secretAccessKey: options.secretAccessKey,
    longDate: timestamp,
    region: options.region,
    service: 'codecommit',
    canonicalRequest,
  });
  return `${timestamp}Z${signature}`;
}

/** The username git-remote-codecommit puts in the URL (git sends it URL-decoded). */
export function codeCommitGitUsername(
  accessKeyId: string,
  sessionToken?: string,
): string {
  return sessionToken ? `${accessKeyId}%${sessionToken}` : accessKeyId;
}

/** Checks the Basic credentials of a git request against the static HTTPS git credentials or a SigV4 git password. */
export function checkGitCredentials(options: {
  authorization: string | undefined;
  repository: string;
  host: string;
  region: string;
  now: Date;
  staticCredentials: { username: string; password: string };
  aws: SigV4Credentials;
  maxSkewMs?: number;
}): GitAuthResult {
  const header = options.authorization;
  if (!header || !/^Basic\s+/i.test(header)) {
    return { ok: false, status: 401, reason: 'credentials required' };
  }
  const decoded = Buffer.from(
    header.replace(/^Basic\s+/i, ''),
    'base64',
  ).toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return { ok: false, status: 401, reason: 'malformed Basic credentials' };
  }
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (username === options.staticCredentials.username) {
    return sameSignature(password, options.staticCredentials.password)
      ? { ok: true, user: username, method: 'static' }
      : {
          ok: false,
          status: 403,
          reason: 'wrong password for the HTTPS git credentials',
        };
  }
  const m = /^(\d{8}T\d{6})Z([0-9a-f]{64})$/.exec(password);
  const accessKeyId = username.split('%')[0];
  if (!m) {
    return {
      ok: false,
      status: 403,
      reason: 'unknown user or malformed password',
    };
  }
  if (accessKeyId !== options.aws.accessKeyId) {
    return { ok: false, status: 403, reason: 'unknown access key id' };
  }
  const date = parseAmzDate(`${m[1]}Z`)!;
  if (
    !date ||
    Math.abs(options.now.getTime() - date.getTime()) >
      (options.maxSkewMs ?? 15 * 60 * 1000)
  ) {
    return { ok: false, status: 403, reason: 'SigV4 git password expired' };
  }
  const hosts = new Set([options.host, options.host.replace(/:\d+$/, '')]);
  for (const host of hosts) {
    const expected = codeCommitGitPassword({
      secretAccessKey: options.aws.secretAccessKey,
      region: options.region,
      host,
      repository: options.repository,
      date,
    });
    if (sameSignature(expected, password)) {
      return { ok: true, user: accessKeyId, method: 'sigv4' };
    }
  }
  return {
    ok: false,
    status: 403,
    reason: 'SigV4 git password signature does not match',
  };
}
