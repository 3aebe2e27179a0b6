/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { verifyEksToken } from '@crawler-platform/sandbox';
import { createEksToken, EKS_TOKEN_LIFETIME_MS } from './eksToken';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const signingDate = new Date('2026-12-01T10:00:00Z');

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const encoded = token.slice('k8s-aws-v1.'.length);
  expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // base64url without padding
  return new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
}

describe('createEksToken', () => {
  it('should presign STS GetCallerIdentity in the cluster region with the x-k8s-aws-id header signed', async () => {
    const { token, expiresAt } = await createEksToken({
      clusterId: 'crawlers-prod',
      region: 'eu-west-1',
      credentials,
      signingDate,
    });
    const url = decode(token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe(
      'AKIDEXAMPLE/20261201/eu-west-1/sts/aws4_request',
    );
    expect(q.get('X-Amz-Date')).toBe('20261201T100000Z');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(expiresAt.getTime() - signingDate.getTime()).toBe(
      EKS_TOKEN_LIFETIME_MS,
    );
    expect(EKS_TOKEN_LIFETIME_MS).toBe(14 * 60 * 1000);
  });

  it('should carry a signature a verifier with the same secret accepts, and no other', async () => {
    const { token } = await createEksToken({
      clusterId: 'crawlers-prod',
      region: 'eu-west-1',
      credentials,
      signingDate,
    });
    const verify = (clusterName: string, secretAccessKey: string) =>
      verifyEksToken({
        token,
        clusterName,
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey },
        now: new Date(signingDate.getTime() + 60_000),
      });
    expect(verify('crawlers-prod', credentials.secretAccessKey)).toMatchObject({
      ok: true,
      accessKeyId: 'AKIDEXAMPLE',
    });
    expect(verify('other-cluster', credentials.secretAccessKey).ok).toBe(false);
    expect(verify('crawlers-prod', 'not-the-secret').ok).toBe(false);
  });

  it('should sign the session token of temporary credentials into the URL', async () => {
    const { token } = await createEksToken({
      clusterId: 'c',
      region: 'us-east-1',
      credentials: { ...credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE' },
      signingDate,
    });
    expect(decode(token).searchParams.get('X-Amz-Security-Token')).toBe(
      'FwoGZXIvYXdzEXAMPLE',
    );
  });
});
