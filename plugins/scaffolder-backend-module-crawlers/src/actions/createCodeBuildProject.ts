/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  BatchGetProjectsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  CreateProjectCommandInput,
  Project,
  UpdateProjectCommand,
} from '@aws-sdk/client-codebuild';
import {
  DescribeRuleCommand,
  DescribeRuleCommandOutput,
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  Target,
} from '@aws-sdk/client-eventbridge';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { CrawlersScaffolderDeps } from '../lib/deps';
import {
  assertOwnedBy,
  ENTITY_TAG_KEY,
  normalizeEntityRef,
} from '../lib/ownership';
import { resolvedRegion } from '../lib/workspace';
import { examples } from './createCodeBuildProject.examples';

const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9\-_]{1,254}$/;
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const REPO_NAME = /^[\w.-]{1,100}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
const TARGET_ID = 'codebuild';

/** Defaults of the build environment (a CodeBuild curated image with Docker). */
export const codeBuildProjectDefaults = {
  buildImage: 'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
  computeType: 'BUILD_GENERAL1_SMALL',
  buildspec: 'buildspec.yml',
  timeoutInMinutes: 30,
};

const errorName = (e: unknown) => (e as { name?: string })?.name;

type Plan = {
  project: CreateProjectCommandInput;
  projectArn: string;
  ruleName: string;
  ruleArn: string;
  eventPattern: string;
  target: Target;
};

/** The project, rule and target the input asks for. */
function plan(
  input: {
    projectName?: string;
    repositoryName: string;
    branch?: string;
    imageRepositoryName?: string;
    serviceRoleArn: string;
    eventsRoleArn: string;
    ruleName?: string;
    buildImage?: string;
    computeType?: string;
    buildspec?: string;
    timeoutInMinutes?: number;
    environmentVariables?: Record<string, string>;
    description?: string;
  },
  region: string,
  branch: string,
): Plan {
  const repo = input.repositoryName.trim();
  if (!REPO_NAME.test(repo) || repo.toLowerCase().endsWith('.git')) {
    throw new InputError(
      `repositoryName "${repo}" is not a CodeCommit repository name: use 1–100 letters, digits, "_", "." or "-", not ending in .git`,
    );
  }
  const name = (input.projectName ?? repo).trim();
  if (!PROJECT_NAME.test(name)) {
    throw new InputError(
      `projectName "${name}" is not a CodeBuild project name: 2–255 letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
  const ruleName = (input.ruleName ?? `${name}-on-push`).trim();
  if (!RULE_NAME.test(ruleName)) {
    throw new InputError(
      `ruleName "${ruleName}" is not an EventBridge rule name: 1–64 letters, digits, ".", "-" or "_" (give a shorter ruleName)`,
    );
  }
  const role = ROLE_ARN.exec(input.serviceRoleArn.trim());
  if (!role) {
    throw new InputError(
      `serviceRoleArn "${input.serviceRoleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  }
  if (!ROLE_ARN.test(input.eventsRoleArn.trim())) {
    throw new InputError(
      `eventsRoleArn "${input.eventsRoleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  }
  const account = role[1];
  const imageRepo = (input.imageRepositoryName ?? repo).trim();
  const reserved = Object.keys(input.environmentVariables ?? {}).find(
    k => k.startsWith('CODEBUILD_') || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k),
  );
  if (reserved) {
    throw new InputError(
      `environmentVariables: "${reserved}" cannot be used (names start with a letter or "_", and CODEBUILD_ is reserved)`,
    );
  }
  const vars: Record<string, string> = {
    ...input.environmentVariables,
    IMAGE_REPO_NAME: imageRepo,
    AWS_ACCOUNT_ID: account,
    REPOSITORY_URI: `${account}.dkr.ecr.${region}.amazonaws.com/${imageRepo}`,
  };
  const projectArn = `arn:aws:codebuild:${region}:${account}:project/${name}`;
  return {
    project: {
      name,
      description:
        input.description ??
        `Builds the worker image of ${repo} (branch ${branch}) and pushes it to ECR ${imageRepo}`,
      source: {
        type: 'CODECOMMIT',
        location: `https://git-codecommit.${region}.amazonaws.com/v1/repos/${repo}`,
        buildspec: input.buildspec ?? codeBuildProjectDefaults.buildspec,
      },
      sourceVersion: `refs/heads/${branch}`,
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: {
        type: 'LINUX_CONTAINER',
        image: input.buildImage ?? codeBuildProjectDefaults.buildImage,
        computeType: (input.computeType ??
          codeBuildProjectDefaults.computeType) as any,
        privilegedMode: true,
        environmentVariables: Object.entries(vars).map(([k, value]) => ({
          name: k,
          value,
          type: 'PLAINTEXT',
        })),
      },
      serviceRole: input.serviceRoleArn.trim(),
      timeoutInMinutes:
        input.timeoutInMinutes ?? codeBuildProjectDefaults.timeoutInMinutes,
    },
    projectArn,
    ruleName,
    ruleArn: `arn:aws:events:${region}:${account}:rule/${ruleName}`,
    eventPattern: JSON.stringify({
      source: ['aws.codecommit'],
      'detail-type': ['CodeCommit Repository State Change'],
      resources: [`arn:aws:codecommit:${region}:${account}:${repo}`],
      detail: {
        event: ['referenceCreated', 'referenceUpdated'],
        referenceType: ['branch'],
        referenceName: [branch],
      },
    }),
    target: {
      Id: TARGET_ID,
      Arn: projectArn,
      RoleArn: input.eventsRoleArn.trim(),
      InputTransformer: {
        InputPathsMap: { commitId: '$.detail.commitId' },
        InputTemplate: '{"sourceVersion": <commitId>}',
      },
    },
  };
}

/** Which of the project's settings differ from the plan (the ones UpdateProject would change). */
function projectDifferences(current: Project, want: CreateProjectCommandInput) {
  const out: string[] = [];
  const env = current.environment;
  const vars = (v?: Array<{ name?: string; value?: string }>) =>
    JSON.stringify(
      (v ?? [])
        .map(x => [x.name, x.value])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  if (current.source?.type !== want.source?.type) out.push('source.type');
  if (current.source?.location !== want.source?.location)
    out.push('source.location');
  if ((current.source?.buildspec ?? '') !== (want.source?.buildspec ?? ''))
    out.push('source.buildspec');
  if (current.sourceVersion !== want.sourceVersion) out.push('sourceVersion');
  if (env?.image !== want.environment?.image) out.push('environment.image');
  if (env?.computeType !== want.environment?.computeType)
    out.push('environment.computeType');
  if (!env?.privilegedMode) out.push('environment.privilegedMode');
  if (
    vars(env?.environmentVariables) !==
    vars(want.environment?.environmentVariables)
  )
    out.push('environment.environmentVariables');
  if (current.serviceRole !== want.serviceRole) out.push('serviceRole');
  return out;
}

const sameJson = (a?: string, b?: string) => {
  try {
    return (
      JSON.stringify(JSON.parse(a ?? 'null')) ===
      JSON.stringify(JSON.parse(b ?? 'null'))
    );
  } catch {
    return a === b;
  }
};

async function describeRule(
  events: EventBridgeClient,
  name: string,
): Promise<DescribeRuleCommandOutput | undefined> {
  try {
    return await events.send(new DescribeRuleCommand({ Name: name }));
  } catch (e) {
    if (errorName(e) === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/** How the rule compares with the plan, for the log. */
function ruleState(rule: unknown, changed: boolean): string {
  if (!rule) return 'to create';
  return changed ? 'to update' : 'matches';
}

/**
 * `aws:codebuild:project:create`: the CodeBuild project that builds the crawler's worker image from its CodeCommit
 * repository's buildspec and pushes it to ECR, and the EventBridge rule that starts it on every push to the branch
 * (event `CodeCommit Repository State Change`, target CodeBuild with the pushed commit as `sourceVersion`). Both are
 * tagged with the entity; existing ones are adopted only when they carry this entity's tag.
 *
 * @public
 */
export function createAwsCodeBuildProjectCreateAction(
  options: Pick<CrawlersScaffolderDeps, 'aws' | 'settings'>,
) {
  const { aws, settings } = options;
  return createTemplateAction({
    id: 'aws:codebuild:project:create',
    description:
      'Creates the CodeBuild project that builds the crawler’s worker image from its CodeCommit repository’s ' +
      'buildspec (privileged Docker build, IMAGE_REPO_NAME, AWS_ACCOUNT_ID and REPOSITORY_URI set) and pushes it to ' +
      'ECR, plus the EventBridge rule that starts it on each push to the branch. Both are tagged ' +
      'crawler-platform.io/entity; existing ones are adopted (and brought in line) only when they carry this entity’s tag.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repositoryName: z =>
          z
            .string()
            .describe(
              'The crawler’s CodeCommit repository (the build source); it may not exist yet (publish:codecommit can run later).',
            ),
        entityRef: z =>
          z
            .string()
            .describe(
              'The catalog entity that owns the project and rule, e.g. component:default/news-crawler.',
            ),
        serviceRoleArn: z =>
          z
            .string()
            .describe(
              'IAM role CodeBuild runs the build as: trusts codebuild.amazonaws.com, may codecommit:GitPull the repository, ecr:GetAuthorizationToken and push to the ECR repository, and write CloudWatch logs.',
            ),
        eventsRoleArn: z =>
          z
            .string()
            .describe(
              'IAM role EventBridge assumes to start the build: trusts events.amazonaws.com and may codebuild:StartBuild on the project.',
            ),
        projectName: z =>
          z
            .string()
            .optional()
            .describe('CodeBuild project name. Default: the repository name.'),
        imageRepositoryName: z =>
          z
            .string()
            .optional()
            .describe(
              'ECR repository the image is pushed to (IMAGE_REPO_NAME). Default: the repository name.',
            ),
        branch: z =>
          z
            .string()
            .optional()
            .describe(
              'Branch whose pushes are built. Default: crawlers.scaffolder.codecommit.defaultBranch (main).',
            ),
        ruleName: z =>
          z
            .string()
            .optional()
            .describe(
              'EventBridge rule name (1–64 characters). Default: <projectName>-on-push.',
            ),
        buildspec: z =>
          z
            .string()
            .optional()
            .describe(
              'Buildspec path in the repository. Default: buildspec.yml.',
            ),
        buildImage: z =>
          z
            .string()
            .optional()
            .describe(
              `Build environment image. Default: ${codeBuildProjectDefaults.buildImage}.`,
            ),
        computeType: z =>
          z
            .enum([
              'BUILD_GENERAL1_SMALL',
              'BUILD_GENERAL1_MEDIUM',
              'BUILD_GENERAL1_LARGE',
            ])
            .optional()
            .describe('Build compute size. Default: BUILD_GENERAL1_SMALL.'),
        timeoutInMinutes: z =>
          z
            .number()
            .int()
            .min(5)
            .max(2160)
            .optional()
            .describe('Build timeout in minutes (5–2160). Default: 30.'),
        environmentVariables: z =>
          z
            .record(z.string())
            .optional()
            .describe(
              'Extra plain-text build environment variables (not secrets: they are visible in the project).',
            ),
        description: z =>
          z.string().max(255).optional().describe('Project description.'),
        region: z =>
          z
            .string()
            .optional()
            .describe(
              'AWS region. Default: crawlers.aws.region, else the backend’s AWS_REGION.',
            ),
      },
      output: {
        projectName: z => z.string().describe('The CodeBuild project name.'),
        projectArn: z => z.string().describe('ARN of the CodeBuild project.'),
        ruleName: z => z.string().describe('The EventBridge rule name.'),
        ruleArn: z => z.string().describe('ARN of the EventBridge rule.'),
        state: z =>
          z
            .enum(['created', 'adopted', 'planned'])
            .describe(
              'created (the project was new), adopted (it existed with this entity’s tag) or planned (dry run).',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const entityRef = normalizeEntityRef(input.entityRef);
      const branch = input.branch ?? settings.codecommit.defaultBranch;
      const codebuild = new CodeBuildClient(
        await aws.clientOptions('codebuild', { region: input.region }),
      );
      const events = new EventBridgeClient(
        await aws.clientOptions('eventbridge', { region: input.region }),
      );
      const region = await resolvedRegion(codebuild);
      const p = plan(input, region, branch);
      const name = p.project.name!;
      const key = `codebuild.${region}.${name}`;
      const tag = { Key: ENTITY_TAG_KEY, Value: entityRef };

      // Reads and ownership checks first: a foreign project or rule stops the action before any change.
      const found = await codebuild.send(
        new BatchGetProjectsCommand({ names: [name] }),
      );
      const existing = found.projects?.[0];
      if (existing) {
        assertOwnedBy({
          resource: `CodeBuild project "${name}"`,
          marker: `tag ${ENTITY_TAG_KEY}`,
          owner: existing.tags?.find(t => t.key === ENTITY_TAG_KEY)?.value,
          entityRef,
        });
      }
      const rule = await describeRule(events, p.ruleName);
      if (rule) {
        const ruleTags = await events.send(
          new ListTagsForResourceCommand({ ResourceARN: rule.Arn }),
        );
        assertOwnedBy({
          resource: `EventBridge rule "${p.ruleName}"`,
          marker: `tag ${ENTITY_TAG_KEY}`,
          owner: ruleTags.Tags?.find(t => t.Key === ENTITY_TAG_KEY)?.Value,
          entityRef,
        });
      }
      const projectDiff = existing
        ? projectDifferences(existing, p.project)
        : [];
      const ruleChanged =
        !rule ||
        rule.State !== 'ENABLED' ||
        !sameJson(rule.EventPattern, p.eventPattern);
      const targets = rule
        ? (
            await events.send(
              new ListTargetsByRuleCommand({ Rule: p.ruleName }),
            )
          ).Targets ?? []
        : [];
      const current = targets.find(t => t.Id === TARGET_ID);
      const targetChanged =
        !current ||
        current.Arn !== p.target.Arn ||
        current.RoleArn !== p.target.RoleArn ||
        current.InputTransformer?.InputTemplate !==
          p.target.InputTransformer?.InputTemplate;
      ctx.logger.info(
        `CodeBuild project ${name} (${region}) for ${entityRef}: ${
          existing
            ? `exists with this entity’s tag${
                projectDiff.length
                  ? `; updating ${projectDiff.join(', ')}`
                  : '; settings match'
              }`
            : 'to create'
        }; rule ${p.ruleName}: ${ruleState(rule, ruleChanged)}; target: ${
          targetChanged ? 'to set' : 'matches'
        }`,
      );

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would build ${
            p.project.source?.location
          } on pushes to ${branch} into ECR ${
            p.project.environment?.environmentVariables?.find(
              v => v.name === 'IMAGE_REPO_NAME',
            )?.value
          }; nothing was changed`,
        );
      } else {
        if (!existing) {
          await ctx.checkpoint({
            key: `${key}.create`,
            fn: async () => {
              await createProject(codebuild, p, entityRef);
              ctx.logger.info(`Created CodeBuild project ${name}`);
            },
          });
        } else if (projectDiff.length) {
          await ctx.checkpoint({
            key: `${key}.update`,
            fn: async () => {
              await codebuild.send(
                new UpdateProjectCommand({
                  ...p.project,
                  tags: existing.tags,
                } as any),
              );
              ctx.logger.info(
                `Updated ${projectDiff.join(
                  ', ',
                )} of CodeBuild project ${name}`,
              );
            },
          });
        }
        if (ruleChanged) {
          await ctx.checkpoint({
            key: `${key}.rule.${p.ruleName}`,
            fn: async () => {
              await events.send(
                new PutRuleCommand({
                  Name: p.ruleName,
                  EventPattern: p.eventPattern,
                  State: 'ENABLED',
                  Description: `Starts CodeBuild project ${name} on pushes to ${branch}`,
                  Tags: [tag],
                }),
              );
              ctx.logger.info(
                `Rule ${p.ruleName} starts ${name} on pushes to ${branch}`,
              );
            },
          });
        }
        if (targetChanged) {
          await ctx.checkpoint({
            key: `${key}.target.${p.ruleName}`,
            fn: async () => {
              const out = await events.send(
                new PutTargetsCommand({
                  Rule: p.ruleName,
                  Targets: [p.target],
                }),
              );
              if (out.FailedEntryCount) {
                const f = out.FailedEntries?.[0];
                throw new Error(
                  `EventBridge refused the CodeBuild target of ${p.ruleName}: ${f?.ErrorCode} ${f?.ErrorMessage}`,
                );
              }
            },
          });
        }
      }
      ctx.output('projectName', name);
      ctx.output('projectArn', existing?.arn ?? p.projectArn);
      ctx.output('ruleName', p.ruleName);
      ctx.output('ruleArn', rule?.Arn ?? p.ruleArn);
      let state: 'created' | 'adopted' | 'planned' = existing
        ? 'adopted'
        : 'created';
      if (ctx.isDryRun) state = 'planned';
      ctx.output('state', state);
    },
  });
}

/** CreateProject; a project created by someone else in the meantime is checked for ownership like a found one. */
async function createProject(
  codebuild: CodeBuildClient,
  p: Plan,
  entityRef: string,
): Promise<void> {
  try {
    await codebuild.send(
      new CreateProjectCommand({
        ...p.project,
        tags: [{ key: ENTITY_TAG_KEY, value: entityRef }],
      }),
    );
  } catch (e) {
    if (errorName(e) === 'InvalidInputException') {
      throw new InputError(
        `CodeBuild refused the project: ${
          (e as Error).message
        } (check serviceRoleArn, buildImage and computeType)`,
      );
    }
    if (errorName(e) !== 'ResourceAlreadyExistsException') throw e;
    const again = await codebuild.send(
      new BatchGetProjectsCommand({ names: [p.project.name!] }),
    );
    assertOwnedBy({
      resource: `CodeBuild project "${p.project.name}"`,
      marker: `tag ${ENTITY_TAG_KEY}`,
      owner: again.projects?.[0]?.tags?.find(t => t.key === ENTITY_TAG_KEY)
        ?.value,
      entityRef,
    });
  }
}
