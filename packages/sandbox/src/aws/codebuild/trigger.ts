/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { PushEvent } from '../codecommit/records';
import type { EventBridgeService } from '../events/service';
import type { IamService } from '../iam/service';
import { evaluatePolicies } from '../iam/policy';
import type { AwsAccount } from '../state';
import type { BuildRecords } from './service';

const ROLE_ARN =
  /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/**
 * CodeCommit's `CodeCommit Repository State Change` event for a push (referenceCreated for a new branch,
 * referenceUpdated otherwise), as CodeCommit sends it to EventBridge.
 */
export function repositoryStateChange(
  account: AwsAccount,
  push: PushEvent & { repositoryId?: string; callerUserArn?: string },
) {
  const created = !push.before;
  return {
    source: 'aws.codecommit',
    'detail-type': 'CodeCommit Repository State Change',
    resources: [
      `arn:aws:codecommit:${account.region}:${account.accountId}:${push.repositoryName}`,
    ],
    detail: {
      callerUserArn: push.callerUserArn,
      commitId: push.after,
      event: created ? 'referenceCreated' : 'referenceUpdated',
      ...(created ? {} : { oldCommitId: push.before }),
      referenceFullName: `refs/heads/${push.branch}`,
      referenceName: push.branch,
      referenceType: 'branch',
      repositoryId: push.repositoryId,
      repositoryName: push.repositoryName,
    },
  };
}

/**
 * EventBridge's CodeBuild target: assumes the target's role (it must trust `events.amazonaws.com` and allow
 * `codebuild:StartBuild` on the project) and starts a build with the payload's StartBuild parameters
 * (`sourceVersion`, `environmentVariablesOverride`; others are ignored); the whole event as payload builds the
 * project's default source version. Returns the build id.
 */
export function registerCodeBuildTarget(
  events: EventBridgeService,
  builds: BuildRecords,
  iam: IamService,
  account: AwsAccount,
): void {
  const prefix = `arn:aws:codebuild:${account.region}:${account.accountId}:project/`;
  events.addInvoker(prefix, (target, payload, rule) => {
    const projectArn = target.Arn;
    const m = ROLE_ARN.exec(target.RoleArn ?? '');
    const role = m ? iam.findRole(m[2]) : undefined;
    const trusted =
      role &&
      evaluatePolicies(
        [role.AssumeRolePolicyDocument],
        {
          action: 'sts:AssumeRole',
          resource: role.Arn,
          principals: ['Service:events.amazonaws.com'],
        },
        'resource',
      ) === 'Allow';
    if (!role || !trusted) {
      throw new Error(
        `EventBridge cannot assume ${target.RoleArn}: the role does not exist or does not trust events.amazonaws.com`,
      );
    }
    if (
      iam.roleDecision(role.RoleName, 'codebuild:StartBuild', projectArn) !==
      'Allow'
    ) {
      throw new Error(
        `User: arn:aws:sts::${account.accountId}:assumed-role/${role.RoleName}/events is not authorized to perform: codebuild:StartBuild on resource: ${projectArn}`,
      );
    }
    const params = (
      payload && typeof payload === 'object' ? payload : {}
    ) as Record<string, any>;
    const event = params['detail-type'] ? (params as any) : undefined;
    const build = builds.startBuild({
      projectName: projectArn.slice(prefix.length),
      sourceVersion: event ? undefined : params.sourceVersion,
      environmentVariablesOverride: event
        ? undefined
        : params.environmentVariablesOverride,
      initiator: `rule/${rule.Name}`,
    });
    return build.buildId;
  });
}
