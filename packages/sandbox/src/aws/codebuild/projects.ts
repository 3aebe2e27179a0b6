/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import type { IamRoleRecord } from '../iam/service';
import { evaluatePolicies } from '../iam/policy';
import type { AwsAccount } from '../state';

/** A CodeBuild environment variable. */
export interface CodeBuildEnvVar {
  name: string;
  value: string;
  type: 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER';
}

/** A CodeBuild project as stored (the API's shape, timestamps as ISO strings). */
export interface CodeBuildProjectRecord {
  name: string;
  arn: string;
  description?: string;
  source: {
    type: string;
    location?: string;
    buildspec?: string;
    gitCloneDepth?: number;
  };
  sourceVersion?: string;
  artifacts: { type: string; location?: string };
  environment: {
    type: string;
    image: string;
    computeType: string;
    privilegedMode: boolean;
    imagePullCredentialsType?: string;
    environmentVariables: CodeBuildEnvVar[];
  };
  serviceRole: string;
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  tags: Array<{ key: string; value: string }>;
  created: string;
  lastModified: string;
  badge: { badgeEnabled: boolean };
  projectVisibility: 'PRIVATE';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9\-_]{1,254}$/;
const SOURCE_TYPES = [
  'CODECOMMIT',
  'CODEPIPELINE',
  'GITHUB',
  'GITHUB_ENTERPRISE',
  'GITLAB',
  'GITLAB_SELF_MANAGED',
  'BITBUCKET',
  'S3',
  'NO_SOURCE',
];
const ENV_TYPES = [
  'LINUX_CONTAINER',
  'LINUX_GPU_CONTAINER',
  'ARM_CONTAINER',
  'WINDOWS_SERVER_2019_CONTAINER',
  'LINUX_LAMBDA_CONTAINER',
  'ARM_LAMBDA_CONTAINER',
];
const COMPUTE_TYPES = [
  'BUILD_GENERAL1_SMALL',
  'BUILD_GENERAL1_MEDIUM',
  'BUILD_GENERAL1_LARGE',
  'BUILD_GENERAL1_XLARGE',
  'BUILD_GENERAL1_2XLARGE',
  'BUILD_LAMBDA_1GB',
  'BUILD_LAMBDA_2GB',
];
const ROLE_ARN =
  /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** `1 validation error detected: …` as CodeBuild's request validation words it. */
export function validationError(
  value: unknown,
  field: string,
  constraint: string,
) {
  return new AwsServiceError(
    'InvalidInputException',
    `1 validation error detected: Value '${String(
      value,
    )}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

const invalid = (message: string) =>
  new AwsServiceError('InvalidInputException', message);

/** The repository name of a CodeCommit source location (`https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>`). */
export function codecommitRepositoryOf(
  location: string | undefined,
): string | undefined {
  const m =
    /^https:\/\/git-codecommit\.[a-z0-9-]+\.amazonaws\.com\/v1\/repos\/([\w.-]+)\/?$/.exec(
      location ?? '',
    );
  return m?.[1];
}

function checkSource(source: any): CodeBuildProjectRecord['source'] {
  if (!source || typeof source !== 'object') {
    throw validationError(source, 'source', 'Member must not be null');
  }
  if (!SOURCE_TYPES.includes(source.type)) {
    throw validationError(
      source.type,
      'source.type',
      `Member must satisfy enum value set: [${SOURCE_TYPES.join(', ')}]`,
    );
  }
  if (
    source.type === 'CODECOMMIT' &&
    !codecommitRepositoryOf(source.location)
  ) {
    throw invalid(
      `Invalid source location: ${
        source.location ?? ''
      }. A CODECOMMIT location must be https://git-codecommit.<region>.amazonaws.com/v1/repos/<repository-name>`,
    );
  }
  if (source.type === 'NO_SOURCE' && !source.buildspec) {
    throw invalid('Project buildspec cannot be null or empty for NO_SOURCE');
  }
  return {
    type: source.type,
    location: source.location,
    buildspec: source.buildspec,
    gitCloneDepth: source.gitCloneDepth,
  };
}

function checkEnvVars(vars: unknown): CodeBuildEnvVar[] {
  if (vars === undefined || vars === null) return [];
  if (!Array.isArray(vars)) {
    throw validationError(
      vars,
      'environment.environmentVariables',
      'Member must be a list',
    );
  }
  return vars.map((v: any, i) => {
    if (typeof v?.name !== 'string' || !v.name) {
      throw validationError(
        v?.name,
        `environment.environmentVariables.${i + 1}.member.name`,
        'Member must have length greater than or equal to 1',
      );
    }
    if (v.name.startsWith('CODEBUILD_')) {
      throw invalid(
        `Invalid environment variable name: ${v.name}. Names starting with CODEBUILD_ are reserved.`,
      );
    }
    const type = v.type ?? 'PLAINTEXT';
    if (!['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'].includes(type)) {
      throw validationError(
        type,
        `environment.environmentVariables.${i + 1}.member.type`,
        'Member must satisfy enum value set: [PLAINTEXT, PARAMETER_STORE, SECRETS_MANAGER]',
      );
    }
    return { name: v.name, value: String(v.value ?? ''), type };
  });
}

function checkEnvironment(env: any): CodeBuildProjectRecord['environment'] {
  if (!env || typeof env !== 'object') {
    throw validationError(env, 'environment', 'Member must not be null');
  }
  if (!ENV_TYPES.includes(env.type)) {
    throw validationError(
      env.type,
      'environment.type',
      `Member must satisfy enum value set: [${ENV_TYPES.join(', ')}]`,
    );
  }
  if (typeof env.image !== 'string' || !env.image) {
    throw validationError(
      env.image,
      'environment.image',
      'Member must have length greater than or equal to 1',
    );
  }
  if (!COMPUTE_TYPES.includes(env.computeType)) {
    throw validationError(
      env.computeType,
      'environment.computeType',
      `Member must satisfy enum value set: [${COMPUTE_TYPES.join(', ')}]`,
    );
  }
  return {
    type: env.type,
    image: env.image,
    computeType: env.computeType,
    privilegedMode: Boolean(env.privilegedMode),
    imagePullCredentialsType: env.imagePullCredentialsType ?? 'CODEBUILD',
    environmentVariables: checkEnvVars(env.environmentVariables),
  };
}

function checkTags(tags: unknown): Array<{ key: string; value: string }> {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags) || tags.length > 50) {
    throw validationError(
      'tags',
      'tags',
      'Member must have length less than or equal to 50',
    );
  }
  return tags.map((t: any) => {
    if (typeof t?.key !== 'string' || t.key.length < 1 || t.key.length > 127) {
      throw invalid('Invalid tag: tag keys must be 1 to 127 characters long');
    }
    return { key: t.key, value: String(t.value ?? '') };
  });
}

/**
 * The service role must exist and trust `codebuild.amazonaws.com` (CodeBuild checks this when a project is created
 * or updated).
 */
function checkServiceRole(
  arn: unknown,
  account: AwsAccount,
  findRole: (name: string) => IamRoleRecord | undefined,
): string {
  if (typeof arn !== 'string' || !arn) {
    throw validationError(arn, 'serviceRole', 'Member must not be null');
  }
  const m = ROLE_ARN.exec(arn);
  const role = m && m[1] === account.accountId ? findRole(m[2]) : undefined;
  const trusted =
    role &&
    evaluatePolicies(
      [role.AssumeRolePolicyDocument],
      {
        action: 'sts:AssumeRole',
        resource: role.Arn,
        principals: ['Service:codebuild.amazonaws.com'],
      },
      'resource',
    ) === 'Allow';
  if (!trusted) {
    throw invalid(
      `CodeBuild is not authorized to perform: sts:AssumeRole on ${arn}`,
    );
  }
  return arn;
}

/** CreateProject's (and UpdateProject's) input as the API takes it. */
export type ProjectInput = Record<string, any>;

/** Builds a project record from CreateProject's input, with CodeBuild's checks. */
export function newProject(
  input: ProjectInput,
  account: AwsAccount,
  findRole: (name: string) => IamRoleRecord | undefined,
  now: string,
): CodeBuildProjectRecord {
  const name = input.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw validationError(
      name,
      'name',
      'Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,254}',
    );
  }
  const artifacts = input.artifacts;
  if (!artifacts?.type) {
    throw validationError(artifacts, 'artifacts', 'Member must not be null');
  }
  const timeout = input.timeoutInMinutes ?? 60;
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 2160) {
    throw validationError(
      timeout,
      'timeoutInMinutes',
      'Member must have value between 5 and 2160',
    );
  }
  return {
    name,
    arn: `arn:aws:codebuild:${account.region}:${account.accountId}:project/${name}`,
    description: input.description,
    source: checkSource(input.source),
    sourceVersion: input.sourceVersion,
    artifacts: { type: artifacts.type, location: artifacts.location },
    environment: checkEnvironment(input.environment),
    serviceRole: checkServiceRole(input.serviceRole, account, findRole),
    timeoutInMinutes: timeout,
    queuedTimeoutInMinutes: input.queuedTimeoutInMinutes ?? 480,
    tags: checkTags(input.tags),
    created: now,
    lastModified: now,
    badge: { badgeEnabled: false },
    projectVisibility: 'PRIVATE',
  };
}

/**
 * UpdateProject: the given members replace the stored ones (`tags`, when given, replace all tags); the result is
 * checked as a whole, like a new project.
 */
export function updatedProject(
  current: CodeBuildProjectRecord,
  input: ProjectInput,
  account: AwsAccount,
  findRole: (name: string) => IamRoleRecord | undefined,
  now: string,
): CodeBuildProjectRecord {
  const merged: ProjectInput = { ...current };
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined && value !== null) merged[key] = value;
  }
  const next = newProject(merged, account, findRole, current.created);
  return { ...next, lastModified: now };
}
