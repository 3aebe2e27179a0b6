/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { StateStore } from '../../state/StateStore';
import { AwsServiceError } from '../errors';
import type { AwsAccount } from '../state';
import { evaluatePolicies, parsePolicy, PolicyDecision } from '../iam/policy';
import {
  checkLifecyclePolicy,
  checkMutability,
  checkScanning,
  checkTags,
  EcrTagMutability,
  EcrTagMutabilityFilter,
  tagIsMutable,
} from './settings';

/** What the CodeBuild stand-in found when it built an image (see README "Image builds"). */
export interface ImageRunRule {
  /** Exit code every container started from this image terminates with. */
  exitCode: number;
  /** Lines the container writes to its log. */
  log: string[];
}

export interface EcrImageRecord {
  imageDigest: string;
  imageTags: string[];
  imagePushedAt: string;
  imageSizeInBytes: number;
  /** Source commit of a CodeBuild stand-in build. */
  sourceCommit?: string;
  run?: ImageRunRule;
}

export interface EcrRepositoryRecord {
  repositoryName: string;
  createdAt: string;
  imageTagMutability: EcrTagMutability;
  /** Tags (wildcards) exempt from `imageTagMutability` (the `*_WITH_EXCLUSION` settings). */
  imageTagMutabilityExclusionFilters?: EcrTagMutabilityFilter[];
  /** Whether images are scanned on push (recorded; no scan findings are modelled). */
  scanOnPush?: boolean;
  /** The lifecycle policy (PutLifecyclePolicy), if any; validated, not evaluated. */
  lifecyclePolicyText?: string;
  images: EcrImageRecord[];
  tags?: Array<{ Key: string; Value: string }>;
  /** The repository policy (SetRepositoryPolicy), if any. */
  policyText?: string;
}

/** ECR's slice of `aws.json`: repositories (with their images) by name. */
export interface EcrState {
  ecr: Record<string, EcrRepositoryRecord>;
}

export type { EcrTagMutability, EcrTagMutabilityFilter } from './settings';

const ECR_NAME =
  /^(?=.{2,256}$)((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)$/;

/** The ECR stand-in: repositories and image records (the sandbox's only registry). */
export class EcrService {
  constructor(
    private readonly store: StateStore<EcrState>,
    private readonly account: AwsAccount,
  ) {}

  registryHost(): string {
    return `${this.account.accountId}.dkr.ecr.${this.account.region}.amazonaws.com`;
  }

  repositoryUri(repo: string): string {
    return `${this.registryHost()}/${repo}`;
  }

  repositoryArn(repo: string): string {
    return `arn:aws:ecr:${this.account.region}:${this.account.accountId}:repository/${repo}`;
  }

  exists(repo: string): boolean {
    return Boolean(this.store.state.ecr[repo]);
  }

  describe(repo: string) {
    const r = this.requireRepository(repo);
    return {
      repositoryArn: this.repositoryArn(repo),
      registryId: this.account.accountId,
      repositoryName: repo,
      repositoryUri: this.repositoryUri(repo),
      createdAt: r.createdAt,
      imageTagMutability: r.imageTagMutability,
      ...(r.imageTagMutabilityExclusionFilters
        ? {
            imageTagMutabilityExclusionFilters:
              r.imageTagMutabilityExclusionFilters,
          }
        : {}),
      imageScanningConfiguration: { scanOnPush: Boolean(r.scanOnPush) },
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
  }

  createRepository(
    repo: string | undefined,
    options: {
      imageTagMutability?: string;
      imageTagMutabilityExclusionFilters?: unknown;
      imageScanningConfiguration?: unknown;
      tags?: unknown;
    } = {},
  ) {
    if (!repo || !ECR_NAME.test(repo)) {
      throw new AwsServiceError(
        'InvalidParameterException',
        `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and length between 2 and 256'`,
      );
    }
    if (this.store.state.ecr[repo]) {
      throw new AwsServiceError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${repo}' already exists in the registry with id '${this.account.accountId}'`,
      );
    }
    const mutability = checkMutability(
      options.imageTagMutability,
      options.imageTagMutabilityExclusionFilters,
    );
    const tags = checkTags(options.tags);
    this.store.state.ecr[repo] = {
      repositoryName: repo,
      createdAt: this.store.now().toISOString(),
      imageTagMutability: mutability.imageTagMutability,
      ...(mutability.filters
        ? { imageTagMutabilityExclusionFilters: mutability.filters }
        : {}),
      scanOnPush: checkScanning(options.imageScanningConfiguration),
      images: [],
      tags: tags.length ? tags : undefined,
    };
    this.store.changed();
    return this.describe(repo);
  }

  list(): string[] {
    return Object.keys(this.store.state.ecr).sort();
  }

  images(repo: string): EcrImageRecord[] {
    return this.requireRepository(repo).images;
  }

  hasImage(repo: string, tag: string): boolean {
    return Boolean(
      this.store.state.ecr[repo]?.images.some(
        i => i.imageTags.includes(tag) || i.imageDigest === tag,
      ),
    );
  }

  getImage(repo: string, tagOrDigest: string): EcrImageRecord | undefined {
    return this.store.state.ecr[repo]?.images.find(
      i => i.imageTags.includes(tagOrDigest) || i.imageDigest === tagOrDigest,
    );
  }

  /**
   * Pushes an image tag (as `docker push` would). The repository must exist (RepositoryNotFoundException). A tag
   * that names another image moves to the new one (ImageTagAlreadyExistsException in IMMUTABLE repositories).
   */
  putImage(
    repo: string,
    tag: string,
    meta: {
      imageDigest?: string;
      sourceCommit?: string;
      run?: ImageRunRule;
      imageSizeInBytes?: number;
    } = {},
  ): EcrImageRecord {
    const r = this.requireRepository(repo);
    const digest =
      meta.imageDigest ??
      `sha256:${crypto
        .createHash('sha256')
        .update(
          `${repo}\0${meta.sourceCommit ?? tag}\0${JSON.stringify(
            meta.run ?? null,
          )}`,
        )
        .digest('hex')}`;
    const holder = r.images.find(i => i.imageTags.includes(tag));
    if (holder && holder.imageDigest !== digest) {
      if (!tagIsMutable(r, tag)) {
        throw new AwsServiceError(
          'ImageTagAlreadyExistsException',
          `The image tag '${tag}' already exists in the '${repo}' repository and cannot be overwritten because the repository is immutable.`,
        );
      }
      holder.imageTags = holder.imageTags.filter(t => t !== tag);
    }
    let image = r.images.find(i => i.imageDigest === digest);
    if (!image) {
      image = {
        imageDigest: digest,
        imageTags: [],
        imagePushedAt: this.store.now().toISOString(),
        imageSizeInBytes: meta.imageSizeInBytes ?? 50_000_000,
        sourceCommit: meta.sourceCommit,
        run: meta.run,
      };
      r.images.push(image);
    }
    if (!image.imageTags.includes(tag)) {
      image.imageTags.push(tag);
    }
    this.store.changed();
    return image;
  }

  /** Parses `<acct>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`; undefined for other registries. */
  parseImageUri(
    image: string,
  ): { repository: string; reference: string } | undefined {
    const host = `${this.registryHost()}/`;
    if (!image.startsWith(host)) {
      return undefined;
    }
    const rest = image.slice(host.length);
    const at = rest.indexOf('@');
    if (at >= 0) {
      return { repository: rest.slice(0, at), reference: rest.slice(at + 1) };
    }
    const colon = rest.lastIndexOf(':');
    return colon >= 0
      ? { repository: rest.slice(0, colon), reference: rest.slice(colon + 1) }
      : { repository: rest, reference: 'latest' };
  }

  /** The image a pod's image reference names, if the ECR stand-in holds it. */
  findImage(image: string): EcrImageRecord | undefined {
    const ref = this.parseImageUri(image);
    return ref ? this.getImage(ref.repository, ref.reference) : undefined;
  }

  /** SetRepositoryPolicy: a resource policy (every statement names a Principal). */
  setRepositoryPolicy(repo: string, policyText: string | undefined) {
    const r = this.requireRepository(repo);
    if (!policyText || 'error' in parsePolicy(policyText, 'resource')) {
      throw new AwsServiceError(
        'InvalidParameterException',
        "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'",
      );
    }
    r.policyText = policyText;
    this.store.changed();
    return this.policyView(repo, policyText);
  }

  getRepositoryPolicy(repo: string) {
    return this.policyView(repo, this.requirePolicy(repo));
  }

  deleteRepositoryPolicy(repo: string) {
    const policyText = this.requirePolicy(repo);
    delete this.requireRepository(repo).policyText;
    this.store.changed();
    return this.policyView(repo, policyText);
  }

  /** PutImageTagMutability. */
  putImageTagMutability(repo: string, mutability: unknown, filters: unknown) {
    const r = this.requireRepository(repo);
    const checked = checkMutability(mutability, filters);
    r.imageTagMutability = checked.imageTagMutability;
    if (checked.filters) {
      r.imageTagMutabilityExclusionFilters = checked.filters;
    } else {
      delete r.imageTagMutabilityExclusionFilters;
    }
    this.store.changed();
    return {
      registryId: this.account.accountId,
      repositoryName: repo,
      imageTagMutability: r.imageTagMutability,
      imageTagMutabilityExclusionFilters: r.imageTagMutabilityExclusionFilters,
    };
  }

  /** PutImageScanningConfiguration. */
  putImageScanningConfiguration(repo: string, configuration: unknown) {
    const r = this.requireRepository(repo);
    r.scanOnPush = checkScanning(configuration);
    this.store.changed();
    return {
      registryId: this.account.accountId,
      repositoryName: repo,
      imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    };
  }

  /** PutLifecyclePolicy: the document is checked against ECR's lifecycle grammar (rules are not evaluated). */
  putLifecyclePolicy(repo: string, text: unknown) {
    const r = this.requireRepository(repo);
    r.lifecyclePolicyText = checkLifecyclePolicy(text);
    this.store.changed();
    return {
      registryId: this.account.accountId,
      repositoryName: repo,
      lifecyclePolicyText: r.lifecyclePolicyText,
    };
  }

  /** GetLifecyclePolicy (LifecyclePolicyNotFoundException without one). */
  getLifecyclePolicy(repo: string) {
    const text = this.requireRepository(repo).lifecyclePolicyText;
    if (!text) {
      throw new AwsServiceError(
        'LifecyclePolicyNotFoundException',
        `Lifecycle policy does not exist for the repository with name '${repo}' in the registry with id '${this.account.accountId}'`,
      );
    }
    return {
      registryId: this.account.accountId,
      repositoryName: repo,
      lifecyclePolicyText: text,
    };
  }

  /** ListTagsForResource of a repository ARN. */
  listTags(resourceArn: unknown): Array<{ Key: string; Value: string }> {
    return this.requireRepository(this.repositoryOfArn(resourceArn)).tags ?? [];
  }

  /** TagResource: adds or overwrites tags on a repository ARN. */
  tagResource(resourceArn: unknown, tags: unknown): void {
    const r = this.requireRepository(this.repositoryOfArn(resourceArn));
    const merged = new Map((r.tags ?? []).map(t => [t.Key, t.Value]));
    for (const t of checkTags(tags)) merged.set(t.Key, t.Value);
    r.tags = checkTags([...merged].map(([Key, Value]) => ({ Key, Value })));
    this.store.changed();
  }

  private repositoryOfArn(resourceArn: unknown): string {
    const prefix = `arn:aws:ecr:${this.account.region}:${this.account.accountId}:repository/`;
    if (typeof resourceArn !== 'string' || !resourceArn.startsWith(prefix)) {
      throw new AwsServiceError(
        'InvalidParameterException',
        `Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'`,
      );
    }
    return resourceArn.slice(prefix.length);
  }

  /**
   * The repository policy's decision on `action` by a caller identified by `principals` (see PolicyRequest), or
   * undefined when the repository has no policy or no statement applies.
   */
  repositoryPolicyDecision(
    repo: string,
    action: string,
    principals: string[],
  ): PolicyDecision {
    const text = this.store.state.ecr[repo]?.policyText;
    return text
      ? evaluatePolicies(
          [text],
          { action, resource: this.repositoryArn(repo), principals },
          'resource',
        )
      : undefined;
  }

  private policyView(repo: string, policyText: string) {
    return {
      registryId: this.account.accountId,
      repositoryName: repo,
      policyText,
    };
  }

  private requirePolicy(repo: string): string {
    const text = this.requireRepository(repo).policyText;
    if (!text) {
      throw new AwsServiceError(
        'RepositoryPolicyNotFoundException',
        `Repository policy does not exist for the repository with name '${repo}' in the registry with id '${this.account.accountId}'`,
      );
    }
    return text;
  }

  private requireRepository(repo: string): EcrRepositoryRecord {
    const r = this.store.state.ecr[repo];
    if (!r) {
      throw new AwsServiceError(
        'RepositoryNotFoundException',
        `The repository with name '${repo}' does not exist in the registry with id '${this.account.accountId}'`,
      );
    }
    return r;
  }
}
