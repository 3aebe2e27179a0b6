/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { xmlEscape } from '../protocol/awsQuery';
import { AwsServiceModule } from '../protocol/types';
import { IamRoleRecord, IamService } from './service';

function roleXml(role: IamRoleRecord): string {
  return [
    '<Role>',
    `<Path>${xmlEscape(role.Path)}</Path>`,
    `<Arn>${xmlEscape(role.Arn)}</Arn>`,
    `<RoleName>${xmlEscape(role.RoleName)}</RoleName>`,
    `<AssumeRolePolicyDocument>${xmlEscape(
      encodeURIComponent(role.AssumeRolePolicyDocument),
    )}</AssumeRolePolicyDocument>`,
    `<CreateDate>${role.CreateDate}</CreateDate>`,
    `<RoleId>${xmlEscape(role.RoleId)}</RoleId>`,
    `<MaxSessionDuration>${role.MaxSessionDuration}</MaxSessionDuration>`,
    role.Description
      ? `<Description>${xmlEscape(role.Description)}</Description>`
      : '',
    role.Tags?.length
      ? `<Tags>${role.Tags.map(
          t =>
            `<member><Key>${xmlEscape(t.Key)}</Key><Value>${xmlEscape(
              t.Value,
            )}</Value></member>`,
        ).join('')}</Tags>`
      : '',
    '</Role>',
  ].join('');
}

/** `Tags.member.N.Key` / `Tags.member.N.Value`. */
function tagMembers(params: URLSearchParams) {
  const tags: Array<{ Key: string; Value: string }> = [];
  for (let n = 1; params.has(`Tags.member.${n}.Key`); n++) {
    tags.push({
      Key: params.get(`Tags.member.${n}.Key`)!,
      Value: params.get(`Tags.member.${n}.Value`) ?? '',
    });
  }
  return tags;
}

/** IAM over awsQuery: CreateRole, GetRole. */
export function iamModule(iam: IamService): AwsServiceModule {
  return {
    service: 'iam',
    protocol: 'awsQuery',
    xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
    operations: {
      CreateRole: ({ params }) => {
        const tags = tagMembers(params);
        const role = iam.createRole({
          RoleName: params.get('RoleName') ?? undefined,
          AssumeRolePolicyDocument:
            params.get('AssumeRolePolicyDocument') ?? undefined,
          Path: params.get('Path') ?? undefined,
          Description: params.get('Description') ?? undefined,
          MaxSessionDuration: params.has('MaxSessionDuration')
            ? Number(params.get('MaxSessionDuration'))
            : undefined,
          Tags: tags.length ? tags : undefined,
        });
        return roleXml(role);
      },
      GetRole: ({ params }) =>
        roleXml(iam.getRole(params.get('RoleName') ?? undefined)),
    },
  };
}
