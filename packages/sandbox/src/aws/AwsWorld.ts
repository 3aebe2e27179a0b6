/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_DEFAULT_DELAYS,
  SANDBOX_IAM_USER_ARN,
  SANDBOX_KUBERNETES_VERSION,
  SANDBOX_REGION,
} from '../constants';
import { gitText, runGit } from '../git/gitExec';
import { JsonFile } from '../util/persist';
import {
  branchTip,
  CODECOMMIT_LIMITS,
  CommitInfo,
  createCommit,
  CreateCommitInput,
  CreateCommitOutput,
  Difference,
  differences,
  fileModeName,
  listBranches,
  listFolder,
  readCommit,
  resolveCommit,
} from './codecommitGit';
import { AwsServiceError } from './errors';

/** Anything with a `now()`; part B's Clock fits. */
export interface NowSource {
  now(): Date | number;
}

function nowDate(clock: NowSource | undefined): Date {
  const v = clock ? clock.now() : new Date();
  return v instanceof Date ? v : new Date(v);
}

export interface CodeCommitRepositoryRecord {
  repositoryName: string;
  repositoryId: string;
  repositoryDescription?: string;
  creationDate: string;
  lastModifiedDate: string;
  defaultBranch?: string;
  tags?: Record<string, string>;
}

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
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  images: EcrImageRecord[];
  tags?: Array<{ Key: string; Value: string }>;
}

export interface FargateSelector {
  namespace?: string;
  labels?: Record<string, string>;
}

export interface FargateProfileRecord {
  fargateProfileName: string;
  clusterName: string;
  createdAt: string;
  podExecutionRoleArn: string;
  subnets: string[];
  selectors: FargateSelector[];
  status:
    | 'CREATING'
    | 'ACTIVE'
    | 'DELETING'
    | 'CREATE_FAILED'
    | 'DELETE_FAILED';
  tags: Record<string, string>;
}

export interface SubnetRecord {
  subnetId: string;
  cidrBlock: string;
  availabilityZone: string;
  /** A private subnet routes 0.0.0.0/0 to a NAT gateway, a public one to an internet gateway. */
  private: boolean;
}

export interface ClusterRecord {
  name: string;
  createdAt: string;
  version: string;
  roleArn: string;
  vpcId: string;
  securityGroupId: string;
  subnets: SubnetRecord[];
  endpoint?: string;
  certificateAuthorityData?: string;
  fargateProfiles: Record<string, FargateProfileRecord>;
}

export interface IamRoleRecord {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  Tags?: Array<{ Key: string; Value: string }>;
}

export interface BuildRecord {
  buildId: string;
  repositoryName: string;
  branch: string;
  commitId: string;
  startedAt: string;
  status: 'SUCCEEDED' | 'FAILED';
  /** Image repository and tags on success. */
  imageRepository?: string;
  imageTags?: string[];
  /** Why the build failed or produced no image. */
  message: string;
}

interface AwsState {
  codecommit: Record<string, CodeCommitRepositoryRecord>;
  ecr: Record<string, EcrRepositoryRecord>;
  eks: Record<string, ClusterRecord>;
  iam: Record<string, IamRoleRecord>;
  builds: BuildRecord[];
  pullRequests?: Record<string, PullRequestRecord>;
}

/** A CodeCommit pull request (one target). */
export interface PullRequestRecord {
  pullRequestId: string;
  title: string;
  description?: string;
  creationDate: string;
  lastActivityDate: string;
  pullRequestStatus: 'OPEN' | 'CLOSED';
  authorArn: string;
  clientRequestToken?: string;
  revisionId: string;
  repositoryName: string;
  sourceReference: string;
  destinationReference: string;
  /** Tips when the pull request was closed (merged or not). */
  closedSourceCommit?: string;
  closedDestinationCommit?: string;
  mergeCommitId?: string;
  mergedBy?: string;
}

/** A ref update of a repository (git push or CreateCommit). */
export interface PushEvent {
  repositoryName: string;
  branch: string;
  before: string | undefined;
  after: string;
}

export type FargateProfileEvent = {
  clusterName: string;
  profile: FargateProfileRecord;
  change: 'ACTIVE' | 'DELETED';
};

const REPO_NAME = /^[\w.-]{1,100}$/;
const ECR_NAME =
  /^(?=.{2,256}$)((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)$/;

const WILDCARD_REGEX: Record<string, string> = { '*': '.*', '?': '.' };

function wildcard(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map(c => WILDCARD_REGEX[c] ?? c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
      .join('')}$`,
  );
  return re.test(value);
}

/** Does a Fargate selector match a pod's namespace and labels (domain-facts §5.1)? */
export function selectorMatches(
  selector: FargateSelector,
  namespace: string,
  labels: Record<string, string>,
): boolean {
  if (!selector.namespace || !wildcard(selector.namespace, namespace)) {
    return false;
  }
  return Object.entries(selector.labels ?? {}).every(([k, v]) =>
    Object.entries(labels).some(
      ([lk, lv]) => wildcard(k, lk) && wildcard(v, lv),
    ),
  );
}

function defaultCluster(now: Date): ClusterRecord {
  return {
    name: SANDBOX_CLUSTER_NAME,
    createdAt: now.toISOString(),
    version: SANDBOX_KUBERNETES_VERSION,
    roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${SANDBOX_CLUSTER_NAME}-cluster`,
    vpcId: 'vpc-0sandbox00000000',
    securityGroupId: 'sg-0sandbox00000000',
    subnets: [
      {
        subnetId: 'subnet-0private0000000a',
        cidrBlock: '10.0.0.0/19',
        availabilityZone: `${SANDBOX_REGION}a`,
        private: true,
      },
      {
        subnetId: 'subnet-0private0000000b',
        cidrBlock: '10.0.32.0/19',
        availabilityZone: `${SANDBOX_REGION}b`,
        private: true,
      },
      {
        subnetId: 'subnet-0public00000000a',
        cidrBlock: '10.0.96.0/24',
        availabilityZone: `${SANDBOX_REGION}a`,
        private: false,
      },
    ],
    fargateProfiles: {},
  };
}

/**
 * The state of the AWS stand-ins (CodeCommit, ECR, EKS, IAM and the CodeBuild stand-in's build records), persisted as
 * JSON under `<dataDir>/aws.json`; CodeCommit repositories are real bare git repositories under `<dataDir>/git`.
 */
export class AwsWorld {
  readonly accountId = SANDBOX_ACCOUNT_ID;
  readonly region = SANDBOX_REGION;
  readonly dataDir: string;
  /** Emits 'push' (PushEvent), 'fargateProfile' (FargateProfileEvent) and 'build' (BuildRecord). */
  readonly events = new EventEmitter();
  private readonly state: AwsState;
  private readonly file: JsonFile<AwsState>;
  private readonly clock?: NowSource;
  /** EKS Fargate profile CREATING → ACTIVE and DELETING → gone, in ms; may be changed at run time. */
  fargateProfileMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly repoLocks = new Map<string, Promise<unknown>>();
  private gitBaseUrl: string | undefined;

  constructor(options: {
    dataDir: string;
    clock?: NowSource;
    delays?: { fargateProfileMs?: number };
  }) {
    this.dataDir = options.dataDir;
    this.clock = options.clock;
    this.fargateProfileMs =
      options.delays?.fargateProfileMs ??
      SANDBOX_DEFAULT_DELAYS.fargateProfileMs;
    this.events.setMaxListeners(100);
    const file = path.join(this.dataDir, 'aws.json');
    const loaded = JsonFile.read<AwsState>(file);
    this.state = loaded ?? {
      codecommit: {},
      ecr: {},
      eks: {},
      iam: {},
      builds: [],
    };
    if (!this.state.eks[SANDBOX_CLUSTER_NAME]) {
      this.state.eks[SANDBOX_CLUSTER_NAME] = defaultCluster(this.now());
    }
    this.file = new JsonFile(file, () => this.state);
    fs.mkdirSync(path.join(this.dataDir, 'git'), { recursive: true });
    // Profiles caught mid-transition by a restart finish their transition.
    for (const cluster of Object.values(this.state.eks)) {
      for (const p of Object.values(cluster.fargateProfiles)) {
        if (p.status === 'CREATING' || p.status === 'DELETING') {
          this.scheduleProfileTransition(cluster.name, p.fargateProfileName);
        }
      }
    }
    this.file.schedule();
  }

  now(): Date {
    return nowDate(this.clock);
  }

  /** Writes the state now and stops pending timers. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.file.flush();
  }

  flush(): void {
    this.file.flush();
  }

  private changed(): void {
    this.file.schedule();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  /** Serialises operations per repository. */
  private withRepoLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.repoLocks.get(name) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.repoLocks.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }

  // ---------------------------------------------------------------- CodeCommit
  readonly codecommit = {
    /** Bare repository folder. */
    repoPath: (name: string) => path.join(this.dataDir, 'git', `${name}.git`),
    exists: (name: string) => Boolean(this.state.codecommit[name]),
    /** Called by the git server with its base URL so clone URLs point at it. */
    setGitBaseUrl: (url: string) => {
      this.gitBaseUrl = url.replace(/\/+$/, '');
    },
    cloneUrlHttp: (name: string) =>
      `${
        this.gitBaseUrl ?? `https://git-codecommit.${this.region}.amazonaws.com`
      }/v1/repos/${name}`,
    arn: (name: string) =>
      `arn:aws:codecommit:${this.region}:${this.accountId}:${name}`,
    list: () => Object.keys(this.state.codecommit).sort(),
    metadata: (name: string) => {
      const r = this.requireRepo(name);
      return {
        accountId: this.accountId,
        repositoryId: r.repositoryId,
        repositoryName: r.repositoryName,
        repositoryDescription: r.repositoryDescription,
        defaultBranch: r.defaultBranch,
        lastModifiedDate: r.lastModifiedDate,
        creationDate: r.creationDate,
        cloneUrlHttp: this.codecommit.cloneUrlHttp(name),
        cloneUrlSsh: `ssh://git-codecommit.${this.region}.amazonaws.com/v1/repos/${name}`,
        Arn: this.codecommit.arn(name),
      };
    },
    createRepository: async (
      name: string | undefined,
      description?: string,
      tags?: Record<string, string>,
    ) => {
      this.validateRepoName(name);
      if (this.state.codecommit[name]) {
        throw new AwsServiceError(
          'RepositoryNameExistsException',
          `Repository named ${name} already exists`,
        );
      }
      if (description && Buffer.byteLength(description) > 1000) {
        throw new AwsServiceError(
          'InvalidRepositoryDescriptionException',
          'The repository description is not valid. It must be at most 1,000 characters.',
        );
      }
      const repoPath = this.codecommit.repoPath(name);
      fs.rmSync(repoPath, { recursive: true, force: true });
      await runGit(['init', '--quiet', '--bare', repoPath]);
      await runGit(['config', 'http.receivepack', 'true'], {
        gitDir: repoPath,
      });
      const now = this.now().toISOString();
      this.state.codecommit[name] = {
        repositoryName: name,
        repositoryId: crypto.randomUUID(),
        repositoryDescription: description,
        creationDate: now,
        lastModifiedDate: now,
        tags,
      };
      this.changed();
      return this.codecommit.metadata(name);
    },
    getRepository: (name: string | undefined) => {
      this.validateRepoName(name);
      return this.codecommit.metadata(name);
    },
    getBranch: async (name: string | undefined, branch: string | undefined) => {
      this.validateRepoName(name);
      this.requireRepo(name);
      if (!branch) {
        throw new AwsServiceError(
          'BranchNameRequiredException',
          'A branch name is required, but was not specified.',
        );
      }
      const tip = await branchTip(this.codecommit.repoPath(name), branch);
      if (!tip) {
        throw new AwsServiceError(
          'BranchDoesNotExistException',
          `Could not find branch ${branch}`,
        );
      }
      return { branchName: branch, commitId: tip };
    },
    listBranches: async (name: string) =>
      listBranches(
        this.codecommit.repoPath(this.requireRepo(name).repositoryName),
      ),
    getCommit: async (
      name: string | undefined,
      commitId: string | undefined,
    ): Promise<CommitInfo> => {
      this.validateRepoName(name);
      this.requireRepo(name);
      if (!commitId) {
        throw new AwsServiceError(
          'CommitIdRequiredException',
          'A commit ID is required, but was not specified.',
        );
      }
      if (!/^[0-9a-f]{40}$/.test(commitId)) {
        throw new AwsServiceError(
          'InvalidCommitIdException',
          `The specified commit ID ${commitId} is not valid.`,
        );
      }
      const resolved = await resolveCommit(
        this.codecommit.repoPath(name),
        commitId,
      );
      if (resolved !== commitId) {
        throw new AwsServiceError(
          'CommitIdDoesNotExistException',
          `Could not find commit ${commitId}`,
        );
      }
      return readCommit(this.codecommit.repoPath(name), commitId);
    },
    getDifferences: async (input: {
      repositoryName?: string;
      beforeCommitSpecifier?: string;
      afterCommitSpecifier?: string;
      beforePath?: string;
      afterPath?: string;
    }): Promise<Difference[]> => {
      const name = input.repositoryName;
      this.validateRepoName(name);
      this.requireRepo(name);
      const gitDir = this.codecommit.repoPath(name);
      if (!input.afterCommitSpecifier) {
        throw new AwsServiceError(
          'CommitRequiredException',
          'A commit was not specified.',
        );
      }
      const after = await resolveCommit(gitDir, input.afterCommitSpecifier);
      if (!after) {
        throw new AwsServiceError(
          'CommitDoesNotExistException',
          `The specified commit ${input.afterCommitSpecifier} does not exist or no commit was specified.`,
        );
      }
      let before: string | undefined;
      if (input.beforeCommitSpecifier) {
        before = await resolveCommit(gitDir, input.beforeCommitSpecifier);
        if (!before) {
          throw new AwsServiceError(
            'CommitDoesNotExistException',
            `The specified commit ${input.beforeCommitSpecifier} does not exist or no commit was specified.`,
          );
        }
      }
      const result = await differences(
        gitDir,
        before,
        after,
        input.beforePath,
        input.afterPath,
      );
      const pathGiven = input.beforePath || input.afterPath;
      if (pathGiven && result.length === 0) {
        const exists = await runGit(
          [
            'cat-file',
            '-e',
            `${after}:${(input.afterPath ?? input.beforePath ?? '').replace(
              /^\/+/,
              '',
            )}`,
          ],
          { gitDir },
        ).then(
          () => true,
          () => false,
        );
        if (!exists) {
          throw new AwsServiceError(
            'PathDoesNotExistException',
            `The specified path ${pathGiven} does not exist.`,
          );
        }
      }
      return result;
    },
    createCommit: async (
      input: CreateCommitInput & { repositoryName?: string },
    ): Promise<CreateCommitOutput> => {
      const name = input.repositoryName;
      this.validateRepoName(name);
      this.requireRepo(name);
      const result = await this.withRepoLock(name, () =>
        createCommit(this.codecommit.repoPath(name), input, {
          authorName: SANDBOX_IAM_USER_ARN,
        }),
      );
      await this.codecommit.recordPush({
        repositoryName: name,
        branch: result.branch,
        before: result.before,
        after: result.commitId,
      });
      const { branch: _b, before: _p, ...out } = result;
      return out;
    },
    /** Resolves an optional commit specifier (default: the default branch) or throws CommitDoesNotExistException. */
    resolveSpecifier: async (
      name: string,
      spec: string | undefined,
    ): Promise<string> => {
      const gitDir = this.codecommit.repoPath(name);
      const wanted = spec ?? this.requireRepo(name).defaultBranch ?? 'HEAD';
      const commit = await resolveCommit(gitDir, wanted);
      if (!commit) {
        throw new AwsServiceError(
          'CommitDoesNotExistException',
          `The specified commit ${wanted} does not exist or no commit was specified.`,
        );
      }
      return commit;
    },
    createPullRequest: async (input: {
      title?: string;
      description?: string;
      clientRequestToken?: string;
      targets?: Array<{
        repositoryName?: string;
        sourceReference?: string;
        destinationReference?: string;
      }>;
    }) => {
      const prs = (this.state.pullRequests = this.state.pullRequests ?? {});
      if (input.clientRequestToken) {
        const existing = Object.values(prs).find(
          p => p.clientRequestToken === input.clientRequestToken,
        );
        if (existing) return this.codecommit.pullRequestView(existing);
      }
      if (!input.title) {
        throw new AwsServiceError(
          'TitleRequiredException',
          'A pull request title is required. It cannot be empty or null.',
        );
      }
      if (!input.targets?.length) {
        throw new AwsServiceError(
          'TargetsRequiredException',
          'An array of target objects is required. It cannot be empty or null.',
        );
      }
      if (input.targets.length > 1) {
        throw new AwsServiceError(
          'MultipleRepositoriesInPullRequestException',
          'You cannot include more than one repository in a pull request. Make sure you have specified only one repository name in your request, and then try again.',
        );
      }
      const target = input.targets[0];
      const name = target.repositoryName;
      this.validateRepoName(name);
      const repo = this.requireRepo(name);
      if (!target.sourceReference) {
        throw new AwsServiceError(
          'ReferenceNameRequiredException',
          'A reference name is required, but none was provided.',
        );
      }
      const strip = (ref: string) => ref.replace(/^refs\/heads\//, '');
      const source = strip(target.sourceReference);
      const destination = strip(
        target.destinationReference ?? repo.defaultBranch ?? '',
      );
      const gitDir = this.codecommit.repoPath(name);
      for (const ref of [source, destination]) {
        if (!ref || !(await branchTip(gitDir, ref))) {
          throw new AwsServiceError(
            'ReferenceDoesNotExistException',
            `The specified reference ${ref || '(none)'} does not exist.`,
          );
        }
      }
      if (source === destination) {
        throw new AwsServiceError(
          'SourceAndDestinationAreSameException',
          'The source branch and destination branch for the pull request are the same. You must specify different branches for the source and destination.',
        );
      }
      const now = this.now().toISOString();
      const id = String(Object.keys(prs).length + 1);
      const record: PullRequestRecord = {
        pullRequestId: id,
        title: input.title,
        description: input.description,
        creationDate: now,
        lastActivityDate: now,
        pullRequestStatus: 'OPEN',
        authorArn: SANDBOX_IAM_USER_ARN,
        clientRequestToken: input.clientRequestToken,
        revisionId: crypto.randomBytes(32).toString('hex'),
        repositoryName: name,
        sourceReference: `refs/heads/${source}`,
        destinationReference: `refs/heads/${destination}`,
      };
      prs[id] = record;
      this.changed();
      return this.codecommit.pullRequestView(record);
    },
    getPullRequest: async (id: string | undefined) =>
      this.codecommit.pullRequestView(this.requirePullRequest(id)),
    listPullRequests: (name: string | undefined, status?: string) => {
      this.validateRepoName(name);
      this.requireRepo(name);
      return Object.values(this.state.pullRequests ?? {})
        .filter(
          p =>
            p.repositoryName === name &&
            (!status || p.pullRequestStatus === status),
        )
        .map(p => p.pullRequestId)
        .reverse();
    },
    /** MergePullRequestByFastForward: the destination must be an ancestor of the source. */
    mergePullRequestByFastForward: async (input: {
      pullRequestId?: string;
      repositoryName?: string;
      sourceCommitId?: string;
    }) => {
      const pr = this.requirePullRequest(input.pullRequestId);
      if (input.repositoryName !== pr.repositoryName) {
        throw new AwsServiceError(
          'RepositoryNotAssociatedWithPullRequestException',
          `The repository ${input.repositoryName} is not associated with pull request ${pr.pullRequestId}.`,
        );
      }
      if (pr.pullRequestStatus === 'CLOSED') {
        throw new AwsServiceError(
          'PullRequestAlreadyClosedException',
          'The pull request status cannot be updated because it is already closed.',
        );
      }
      const gitDir = this.codecommit.repoPath(pr.repositoryName);
      const branch = (ref: string) => ref.replace(/^refs\/heads\//, '');
      const sourceTip = await branchTip(gitDir, branch(pr.sourceReference));
      const destTip = await branchTip(gitDir, branch(pr.destinationReference));
      if (!sourceTip || !destTip) {
        throw new AwsServiceError(
          'ReferenceDoesNotExistException',
          'The source or destination reference of the pull request no longer exists.',
        );
      }
      if (input.sourceCommitId && input.sourceCommitId !== sourceTip) {
        throw new AwsServiceError(
          'TipOfSourceReferenceIsDifferentException',
          'The tip of the source branch in the destination repository does not match the tip of the source branch specified in your request. The pull request might have been updated. Make sure that you have the latest changes.',
        );
      }
      const fastForward = await runGit(
        ['merge-base', '--is-ancestor', destTip, sourceTip],
        { gitDir },
      ).then(
        () => true,
        () => false,
      );
      if (!fastForward) {
        throw new AwsServiceError(
          'ManualMergeRequiredException',
          'The pull request cannot be merged automatically into the destination branch. You must manually merge the branches and resolve any conflicts.',
        );
      }
      await this.withRepoLock(pr.repositoryName, () =>
        runGit(['update-ref', pr.destinationReference, sourceTip, destTip], {
          gitDir,
        }),
      );
      await this.codecommit.recordPush({
        repositoryName: pr.repositoryName,
        branch: branch(pr.destinationReference),
        before: destTip,
        after: sourceTip,
      });
      pr.pullRequestStatus = 'CLOSED';
      pr.lastActivityDate = this.now().toISOString();
      pr.closedSourceCommit = sourceTip;
      pr.closedDestinationCommit = sourceTip;
      pr.mergeCommitId = sourceTip;
      pr.mergedBy = SANDBOX_IAM_USER_ARN;
      this.changed();
      return this.codecommit.pullRequestView(pr);
    },
    pullRequestView: async (pr: PullRequestRecord) => {
      const gitDir = this.codecommit.repoPath(pr.repositoryName);
      const branch = (ref: string) => ref.replace(/^refs\/heads\//, '');
      const sourceCommit =
        pr.closedSourceCommit ??
        (await branchTip(gitDir, branch(pr.sourceReference)));
      const destinationCommit =
        pr.closedDestinationCommit ??
        (await branchTip(gitDir, branch(pr.destinationReference)));
      const mergeBase =
        sourceCommit && destinationCommit
          ? await gitText(['merge-base', sourceCommit, destinationCommit], {
              gitDir,
            }).catch(() => undefined)
          : undefined;
      return {
        pullRequestId: pr.pullRequestId,
        title: pr.title,
        description: pr.description,
        lastActivityDate: pr.lastActivityDate,
        creationDate: pr.creationDate,
        pullRequestStatus: pr.pullRequestStatus,
        authorArn: pr.authorArn,
        clientRequestToken: pr.clientRequestToken,
        revisionId: pr.revisionId,
        approvalRules: [],
        pullRequestTargets: [
          {
            repositoryName: pr.repositoryName,
            sourceReference: pr.sourceReference,
            destinationReference: pr.destinationReference,
            sourceCommit,
            destinationCommit,
            mergeBase,
            mergeMetadata: {
              isMerged: Boolean(pr.mergeCommitId),
              ...(pr.mergeCommitId
                ? {
                    mergedBy: pr.mergedBy,
                    mergeCommitId: pr.mergeCommitId,
                    mergeOption: 'FAST_FORWARD_MERGE',
                  }
                : {}),
            },
          },
        ],
      };
    },
    getFile: async (input: {
      repositoryName?: string;
      commitSpecifier?: string;
      filePath?: string;
    }) => {
      const name = input.repositoryName;
      this.validateRepoName(name);
      this.requireRepo(name);
      if (!input.filePath) {
        throw new AwsServiceError(
          'PathRequiredException',
          'The folderPath for a location cannot be null.',
        );
      }
      const filePath = input.filePath.replace(/^\/+/, '');
      const commitId = await this.codecommit.resolveSpecifier(
        name,
        input.commitSpecifier,
      );
      const gitDir = this.codecommit.repoPath(name);
      const parent = filePath.includes('/')
        ? filePath.slice(0, filePath.lastIndexOf('/'))
        : '';
      const entry = (await listFolder(gitDir, commitId, parent))?.find(
        e =>
          e.name === filePath.slice(filePath.lastIndexOf('/') + 1) &&
          e.type === 'blob',
      );
      if (!entry) {
        throw new AwsServiceError(
          'FileDoesNotExistException',
          `The specified file ${input.filePath} does not exist.`,
        );
      }
      const content = await runGit(['cat-file', 'blob', entry.id], { gitDir });
      if (content.length > CODECOMMIT_LIMITS.maxFileBytes) {
        throw new AwsServiceError(
          'FileTooLargeException',
          `The specified file ${input.filePath} exceeds the file size limit for AWS CodeCommit.`,
        );
      }
      return {
        commitId,
        blobId: entry.id,
        filePath,
        fileMode: fileModeName(entry.mode),
        fileSize: content.length,
        fileContent: content,
      };
    },
    getFolder: async (input: {
      repositoryName?: string;
      commitSpecifier?: string;
      folderPath?: string;
    }) => {
      const name = input.repositoryName;
      this.validateRepoName(name);
      this.requireRepo(name);
      if (input.folderPath === undefined) {
        throw new AwsServiceError(
          'PathRequiredException',
          'The folderPath for a location cannot be null.',
        );
      }
      const folder = input.folderPath.replace(/^\/+/, '').replace(/\/+$/, '');
      const commitId = await this.codecommit.resolveSpecifier(
        name,
        input.commitSpecifier,
      );
      const gitDir = this.codecommit.repoPath(name);
      const entries = await listFolder(gitDir, commitId, folder);
      if (!entries) {
        throw new AwsServiceError(
          'FolderDoesNotExistException',
          `The specified folder ${input.folderPath} does not exist.`,
        );
      }
      const treeId = await gitText(
        ['rev-parse', folder ? `${commitId}:${folder}` : `${commitId}^{tree}`],
        { gitDir },
      );
      const abs = (n: string) => (folder ? `${folder}/${n}` : n);
      return {
        commitId,
        folderPath: folder || '/',
        treeId,
        subFolders: entries
          .filter(e => e.type === 'tree')
          .map(e => ({
            treeId: e.id,
            absolutePath: abs(e.name),
            relativePath: e.name,
          })),
        files: entries
          .filter(e => e.type === 'blob' && e.mode !== '120000')
          .map(e => ({
            blobId: e.id,
            absolutePath: abs(e.name),
            relativePath: e.name,
            fileMode: fileModeName(e.mode),
          })),
        symbolicLinks: entries
          .filter(e => e.type === 'blob' && e.mode === '120000')
          .map(e => ({
            blobId: e.id,
            absolutePath: abs(e.name),
            relativePath: e.name,
            fileMode: 'SYMLINK',
          })),
        subModules: entries
          .filter(e => e.type === 'commit')
          .map(e => ({
            commitId: e.id,
            absolutePath: abs(e.name),
            relativePath: e.name,
          })),
      };
    },
    /** PutFile: CreateCommit with one file; unchanged content is SameFileContentException. */
    putFile: async (input: {
      repositoryName?: string;
      branchName?: string;
      fileContent?: Buffer;
      filePath?: string;
      fileMode?: string;
      parentCommitId?: string;
      commitMessage?: string;
      name?: string;
      email?: string;
    }) => {
      try {
        const out = await this.codecommit.createCommit({
          repositoryName: input.repositoryName,
          branchName: input.branchName,
          parentCommitId: input.parentCommitId,
          commitMessage: input.commitMessage,
          authorName: input.name,
          email: input.email,
          putFiles: [
            {
              filePath: input.filePath,
              fileMode: input.fileMode,
              fileContent: input.fileContent ?? Buffer.alloc(0),
            },
          ],
        });
        const file = [...out.filesAdded, ...out.filesUpdated][0];
        return {
          commitId: out.commitId,
          blobId: file.blobId,
          treeId: out.treeId,
        };
      } catch (e) {
        if (e instanceof AwsServiceError && e.code === 'NoChangeException') {
          throw new AwsServiceError(
            'SameFileContentException',
            'The file could not be added because the provided file content is the same as the current file content.',
          );
        }
        throw e;
      }
    },
    /**
     * Records a ref update (after a git push or CreateCommit): sets the default branch on the first push, as
     * CodeCommit does, and emits 'push'.
     */
    recordPush: async (event: PushEvent) => {
      const r = this.requireRepo(event.repositoryName);
      r.lastModifiedDate = this.now().toISOString();
      const gitDir = this.codecommit.repoPath(r.repositoryName);
      if (!r.defaultBranch || !(await branchTip(gitDir, r.defaultBranch))) {
        r.defaultBranch = event.branch;
        await runGit(['symbolic-ref', 'HEAD', `refs/heads/${event.branch}`], {
          gitDir,
        });
      }
      this.changed();
      this.events.emit('push', event);
    },
  };

  private validateRepoName(name: string | undefined): asserts name is string {
    if (!name) {
      throw new AwsServiceError(
        'RepositoryNameRequiredException',
        'A repository name is required, but was not specified.',
      );
    }
    if (!REPO_NAME.test(name) || name.toLowerCase().endsWith('.git')) {
      throw new AwsServiceError(
        'InvalidRepositoryNameException',
        `The repository name ${name} is not valid. Repository names can be any valid combination of letters, numbers, periods, underscores, and dashes between 1 and 100 characters in length. Names are case sensitive. Names cannot end in .git.`,
      );
    }
  }

  private requirePullRequest(id: string | undefined): PullRequestRecord {
    if (!id) {
      throw new AwsServiceError(
        'PullRequestIdRequiredException',
        'A pull request ID is required, but none was provided.',
      );
    }
    if (!/^\d+$/.test(id)) {
      throw new AwsServiceError(
        'InvalidPullRequestIdException',
        `The pull request ID ${id} is not valid.`,
      );
    }
    const pr = this.state.pullRequests?.[id];
    if (!pr) {
      throw new AwsServiceError(
        'PullRequestDoesNotExistException',
        `The pull request ID ${id} does not exist.`,
      );
    }
    return pr;
  }

  private requireRepo(name: string): CodeCommitRepositoryRecord {
    const r = this.state.codecommit[name];
    if (!r) {
      throw new AwsServiceError(
        'RepositoryDoesNotExistException',
        `${name} does not exist`,
      );
    }
    return r;
  }

  // ---------------------------------------------------------------- ECR
  readonly ecr = {
    registryHost: () =>
      `${this.accountId}.dkr.ecr.${this.region}.amazonaws.com`,
    repositoryUri: (repo: string) => `${this.ecr.registryHost()}/${repo}`,
    repositoryArn: (repo: string) =>
      `arn:aws:ecr:${this.region}:${this.accountId}:repository/${repo}`,
    exists: (repo: string) => Boolean(this.state.ecr[repo]),
    describe: (repo: string) => {
      const r = this.requireEcr(repo);
      return {
        repositoryArn: this.ecr.repositoryArn(repo),
        registryId: this.accountId,
        repositoryName: repo,
        repositoryUri: this.ecr.repositoryUri(repo),
        createdAt: r.createdAt,
        imageTagMutability: r.imageTagMutability,
        imageScanningConfiguration: { scanOnPush: false },
        encryptionConfiguration: { encryptionType: 'AES256' },
      };
    },
    createRepository: (
      repo: string | undefined,
      options: {
        imageTagMutability?: string;
        tags?: Array<{ Key: string; Value: string }>;
      } = {},
    ) => {
      if (!repo || !ECR_NAME.test(repo)) {
        throw new AwsServiceError(
          'InvalidParameterException',
          `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and length between 2 and 256'`,
        );
      }
      if (this.state.ecr[repo]) {
        throw new AwsServiceError(
          'RepositoryAlreadyExistsException',
          `The repository with name '${repo}' already exists in the registry with id '${this.accountId}'`,
        );
      }
      const mutability = options.imageTagMutability ?? 'MUTABLE';
      if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') {
        throw new AwsServiceError(
          'InvalidParameterException',
          `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'`,
        );
      }
      this.state.ecr[repo] = {
        repositoryName: repo,
        createdAt: this.now().toISOString(),
        imageTagMutability: mutability,
        images: [],
        tags: options.tags,
      };
      this.changed();
      return this.ecr.describe(repo);
    },
    list: () => Object.keys(this.state.ecr).sort(),
    images: (repo: string) => this.requireEcr(repo).images,
    hasImage: (repo: string, tag: string) =>
      Boolean(
        this.state.ecr[repo]?.images.some(
          i => i.imageTags.includes(tag) || i.imageDigest === tag,
        ),
      ),
    getImage: (repo: string, tagOrDigest: string): EcrImageRecord | undefined =>
      this.state.ecr[repo]?.images.find(
        i => i.imageTags.includes(tagOrDigest) || i.imageDigest === tagOrDigest,
      ),
    /**
     * Pushes an image tag (as `docker push` would). The repository must exist (RepositoryNotFoundException). A tag
     * that names another image moves to the new one (ImageTagAlreadyExistsException in IMMUTABLE repositories).
     */
    putImage: (
      repo: string,
      tag: string,
      meta: {
        imageDigest?: string;
        sourceCommit?: string;
        run?: ImageRunRule;
        imageSizeInBytes?: number;
      } = {},
    ): EcrImageRecord => {
      const r = this.requireEcr(repo);
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
        if (r.imageTagMutability === 'IMMUTABLE') {
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
          imagePushedAt: this.now().toISOString(),
          imageSizeInBytes: meta.imageSizeInBytes ?? 50_000_000,
          sourceCommit: meta.sourceCommit,
          run: meta.run,
        };
        r.images.push(image);
      }
      if (!image.imageTags.includes(tag)) {
        image.imageTags.push(tag);
      }
      this.changed();
      return image;
    },
    /** Parses `<acct>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`; undefined for other registries. */
    parseImageUri: (
      image: string,
    ): { repository: string; reference: string } | undefined => {
      const host = `${this.ecr.registryHost()}/`;
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
    },
    /** The image a pod's image reference names, if the ECR stand-in holds it. */
    findImage: (image: string): EcrImageRecord | undefined => {
      const ref = this.ecr.parseImageUri(image);
      return ref ? this.ecr.getImage(ref.repository, ref.reference) : undefined;
    },
  };

  private requireEcr(repo: string): EcrRepositoryRecord {
    const r = this.state.ecr[repo];
    if (!r) {
      throw new AwsServiceError(
        'RepositoryNotFoundException',
        `The repository with name '${repo}' does not exist in the registry with id '${this.accountId}'`,
      );
    }
    return r;
  }

  // ---------------------------------------------------------------- EKS
  readonly eks = {
    clusterArn: (name: string) =>
      `arn:aws:eks:${this.region}:${this.accountId}:cluster/${name}`,
    profileArn: (cluster: string, profile: string) =>
      `arn:aws:eks:${this.region}:${
        this.accountId
      }:fargateprofile/${cluster}/${profile}/${crypto
        .createHash('md5')
        .update(`${cluster}/${profile}`)
        .digest('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5')}`,
    /** Called by the Kubernetes stand-in with its URL: the endpoint DescribeCluster returns. */
    setClusterEndpoint: (name: string, url: string) => {
      this.requireCluster(name).endpoint = url;
      this.changed();
    },
    cluster: (name: string): ClusterRecord => this.requireCluster(name),
    describeCluster: (name: string) => {
      const c = this.requireCluster(name);
      if (!c.certificateAuthorityData) {
        c.certificateAuthorityData = generateCaCertificate(name);
        this.changed();
      }
      return {
        name: c.name,
        arn: this.eks.clusterArn(c.name),
        createdAt: c.createdAt,
        version: c.version,
        endpoint:
          c.endpoint ??
          `https://${crypto
            .createHash('md5')
            .update(c.name)
            .digest('hex')
            .toUpperCase()}.gr7.${this.region}.eks.amazonaws.com`,
        roleArn: c.roleArn,
        resourcesVpcConfig: {
          subnetIds: c.subnets.map(s => s.subnetId),
          securityGroupIds: [],
          clusterSecurityGroupId: c.securityGroupId,
          vpcId: c.vpcId,
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
          publicAccessCidrs: ['0.0.0.0/0'],
        },
        kubernetesNetworkConfig: {
          serviceIpv4Cidr: '172.20.0.0/16',
          ipFamily: 'ipv4',
        },
        logging: {
          clusterLogging: [
            {
              types: [
                'api',
                'audit',
                'authenticator',
                'controllerManager',
                'scheduler',
              ],
              enabled: false,
            },
          ],
        },
        identity: {
          oidc: {
            issuer: `https://oidc.eks.${this.region}.amazonaws.com/id/${crypto
              .createHash('md5')
              .update(c.name)
              .digest('hex')
              .toUpperCase()}`,
          },
        },
        status: 'ACTIVE',
        certificateAuthority: { data: c.certificateAuthorityData },
        platformVersion: 'eks.1',
        tags: {},
        accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      };
    },
    profiles: (cluster: string): FargateProfileRecord[] =>
      Object.values(this.requireCluster(cluster).fargateProfiles).sort((a, b) =>
        a.fargateProfileName < b.fargateProfileName ? -1 : 1,
      ),
    describeProfile: (cluster: string, profile: string) => {
      const p = this.requireCluster(cluster).fargateProfiles[profile];
      if (!p) {
        throw new AwsServiceError(
          'ResourceNotFoundException',
          `No Fargate Profile found with name: ${profile}.`,
          404,
          { clusterName: cluster, fargateProfileName: profile },
        );
      }
      return this.profileView(p);
    },
    createProfile: (
      cluster: string,
      input: {
        fargateProfileName?: string;
        podExecutionRoleArn?: string;
        subnets?: string[];
        selectors?: FargateSelector[];
        tags?: Record<string, string>;
      },
    ) => {
      const c = this.requireCluster(cluster);
      const invalid = (message: string) =>
        new AwsServiceError('InvalidParameterException', message, 400, {
          clusterName: cluster,
          fargateProfileName: input.fargateProfileName,
        });
      const name = input.fargateProfileName;
      if (!name) throw invalid('fargateProfileName is required.');
      if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(name)) {
        throw invalid(
          `The Fargate profile name ${name} is not valid: it must start with a letter or digit and contain only letters, digits, hyphens and underscores (at most 100 characters).`,
        );
      }
      if (!input.podExecutionRoleArn)
        throw invalid('podExecutionRoleArn is required.');
      const roleName =
        /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(
          input.podExecutionRoleArn,
        );
      const role = roleName ? this.state.iam[roleName[2]] : undefined;
      if (!roleName || !role) {
        throw invalid(
          `The pod execution role ${input.podExecutionRoleArn} does not exist.`,
        );
      }
      if (
        !role.AssumeRolePolicyDocument.includes(
          'eks-fargate-pods.amazonaws.com',
        )
      ) {
        throw invalid(
          'Misconfigured PodExecutionRole Trust Policy; Please add the eks-fargate-pods.amazonaws.com Service Principal',
        );
      }
      const selectors = input.selectors ?? [];
      if (selectors.length === 0)
        throw invalid(
          'At least one selector is required in a Fargate profile.',
        );
      if (selectors.length > 5)
        throw invalid(
          `Fargate profile can have at most 5 selectors, got ${selectors.length}.`,
        );
      selectors.forEach((s, i) => {
        if (!s.namespace)
          throw invalid(
            `selectors[${i}].namespace is required: every Fargate profile selector needs a namespace.`,
          );
        const labelCount = Object.keys(s.labels ?? {}).length;
        if (labelCount > 5)
          throw invalid(
            `selectors[${i}] can have at most 5 labels, got ${labelCount}.`,
          );
      });
      const subnets = input.subnets?.length
        ? input.subnets
        : c.subnets.filter(s => s.private).map(s => s.subnetId);
      for (const id of subnets) {
        const subnet = c.subnets.find(s => s.subnetId === id);
        if (!subnet)
          throw invalid(
            `Subnet ${id} does not exist in the VPC ${c.vpcId} of cluster ${cluster}.`,
          );
        if (!subnet.private)
          throw invalid(
            `Subnet ${id} provided in Fargate Profile is not a private subnet.`,
          );
      }
      if (c.fargateProfiles[name]) {
        throw new AwsServiceError(
          'ResourceInUseException',
          'A Fargate Profile already exists with this name in this cluster.',
          409,
          {
            clusterName: cluster,
            fargateProfileName: name,
          },
        );
      }
      const deleting = Object.values(c.fargateProfiles).find(
        p => p.status === 'DELETING',
      );
      if (deleting) {
        throw new AwsServiceError(
          'ResourceInUseException',
          `Cannot create Fargate Profile ${name} because cluster ${cluster} currently has Fargate profile ${deleting.fargateProfileName} in status DELETING`,
          409,
          { clusterName: cluster, fargateProfileName: name },
        );
      }
      if (Object.keys(c.fargateProfiles).length >= 10) {
        throw new AwsServiceError(
          'ResourceLimitExceededException',
          `Cluster ${cluster} already has the maximum number of Fargate profiles (10).`,
          400,
          { clusterName: cluster },
        );
      }
      const record: FargateProfileRecord = {
        fargateProfileName: name,
        clusterName: cluster,
        createdAt: this.now().toISOString(),
        podExecutionRoleArn: input.podExecutionRoleArn,
        subnets,
        selectors: selectors.map(s => ({
          namespace: s.namespace,
          labels: { ...(s.labels ?? {}) },
        })),
        status: 'CREATING',
        tags: input.tags ?? {},
      };
      c.fargateProfiles[name] = record;
      this.changed();
      this.scheduleProfileTransition(cluster, name);
      return this.profileView(record);
    },
    deleteProfile: (cluster: string, profile: string) => {
      const c = this.requireCluster(cluster);
      const p = c.fargateProfiles[profile];
      if (!p) {
        throw new AwsServiceError(
          'ResourceNotFoundException',
          `No Fargate Profile found with name: ${profile}.`,
          404,
          {
            clusterName: cluster,
            fargateProfileName: profile,
          },
        );
      }
      const busy = Object.values(c.fargateProfiles).find(
        x =>
          x.status === 'DELETING' ||
          (x.fargateProfileName === profile && x.status === 'CREATING'),
      );
      if (busy) {
        throw new AwsServiceError(
          'ResourceInUseException',
          `Cannot delete Fargate Profile ${profile} because cluster ${cluster} currently has Fargate profile ${busy.fargateProfileName} in status ${busy.status}`,
          409,
          { clusterName: cluster, fargateProfileName: profile },
        );
      }
      p.status = 'DELETING';
      this.changed();
      this.scheduleProfileTransition(cluster, profile);
      return this.profileView(p);
    },
    /**
     * The Fargate profile a pod lands on: ACTIVE profiles only; the alphanumerically first matching name wins; a pod
     * that pins a profile with the `eks.amazonaws.com/fargate-profile` label only matches that one.
     */
    matchFargateProfile: (
      cluster: string,
      namespace: string,
      labels: Record<string, string> = {},
    ): FargateProfileRecord | undefined => {
      const pinned = labels['eks.amazonaws.com/fargate-profile'];
      return this.eks
        .profiles(cluster)
        .filter(p => p.status === 'ACTIVE')
        .filter(p => !pinned || p.fargateProfileName === pinned)
        .find(p =>
          p.selectors.some(s => selectorMatches(s, namespace, labels)),
        );
    },
  };

  private profileView(p: FargateProfileRecord) {
    return {
      fargateProfileName: p.fargateProfileName,
      fargateProfileArn: this.eks.profileArn(
        p.clusterName,
        p.fargateProfileName,
      ),
      clusterName: p.clusterName,
      createdAt: p.createdAt,
      podExecutionRoleArn: p.podExecutionRoleArn,
      subnets: p.subnets,
      selectors: p.selectors,
      status: p.status,
      tags: p.tags,
    };
  }

  private scheduleProfileTransition(cluster: string, profile: string): void {
    this.later(this.fargateProfileMs, () => {
      const c = this.state.eks[cluster];
      const p = c?.fargateProfiles[profile];
      if (!p) return;
      if (p.status === 'CREATING') {
        p.status = 'ACTIVE';
        this.changed();
        this.events.emit('fargateProfile', {
          clusterName: cluster,
          profile: p,
          change: 'ACTIVE',
        } as FargateProfileEvent);
      } else if (p.status === 'DELETING') {
        delete c.fargateProfiles[profile];
        this.changed();
        this.events.emit('fargateProfile', {
          clusterName: cluster,
          profile: p,
          change: 'DELETED',
        } as FargateProfileEvent);
      }
    });
  }

  private requireCluster(name: string): ClusterRecord {
    const c = this.state.eks[name];
    if (!c) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `No cluster found for name: ${name}.`,
        404,
        {
          clusterName: name,
        },
      );
    }
    return c;
  }

  // ---------------------------------------------------------------- EC2 (the cluster's VPC, read-only)
  readonly ec2 = {
    /** The VPC of the sandbox cluster: private subnets route 0.0.0.0/0 to a NAT gateway, the public one to an IGW. */
    vpc: () => {
      const c = this.requireCluster(SANDBOX_CLUSTER_NAME);
      return { vpcId: c.vpcId, cidrBlock: '10.0.0.0/16' };
    },
    subnets: () => {
      const c = this.requireCluster(SANDBOX_CLUSTER_NAME);
      return c.subnets.map(sn => ({
        subnetId: sn.subnetId,
        subnetArn: `arn:aws:ec2:${this.region}:${this.accountId}:subnet/${sn.subnetId}`,
        vpcId: c.vpcId,
        cidrBlock: sn.cidrBlock,
        availabilityZone: sn.availabilityZone,
        availableIpAddressCount: sn.private ? 8187 : 251,
        mapPublicIpOnLaunch: !sn.private,
        defaultForAz: false,
        state: 'available',
        tags: {
          Name: `${c.name}-${sn.private ? 'private' : 'public'}-${
            sn.availabilityZone
          }`,
          [`kubernetes.io/role/${sn.private ? 'internal-elb' : 'elb'}`]: '1',
        },
      }));
    },
    routeTables: () => {
      const c = this.requireCluster(SANDBOX_CLUSTER_NAME);
      const local = {
        destinationCidrBlock: '10.0.0.0/16',
        gatewayId: 'local',
        state: 'active',
        origin: 'CreateRouteTable',
      };
      const table = (
        id: string,
        extra: Record<string, string> | undefined,
        subnets: string[],
        main: boolean,
        name: string,
      ) => ({
        routeTableId: id,
        vpcId: c.vpcId,
        routes: extra
          ? [
              local,
              {
                destinationCidrBlock: '0.0.0.0/0',
                state: 'active',
                origin: 'CreateRoute',
                ...extra,
              },
            ]
          : [local],
        associations: main
          ? [
              {
                routeTableAssociationId: `rtbassoc-${id.slice(4)}`,
                routeTableId: id,
                main: true,
              },
            ]
          : subnets.map((sn, i) => ({
              routeTableAssociationId: `rtbassoc-${id.slice(4, 15)}${i}`,
              routeTableId: id,
              subnetId: sn,
              main: false,
            })),
        tags: { Name: name },
      });
      return [
        table('rtb-0main000000000000', undefined, [], true, `${c.name}-main`),
        table(
          'rtb-0private0000000000',
          { natGatewayId: 'nat-0sandbox0000000000' },
          c.subnets.filter(sn => sn.private).map(sn => sn.subnetId),
          false,
          `${c.name}-private`,
        ),
        table(
          'rtb-0public00000000000',
          { gatewayId: 'igw-0sandbox0000000000' },
          c.subnets.filter(sn => !sn.private).map(sn => sn.subnetId),
          false,
          `${c.name}-public`,
        ),
      ];
    },
  };

  // ---------------------------------------------------------------- IAM
  readonly iam = {
    createRole: (input: {
      RoleName?: string;
      AssumeRolePolicyDocument?: string;
      Path?: string;
      Description?: string;
      MaxSessionDuration?: number;
      Tags?: Array<{ Key: string; Value: string }>;
    }): IamRoleRecord => {
      const name = input.RoleName;
      if (!name || !/^[\w+=,.@-]{1,64}$/.test(name)) {
        throw new AwsServiceError(
          'ValidationError',
          `1 validation error detected: Value '${
            name ?? ''
          }' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and 64`,
        );
      }
      if (!input.AssumeRolePolicyDocument) {
        throw new AwsServiceError(
          'ValidationError',
          "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
        );
      }
      try {
        JSON.parse(input.AssumeRolePolicyDocument);
      } catch {
        throw new AwsServiceError(
          'MalformedPolicyDocument',
          'This policy contains invalid Json',
        );
      }
      if (this.state.iam[name]) {
        throw new AwsServiceError(
          'EntityAlreadyExists',
          `Role with name ${name} already exists.`,
          409,
        );
      }
      const rolePath = input.Path ?? '/';
      const role: IamRoleRecord = {
        RoleName: name,
        RoleId: `AROA${crypto
          .createHash('sha1')
          .update(name)
          .digest('hex')
          .slice(0, 17)
          .toUpperCase()}`,
        Arn: `arn:aws:iam::${this.accountId}:role${rolePath}${name}`,
        Path: rolePath,
        CreateDate: this.now().toISOString(),
        AssumeRolePolicyDocument: input.AssumeRolePolicyDocument,
        Description: input.Description,
        MaxSessionDuration: input.MaxSessionDuration ?? 3600,
        Tags: input.Tags,
      };
      this.state.iam[name] = role;
      this.changed();
      return role;
    },
    getRole: (name: string | undefined): IamRoleRecord => {
      const role = name ? this.state.iam[name] : undefined;
      if (!role) {
        throw new AwsServiceError(
          'NoSuchEntity',
          `The role with name ${name ?? ''} cannot be found.`,
          404,
        );
      }
      return role;
    },
  };

  // ---------------------------------------------------------------- CodeBuild stand-in records
  readonly builds = {
    list: (repositoryName?: string): BuildRecord[] =>
      this.state.builds.filter(
        b => !repositoryName || b.repositoryName === repositoryName,
      ),
    record: (build: BuildRecord) => {
      this.state.builds.push(build);
      if (this.state.builds.length > 1000) {
        this.state.builds.splice(0, this.state.builds.length - 1000);
      }
      this.changed();
      this.events.emit('build', build);
    },
  };
}

/** A self-signed CA certificate (PEM, base64) made with the system's openssl, as EKS returns in certificateAuthority. */
function generateCaCertificate(clusterName: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-ca-'));
  try {
    const pem = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        path.join(tmp, 'ca.key'),
        '-subj',
        `/CN=kubernetes`,
        '-days',
        '3650',
        '-addext',
        `subjectAltName=DNS:${clusterName}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return Buffer.from(pem).toString('base64');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
