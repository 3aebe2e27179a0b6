/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceModule } from '../protocol/types';
import { page, toEpoch } from '../protocol/wire';
import { validationError } from './projects';
import { BuildRecord, BuildRecords, CodeBuildProjectRecord } from './service';

const PHASES = [
  'SUBMITTED',
  'QUEUED',
  'PROVISIONING',
  'DOWNLOAD_SOURCE',
  'INSTALL',
  'PRE_BUILD',
  'BUILD',
  'POST_BUILD',
  'UPLOAD_ARTIFACTS',
  'FINALIZING',
];

/** The `phases` of a build: all succeeded, or up to the failing one (with its context), then FINALIZING. */
function phases(build: BuildRecord) {
  const start = toEpoch(build.startedAt);
  const end = toEpoch(build.endedAt);
  if (build.status === 'IN_PROGRESS') {
    return PHASES.slice(0, 3).map((phaseType, i) => ({
      phaseType,
      ...(i < 2 ? { phaseStatus: 'SUCCEEDED' } : {}),
      startTime: start,
    }));
  }
  const failed = build.failure?.phaseType;
  const upTo = failed ? PHASES.indexOf(failed) : PHASES.length - 1;
  const run = PHASES.slice(0, upTo + 1);
  if (failed && failed !== 'FINALIZING') run.push('FINALIZING');
  return [
    ...run.map(phaseType => ({
      phaseType,
      phaseStatus: phaseType === failed ? 'FAILED' : 'SUCCEEDED',
      startTime: start,
      endTime: end,
      durationInSeconds: 0,
      ...(phaseType === failed
        ? {
            contexts: [
              {
                statusCode: build.failure!.statusCode,
                message: build.failure!.message,
              },
            ],
          }
        : {}),
    })),
    { phaseType: 'COMPLETED', startTime: end },
  ];
}

/** A project on the wire (timestamps as epoch seconds). */
function projectJson(p: CodeBuildProjectRecord) {
  return {
    ...p,
    created: toEpoch(p.created),
    lastModified: toEpoch(p.lastModified),
  };
}

/** A build on the wire. */
function buildJson(
  builds: BuildRecords,
  build: BuildRecord,
  accountRegion: { accountId: string; region: string },
) {
  const project = build.projectName
    ? builds.project(build.projectName)
    : undefined;
  const streamName = build.buildId.split(':')[1];
  const group = `/aws/codebuild/${build.projectName ?? build.repositoryName}`;
  return {
    id: build.buildId,
    arn: `arn:aws:codebuild:${accountRegion.region}:${accountRegion.accountId}:build/${build.buildId}`,
    buildNumber: build.buildNumber,
    startTime: toEpoch(build.startedAt),
    endTime: toEpoch(build.endedAt),
    currentPhase: build.status === 'IN_PROGRESS' ? 'PROVISIONING' : 'COMPLETED',
    buildStatus: build.status,
    buildComplete: build.status !== 'IN_PROGRESS',
    sourceVersion: build.sourceVersion,
    resolvedSourceVersion: build.commitId,
    projectName: build.projectName,
    initiator: build.initiator,
    phases: phases(build),
    source: project?.source,
    environment: project && {
      ...project.environment,
      environmentVariables: [
        ...project.environment.environmentVariables,
        ...(build.environmentOverrides ?? []),
      ],
    },
    serviceRole: project?.serviceRole,
    timeoutInMinutes: project?.timeoutInMinutes,
    queuedTimeoutInMinutes: project?.queuedTimeoutInMinutes,
    logs: {
      groupName: group,
      streamName,
      deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${
        accountRegion.region
      }#logEvent:group=${encodeURIComponent(group)};stream=${streamName}`,
    },
  };
}

/**
 * CodeBuild over awsJson1_1 (`CodeBuild_20161006.*`): CreateProject, UpdateProject, BatchGetProjects, StartBuild,
 * BatchGetBuilds, ListBuildsForProject.
 */
export function codebuildModule(
  builds: BuildRecords,
  account: { accountId: string; region: string },
): AwsServiceModule {
  return {
    service: 'codebuild',
    protocol: 'awsJson1_1',
    targetPrefix: 'CodeBuild_20161006',
    operations: {
      CreateProject: ({ input }) => ({
        project: projectJson(builds.createProject(input)),
      }),
      UpdateProject: ({ input }) => ({
        project: projectJson(builds.updateProject(input)),
      }),
      BatchGetProjects: ({ input }) => {
        const r = builds.batchGetProjects(input.names);
        return {
          projects: r.projects.map(projectJson),
          projectsNotFound: r.projectsNotFound,
        };
      },
      StartBuild: ({ input, ctx }) => ({
        build: buildJson(
          builds,
          builds.startBuild({
            projectName: input.projectName,
            sourceVersion: input.sourceVersion,
            environmentVariablesOverride: input.environmentVariablesOverride,
            initiator: ctx.caller?.arn,
          }),
          account,
        ),
      }),
      BatchGetBuilds: ({ input }) => {
        const ids = input.ids;
        if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) {
          throw validationError(
            ids,
            'ids',
            'Member must have length less than or equal to 100 and greater than or equal to 1',
          );
        }
        const found = ids.map((id: string) => builds.get(String(id)));
        return {
          builds: found
            .filter((b): b is BuildRecord => Boolean(b))
            .map(b => buildJson(builds, b, account)),
          buildsNotFound: ids.filter((_: string, i: number) => !found[i]),
        };
      },
      ListBuildsForProject: ({ input }) => {
        const project = builds.requireProject(input.projectName);
        const newestFirst = builds.ofProject(project.name).map(b => b.buildId);
        const ids =
          input.sortOrder === 'ASCENDING'
            ? [...newestFirst].reverse()
            : newestFirst;
        const p = page(ids, 100, input.nextToken, 100);
        return { ids: p.items, nextToken: p.nextToken };
      },
    },
  };
}
