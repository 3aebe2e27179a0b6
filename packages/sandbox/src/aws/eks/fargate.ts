/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import type { IamRoleRecord } from '../iam/service';
import type { ClusterRecord } from './cluster';

export interface FargateSelector {
  namespace?: string;
  labels?: Record<string, string>;
}

export interface FargateProfileRecord {
  fargateProfileName: string;
  clusterName: string;
  createdAt: string;
  podExecutionRoleArn: string;
  subnets: string[];
  selectors: FargateSelector[];
  status:
    | 'CREATING'
    | 'ACTIVE'
    | 'DELETING'
    | 'CREATE_FAILED'
    | 'DELETE_FAILED';
  tags: Record<string, string>;
}

/** Emitted as 'fargateProfile' when a profile becomes ACTIVE or is gone. */
export type FargateProfileEvent = {
  clusterName: string;
  profile: FargateProfileRecord;
  change: 'ACTIVE' | 'DELETED';
};

/** CreateFargateProfile's input. */
export interface CreateFargateProfileInput {
  fargateProfileName?: string;
  podExecutionRoleArn?: string;
  subnets?: string[];
  selectors?: FargateSelector[];
  tags?: Record<string, string>;
}

const WILDCARD_REGEX: Record<string, string> = { '*': '.*', '?': '.' };

function wildcard(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map(c => WILDCARD_REGEX[c] ?? c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
      .join('')}$`,
  );
  return re.test(value);
}

/** Does a Fargate selector match a pod's namespace and labels (domain-facts §5.1)? */
export function selectorMatches(
  selector: FargateSelector,
  namespace: string,
  labels: Record<string, string>,
): boolean {
  if (!selector.namespace || !wildcard(selector.namespace, namespace)) {
    return false;
  }
  return Object.entries(selector.labels ?? {}).every(([k, v]) =>
    Object.entries(labels).some(
      ([lk, lv]) => wildcard(k, lk) && wildcard(v, lv),
    ),
  );
}

/**
 * CreateFargateProfile's parameter checks (all InvalidParameterException): name (not starting with the reserved
 * `eks-`), a pod execution role that exists
 * and trusts `eks-fargate-pods.amazonaws.com`, 1..5 selectors with a namespace and ≤ 5 labels each, private subnets
 * of the cluster's VPC (default: all of them). Conflicts with existing profiles are the caller's to check.
 */
export function validateProfileInput(
  cluster: string,
  c: ClusterRecord,
  input: CreateFargateProfileInput,
  findRole: (name: string) => IamRoleRecord | undefined,
): { name: string; podExecutionRoleArn: string; subnets: string[] } {
  const invalid = (message: string) =>
    new AwsServiceError('InvalidParameterException', message, 400, {
      clusterName: cluster,
      fargateProfileName: input.fargateProfileName,
    });
  const name = input.fargateProfileName;
  if (!name) throw invalid('fargateProfileName is required.');
  if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(name)) {
    throw invalid(
      `The Fargate profile name ${name} is not valid: it must start with a letter or digit and contain only letters, digits, hyphens and underscores (at most 100 characters).`,
    );
  }
  if (name.startsWith('eks-')) {
    throw invalid(
      "The fargate profile name starts with the reserved prefix: 'eks-'.",
    );
  }
  if (!input.podExecutionRoleArn)
    throw invalid('podExecutionRoleArn is required.');
  const roleName =
    /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(
      input.podExecutionRoleArn,
    );
  const role = roleName ? findRole(roleName[2]) : undefined;
  if (!roleName || !role) {
    throw invalid(
      `The pod execution role ${input.podExecutionRoleArn} does not exist.`,
    );
  }
  if (
    !role.AssumeRolePolicyDocument.includes('eks-fargate-pods.amazonaws.com')
  ) {
    throw invalid(
      'Misconfigured PodExecutionRole Trust Policy; Please add the eks-fargate-pods.amazonaws.com Service Principal',
    );
  }
  const selectors = input.selectors ?? [];
  if (selectors.length === 0)
    throw invalid('At least one selector is required in a Fargate profile.');
  if (selectors.length > 5)
    throw invalid(
      `Fargate profile can have at most 5 selectors, got ${selectors.length}.`,
    );
  selectors.forEach((s, i) => {
    if (!s.namespace)
      throw invalid(
        `selectors[${i}].namespace is required: every Fargate profile selector needs a namespace.`,
      );
    const labelCount = Object.keys(s.labels ?? {}).length;
    if (labelCount > 5)
      throw invalid(
        `selectors[${i}] can have at most 5 labels, got ${labelCount}.`,
      );
  });
  const subnets = input.subnets?.length
    ? input.subnets
    : c.subnets.filter(s => s.private).map(s => s.subnetId);
  for (const id of subnets) {
    const subnet = c.subnets.find(s => s.subnetId === id);
    if (!subnet)
      throw invalid(
        `Subnet ${id} does not exist in the VPC ${c.vpcId} of cluster ${cluster}.`,
      );
    if (!subnet.private)
      throw invalid(
        `Subnet ${id} provided in Fargate Profile is not a private subnet.`,
      );
  }
  return { name, podExecutionRoleArn: input.podExecutionRoleArn, subnets };
}
