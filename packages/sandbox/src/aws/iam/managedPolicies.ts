/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** An AWS managed policy the IAM stand-in knows (customer managed policies are not modelled). */
export interface ManagedPolicy {
  PolicyName: string;
  Arn: string;
  Path: string;
  /** The policy document (default version). */
  Document: string;
}

function managed(
  name: string,
  statements: Array<Record<string, unknown>>,
  path = '/',
): ManagedPolicy {
  return {
    PolicyName: name,
    Arn: `arn:aws:iam::aws:policy${path}${name}`,
    Path: path,
    Document: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  };
}

/**
 * The AWS managed policies that matter to the crawler world, with their documents as AWS publishes them (trimmed to
 * the statements that concern ECR, EKS and STS for the larger ones).
 */
export const MANAGED_POLICIES: ManagedPolicy[] = [
  managed('AmazonEKSFargatePodExecutionRolePolicy', [
    {
      Effect: 'Allow',
      Action: [
        'ecr:GetAuthorizationToken',
        'ecr:BatchCheckLayerAvailability',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchGetImage',
      ],
      Resource: '*',
    },
  ]),
  managed('AmazonEC2ContainerRegistryReadOnly', [
    {
      Effect: 'Allow',
      Action: [
        'ecr:GetAuthorizationToken',
        'ecr:BatchCheckLayerAvailability',
        'ecr:GetDownloadUrlForLayer',
        'ecr:GetRepositoryPolicy',
        'ecr:DescribeRepositories',
        'ecr:ListImages',
        'ecr:DescribeImages',
        'ecr:BatchGetImage',
        'ecr:GetLifecyclePolicy',
        'ecr:GetLifecyclePolicyPreview',
        'ecr:ListTagsForResource',
        'ecr:DescribeImageScanFindings',
      ],
      Resource: '*',
    },
  ]),
  managed('AmazonEC2ContainerRegistryPullOnly', [
    {
      Effect: 'Allow',
      Action: [
        'ecr:GetAuthorizationToken',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchImportUpstreamImage',
      ],
      Resource: '*',
    },
  ]),
  managed('AmazonEKSClusterPolicy', [
    {
      Effect: 'Allow',
      Action: [
        'autoscaling:DescribeAutoScalingGroups',
        'ec2:DescribeInstances',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcs',
        'elasticloadbalancing:DescribeLoadBalancers',
        'kms:DescribeKey',
      ],
      Resource: '*',
    },
  ]),
  managed('AdministratorAccess', [
    { Effect: 'Allow', Action: '*', Resource: '*' },
  ]),
  managed('ReadOnlyAccess', [
    {
      Effect: 'Allow',
      Action: [
        'ec2:Describe*',
        'ecr:Describe*',
        'ecr:Get*',
        'ecr:List*',
        'ecr:BatchGetImage',
        'eks:Describe*',
        'eks:List*',
        'iam:Get*',
        'iam:List*',
      ],
      Resource: '*',
    },
  ]),
];

/** The managed policy with this ARN, if the stand-in knows it. */
export function findManagedPolicy(arn: string): ManagedPolicy | undefined {
  return MANAGED_POLICIES.find(p => p.Arn === arn);
}
