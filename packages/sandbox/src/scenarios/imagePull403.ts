/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  DeleteRepositoryPolicyCommand,
  GetRepositoryPolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { DescribeFargateProfileCommand } from '@aws-sdk/client-eks';
import { SANDBOX_ACCOUNT_ID, SANDBOX_CLUSTER_NAME } from '../constants';
import { FARGATE_POD_EXECUTION_ROLE } from '../seed/aws';
import { ScenarioContext, ScenarioCrawler } from './context';
import { deleteImagePullPods } from './kube';
import { Scenario } from './types';

/** The Sid of the statement the break adds (heal removes exactly the statements with this Sid). */
export const IMAGE_PULL_DENY_SID = 'SandboxBreakImagePull403';

type PolicyDocument = { Version?: string; Statement: Array<any> };

/** The crawler's Fargate profile's pod execution role (the identity Fargate pulls ECR images with). */
async function podExecutionRoleArn(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
): Promise<string> {
  try {
    const out = await ctx.clients.eks.send(
      new DescribeFargateProfileCommand({
        clusterName: SANDBOX_CLUSTER_NAME,
        fargateProfileName: crawler.name,
      }),
    );
    return out.fargateProfile!.podExecutionRoleArn!;
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    // No profile right now (no-fargate-profile is on): the seeded profile's role.
    return `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${FARGATE_POD_EXECUTION_ROLE}`;
  }
}

/** The repository policy (ECR GetRepositoryPolicy), or undefined when the repository has none. */
async function repositoryPolicy(
  ctx: ScenarioContext,
  repositoryName: string,
): Promise<PolicyDocument | undefined> {
  try {
    const out = await ctx.clients.ecr.send(
      new GetRepositoryPolicyCommand({ repositoryName }),
    );
    const doc = JSON.parse(out.policyText ?? '{}');
    const statements = doc.Statement;
    return {
      ...doc,
      Statement: Array.isArray(statements) ? statements : [statements],
    };
  } catch (e) {
    if ((e as Error).name === 'RepositoryPolicyNotFoundException')
      return undefined;
    throw e;
  }
}

/**
 * §9 row 1, the ECR 403: a Deny of the image pull in the crawler's own ECR repository policy for the pod execution
 * role (the crawler's scope; detaching AmazonEKSFargatePodExecutionRolePolicy from the shared role would break every
 * crawler). A triggered run's pod waits in ErrImagePull → ImagePullBackOff with the 403 in the kubelet's events.
 */
export const imagePull403: Scenario = {
  id: 'image-pull-403',
  summary:
    "ECR repository policy of the crawler's image denies the pull to the pod execution role → ErrImagePull 403",
  scope:
    "the crawler's own ECR repository: only the crawler's pods (and any other DAG using that image)",
  async break(ctx, crawler) {
    const roleArn = await podExecutionRoleArn(ctx, crawler);
    const policy = await repositoryPolicy(ctx, crawler.name);
    let changed = false;
    if (!policy?.Statement.some(s => s?.Sid === IMAGE_PULL_DENY_SID)) {
      const doc: PolicyDocument = {
        Version: policy?.Version ?? '2012-10-17',
        Statement: [
          ...(policy?.Statement ?? []),
          {
            Sid: IMAGE_PULL_DENY_SID,
            Effect: 'Deny',
            Principal: { AWS: roleArn },
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          },
        ],
      };
      await ctx.clients.ecr.send(
        new SetRepositoryPolicyCommand({
          repositoryName: crawler.name,
          policyText: JSON.stringify(doc),
        }),
      );
      ctx.note(
        `ECR SetRepositoryPolicy ${crawler.name}: Deny ecr:BatchGetImage, ecr:GetDownloadUrlForLayer to ${roleArn} (Sid ${IMAGE_PULL_DENY_SID})`,
      );
      changed = true;
    }
    return { changed, runId: await ctx.triggerRun(crawler) };
  },
  async heal(ctx, crawler) {
    const policy = await repositoryPolicy(ctx, crawler.name);
    let changed = false;
    if (policy?.Statement.some(s => s?.Sid === IMAGE_PULL_DENY_SID)) {
      const rest = policy.Statement.filter(s => s?.Sid !== IMAGE_PULL_DENY_SID);
      if (rest.length === 0) {
        await ctx.clients.ecr.send(
          new DeleteRepositoryPolicyCommand({ repositoryName: crawler.name }),
        );
        ctx.note(
          `ECR DeleteRepositoryPolicy ${crawler.name} (it held only the break's Deny)`,
        );
      } else {
        await ctx.clients.ecr.send(
          new SetRepositoryPolicyCommand({
            repositoryName: crawler.name,
            policyText: JSON.stringify({ ...policy, Statement: rest }),
          }),
        );
        ctx.note(
          `ECR SetRepositoryPolicy ${crawler.name}: the policy without Sid ${IMAGE_PULL_DENY_SID}`,
        );
      }
      changed = true;
    }
    const deleted = await deleteImagePullPods(ctx, crawler, '403 Forbidden');
    return { changed: changed || deleted > 0 };
  },
};
