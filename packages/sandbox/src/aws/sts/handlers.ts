/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { xmlEscape } from '../protocol/awsQuery';
import { AwsServiceModule } from '../protocol/types';
import { StsService } from './service';

/**
 * STS over awsQuery: GetCallerIdentity answers who signed the request (the sandbox's IAM user, or an assumed-role
 * session); AssumeRole issues temporary credentials. Query actions no service serves are answered as STS errors.
 */
export function stsModule(sts: StsService): AwsServiceModule {
  return {
    service: 'sts',
    protocol: 'awsQuery',
    xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    operations: {
      GetCallerIdentity: ({ ctx }) => {
        const caller = ctx.caller ?? sts.userIdentity();
        return `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>${xmlEscape(
          caller.userId,
        )}</UserId><Account>${caller.account}</Account>`;
      },
      AssumeRole: ({ params, ctx }) => {
        const { session, identity } = sts.assumeRole(
          ctx.caller ?? sts.userIdentity(),
          {
            RoleArn: params.get('RoleArn') ?? undefined,
            RoleSessionName: params.get('RoleSessionName') ?? undefined,
            DurationSeconds: params.has('DurationSeconds')
              ? Number(params.get('DurationSeconds'))
              : undefined,
            ExternalId: params.get('ExternalId') ?? undefined,
          },
        );
        return `<Credentials><AccessKeyId>${
          session.accessKeyId
        }</AccessKeyId><SecretAccessKey>${xmlEscape(
          session.secretAccessKey,
        )}</SecretAccessKey><SessionToken>${xmlEscape(
          session.sessionToken,
        )}</SessionToken><Expiration>${
          session.expiration
        }</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>${xmlEscape(
          identity.userId,
        )}</AssumedRoleId><Arn>${xmlEscape(
          identity.arn,
        )}</Arn></AssumedRoleUser>`;
      },
    },
  };
}
