/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_IAM_USER_ARN, SANDBOX_IAM_USER_ID } from '../../constants';
import { AwsServiceModule } from '../protocol/types';
import type { AwsAccount } from '../state';

/**
 * STS over awsQuery: GetCallerIdentity answers the sandbox's IAM user (every valid signature is made with its dummy
 * credentials). STS keeps no state. Query actions no service serves are answered as STS errors.
 */
export function stsModule(account: AwsAccount): AwsServiceModule {
  return {
    service: 'sts',
    protocol: 'awsQuery',
    xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    operations: {
      GetCallerIdentity: () =>
        `<Arn>${SANDBOX_IAM_USER_ARN}</Arn><UserId>${SANDBOX_IAM_USER_ID}</UserId><Account>${account.accountId}</Account>`,
    },
  };
}
