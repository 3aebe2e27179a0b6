/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { EventEmitter } from 'node:events';
import path from 'node:path';
import {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_DEFAULT_DELAYS,
  SANDBOX_IAM_USER_ARN,
  SANDBOX_REGION,
} from '../constants';
import { NowSource, StateStore } from '../state/StateStore';
import { SandboxLogger } from '../util/logger';
import { BuildRecords } from './codebuild/service';
import {
  registerCodeBuildTarget,
  repositoryStateChange,
} from './codebuild/trigger';
import { CodeCommitService } from './codecommit/service';
import { Ec2Service } from './ec2/service';
import { EcrService } from './ecr/service';
import { EksService } from './eks/service';
import { EventBridgeService } from './events/service';
import { IamService } from './iam/service';
import { StsService } from './sts/service';
import type { PushEvent } from './codecommit/records';
import { AwsAccount, AwsState, initialAwsState } from './state';

export type { NowSource } from '../state/StateStore';
export type {
  BuildPhaseContext,
  BuildRecord,
  CodeBuildEnvVar,
  CodeBuildProjectRecord,
} from './codebuild/service';
export type {
  EventInvocationRecord,
  EventRuleRecord,
  EventTargetRecord,
} from './events/service';
export type {
  CodeCommitRepositoryRecord,
  PullRequestRecord,
  PushEvent,
} from './codecommit/records';
export type {
  EcrImageRecord,
  EcrRepositoryRecord,
  ImageRunRule,
} from './ecr/service';
export type { ClusterRecord, SubnetRecord } from './eks/cluster';
export { selectorMatches } from './eks/fargate';
export type {
  FargateProfileEvent,
  FargateProfileRecord,
  FargateSelector,
} from './eks/fargate';
export type { IamRoleRecord } from './iam/service';
export type { CallerIdentity, StsSession } from './sts/service';
export type { SubnetEgress } from './ec2/service';

/**
 * The AWS stand-ins (CodeCommit, ECR, EKS, IAM, EC2, STS, CodeBuild, EventBridge) over one state store,
 * persisted as JSON under `<dataDir>/aws.json`; CodeCommit repositories are real bare git repositories under
 * `<dataDir>/git`. Each service lives in its own module (`src/aws/<service>/`); this class composes them.
 */
export class AwsWorld implements AwsAccount {
  readonly accountId = SANDBOX_ACCOUNT_ID;
  readonly region = SANDBOX_REGION;
  readonly dataDir: string;
  /**
   * Emits 'push' (PushEvent), 'fargateProfile' (FargateProfileEvent), 'buildStarted' and 'build' (BuildRecord, when
   * started and when completed).
   */
  readonly events: EventEmitter;
  readonly codecommit: CodeCommitService;
  readonly ecr: EcrService;
  readonly eks: EksService;
  /** The cluster's VPC: subnets, route tables, NAT gateway, VPC endpoints. */
  readonly ec2: Ec2Service;
  readonly iam: IamService;
  /** Caller identities and AssumeRole sessions. */
  readonly sts: StsService;
  /** The CodeBuild stand-in: projects and builds (run by `startImageBuilds`). */
  readonly builds: BuildRecords;
  /** The EventBridge stand-in: rules on the default bus; CodeCommit pushes are put on it. */
  readonly eventBridge: EventBridgeService;
  private readonly store: StateStore<AwsState>;

  constructor(options: {
    dataDir: string;
    clock?: NowSource;
    delays?: { fargateProfileMs?: number };
    /** Where failures of timers and git are reported; silent when absent. */
    logger?: SandboxLogger;
  }) {
    this.dataDir = options.dataDir;
    this.store = new StateStore<AwsState>({
      file: path.join(this.dataDir, 'aws.json'),
      initial: initialAwsState,
      clock: options.clock,
      logger: options.logger,
    });
    this.events = this.store.events;
    this.iam = new IamService(this.store, this);
    this.eks = new EksService(
      this.store,
      this,
      name => this.iam.findRole(name),
      options.delays?.fargateProfileMs ??
        SANDBOX_DEFAULT_DELAYS.fargateProfileMs,
    );
    this.ec2 = new Ec2Service(this.store, this, name => this.eks.cluster(name));
    this.sts = new StsService(this.store, this, this.iam);
    this.ecr = new EcrService(this.store, this);
    this.codecommit = new CodeCommitService(this.store, this, this.dataDir);
    this.builds = new BuildRecords(this.store, this, name =>
      this.iam.findRole(name),
    );
    this.eventBridge = new EventBridgeService(this.store, this);
    if (options.logger) this.eventBridge.setLogger(options.logger);
    registerCodeBuildTarget(this.eventBridge, this.builds, this.iam, this);
    this.events.on('push', (push: PushEvent) => {
      try {
        this.eventBridge.putEvent(
          repositoryStateChange(this, {
            ...push,
            repositoryId:
              this.store.state.codecommit[push.repositoryName]?.repositoryId,
            callerUserArn: SANDBOX_IAM_USER_ARN,
          }),
        );
      } catch (e) {
        options.logger?.error('EventBridge delivery failed', {
          repository: push.repositoryName,
          error: (e as Error).message,
        });
      }
    });
    this.store.changed();
  }

  /** EKS Fargate profile CREATING → ACTIVE and DELETING → gone, in ms; may be changed at run time. */
  get fargateProfileMs(): number {
    return this.eks.transitionMs;
  }

  set fargateProfileMs(ms: number) {
    this.eks.transitionMs = ms;
  }

  now(): Date {
    return this.store.now();
  }

  /** Writes the state now and stops pending timers. */
  close(): void {
    this.store.close();
  }

  flush(): void {
    this.store.flush();
  }
}
