/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import http from 'node:http';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_IAM_USER_ARN,
  SANDBOX_IAM_USER_ID,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';
import { listen, readBody, RunningServer } from '../util/http';
import { SandboxLogger, silentLogger } from '../util/logger';
import {
  SigV4Credentials,
  SigV4FailureKind,
  SigV4Result,
  verifySignedRequest,
} from '../util/sigv4';
import { AwsWorld, EcrImageRecord, IamRoleRecord } from './AwsWorld';
import { AwsServiceError } from './errors';

type Protocol = 'awsJson1_1' | 'restJson1' | 'awsQuery';

interface Reply {
  status: number;
  body: unknown;
}

interface Ctx {
  protocol: Protocol;
  service: string;
  operation: string;
  requestId: string;
}

const toEpoch = (iso: string | undefined) =>
  iso ? Date.parse(iso) / 1000 : undefined;

function xmlEscape(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    c =>
      ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' }[
        c
      ]!),
  );
}

const QUERY_NAMESPACES: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
};
const QUERY_SERVICE_BY_ACTION: Record<string, string> = {
  DescribeSubnets: 'ec2',
  DescribeRouteTables: 'ec2',
  DescribeVpcs: 'ec2',
  GetCallerIdentity: 'sts',
  CreateRole: 'iam',
  GetRole: 'iam',
};
const JSON_TARGET_PREFIXES: Record<string, string> = {
  CodeCommit_20150413: 'codecommit',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
};

const CONTENT_TYPES: Record<Protocol, string> = {
  awsQuery: 'text/xml',
  awsJson1_1: 'application/x-amz-json-1.1',
  restJson1: 'application/json',
};

/** Signature failures as the awsQuery services (STS, IAM) name them. */
const QUERY_AUTH_ERRORS: Record<SigV4FailureKind, string> = {
  unknownKey: 'InvalidClientTokenId',
  missing: 'MissingAuthenticationToken',
  malformed: 'IncompleteSignature',
  expired: 'SignatureDoesNotMatch',
  mismatch: 'SignatureDoesNotMatch',
};

/** Signature failures as the JSON services (CodeCommit, ECR, EKS) name them. */
const JSON_AUTH_ERRORS: Record<SigV4FailureKind, string> = {
  unknownKey: 'UnrecognizedClientException',
  missing: 'MissingAuthenticationTokenException',
  malformed: 'IncompleteSignatureException',
  expired: 'InvalidSignatureException',
  mismatch: 'InvalidSignatureException',
};

function page<T>(
  items: T[],
  maxResults: unknown,
  nextToken: unknown,
  defaultMax = 100,
): { items: T[]; nextToken?: string } {
  const start =
    typeof nextToken === 'string' && nextToken
      ? Number(Buffer.from(nextToken, 'base64').toString('utf8'))
      : 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new AwsServiceError(
      'InvalidContinuationTokenException',
      'The specified continuation token is not valid.',
    );
  }
  const max =
    typeof maxResults === 'number' && maxResults > 0 ? maxResults : defaultMax;
  const slice = items.slice(start, start + max);
  const next =
    start + max < items.length
      ? Buffer.from(String(start + max)).toString('base64')
      : undefined;
  return { items: slice, nextToken: next };
}

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

function imageDetail(repo: string, registryId: string, image: EcrImageRecord) {
  return {
    registryId,
    repositoryName: repo,
    imageDigest: image.imageDigest,
    imageTags: image.imageTags,
    imageSizeInBytes: image.imageSizeInBytes,
    imagePushedAt: toEpoch(image.imagePushedAt),
    imageManifestMediaType:
      'application/vnd.docker.distribution.manifest.v2+json',
    artifactMediaType: 'application/vnd.docker.container.image.v1+json',
  };
}

function b64(value: unknown, field: string): Buffer | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new AwsServiceError(
      'SerializationException',
      `${field} must be a base64 encoded blob`,
    );
  }
  return Buffer.from(value, 'base64');
}

/** Options of {@link startAwsServer}. */
export interface AwsServerOptions {
  world: AwsWorld;
  port: number;
  /** Not used by the AWS stand-in itself (pods react to profile changes through startPodLifecycle); accepted so callers can pass the whole sandbox. */
  kube?: unknown;
  logger?: SandboxLogger;
  /** Credentials requests must be signed with (default: the sandbox's dummy credentials). */
  credentials?: SigV4Credentials;
}

/**
 * One HTTP endpoint for the AWS SDK v3 (`endpoint` / `AWS_ENDPOINT_URL`): CodeCommit and ECR (awsJson1_1), EKS
 * (restJson1), STS and IAM (awsQuery). Every request must carry a SigV4 signature made with the dummy credentials.
 */
export async function startAwsServer(
  options: AwsServerOptions,
): Promise<RunningServer> {
  const { world } = options;
  const logger = options.logger ?? silentLogger;
  const credentials = options.credentials ?? {
    accessKeyId: SANDBOX_ACCESS_KEY_ID,
    secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
  };

  const codecommit: Record<string, (input: any) => Promise<unknown> | unknown> =
    {
      CreateRepository: async i => ({
        repositoryMetadata: repoMeta(
          await world.codecommit.createRepository(
            i.repositoryName,
            i.repositoryDescription,
            i.tags,
          ),
        ),
      }),
      GetRepository: i => ({
        repositoryMetadata: repoMeta(
          world.codecommit.getRepository(i.repositoryName),
        ),
      }),
      GetBranch: async i => ({
        branch: await world.codecommit.getBranch(
          i.repositoryName,
          i.branchName,
        ),
      }),
      ListBranches: async i => {
        world.codecommit.getRepository(i.repositoryName);
        const p = page(
          await world.codecommit.listBranches(i.repositoryName),
          undefined,
          i.nextToken,
          100,
        );
        return { branches: p.items, nextToken: p.nextToken };
      },
      ListRepositories: i => {
        const p = page(world.codecommit.list(), undefined, i.nextToken, 1000);
        return {
          repositories: p.items.map(name => ({
            repositoryName: name,
            repositoryId: world.codecommit.metadata(name).repositoryId,
          })),
          nextToken: p.nextToken,
        };
      },
      GetCommit: async i => ({
        commit: await world.codecommit.getCommit(i.repositoryName, i.commitId),
      }),
      GetDifferences: async i => {
        if (
          i.MaxResults !== undefined &&
          (typeof i.MaxResults !== 'number' || i.MaxResults < 1)
        ) {
          throw new AwsServiceError(
            'InvalidMaxResultsException',
            'The specified number of maximum results is not valid.',
          );
        }
        const all = await world.codecommit.getDifferences(i);
        const p = page(all, i.MaxResults, i.NextToken, 100);
        return { differences: p.items, NextToken: p.nextToken };
      },
      CreatePullRequest: async i => ({
        pullRequest: prJson(await world.codecommit.createPullRequest(i)),
      }),
      GetPullRequest: async i => ({
        pullRequest: prJson(
          await world.codecommit.getPullRequest(i.pullRequestId),
        ),
      }),
      ListPullRequests: i => {
        const p = page(
          world.codecommit.listPullRequests(
            i.repositoryName,
            i.pullRequestStatus,
          ),
          i.maxResults,
          i.nextToken,
          100,
        );
        return { pullRequestIds: p.items, nextToken: p.nextToken };
      },
      MergePullRequestByFastForward: async i => ({
        pullRequest: prJson(
          await world.codecommit.mergePullRequestByFastForward(i),
        ),
      }),
      GetFile: async i => {
        const f = await world.codecommit.getFile(i);
        return { ...f, fileContent: f.fileContent.toString('base64') };
      },
      GetFolder: async i => world.codecommit.getFolder(i),
      PutFile: async i =>
        world.codecommit.putFile({
          ...i,
          fileContent: b64(i.fileContent, 'fileContent'),
        }),
      CreateCommit: async i =>
        world.codecommit.createCommit({
          ...i,
          putFiles: (i.putFiles ?? []).map((f: any) => ({
            ...f,
            fileContent: b64(f.fileContent, 'fileContent'),
          })),
        }),
    };

  function prJson(
    pr: Awaited<ReturnType<AwsWorld['codecommit']['getPullRequest']>>,
  ) {
    return {
      ...pr,
      creationDate: toEpoch(pr.creationDate),
      lastActivityDate: toEpoch(pr.lastActivityDate),
    };
  }

  function repoMeta(m: ReturnType<AwsWorld['codecommit']['metadata']>) {
    return {
      ...m,
      creationDate: toEpoch(m.creationDate),
      lastModifiedDate: toEpoch(m.lastModifiedDate),
    };
  }

  function ecrRepo(name: string) {
    const r = world.ecr.describe(name);
    return { ...r, createdAt: toEpoch(r.createdAt) };
  }

  const ecr: Record<string, (input: any) => Promise<unknown> | unknown> = {
    CreateRepository: i => {
      world.ecr.createRepository(i.repositoryName, {
        imageTagMutability: i.imageTagMutability,
        tags: i.tags,
      });
      return { repository: ecrRepo(i.repositoryName) };
    },
    DescribeRepositories: i => {
      if (i.repositoryNames && i.nextToken) {
        throw new AwsServiceError(
          'InvalidParameterException',
          'nextToken cannot be used together with repositoryNames.',
        );
      }
      const names: string[] = i.repositoryNames ?? world.ecr.list();
      const p = page(names, i.maxResults, i.nextToken, 100);
      return { repositories: p.items.map(ecrRepo), nextToken: p.nextToken };
    },
    DescribeImages: i => {
      const repo: string = i.repositoryName;
      const images = world.ecr.images(repo);
      let selected = images;
      if (i.imageIds?.length) {
        selected = (
          i.imageIds as Array<{ imageTag?: string; imageDigest?: string }>
        ).map(id => {
          const found = images.find(im =>
            id.imageDigest
              ? im.imageDigest === id.imageDigest
              : im.imageTags.includes(id.imageTag ?? ''),
          );
          if (!found) {
            throw new AwsServiceError(
              'ImageNotFoundException',
              `The image with imageId {imageDigest:'${
                id.imageDigest ?? 'null'
              }', imageTag:'${
                id.imageTag ?? 'null'
              }'} does not exist within the repository with name '${repo}' in the registry with id '${
                world.accountId
              }'`,
            );
          }
          return found;
        });
      } else if (i.filter?.tagStatus === 'TAGGED') {
        selected = images.filter(im => im.imageTags.length > 0);
      } else if (i.filter?.tagStatus === 'UNTAGGED') {
        selected = images.filter(im => im.imageTags.length === 0);
      }
      const p = page(selected, i.maxResults, i.nextToken, 100);
      return {
        imageDetails: p.items.map(im => imageDetail(repo, world.accountId, im)),
        nextToken: p.nextToken,
      };
    },
    ListImages: i => {
      const ids = world.ecr.images(i.repositoryName).flatMap(im =>
        im.imageTags.length
          ? im.imageTags.map(t => ({
              imageDigest: im.imageDigest,
              imageTag: t,
            }))
          : [{ imageDigest: im.imageDigest }],
      );
      const p = page(ids, i.maxResults, i.nextToken, 100);
      return { imageIds: p.items, nextToken: p.nextToken };
    },
  };

  function profileJson(p: ReturnType<AwsWorld['eks']['describeProfile']>) {
    return { ...p, createdAt: toEpoch(p.createdAt) };
  }

  async function restJson(
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: any,
    ctx: Ctx,
  ): Promise<Reply> {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'clusters' || parts.length < 2) {
      ctx.operation = 'Unknown';
      throw new AwsServiceError(
        'UnknownOperationException',
        `No operation for ${method} ${pathname}`,
        404,
      );
    }
    const cluster = parts[1];
    if (parts.length === 2 && method === 'GET') {
      ctx.operation = 'DescribeCluster';
      const c = world.eks.describeCluster(cluster);
      return {
        status: 200,
        body: { cluster: { ...c, createdAt: toEpoch(c.createdAt) } },
      };
    }
    if (parts[2] === 'fargate-profiles') {
      if (parts.length === 3 && method === 'POST') {
        ctx.operation = 'CreateFargateProfile';
        return {
          status: 200,
          body: {
            fargateProfile: profileJson(
              world.eks.createProfile(cluster, body ?? {}),
            ),
          },
        };
      }
      if (parts.length === 3 && method === 'GET') {
        ctx.operation = 'ListFargateProfiles';
        const max = query.get('maxResults');
        if (max !== null && (!/^\d+$/.test(max) || +max < 1 || +max > 100)) {
          throw new AwsServiceError(
            'InvalidParameterException',
            'maxResults must be between 1 and 100.',
            400,
            { clusterName: cluster },
          );
        }
        const p = page(
          world.eks.profiles(cluster).map(x => x.fargateProfileName),
          max ? +max : undefined,
          query.get('nextToken') ?? undefined,
          100,
        );
        return {
          status: 200,
          body: { fargateProfileNames: p.items, nextToken: p.nextToken },
        };
      }
      if (parts.length === 4 && method === 'GET') {
        ctx.operation = 'DescribeFargateProfile';
        return {
          status: 200,
          body: {
            fargateProfile: profileJson(
              world.eks.describeProfile(cluster, parts[3]),
            ),
          },
        };
      }
      if (parts.length === 4 && method === 'DELETE') {
        ctx.operation = 'DeleteFargateProfile';
        return {
          status: 200,
          body: {
            fargateProfile: profileJson(
              world.eks.deleteProfile(cluster, parts[3]),
            ),
          },
        };
      }
    }
    ctx.operation = 'Unknown';
    throw new AwsServiceError(
      'UnknownOperationException',
      `No operation for ${method} ${pathname}`,
      404,
    );
  }

  /** EC2's query protocol: `Name.N` lists and `Filter.N.Name` / `Filter.N.Value.M` filters, XML with `item` sets. */
  function ec2Query(params: URLSearchParams, ctx: Ctx): string {
    const listParam = (prefix: string) => {
      const out: string[] = [];
      for (let n = 1; params.has(`${prefix}.${n}`); n++)
        out.push(params.get(`${prefix}.${n}`)!);
      return out;
    };
    const filters: Array<{ name: string; values: string[] }> = [];
    for (let n = 1; params.has(`Filter.${n}.Name`); n++) {
      filters.push({
        name: params.get(`Filter.${n}.Name`)!,
        values: listParam(`Filter.${n}.Value`),
      });
    }
    const tagsXml = (tags: Record<string, string>) =>
      `<tagSet>${Object.entries(tags)
        .map(
          ([k, v]) =>
            `<item><key>${xmlEscape(k)}</key><value>${xmlEscape(
              v,
            )}</value></item>`,
        )
        .join('')}</tagSet>`;
    const fields = (o: Record<string, unknown>) =>
      Object.entries(o)
        .filter(([, v]) => v !== undefined && typeof v !== 'object')
        .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
        .join('');
    const applyFilters = <T>(
      items: T[],
      supported: Record<string, (item: T) => string[]>,
    ) => {
      for (const f of filters) {
        const tagKey = f.name.startsWith('tag:') ? f.name.slice(4) : undefined;
        if (!supported[f.name] && !tagKey) {
          throw new AwsServiceError(
            'InvalidParameterValue',
            `The filter '${f.name}' is invalid`,
          );
        }
      }
      return items.filter(item =>
        filters.every(f => {
          const tagKey = f.name.startsWith('tag:')
            ? f.name.slice(4)
            : undefined;
          const values = tagKey
            ? [((item as any).tags ?? {})[tagKey]].filter(Boolean)
            : supported[f.name](item);
          return values.some(v => f.values.includes(v));
        }),
      );
    };
    const wrap = (inner: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<${ctx.operation}Response xmlns="${QUERY_NAMESPACES.ec2}"><requestId>${ctx.requestId}</requestId>${inner}</${ctx.operation}Response>`;
    if (ctx.operation === 'DescribeSubnets') {
      const ids = listParam('SubnetId');
      const all = world.ec2.subnets();
      for (const id of ids) {
        if (!all.some(sn => sn.subnetId === id)) {
          throw new AwsServiceError(
            'InvalidSubnetID.NotFound',
            `The subnet ID '${id}' does not exist`,
          );
        }
      }
      const selected = applyFilters(
        ids.length ? all.filter(sn => ids.includes(sn.subnetId)) : all,
        {
          'vpc-id': sn => [sn.vpcId],
          'subnet-id': sn => [sn.subnetId],
          'availability-zone': sn => [sn.availabilityZone],
          'map-public-ip-on-launch': sn => [String(sn.mapPublicIpOnLaunch)],
        },
      );
      return wrap(
        `<subnetSet>${selected
          .map(
            sn =>
              `<item>${fields({ ...sn, ownerId: world.accountId })}${tagsXml(
                sn.tags,
              )}</item>`,
          )
          .join('')}</subnetSet>`,
      );
    }
    if (ctx.operation === 'DescribeRouteTables') {
      const ids = listParam('RouteTableId');
      const all = world.ec2.routeTables();
      for (const id of ids) {
        if (!all.some(t => t.routeTableId === id)) {
          throw new AwsServiceError(
            'InvalidRouteTableID.NotFound',
            `The routeTable ID '${id}' does not exist`,
          );
        }
      }
      const selected = applyFilters(
        ids.length ? all.filter(t => ids.includes(t.routeTableId)) : all,
        {
          'vpc-id': t => [t.vpcId],
          'route-table-id': t => [t.routeTableId],
          'association.subnet-id': t =>
            t.associations
              .map(a => (a as { subnetId?: string }).subnetId ?? '')
              .filter(Boolean),
          'association.main': t => [String(t.associations.some(a => a.main))],
        },
      );
      return wrap(
        `<routeTableSet>${selected
          .map(
            t =>
              `<item><routeTableId>${t.routeTableId}</routeTableId><vpcId>${
                t.vpcId
              }</vpcId><ownerId>${world.accountId}</ownerId><routeSet>${t.routes
                .map(r => `<item>${fields(r)}</item>`)
                .join('')}</routeSet><associationSet>${t.associations
                .map(
                  a =>
                    `<item>${fields(
                      a,
                    )}<associationState><state>associated</state></associationState></item>`,
                )
                .join('')}</associationSet>${tagsXml(t.tags)}</item>`,
          )
          .join('')}</routeTableSet>`,
      );
    }
    if (ctx.operation === 'DescribeVpcs') {
      const vpc = world.ec2.vpc();
      const ids = listParam('VpcId');
      for (const id of ids) {
        if (id !== vpc.vpcId)
          throw new AwsServiceError(
            'InvalidVpcID.NotFound',
            `The vpc ID '${id}' does not exist`,
          );
      }
      return wrap(
        `<vpcSet><item><vpcId>${vpc.vpcId}</vpcId><ownerId>${world.accountId}</ownerId><state>available</state><cidrBlock>${vpc.cidrBlock}</cidrBlock><isDefault>false</isDefault><instanceTenancy>default</instanceTenancy></item></vpcSet>`,
      );
    }
    throw new AwsServiceError(
      'InvalidAction',
      `The action ${ctx.operation} is not valid for this web service.`,
    );
  }

  function awsQuery(params: URLSearchParams, ctx: Ctx): string {
    const action = ctx.operation;
    const rid = `<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata>`;
    const wrap = (inner: string) =>
      `<${action}Response xmlns="${
        QUERY_NAMESPACES[ctx.service]
      }"><${action}Result>${inner}</${action}Result>${rid}</${action}Response>`;
    if (ctx.service === 'ec2') {
      return ec2Query(params, ctx);
    }
    if (action === 'GetCallerIdentity') {
      return wrap(
        `<Arn>${SANDBOX_IAM_USER_ARN}</Arn><UserId>${SANDBOX_IAM_USER_ID}</UserId><Account>${world.accountId}</Account>`,
      );
    }
    if (action === 'CreateRole') {
      const tags: Array<{ Key: string; Value: string }> = [];
      for (let n = 1; params.has(`Tags.member.${n}.Key`); n++) {
        tags.push({
          Key: params.get(`Tags.member.${n}.Key`)!,
          Value: params.get(`Tags.member.${n}.Value`) ?? '',
        });
      }
      const role = world.iam.createRole({
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
      return wrap(roleXml(role));
    }
    if (action === 'GetRole') {
      return wrap(
        roleXml(world.iam.getRole(params.get('RoleName') ?? undefined)),
      );
    }
    throw new AwsServiceError(
      'InvalidAction',
      `Could not find operation ${action} for version ${params.get('Version')}`,
    );
  }

  function send(
    res: http.ServerResponse,
    ctx: Ctx,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const payload =
      typeof body === 'string' ? body : JSON.stringify(body ?? {});
    const contentType = CONTENT_TYPES[ctx.protocol];
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': ctx.requestId,
      ...headers,
    });
    res.end(payload);
  }

  function sendError(res: http.ServerResponse, ctx: Ctx, err: AwsServiceError) {
    if (ctx.protocol === 'awsQuery' && ctx.service === 'ec2') {
      send(
        res,
        ctx,
        err.status,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(
          err.code,
        )}</Code><Message>${xmlEscape(
          err.message,
        )}</Message></Error></Errors><RequestID>${
          ctx.requestId
        }</RequestID></Response>`,
      );
    } else if (ctx.protocol === 'awsQuery') {
      const type = err.status >= 500 ? 'Receiver' : 'Sender';
      send(
        res,
        ctx,
        err.status,
        `<ErrorResponse xmlns="${
          QUERY_NAMESPACES[ctx.service] ?? QUERY_NAMESPACES.sts
        }"><Error><Type>${type}</Type><Code>${xmlEscape(
          err.code,
        )}</Code><Message>${xmlEscape(
          err.message,
        )}</Message></Error><RequestId>${
          ctx.requestId
        }</RequestId></ErrorResponse>`,
      );
    } else if (ctx.protocol === 'restJson1') {
      send(
        res,
        ctx,
        err.status,
        { message: err.message, ...err.fields },
        { 'x-amzn-errortype': err.code },
      );
    } else {
      send(res, ctx, err.status, {
        __type: err.code,
        message: err.message,
        ...err.fields,
      });
    }
  }

  function authError(
    ctx: Ctx,
    result: Exclude<SigV4Result, { ok: true }>,
  ): AwsServiceError {
    if (ctx.protocol === 'awsQuery' && ctx.service === 'ec2') {
      return result.kind === 'mismatch'
        ? new AwsServiceError('SignatureDoesNotMatch', result.message, 403)
        : new AwsServiceError(
            'AuthFailure',
            'AWS was not able to validate the provided access credentials',
            401,
          );
    }
    if (ctx.protocol === 'awsQuery') {
      return new AwsServiceError(
        QUERY_AUTH_ERRORS[result.kind],
        result.message,
        403,
      );
    }
    const code = JSON_AUTH_ERRORS[result.kind];
    return new AwsServiceError(
      code,
      result.message,
      ctx.protocol === 'restJson1' ? 403 : 400,
    );
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const ctx: Ctx = {
      protocol: 'awsJson1_1',
      service: 'unknown',
      operation: 'Unknown',
      requestId: crypto.randomUUID(),
    };
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://localhost');
    try {
      const body = await readBody(req);
      const target = req.headers['x-amz-target'];
      const contentType = String(req.headers['content-type'] ?? '');
      let formParams: URLSearchParams | undefined;
      if (typeof target === 'string') {
        ctx.protocol = 'awsJson1_1';
        const [prefix, op] = target.split('.');
        ctx.service = JSON_TARGET_PREFIXES[prefix] ?? 'unknown';
        ctx.operation = op ?? 'Unknown';
      } else if (url.pathname.startsWith('/clusters')) {
        ctx.protocol = 'restJson1';
        ctx.service = 'eks';
      } else if (
        contentType.startsWith('application/x-www-form-urlencoded') ||
        url.searchParams.has('Action')
      ) {
        ctx.protocol = 'awsQuery';
        formParams = new URLSearchParams(
          body.length ? body.toString('utf8') : url.search,
        );
        ctx.operation = formParams.get('Action') ?? 'Unknown';
        ctx.service = QUERY_SERVICE_BY_ACTION[ctx.operation] ?? 'sts';
      } else {
        ctx.protocol = 'restJson1';
        throw new AwsServiceError(
          'UnknownOperationException',
          `No AWS operation is served at ${req.method} ${url.pathname}`,
          404,
        );
      }
      const auth = verifySignedRequest(
        { method: req.method ?? 'GET', rawUrl, headers: req.headers, body },
        credentials,
        new Date(), // signatures are made with the wall clock, whatever the sandbox clock says
      );
      if (!auth.ok) {
        throw authError(ctx, auth);
      }
      if (ctx.protocol === 'awsJson1_1') {
        const handlers: Record<
          string,
          Record<string, (input: any) => unknown>
        > = { codecommit, ecr };
        const fn = handlers[ctx.service]?.[ctx.operation];
        if (!fn) {
          throw new AwsServiceError(
            'UnknownOperationException',
            `The operation ${String(target)} is not served by the sandbox.`,
          );
        }
        let input: unknown;
        try {
          input = body.length ? JSON.parse(body.toString('utf8')) : {};
        } catch {
          throw new AwsServiceError(
            'SerializationException',
            'The request body is not valid JSON.',
          );
        }
        send(res, ctx, 200, await fn(input ?? {}));
      } else if (ctx.protocol === 'restJson1') {
        let input: unknown;
        try {
          input = body.length ? JSON.parse(body.toString('utf8')) : undefined;
        } catch {
          throw new AwsServiceError(
            'BadRequestException',
            'The request body is not valid JSON.',
          );
        }
        const reply = await restJson(
          req.method ?? 'GET',
          url.pathname,
          url.searchParams,
          input,
          ctx,
        );
        send(res, ctx, reply.status, reply.body);
      } else {
        send(res, ctx, 200, awsQuery(formParams!, ctx));
      }
    } catch (e) {
      const err =
        e instanceof AwsServiceError
          ? e
          : new AwsServiceError(
              ctx.protocol === 'awsQuery'
                ? 'InternalFailure'
                : 'InternalServerException',
              `The sandbox failed to handle the request: ${
                (e as Error).message
              }`,
              500,
            );
      if (!(e instanceof AwsServiceError)) {
        logger.error('aws request failed', {
          service: ctx.service,
          operation: ctx.operation,
          error: (e as Error).message,
        });
      }
      sendError(res, ctx, err);
    } finally {
      logger.info('aws request', {
        method: req.method,
        service: ctx.service,
        operation: ctx.operation,
        status: res.statusCode,
        requestId: ctx.requestId,
      });
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  return listen(server, options.port);
}
