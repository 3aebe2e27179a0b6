/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateFargateProfileCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  EKSClient,
  FargateProfile,
  FargateProfileSelector,
  ListFargateProfilesCommand,
} from '@aws-sdk/client-eks';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { CrawlersScaffolderDeps } from '../lib/deps';
import {
  assertOwnedBy,
  ENTITY_TAG_KEY,
  normalizeEntityRef,
} from '../lib/ownership';
import { resolvedRegion } from '../lib/workspace';
import { examples } from './createFargateProfile.examples';
import { missingEndpoints, subnetEgress } from './createFargateProfile.network';

/** The shared profile's tag: it belongs to the platform, not to one entity. */
export const SHARED_PROFILE_TAG = 'crawler-platform.io/shared-profile';

/** Defaults of `aws:eks:fargate-profile:create`. */
export const fargateProfileDefaults = {
  sharedProfileName: 'crawlers',
  sharedNamespacePattern: 'crawler-*',
  /** EKS quota L-33415657 (adjustable): Fargate profiles per cluster. */
  maxProfilesPerCluster: 10,
  timeoutSeconds: 900,
  pollSeconds: 10,
};

const PROFILE_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const errorName = (e: unknown) => (e as { name?: string })?.name;

/** Fargate's wildcard match (`*` any run, `?` one character) of a selector's namespace. */
function wildcardMatch(pattern: string, value: string): boolean {
  const re = pattern
    .split('')
    .map(c => {
      if (c === '*') return '.*';
      if (c === '?') return '.';
      return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${re}$`).test(value);
}

/** The selectors as a comparable text (order of selectors and labels ignored). */
function selectorsText(selectors: FargateProfileSelector[] = []): string {
  return JSON.stringify(
    selectors
      .map(s => ({
        namespace: s.namespace,
        labels: Object.entries(s.labels ?? {}).sort(),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );
}

/** The immutable settings in which an existing profile differs from the wanted one (profiles cannot be updated). */
function profileDifferences(
  existing: FargateProfile,
  want: {
    selectors: FargateProfileSelector[];
    role: string;
    subnets: string[];
  },
): string[] {
  const out: string[] = [];
  if (selectorsText(existing.selectors) !== selectorsText(want.selectors)) {
    out.push(
      `selectors ${selectorsText(
        existing.selectors,
      )} instead of ${selectorsText(want.selectors)}`,
    );
  }
  if (existing.podExecutionRoleArn !== want.role) {
    out.push(
      `podExecutionRoleArn ${existing.podExecutionRoleArn} instead of ${want.role}`,
    );
  }
  const have = [...(existing.subnets ?? [])].sort().join(',');
  if (have !== [...want.subnets].sort().join(',')) {
    out.push(
      `subnets ${have} instead of ${[...want.subnets].sort().join(',')}`,
    );
  }
  return out;
}

/** Checks the selectors as EKS does (≤ 5 selectors, a namespace each, ≤ 5 labels each). */
function checkSelectors(selectors: FargateProfileSelector[]): void {
  if (selectors.length < 1 || selectors.length > 5) {
    throw new InputError(
      `selectors: a Fargate profile has 1 to 5 selectors (EKS quota L-D78D8AF8), got ${selectors.length}`,
    );
  }
  selectors.forEach((s, i) => {
    if (!s.namespace) {
      throw new InputError(`selectors[${i}].namespace is required`);
    }
    const labels = Object.keys(s.labels ?? {}).length;
    if (labels > 5) {
      throw new InputError(
        `selectors[${i}] has ${labels} labels; a selector takes at most 5 (EKS quota L-23414FF3)`,
      );
    }
  });
}

/**
 * How `aws:eks:fargate-profile:create` waits for ACTIVE (injectable for tests).
 *
 * @public
 */
export type FargateProfileWaiter = {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
};

/**
 * `aws:eks:fargate-profile:create`: makes sure a Fargate profile selects the crawler's namespace. By default one
 * shared profile selects every `crawler-*` namespace (created once, adopted afterwards: Fargate allows 10 profiles
 * per cluster); a per-crawler profile tagged with the entity is an option. Validates first (selectors, labels,
 * name, private subnets, egress), then creates and waits for ACTIVE. An existing profile that differs is an error
 * naming the difference, as profiles are immutable.
 *
 * @public
 */
export function createAwsEksFargateProfileCreateAction(
  options: Pick<CrawlersScaffolderDeps, 'aws'> & {
    /** Waiting for ACTIVE (tests inject a fake clock). */
    wait?: Partial<FargateProfileWaiter>;
  },
) {
  const { aws } = options;
  const waiter: FargateProfileWaiter = {
    sleep: options.wait?.sleep ?? (ms => new Promise(r => setTimeout(r, ms))),
    now: options.wait?.now ?? (() => Date.now()),
  };
  return createTemplateAction({
    id: 'aws:eks:fargate-profile:create',
    description:
      'Makes sure an EKS Fargate profile selects the crawler’s namespace: by default one shared profile for every ' +
      'crawler-* namespace (created once, then adopted), or a per-crawler profile tagged with the entity. Checks ' +
      'selectors, labels, the name and that every subnet is private (warning when one has neither a NAT route nor ' +
      'ECR/S3/STS endpoints), creates the profile and waits until it is ACTIVE. Profiles are immutable: an existing ' +
      'one that differs is an error naming the difference.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        clusterName: z => z.string().describe('The EKS cluster name.'),
        entityRef: z =>
          z
            .string()
            .describe(
              'The catalog entity the profile is for, e.g. component:default/news-crawler (tag of a per-crawler profile).',
            ),
        namespace: z =>
          z
            .string()
            .describe(
              'The crawler’s namespace; the profile must select it (checked against the selectors).',
            ),
        podExecutionRoleArn: z =>
          z
            .string()
            .describe(
              'Pod execution role: trusts eks-fargate-pods.amazonaws.com and has AmazonEKSFargatePodExecutionRolePolicy (ECR pulls).',
            ),
        mode: z =>
          z
            .enum(['shared', 'perCrawler'])
            .optional()
            .describe(
              'shared (default): one profile selecting crawler-* namespaces; perCrawler: a profile for this namespace only.',
            ),
        profileName: z =>
          z
            .string()
            .optional()
            .describe(
              'Profile name (not starting with eks-). Default: "crawlers" (shared) or the namespace (perCrawler).',
            ),
        selectors: z =>
          z
            .array(
              z.object({
                namespace: z
                  .string()
                  .describe('Namespace, * and ? wildcards allowed.'),
                labels: z
                  .record(z.string())
                  .optional()
                  .describe('Pod labels that must all match (at most 5).'),
              }),
            )
            .optional()
            .describe(
              'Selectors (at most 5). Default: [{namespace: crawler-*}] (shared) or [{namespace: <namespace>}] (perCrawler).',
            ),
        subnets: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Private subnet ids for the pods. Default: the cluster’s subnets whose default route does not go to an internet gateway.',
            ),
        region: z =>
          z
            .string()
            .optional()
            .describe(
              'AWS region. Default: crawlers.aws.region, else the backend’s AWS_REGION.',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(3600)
            .optional()
            .describe('How long to wait for ACTIVE. Default: 900.'),
      },
      output: {
        profileName: z => z.string().describe('The Fargate profile name.'),
        profileArn: z =>
          z
            .string()
            .describe('ARN of the profile (empty in a dry run of a new one).'),
        status: z =>
          z
            .string()
            .describe(
              'The profile’s status: ACTIVE, or "planned" in a dry run.',
            ),
        state: z =>
          z
            .enum(['created', 'adopted', 'planned'])
            .describe(
              'created, adopted (it existed and matches) or planned (dry run).',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const entityRef = normalizeEntityRef(input.entityRef);
      const mode = input.mode ?? 'shared';
      const namespace = input.namespace.trim();
      const name = (
        input.profileName ??
        (mode === 'shared'
          ? fargateProfileDefaults.sharedProfileName
          : namespace)
      ).trim();
      if (name.startsWith('eks-')) {
        throw new InputError(
          `profileName "${name}" starts with the reserved prefix eks-; choose another name`,
        );
      }
      if (!PROFILE_NAME.test(name)) {
        throw new InputError(
          `profileName "${name}" is not a Fargate profile name: 1–100 letters, digits, "-" or "_", starting with a letter or digit`,
        );
      }
      if (!ROLE_ARN.test(input.podExecutionRoleArn)) {
        throw new InputError(
          `podExecutionRoleArn "${input.podExecutionRoleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
        );
      }
      const selectors: FargateProfileSelector[] = input.selectors ?? [
        {
          namespace:
            mode === 'shared'
              ? fargateProfileDefaults.sharedNamespacePattern
              : namespace,
        },
      ];
      checkSelectors(selectors);
      if (!selectors.some(s => wildcardMatch(s.namespace!, namespace))) {
        throw new InputError(
          `selectors: no selector matches namespace "${namespace}", so its pods would stay Pending; add one (e.g. namespace ${namespace})`,
        );
      }
      const tags: Record<string, string> =
        mode === 'shared'
          ? { [SHARED_PROFILE_TAG]: 'true' }
          : { [ENTITY_TAG_KEY]: entityRef };

      const eks = new EKSClient(
        await aws.clientOptions('eks', { region: input.region }),
      );
      const ec2 = new EC2Client(
        await aws.clientOptions('ec2', { region: input.region }),
      );
      const region = await resolvedRegion(eks);
      const cluster = await describeCluster(eks, input.clusterName);
      const vpcId = cluster.resourcesVpcConfig?.vpcId ?? '';
      const clusterSubnets = cluster.resourcesVpcConfig?.subnetIds ?? [];
      const subnets = await checkSubnets(
        ctx,
        ec2,
        vpcId,
        region,
        input.subnets ?? clusterSubnets,
        !input.subnets,
      );

      const existing = await describeProfile(eks, input.clusterName, name);
      const want = { selectors, role: input.podExecutionRoleArn, subnets };
      if (existing) {
        checkExisting(existing, { mode, entityRef, name, want });
        ctx.logger.info(
          `Fargate profile ${name} of ${input.clusterName} exists (${existing.status}) and selects ${namespace}: adopting it`,
        );
      } else {
        const names = await listProfiles(eks, input.clusterName);
        if (names.length >= fargateProfileDefaults.maxProfilesPerCluster) {
          throw new InputError(
            `Cluster ${input.clusterName} already has ${names.length} Fargate profiles, the EKS quota (L-33415657, 10 by default): use mode "shared" (one profile for all crawler-* namespaces) or raise the quota`,
          );
        }
      }
      if (ctx.isDryRun) {
        ctx.logger.info(
          existing
            ? `Dry run: profile ${name} would be adopted; nothing was changed`
            : `Dry run: would create Fargate profile ${name} in ${
                input.clusterName
              } with selectors ${selectorsText(selectors)} on ${subnets.join(
                ', ',
              )}; nothing was created`,
        );
        ctx.output('profileName', name);
        ctx.output('profileArn', existing?.fargateProfileArn ?? '');
        ctx.output('status', existing?.status ?? 'planned');
        ctx.output('state', 'planned');
        return;
      }
      if (!existing) {
        await ctx.checkpoint({
          key: `eks.${region}.${input.clusterName}.fargate.${name}.create`,
          fn: async () => {
            await createProfile(eks, {
              clusterName: input.clusterName,
              name,
              want,
              tags,
              entityRef,
              mode,
            });
            ctx.logger.info(
              `Creating Fargate profile ${name} in ${
                input.clusterName
              }: selectors ${selectorsText(selectors)}, subnets ${subnets.join(
                ', ',
              )}`,
            );
          },
        });
      }
      const active = await waitForActive(ctx, eks, waiter, {
        clusterName: input.clusterName,
        name,
        timeoutMs:
          (input.timeoutSeconds ?? fargateProfileDefaults.timeoutSeconds) *
          1000,
        pollMs: fargateProfileDefaults.pollSeconds * 1000,
      });
      ctx.output('profileName', name);
      ctx.output('profileArn', active.fargateProfileArn ?? '');
      ctx.output('status', active.status ?? 'ACTIVE');
      ctx.output('state', existing ? 'adopted' : 'created');
    },
  });
}

async function describeCluster(eks: EKSClient, name: string) {
  try {
    const out = await eks.send(new DescribeClusterCommand({ name }));
    return out.cluster!;
  } catch (e) {
    if (errorName(e) === 'ResourceNotFoundException') {
      throw new InputError(
        `clusterName: no EKS cluster "${name}" in this account and region`,
      );
    }
    throw e;
  }
}

async function describeProfile(
  eks: EKSClient,
  clusterName: string,
  name: string,
): Promise<FargateProfile | undefined> {
  try {
    const out = await eks.send(
      new DescribeFargateProfileCommand({
        clusterName,
        fargateProfileName: name,
      }),
    );
    return out.fargateProfile;
  } catch (e) {
    if (errorName(e) === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

async function listProfiles(eks: EKSClient, clusterName: string) {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await eks.send(
      new ListFargateProfilesCommand({ clusterName, nextToken }),
    );
    names.push(...(out.fargateProfileNames ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return names;
}

type Logger = { info(m: string): void; warn(m: string): void };

/**
 * Private subnets only (a subnet whose default route goes to an internet gateway is public: an InputError when the
 * caller named it, skipped when it came from the cluster); warns when a subnet has no NAT route and the VPC lacks
 * the ECR/S3/STS endpoints.
 */
async function checkSubnets(
  ctx: { logger: Logger },
  ec2: EC2Client,
  vpcId: string,
  region: string,
  subnetIds: string[],
  fromCluster: boolean,
): Promise<string[]> {
  const egress = await subnetEgress(ec2, vpcId, subnetIds);
  const publicOnes = egress.filter(s => s.internetGateway);
  if (publicOnes.length && !fromCluster) {
    const s = publicOnes[0];
    throw new InputError(
      `subnets: ${s.subnetId} is public (route table ${s.routeTableId} sends 0.0.0.0/0 to ${s.internetGateway}); Fargate pods run only in private subnets`,
    );
  }
  const chosen = egress.filter(s => !s.internetGateway);
  if (chosen.length === 0) {
    throw new InputError(
      `subnets: the cluster has no private subnet (every one routes 0.0.0.0/0 to an internet gateway); give private subnet ids`,
    );
  }
  const withoutNat = chosen.filter(s => !s.natGateway);
  if (withoutNat.length) {
    const missing = await missingEndpoints(ec2, vpcId, region);
    if (missing.length) {
      ctx.logger.warn(
        `Subnets ${withoutNat
          .map(s => s.subnetId)
          .join(', ')} have no NAT route and the VPC has no ${missing.join(
          ', ',
        )} endpoint: pods there cannot pull from ECR or use IRSA (ImagePullBackOff with i/o timeout)`,
      );
    }
  }
  return chosen.map(s => s.subnetId);
}

/** An existing profile must be the platform's (shared) or this entity's, and equal to the wanted one. */
function checkExisting(
  existing: FargateProfile,
  c: {
    mode: 'shared' | 'perCrawler';
    entityRef: string;
    name: string;
    want: {
      selectors: FargateProfileSelector[];
      role: string;
      subnets: string[];
    };
  },
) {
  if (c.mode === 'shared') {
    if (existing.tags?.[SHARED_PROFILE_TAG] !== 'true') {
      throw new ConflictError(
        `Fargate profile "${c.name}" already exists and is not the platform's shared profile (no tag ${SHARED_PROFILE_TAG}=true); it was left unchanged. Choose another profileName.`,
      );
    }
  } else {
    assertOwnedBy({
      resource: `Fargate profile "${c.name}"`,
      marker: `tag ${ENTITY_TAG_KEY}`,
      owner: existing.tags?.[ENTITY_TAG_KEY],
      entityRef: c.entityRef,
    });
  }
  if (
    existing.status === 'DELETING' ||
    existing.status === 'CREATE_FAILED' ||
    existing.status === 'DELETE_FAILED'
  ) {
    throw new ConflictError(
      `Fargate profile "${c.name}" is ${existing.status}; wait until it is gone (or delete it) and run again`,
    );
  }
  const diff = profileDifferences(existing, c.want);
  if (diff.length) {
    throw new ConflictError(
      `Fargate profile "${c.name}" exists with ${diff.join(
        '; ',
      )}. Fargate profiles are immutable: delete it and run again, or choose another profileName.`,
    );
  }
}

async function createProfile(
  eks: EKSClient,
  p: {
    clusterName: string;
    name: string;
    want: {
      selectors: FargateProfileSelector[];
      role: string;
      subnets: string[];
    };
    tags: Record<string, string>;
    entityRef: string;
    mode: 'shared' | 'perCrawler';
  },
) {
  try {
    await eks.send(
      new CreateFargateProfileCommand({
        clusterName: p.clusterName,
        fargateProfileName: p.name,
        podExecutionRoleArn: p.want.role,
        subnets: p.want.subnets,
        selectors: p.want.selectors,
        tags: p.tags,
      }),
    );
  } catch (e) {
    const message = (e as Error).message;
    if (errorName(e) === 'InvalidParameterException') {
      throw new InputError(
        `EKS refused the Fargate profile ${p.name}: ${message}`,
      );
    }
    if (errorName(e) === 'ResourceLimitExceededException') {
      throw new InputError(
        `EKS refused the Fargate profile ${p.name}: ${message} (quota L-33415657); use mode "shared" or raise the quota`,
      );
    }
    if (errorName(e) === 'ResourceInUseException') {
      const raced = await describeProfile(eks, p.clusterName, p.name);
      if (raced) {
        checkExisting(raced, {
          mode: p.mode,
          entityRef: p.entityRef,
          name: p.name,
          want: p.want,
        });
        return;
      }
      throw new ConflictError(
        `EKS refused the Fargate profile ${p.name}: ${message} (a profile is being deleted; run again once it is gone)`,
      );
    }
    throw e;
  }
}

async function waitForActive(
  ctx: { logger: Logger },
  eks: EKSClient,
  waiter: FargateProfileWaiter,
  w: { clusterName: string; name: string; timeoutMs: number; pollMs: number },
): Promise<FargateProfile> {
  const start = waiter.now();
  for (;;) {
    const profile = await describeProfile(eks, w.clusterName, w.name);
    const status = profile?.status ?? 'gone';
    const elapsed = Math.round((waiter.now() - start) / 1000);
    if (status === 'ACTIVE') {
      ctx.logger.info(
        `Fargate profile ${w.name} is ACTIVE (after ${elapsed}s)`,
      );
      return profile!;
    }
    if (status !== 'CREATING') {
      throw new Error(
        `Fargate profile ${w.name} is ${status} instead of becoming ACTIVE`,
      );
    }
    if (waiter.now() - start >= w.timeoutMs) {
      throw new Error(
        `Fargate profile ${
          w.name
        } is still CREATING after ${elapsed}s (timeoutSeconds ${Math.round(
          w.timeoutMs / 1000,
        )}); run the task again to keep waiting`,
      );
    }
    ctx.logger.info(`Fargate profile ${w.name} is CREATING (${elapsed}s)`);
    await waiter.sleep(w.pollMs);
  }
}
