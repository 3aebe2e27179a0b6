/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_CLUSTER_NAME } from '../constants';
import { eventually, tempDataDir } from '../testing/helpers';
import { AwsWorld, selectorMatches } from './AwsWorld';
import { AwsServiceError } from './errors';

const TRUST = JSON.stringify({
  Statement: [{ Principal: { Service: 'eks-fargate-pods.amazonaws.com' } }],
});

describe('AwsWorld', () => {
  let data: ReturnType<typeof tempDataDir>;

  beforeEach(() => {
    data = tempDataDir();
  });

  afterEach(() => data.remove());

  it('should match Fargate selectors with * and ? wildcards and require every selector label', () => {
    expect(selectorMatches({ namespace: 'crawler-*' }, 'crawler-one', {})).toBe(
      true,
    );
    expect(selectorMatches({ namespace: 'crawler-?' }, 'crawler-one', {})).toBe(
      false,
    );
    expect(
      selectorMatches(
        { namespace: 'a', labels: { app: 'x', 'tier*': 'b?' } },
        'a',
        { app: 'x', tier1: 'b2' },
      ),
    ).toBe(true);
    expect(
      selectorMatches(
        { namespace: 'a', labels: { app: 'x', team: 'y' } },
        'a',
        { app: 'x' },
      ),
    ).toBe(false);
  });

  it('should pick the alphanumerically first ACTIVE profile and honour a pinned profile label', async () => {
    const world = new AwsWorld({
      dataDir: data.dir,
      delays: { fargateProfileMs: 1 },
    });
    const role = world.iam.createRole({
      RoleName: 'pods',
      AssumeRolePolicyDocument: TRUST,
    });
    for (const name of ['zeta', 'alpha']) {
      world.eks.createProfile(SANDBOX_CLUSTER_NAME, {
        fargateProfileName: name,
        podExecutionRoleArn: role.Arn,
        selectors: [{ namespace: 'ns' }],
      });
    }
    expect(
      world.eks.matchFargateProfile(SANDBOX_CLUSTER_NAME, 'ns', {}),
    ).toBeUndefined();
    await eventually(
      () =>
        world.eks
          .profiles(SANDBOX_CLUSTER_NAME)
          .every(p => p.status === 'ACTIVE'),
      'ACTIVE',
    );
    expect(
      world.eks.matchFargateProfile(SANDBOX_CLUSTER_NAME, 'ns', {})
        ?.fargateProfileName,
    ).toBe('alpha');
    expect(
      world.eks.matchFargateProfile(SANDBOX_CLUSTER_NAME, 'ns', {
        'eks.amazonaws.com/fargate-profile': 'zeta',
      })?.fargateProfileName,
    ).toBe('zeta');
    world.close();
  });

  it('should reject a pod execution role without the Fargate trust policy', () => {
    const world = new AwsWorld({ dataDir: data.dir });
    const role = world.iam.createRole({
      RoleName: 'plain',
      AssumeRolePolicyDocument: '{"Statement":[]}',
    });
    expect(() =>
      world.eks.createProfile(SANDBOX_CLUSTER_NAME, {
        fargateProfileName: 'p',
        podExecutionRoleArn: role.Arn,
        selectors: [{ namespace: 'a' }],
      }),
    ).toThrow('Misconfigured PodExecutionRole Trust Policy');
    world.close();
  });

  it('should persist its state in <dataDir>/aws.json and finish profile transitions after a restart', async () => {
    const first = new AwsWorld({
      dataDir: data.dir,
      delays: { fargateProfileMs: 60_000 },
    });
    const role = first.iam.createRole({
      RoleName: 'pods',
      AssumeRolePolicyDocument: TRUST,
    });
    first.ecr.createRepository('repo');
    first.ecr.putImage('repo', 'v1', { run: { exitCode: 3, log: ['x'] } });
    await first.codecommit.createRepository('code');
    first.eks.createProfile(SANDBOX_CLUSTER_NAME, {
      fargateProfileName: 'p',
      podExecutionRoleArn: role.Arn,
      selectors: [{ namespace: 'a' }],
    });
    first.close();
    const second = new AwsWorld({
      dataDir: data.dir,
      delays: { fargateProfileMs: 1 },
    });
    expect(
      second.ecr.findImage(`${second.ecr.repositoryUri('repo')}:v1`)?.run
        ?.exitCode,
    ).toBe(3);
    expect(second.codecommit.getRepository('code').repositoryName).toBe('code');
    expect(() =>
      second.iam.createRole({
        RoleName: 'pods',
        AssumeRolePolicyDocument: TRUST,
      }),
    ).toThrow(AwsServiceError);
    await eventually(
      () =>
        second.eks.describeProfile(SANDBOX_CLUSTER_NAME, 'p').status ===
        'ACTIVE',
      'ACTIVE after restart',
    );
    second.close();
  });
});
