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

/** `<IsTruncated>`/`<Marker>` paging of IAM list operations (`Marker`, `MaxItems`, default 100). */
function iamPage<T>(items: T[], params: URLSearchParams) {
  const start = Number(params.get('Marker') ?? 0) || 0;
  const max = Number(params.get('MaxItems') ?? 100) || 100;
  const page = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return {
    page,
    tail: `<IsTruncated>${truncated}</IsTruncated>${
      truncated ? `<Marker>${start + max}</Marker>` : ''
    }`,
  };
}

/**
 * IAM over awsQuery: CreateRole, GetRole; managed policies (AttachRolePolicy, DetachRolePolicy,
 * ListAttachedRolePolicies) and inline policies (PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies).
 */
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
      AttachRolePolicy: ({ params }) => {
        iam.attachRolePolicy(
          params.get('RoleName') ?? undefined,
          params.get('PolicyArn') ?? undefined,
        );
        return '';
      },
      DetachRolePolicy: ({ params }) => {
        iam.detachRolePolicy(
          params.get('RoleName') ?? undefined,
          params.get('PolicyArn') ?? undefined,
        );
        return '';
      },
      ListAttachedRolePolicies: ({ params }) => {
        const { page, tail } = iamPage(
          iam.listAttachedRolePolicies(
            params.get('RoleName') ?? undefined,
            params.get('PathPrefix') ?? undefined,
          ),
          params,
        );
        return `<AttachedPolicies>${page
          .map(
            p =>
              `<member><PolicyName>${xmlEscape(
                p.PolicyName,
              )}</PolicyName><PolicyArn>${xmlEscape(
                p.Arn,
              )}</PolicyArn></member>`,
          )
          .join('')}</AttachedPolicies>${tail}`;
      },
      PutRolePolicy: ({ params }) => {
        iam.putRolePolicy(
          params.get('RoleName') ?? undefined,
          params.get('PolicyName') ?? undefined,
          params.get('PolicyDocument') ?? undefined,
        );
        return '';
      },
      GetRolePolicy: ({ params }) => {
        const p = iam.getRolePolicy(
          params.get('RoleName') ?? undefined,
          params.get('PolicyName') ?? undefined,
        );
        return `<RoleName>${xmlEscape(
          p.RoleName,
        )}</RoleName><PolicyName>${xmlEscape(
          p.PolicyName,
        )}</PolicyName><PolicyDocument>${xmlEscape(
          encodeURIComponent(p.PolicyDocument),
        )}</PolicyDocument>`;
      },
      DeleteRolePolicy: ({ params }) => {
        iam.deleteRolePolicy(
          params.get('RoleName') ?? undefined,
          params.get('PolicyName') ?? undefined,
        );
        return '';
      },
      ListRolePolicies: ({ params }) => {
        const { page, tail } = iamPage(
          iam.listRolePolicies(params.get('RoleName') ?? undefined),
          params,
        );
        return `<PolicyNames>${page
          .map(n => `<member>${xmlEscape(n)}</member>`)
          .join('')}</PolicyNames>${tail}`;
      },
    },
  };
}
