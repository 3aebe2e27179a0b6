/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import crypto from 'node:crypto';
import { codeCommitGitPassword } from '@crawler-platform/sandbox';
import { codeCommitGitBaseUrl, codeCommitGitCredentials } from './gitPassword';

/**
 * The expected password, computed here step by step from the SigV4 definition (independently of the code under
 * test): kSigning = HMAC chain over "AWS4"+secret, date, region, service, "aws4_request"; string to sign =
 * algorithm, botocore timestamp (no "Z"), scope, hex SHA-256 of the canonical request.
 */
function expectedPassword(
  secret: string,
  amzDate: string,
  region: string,
  host: string,
  repo: string,
) {
  const mac = (key: crypto.BinaryLike, msg: string) =>
    crypto.createHmac('sha256', key).update(msg).digest();
  const date = amzDate.slice(0, 8);
  const canonical = [
    'GIT',
    `/v1/repos/${repo}`,
    '',
    `host:${host}`,
    '',
    'host',
    '',
  ].join('\n');
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    `${date}/${region}/codecommit/aws4_request`,
    crypto.createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key = mac(`AWS4${secret}`, date);
  key = mac(key, region);
  key = mac(key, 'codecommit');
  key = mac(key, 'aws4_request');
  return `${amzDate}Z${crypto
    .createHmac('sha256', key)
    .update(toSign)
    .digest('hex')}`;
}

describe('codeCommitGitCredentials', () => {
  const credentials = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  const date = new Date('2026-03-04T05:06:07.890Z');
  const host = 'git-codecommit.eu-west-1.amazonaws.com';

  it('should sign the git request of git-remote-codecommit with fixed credentials and time', () => {
    const result = codeCommitGitCredentials({
      credentials,
      region: 'eu-west-1',
      host,
      repositoryName: 'news-crawler',
      date,
    });
    expect(result.username).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(result.password).toBe(
      expectedPassword(
        credentials.secretAccessKey,
        '20260304T050607',
        'eu-west-1',
        host,
        'news-crawler',
      ),
    );
    expect(result.password).toMatch(/^20260304T050607Z[0-9a-f]{64}$/);
  });

  it('should produce the password the sandbox git server accepts', () => {
    const result = codeCommitGitCredentials({
      credentials,
      region: 'eu-west-1',
      host: '127.0.0.1:7110',
      repositoryName: 'airflow-dags',
      date,
    });
    expect(result.password).toBe(
      codeCommitGitPassword({
        secretAccessKey: credentials.secretAccessKey,
        region: 'eu-west-1',
        host: '127.0.0.1:7110',
        repository: 'airflow-dags',
        date,
      }),
    );
  });

  it('should put the session token of temporary credentials after the key id', () => {
    const result = codeCommitGitCredentials({
      credentials: {
        ...credentials,
        sessionToken: 'FwoGZXIvYXdzE/token+with=chars',
      },
      region: 'eu-west-1',
      host,
      repositoryName: 'news-crawler',
      date,
    });
    expect(result.username).toBe(
      'AKIAIOSFODNN7EXAMPLE%FwoGZXIvYXdzE/token+with=chars',
    );
  });

  it('should bind the signature to the repository, host and region', () => {
    const sign = (repositoryName: string, h: string, region: string) =>
      codeCommitGitCredentials({
        credentials,
        region,
        host: h,
        repositoryName,
        date,
      }).password;
    const base = sign('news-crawler', host, 'eu-west-1');
    expect(sign('price-crawler', host, 'eu-west-1')).not.toBe(base);
    expect(
      sign(
        'news-crawler',
        'git-codecommit.us-east-1.amazonaws.com',
        'eu-west-1',
      ),
    ).not.toBe(base);
    expect(sign('news-crawler', host, 'us-east-1')).not.toBe(base);
  });

  it('should use the China domain for cn- regions', () => {
    expect(codeCommitGitBaseUrl('eu-west-1')).toBe(
      'https://git-codecommit.eu-west-1.amazonaws.com',
    );
    expect(codeCommitGitBaseUrl('cn-north-1')).toBe(
      'https://git-codecommit.cn-north-1.amazonaws.com.cn',
    );
  });
});
