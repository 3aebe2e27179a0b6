/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  ImageTagMutability,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  Repository,
} from '@aws-sdk/client-ecr';
import { InputError } from '@backstage/errors';
import {
  ActionContext,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { CrawlersScaffolderDeps } from '../lib/deps';
import {
  assertOwnedBy,
  ENTITY_TAG_KEY,
  normalizeEntityRef,
} from '../lib/ownership';
import { resolvedRegion } from '../lib/workspace';
import { examples } from './createEcrRepository.examples';

const ECR_NAME =
  /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/;

/** The repository settings the action wants (and verifies on an adopted repository). */
type WantedSettings = {
  scanOnPush: boolean;
  imageTagMutability: ImageTagMutability;
  exclusionFilters: string[];
  lifecyclePolicyText?: string;
};

/** The AWS error name of a failed SDK call. */
const errorName = (e: unknown) => (e as { name?: string })?.name;

async function describeRepository(
  client: ECRClient,
  repositoryName: string,
): Promise<Repository | undefined> {
  try {
    const out = await client.send(
      new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }),
    );
    return out.repositories?.[0];
  } catch (e) {
    if (errorName(e) === 'RepositoryNotFoundException') return undefined;
    throw e;
  }
}

async function currentLifecyclePolicy(
  client: ECRClient,
  repositoryName: string,
): Promise<string | undefined> {
  try {
    const out = await client.send(
      new GetLifecyclePolicyCommand({ repositoryName }),
    );
    return out.lifecyclePolicyText;
  } catch (e) {
    if (errorName(e) === 'LifecyclePolicyNotFoundException') return undefined;
    throw e;
  }
}

/** JSON documents compared by content, not by formatting. */
const sameJson = (a: string | undefined, b: string | undefined) => {
  try {
    return (
      JSON.stringify(JSON.parse(a ?? 'null')) ===
      JSON.stringify(JSON.parse(b ?? 'null'))
    );
  } catch {
    return a === b;
  }
};

function wantedSettings(input: {
  scanOnPush?: boolean;
  tagImmutability?: boolean;
  mutableTags?: string[];
  lifecyclePolicy?: Record<string, unknown>;
}): WantedSettings {
  const immutable = input.tagImmutability ?? true;
  const mutableTags = immutable ? input.mutableTags ?? ['latest'] : [];
  for (const tag of mutableTags) {
    if (!TAG_FILTER.test(tag)) {
      throw new InputError(
        `mutableTags: "${tag}" is not an ECR tag filter; use 1–128 letters, digits, ".", "_", "-" or "*" wildcards`,
      );
    }
  }
  if (mutableTags.length > 5) {
    throw new InputError(
      `mutableTags: ECR allows at most 5 tag filters exempt from immutability, got ${mutableTags.length}`,
    );
  }
  let imageTagMutability: ImageTagMutability = 'MUTABLE';
  if (immutable) {
    imageTagMutability = mutableTags.length
      ? 'IMMUTABLE_WITH_EXCLUSION'
      : 'IMMUTABLE';
  }
  return {
    scanOnPush: input.scanOnPush ?? true,
    imageTagMutability,
    exclusionFilters: mutableTags,
    lifecyclePolicyText: input.lifecyclePolicy
      ? JSON.stringify(input.lifecyclePolicy)
      : undefined,
  };
}

/** What differs between an existing repository and the wanted settings (one entry per setting). */
function differences(
  repo: Repository,
  policy: string | undefined,
  want: WantedSettings,
): Array<'scanOnPush' | 'imageTagMutability' | 'lifecyclePolicy'> {
  const out: Array<'scanOnPush' | 'imageTagMutability' | 'lifecyclePolicy'> =
    [];
  if (Boolean(repo.imageScanningConfiguration?.scanOnPush) !== want.scanOnPush)
    out.push('scanOnPush');
  const filters = (repo.imageTagMutabilityExclusionFilters ?? [])
    .map(f => f.filter)
    .sort()
    .join(',');
  if (
    repo.imageTagMutability !== want.imageTagMutability ||
    filters !== [...want.exclusionFilters].sort().join(',')
  )
    out.push('imageTagMutability');
  if (want.lifecyclePolicyText && !sameJson(policy, want.lifecyclePolicyText))
    out.push('lifecyclePolicy');
  return out;
}

/** Turns ECR's parameter errors into an InputError that says which input to fix. */
function asInputError(e: unknown, field: string): unknown {
  if (errorName(e) === 'InvalidParameterException') {
    return new InputError(`${field}: ECR refused it: ${(e as Error).message}`);
  }
  return e;
}

/**
 * `aws:ecr:repository:create`: creates the crawler's ECR repository (scan on push, tag immutability, optional
 * lifecycle policy) tagged `crawler-platform.io/entity` with the entity, or adopts one that already carries this
 * entity's tag — verifying its settings and updating those that differ. A repository of another entity, or of none,
 * is refused without a change.
 *
 * @public
 */
export function createAwsEcrRepositoryCreateAction(
  options: Pick<CrawlersScaffolderDeps, 'aws'>,
) {
  const { aws } = options;
  return createTemplateAction({
    id: 'aws:ecr:repository:create',
    description:
      'Creates an Amazon ECR repository for the crawler image, tagged crawler-platform.io/entity with the entity ' +
      '(scan on push, tag immutability with exempt tags, optional lifecycle policy), or adopts one that already carries ' +
      'this entity’s tag and brings its settings in line. Another entity’s repository, or an untagged one, is refused.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repositoryName: z =>
          z
            .string()
            .describe(
              'ECR repository name: 2–256 lower-case letters, digits, ".", "_", "-" and "/" between components, e.g. crawlers/news-crawler.',
            ),
        entityRef: z =>
          z
            .string()
            .describe(
              'The catalog entity that owns the repository, e.g. component:default/news-crawler (tag crawler-platform.io/entity).',
            ),
        region: z =>
          z
            .string()
            .optional()
            .describe(
              'AWS region. Default: crawlers.aws.region, else the backend’s AWS_REGION.',
            ),
        scanOnPush: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Scan each image for vulnerabilities on push. Default: true.',
            ),
        tagImmutability: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Make image tags immutable (a pushed tag cannot move to another image), except the mutableTags. Default: true.',
            ),
        mutableTags: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Tags exempt from immutability (ECR wildcard filters, at most 5), e.g. the "latest" a DAG follows. Default: ["latest"]. Ignored when tagImmutability is false.',
            ),
        lifecyclePolicy: z =>
          z
            .object({
              rules: z
                .array(z.record(z.unknown()))
                .min(1)
                .describe(
                  'ECR lifecycle rules (rulePriority, selection, action).',
                ),
            })
            .passthrough()
            .optional()
            .describe(
              'ECR lifecycle policy document, e.g. {rules: [{rulePriority: 1, selection: {tagStatus: any, countType: imageCountMoreThan, countNumber: 30}, action: {type: expire}}]}. Default: none (an existing policy is kept).',
            ),
      },
      output: {
        repositoryName: z => z.string().describe('The repository name.'),
        repositoryArn: z => z.string().describe('ARN of the repository.'),
        repositoryUri: z =>
          z
            .string()
            .describe(
              'Image repository URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>), without a tag.',
            ),
        state: z =>
          z
            .enum(['created', 'adopted', 'planned'])
            .describe(
              'created, adopted (existed with this entity’s tag; settings brought in line) or planned (dry run).',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const repositoryName = input.repositoryName.trim();
      if (!ECR_NAME.test(repositoryName)) {
        throw new InputError(
          `repositoryName "${repositoryName}" is not a valid ECR repository name: use 2–256 lower-case letters, digits, ".", "_" or "-", with "/" between components`,
        );
      }
      const entityRef = normalizeEntityRef(input.entityRef);
      const want = wantedSettings(input);
      const client = new ECRClient(
        await aws.clientOptions('ecr', { region: input.region }),
      );
      const region = await resolvedRegion(client);
      ctx.logger.info(
        `ECR repository ${repositoryName} (${region}) for ${entityRef}: scan on push ${
          want.scanOnPush
        }, tag mutability ${want.imageTagMutability}${
          want.exclusionFilters.length
            ? ` (mutable: ${want.exclusionFilters.join(', ')})`
            : ''
        }${want.lifecyclePolicyText ? ', with a lifecycle policy' : ''}`,
      );
      const key = `ecr.${region}.${repositoryName}`;

      const existing = await describeRepository(client, repositoryName);
      let repo: Repository;
      let state: 'created' | 'adopted' | 'planned';
      if (existing) {
        repo = await adopt(ctx, client, existing, entityRef, want, key);
        state = ctx.isDryRun ? 'planned' : 'adopted';
      } else if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create ECR repository ${repositoryName} tagged ${ENTITY_TAG_KEY}=${entityRef}; nothing was created`,
        );
        repo = {
          repositoryName,
          repositoryArn: `arn:aws:ecr:${region}:<account>:repository/${repositoryName}`,
          repositoryUri: `<account>.dkr.ecr.${region}.amazonaws.com/${repositoryName}`,
        };
        state = 'planned';
      } else {
        const created = await ctx.checkpoint({
          key: `${key}.create`,
          fn: async () => {
            try {
              const out = await client.send(
                new CreateRepositoryCommand({
                  repositoryName,
                  imageScanningConfiguration: { scanOnPush: want.scanOnPush },
                  imageTagMutability: want.imageTagMutability,
                  imageTagMutabilityExclusionFilters: want.exclusionFilters
                    .length
                    ? want.exclusionFilters.map(filter => ({
                        filterType: 'WILDCARD' as const,
                        filter,
                      }))
                    : undefined,
                  tags: [{ Key: ENTITY_TAG_KEY, Value: entityRef }],
                }),
              );
              ctx.logger.info(
                `Created ECR repository ${repositoryName} (${out.repository?.repositoryUri})`,
              );
              return {
                created: true,
                repositoryArn: out.repository!.repositoryArn!,
                repositoryUri: out.repository!.repositoryUri!,
              };
            } catch (e) {
              if (errorName(e) !== 'RepositoryAlreadyExistsException') {
                throw asInputError(e, 'repositoryName');
              }
              return { created: false, repositoryArn: '', repositoryUri: '' };
            }
          },
        });
        if (created.created) {
          repo = {
            repositoryName,
            repositoryArn: created.repositoryArn,
            repositoryUri: created.repositoryUri,
          };
          state = 'created';
        } else {
          // Created by someone else between the read and the create: the ownership check decides.
          const raced = await describeRepository(client, repositoryName);
          repo = await adopt(ctx, client, raced!, entityRef, want, key);
          state = 'adopted';
        }
        if (want.lifecyclePolicyText && created.created) {
          await putLifecyclePolicy(ctx, client, repositoryName, want, key);
        }
      }
      ctx.output('repositoryName', repositoryName);
      ctx.output('repositoryArn', repo.repositoryArn!);
      ctx.output('repositoryUri', repo.repositoryUri!);
      ctx.output('state', state);
    },
  });
}

type Ctx = Pick<ActionContext<any, any>, 'isDryRun' | 'logger' | 'checkpoint'>;

async function putLifecyclePolicy(
  ctx: Ctx,
  client: ECRClient,
  repositoryName: string,
  want: WantedSettings,
  key: string,
): Promise<void> {
  await ctx.checkpoint({
    key: `${key}.lifecyclePolicy`,
    fn: async () => {
      try {
        await client.send(
          new PutLifecyclePolicyCommand({
            repositoryName,
            lifecyclePolicyText: want.lifecyclePolicyText,
          }),
        );
      } catch (e) {
        throw asInputError(e, 'lifecyclePolicy');
      }
      ctx.logger.info(`Set the lifecycle policy of ${repositoryName}`);
    },
  });
}

/**
 * Adopts an existing repository: it must carry this entity's tag (else ConflictError, nothing changed); settings
 * that differ are updated (or, in a dry run, listed).
 */
async function adopt(
  ctx: Ctx,
  client: ECRClient,
  repo: Repository,
  entityRef: string,
  want: WantedSettings,
  key: string,
): Promise<Repository> {
  const name = repo.repositoryName!;
  const tags = await client.send(
    new ListTagsForResourceCommand({ resourceArn: repo.repositoryArn }),
  );
  assertOwnedBy({
    resource: `ECR repository "${name}"`,
    marker: `tag ${ENTITY_TAG_KEY}`,
    owner: tags.tags?.find(t => t.Key === ENTITY_TAG_KEY)?.Value,
    entityRef,
  });
  const policy = want.lifecyclePolicyText
    ? await currentLifecyclePolicy(client, name)
    : undefined;
  const diff = differences(repo, policy, want);
  ctx.logger.info(
    `ECR repository ${name} exists and belongs to ${entityRef}: adopting it${
      diff.length ? `; updating ${diff.join(', ')}` : '; its settings match'
    }`,
  );
  if (ctx.isDryRun) {
    if (diff.length) {
      ctx.logger.info(`Dry run: would update ${diff.join(', ')} of ${name}`);
    }
    return repo;
  }
  if (diff.includes('scanOnPush')) {
    await ctx.checkpoint({
      key: `${key}.scanOnPush`,
      fn: async () => {
        await client.send(
          new PutImageScanningConfigurationCommand({
            repositoryName: name,
            imageScanningConfiguration: { scanOnPush: want.scanOnPush },
          }),
        );
      },
    });
  }
  if (diff.includes('imageTagMutability')) {
    await ctx.checkpoint({
      key: `${key}.imageTagMutability`,
      fn: async () => {
        await client.send(
          new PutImageTagMutabilityCommand({
            repositoryName: name,
            imageTagMutability: want.imageTagMutability,
            imageTagMutabilityExclusionFilters: want.exclusionFilters.length
              ? want.exclusionFilters.map(filter => ({
                  filterType: 'WILDCARD' as const,
                  filter,
                }))
              : undefined,
          }),
        );
      },
    });
  }
  if (diff.includes('lifecyclePolicy')) {
    await putLifecyclePolicy(ctx, client, name, want, key);
  }
  return repo;
}
