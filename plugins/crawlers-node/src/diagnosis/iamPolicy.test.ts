/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { ROLE_ARN, rolePolicies } from './__testUtils__/fixtures';
import {
  parsePolicy,
  policyWithout,
  repositoryEcrVerdict,
  roleEcrVerdict,
} from './iamPolicy';

const REPO = 'arn:aws:ecr:eu-west-1:123456789012:repository/shop-crawler';

describe('IAM policy reading', () => {
  it('should accept the Fargate policy, inline Allows and see inline Denies', () => {
    expect(roleEcrVerdict(rolePolicies(), REPO)).toEqual({
      verdict: 'allowed',
      by: 'managed policy AmazonEKSFargatePodExecutionRolePolicy',
    });
    expect(
      roleEcrVerdict(
        rolePolicies({
          attached: [],
          inline: [
            {
              name: 'pull',
              // IAM returns inline documents URL-encoded
              document: encodeURIComponent(
                JSON.stringify({
                  Statement: [
                    {
                      Effect: 'Allow',
                      Action: ['ecr:BatchGet*', 'ecr:GetDownloadUrlForLayer'],
                      Resource:
                        'arn:aws:ecr:eu-west-1:123456789012:repository/*',
                    },
                  ],
                }),
              ),
            },
          ],
        }),
        REPO,
      ).verdict,
    ).toBe('allowed');
    expect(roleEcrVerdict(rolePolicies({ attached: [] }), REPO).verdict).toBe(
      'missing',
    );
    expect(
      roleEcrVerdict(
        rolePolicies({
          attached: [
            { arn: 'arn:aws:iam::123456789012:policy/pull', name: 'pull' },
          ],
        }),
        REPO,
      ),
    ).toEqual({ verdict: 'unknown', customerPolicies: ['pull'] });
  });

  it('should find a Deny of the role, of everyone, and ignore other principals', () => {
    const deny = (principal: unknown) =>
      JSON.stringify({
        Statement: [
          {
            Sid: 'D',
            Effect: 'Deny',
            Principal: principal,
            Action: 'ecr:BatchGetImage',
          },
        ],
      });
    expect(
      repositoryEcrVerdict(deny({ AWS: ROLE_ARN }), ROLE_ARN, REPO).verdict,
    ).toBe('denied');
    expect(repositoryEcrVerdict(deny('*'), ROLE_ARN, REPO).verdict).toBe(
      'denied',
    );
    expect(
      repositoryEcrVerdict(
        deny({ AWS: 'arn:aws:iam::999999999999:role/other' }),
        ROLE_ARN,
        REPO,
      ).verdict,
    ).toBe('silent');
    expect(repositoryEcrVerdict(null, ROLE_ARN, REPO).verdict).toBe('silent');
  });

  it('should write the policy back without one statement', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Keep', Effect: 'Allow', Principal: '*', Action: 'ecr:*' },
        { Sid: 'Drop', Effect: 'Deny', Principal: '*', Action: 'ecr:*' },
      ],
    });
    expect(parsePolicy(policyWithout(policy, 'Drop'))).toEqual([
      { Sid: 'Keep', Effect: 'Allow', Principal: '*', Action: 'ecr:*' },
    ]);
  });
});
