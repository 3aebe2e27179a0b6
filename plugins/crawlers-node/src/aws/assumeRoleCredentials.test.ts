/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createAssumeRoleCredentialProvider } from './assumeRoleCredentials';

const sts = mockClient(STSClient);
const T0 = Date.parse('2026-12-01T10:00:00Z');

function assumedUntil(expiration: string, key = 'ASIAONE') {
  return {
    Credentials: {
      AccessKeyId: key,
      SecretAccessKey: 'assumed-secret',
      SessionToken: 'assumed-session',
      Expiration: new Date(expiration),
    },
  };
}

describe('createAssumeRoleCredentialProvider', () => {
  beforeEach(() => sts.reset());

  function provider(now: () => number) {
    return createAssumeRoleCredentialProvider({
      base: async () => ({ accessKeyId: 'AKIDBASE', secretAccessKey: 'x' }),
      roleArn: 'arn:aws:iam::123456789012:role/crawlers',
      externalId: 'ext-1',
      region: 'eu-west-1',
      sessionName: 'backstage-test',
      now,
    });
  }

  it('should share one AssumeRole call between concurrent callers and pass the external id and session name', async () => {
    sts.on(AssumeRoleCommand).resolves(assumedUntil('2026-12-01T11:00:00Z'));
    const get = provider(() => T0);
    const [a, b] = await Promise.all([get(), get()]);
    expect(a.accessKeyId).toBe('ASIAONE');
    expect(b).toBe(a);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::123456789012:role/crawlers',
      ExternalId: 'ext-1',
      RoleSessionName: 'backstage-test',
    });
  });

  it('should reuse the credentials until five minutes before they expire, then assume the role again', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(assumedUntil('2026-12-01T11:00:00Z', 'ASIAONE'))
      .resolvesOnce(assumedUntil('2026-12-01T12:00:00Z', 'ASIATWO'));
    let now = T0;
    const get = provider(() => now);
    expect((await get()).accessKeyId).toBe('ASIAONE');
    now = Date.parse('2026-12-01T10:54:59Z');
    expect((await get()).accessKeyId).toBe('ASIAONE');
    now = Date.parse('2026-12-01T10:55:01Z');
    expect((await get()).accessKeyId).toBe('ASIATWO');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('should fail naming the role when STS returns no credentials, and try again on the next call', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce({})
      .resolvesOnce(assumedUntil('2026-12-01T11:00:00Z'));
    const get = provider(() => T0);
    await expect(get()).rejects.toThrow(
      'STS AssumeRole of arn:aws:iam::123456789012:role/crawlers returned no credentials',
    );
    expect((await get()).accessKeyId).toBe('ASIAONE');
  });
});
