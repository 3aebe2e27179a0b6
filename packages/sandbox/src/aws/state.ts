/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { BuildsState } from './codebuild/service';
import type { CodeCommitState } from './codecommit/records';
import type { Ec2State } from './ec2/network';
import type { EcrState } from './ecr/service';
import type { EksState } from './eks/service';
import type { EventsState } from './events/service';
import type { IamState } from './iam/service';
import type { StsState } from './sts/service';

/**
 * The document persisted as `<dataDir>/aws.json`: one slice per service, each owned by that service's module. Its
 * keys and record shapes are the file format (keep them compatible).
 */
export type AwsState = CodeCommitState &
  EcrState &
  EksState &
  IamState &
  Ec2State &
  StsState &
  BuildsState &
  EventsState;

/** The state of a fresh data folder (the EKS module adds the sandbox cluster). */
export function initialAwsState(): AwsState {
  return {
    codecommit: {},
    ecr: {},
    eks: {},
    iam: {},
    builds: [],
    codebuild: { projects: {} },
    events: { rules: {} },
  };
}

/** The account and region every ARN and URL of the stand-in uses. */
export interface AwsAccount {
  readonly accountId: string;
  readonly region: string;
}
