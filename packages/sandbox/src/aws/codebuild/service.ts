/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { StateStore } from '../../state/StateStore';
import { AwsServiceError } from '../errors';
import type { IamRoleRecord } from '../iam/service';
import type { AwsAccount } from '../state';
import {
  CodeBuildEnvVar,
  CodeBuildProjectRecord,
  codecommitRepositoryOf,
  newProject,
  ProjectInput,
  updatedProject,
  validationError,
} from './projects';

export type { CodeBuildEnvVar, CodeBuildProjectRecord } from './projects';

/** The phase of a build that decided its outcome, with CodeBuild's status code and message. */
export interface BuildPhaseContext {
  phaseType: string;
  statusCode: string;
  message: string;
}

/** A build of the CodeBuild stand-in (see README "CodeBuild stand-in"). */
export interface BuildRecord {
  /** `<project>:<uuid>`, as CodeBuild names builds. */
  buildId: string;
  /** The project (absent on records written before projects existed). */
  projectName?: string;
  buildNumber?: number;
  /** The CodeCommit repository of the project's source. */
  repositoryName: string;
  /** The branch a push built (absent when the build was started another way). */
  branch?: string;
  /** The requested source version (commit id, `refs/heads/<b>`, branch), if any. */
  sourceVersion?: string;
  /** The commit built, once the source is downloaded. */
  commitId?: string;
  /** Who started it: `rule/<name>` (EventBridge) or the caller's ARN. */
  initiator?: string;
  /** Environment variables of StartBuild's `environmentVariablesOverride`. */
  environmentOverrides?: CodeBuildEnvVar[];
  startedAt: string;
  endedAt?: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  /** The failing phase, its status code and message (FAILED builds). */
  failure?: BuildPhaseContext;
  /** Image repository and tags on success. */
  imageRepository?: string;
  imageTags?: string[];
  /** What the build did, or why it failed (`<STATUS_CODE>: <message>`). */
  message: string;
}

/** CodeBuild's slice of `aws.json`: projects by name and the build records. */
export interface BuildsState {
  builds: BuildRecord[];
  codebuild?: { projects: Record<string, CodeBuildProjectRecord> };
}

/** At most this many builds are kept (oldest dropped first). */
const MAX_BUILDS = 1000;

/** StartBuild's parameters the stand-in honours. */
export interface StartBuildInput {
  projectName?: string;
  sourceVersion?: string;
  environmentVariablesOverride?: unknown;
  /** Who starts it (`rule/<name>` or an ARN). */
  initiator?: string;
  /** The branch of the push that triggered it. */
  branch?: string;
}

/**
 * The CodeBuild stand-in's API side: projects (CreateProject, UpdateProject, BatchGetProjects) and builds
 * (StartBuild, BatchGetBuilds, ListBuildsForProject). A started build is IN_PROGRESS until the build runner
 * (`startImageBuilds`, `src/git/imageBuilds.ts`) completes it; 'buildStarted' and 'build' (completed) are emitted.
 */
export class BuildRecords {
  constructor(
    private readonly store: StateStore<BuildsState>,
    private readonly account: AwsAccount,
    private readonly findRole: (name: string) => IamRoleRecord | undefined,
  ) {}

  private get projectsById(): Record<string, CodeBuildProjectRecord> {
    this.store.state.codebuild ??= { projects: {} };
    return this.store.state.codebuild.projects;
  }

  /** Builds, oldest first, optionally of one CodeCommit repository. */
  list(repositoryName?: string): BuildRecord[] {
    return this.store.state.builds.filter(
      b => !repositoryName || b.repositoryName === repositoryName,
    );
  }

  /** Builds of a project, newest first. */
  ofProject(projectName: string): BuildRecord[] {
    return this.store.state.builds
      .filter(b => b.projectName === projectName)
      .reverse();
  }

  get(buildId: string): BuildRecord | undefined {
    return this.store.state.builds.find(b => b.buildId === buildId);
  }

  /** Records a build and emits 'build' (completed) or 'buildStarted'. */
  record(build: BuildRecord): void {
    const builds = this.store.state.builds;
    builds.push(build);
    if (builds.length > MAX_BUILDS) {
      builds.splice(0, builds.length - MAX_BUILDS);
    }
    this.store.changed();
    this.store.events.emit(
      build.status === 'IN_PROGRESS' ? 'buildStarted' : 'build',
      build,
    );
  }

  /** Completes an IN_PROGRESS build with its outcome and emits 'build'. */
  complete(
    buildId: string,
    outcome: Partial<BuildRecord> & Pick<BuildRecord, 'status' | 'message'>,
  ): BuildRecord {
    const build = this.get(buildId);
    if (!build) throw new Error(`no build ${buildId}`);
    Object.assign(build, outcome, { endedAt: this.store.now().toISOString() });
    this.store.changed();
    this.store.events.emit('build', build);
    return build;
  }

  project(name: string): CodeBuildProjectRecord | undefined {
    return Object.hasOwn(this.projectsById, name)
      ? this.projectsById[name]
      : undefined;
  }

  projects(): CodeBuildProjectRecord[] {
    return Object.values(this.projectsById);
  }

  projectArn(name: string): string {
    return `arn:aws:codebuild:${this.account.region}:${this.account.accountId}:project/${name}`;
  }

  /** CreateProject. */
  createProject(input: ProjectInput): CodeBuildProjectRecord {
    const now = this.store.now().toISOString();
    const project = newProject(input, this.account, this.findRole, now);
    if (this.project(project.name)) {
      throw new AwsServiceError(
        'ResourceAlreadyExistsException',
        `Project already exists: ${project.name}`,
      );
    }
    this.projectsById[project.name] = project;
    this.store.changed();
    return project;
  }

  /** UpdateProject. */
  updateProject(input: ProjectInput): CodeBuildProjectRecord {
    const current = this.requireProject(input.name);
    const next = updatedProject(
      current,
      input,
      this.account,
      this.findRole,
      this.store.now().toISOString(),
    );
    this.projectsById[current.name] = next;
    this.store.changed();
    return next;
  }

  /** BatchGetProjects: names or ARNs, 1..100. */
  batchGetProjects(names: unknown): {
    projects: CodeBuildProjectRecord[];
    projectsNotFound: string[];
  } {
    if (!Array.isArray(names) || names.length < 1 || names.length > 100) {
      throw validationError(
        names,
        'names',
        'Member must have length less than or equal to 100 and greater than or equal to 1',
      );
    }
    const projects: CodeBuildProjectRecord[] = [];
    const projectsNotFound: string[] = [];
    for (const n of names.map(String)) {
      const p = this.project(
        n.replace(/^arn:aws:codebuild:[^:]+:\d+:project\//, ''),
      );
      if (p) projects.push(p);
      else projectsNotFound.push(n);
    }
    return { projects, projectsNotFound };
  }

  /** StartBuild: records an IN_PROGRESS build (ResourceNotFoundException for an unknown project). */
  startBuild(input: StartBuildInput): BuildRecord {
    const project = this.requireProject(input.projectName);
    const buildNumber =
      this.store.state.builds.filter(b => b.projectName === project.name)
        .length + 1;
    const build: BuildRecord = {
      buildId: `${project.name}:${crypto.randomUUID()}`,
      projectName: project.name,
      buildNumber,
      repositoryName: codecommitRepositoryOf(project.source.location) ?? '',
      branch: input.branch,
      sourceVersion: input.sourceVersion ?? project.sourceVersion,
      initiator: input.initiator,
      environmentOverrides: overrides(input.environmentVariablesOverride),
      startedAt: this.store.now().toISOString(),
      status: 'IN_PROGRESS',
      message: 'build started',
    };
    this.record(build);
    return build;
  }

  /** The project of that name, or ResourceNotFoundException. */
  requireProject(name: unknown): CodeBuildProjectRecord {
    const project = typeof name === 'string' ? this.project(name) : undefined;
    if (!project) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Project cannot be found: ${this.projectArn(String(name ?? ''))}`,
      );
    }
    return project;
  }
}

function overrides(value: unknown): CodeBuildEnvVar[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw validationError(
      value,
      'environmentVariablesOverride',
      'Member must be a list',
    );
  }
  return value.map((v: any) => ({
    name: String(v?.name ?? ''),
    value: String(v?.value ?? ''),
    type: v?.type ?? 'PLAINTEXT',
  }));
}
