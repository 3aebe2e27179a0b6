/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import {
  AwsWorld,
  BuildRecord,
  CodeBuildProjectRecord,
  ImageRunRule,
} from '../aws/AwsWorld';
import { listTree, readFileAt } from '../aws/codecommit/git';
import { SANDBOX_DEFAULT_DELAYS } from '../constants';
import { SandboxLogger, silentLogger } from '../util/logger';

/** Reads the exec or shell form of a Dockerfile instruction into words. */
function instructionWords(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // shell form after all
    }
  }
  return trimmed.split(/\s+/).filter(Boolean);
}

/**
 * The Python entrypoint of a Dockerfile: the words of its last ENTRYPOINT followed by its last CMD; the first word
 * ending in `.py`, or the module after `-m`. Returns the candidate repository paths to look for.
 */
export function pythonEntrypoint(
  dockerfile: string,
): { display: string; candidates: string[] } | undefined {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const line of lines) {
    const m = /^\s*(ENTRYPOINT|CMD)\s+(.*)$/i.exec(line);
    if (!m) continue;
    if (m[1].toUpperCase() === 'ENTRYPOINT')
      entrypoint = instructionWords(m[2]);
    else cmd = instructionWords(m[2]);
  }
  const words = [...entrypoint, ...cmd];
  const script = words.find(w => w.endsWith('.py'));
  if (script) {
    const rel = script.replace(/^\.?\/+/, '');
    const parts = rel.split('/');
    // /app/src/main.py may be the repository's src/main.py or main.py: try every suffix.
    return {
      display: script,
      candidates: parts.map((_, i) => parts.slice(i).join('/')),
    };
  }
  const mIndex = words.indexOf('-m');
  if (mIndex >= 0 && words[mIndex + 1]) {
    const mod = words[mIndex + 1].replace(/\./g, '/');
    return {
      display: `-m ${words[mIndex + 1]}`,
      candidates: [
        `${mod}.py`,
        `${mod}/__main__.py`,
        `src/${mod}.py`,
        `src/${mod}/__main__.py`,
      ],
    };
  }
  return undefined;
}

function pyCompile(
  cwd: string,
  file: string,
): Promise<{ ok: boolean; output: string }> {
  return new Promise(resolve => {
    execFile(
      'python3',
      ['-m', 'py_compile', file],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          PYTHONDONTWRITEBYTECODE: '1',
        },
      },
      (err, stdout, stderr) => {
        resolve({ ok: !err, output: `${stdout}${stderr}`.trim() });
      },
    );
  });
}

/** A build's outcome as the runner decides it. */
export type BuildOutcome = Partial<BuildRecord> &
  Pick<BuildRecord, 'status' | 'message'>;

/** A failed build: the phase, CodeBuild's status code and the message. */
function failed(
  phaseType: string,
  statusCode: string,
  message: string,
  extra: Partial<BuildRecord> = {},
): BuildOutcome {
  return {
    ...extra,
    status: 'FAILED',
    failure: { phaseType, statusCode, message },
    message: `${statusCode}: ${message}`,
  };
}

/** The buildspec: inline (the project's `source.buildspec` holds YAML) or the file it names (default `buildspec.yml`). */
async function readBuildspec(
  gitDir: string,
  commit: string,
  project: CodeBuildProjectRecord,
): Promise<{ path: string; text?: string }> {
  const spec = project.source.buildspec;
  if (spec && /\n|^version\s*:/.test(spec))
    return { path: 'inline', text: spec };
  const file = (spec || 'buildspec.yml').replace(/^\.?\/+/, '');
  const content = await readFileAt(gitDir, commit, file);
  return { path: file, text: content?.toString('utf8') };
}

/** Environment variables in CodeBuild's precedence: StartBuild overrides, then the project, then the buildspec. */
function buildEnv(
  buildspec: any,
  project: CodeBuildProjectRecord,
  build: BuildRecord,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(buildspec?.env?.variables ?? {})) {
    env[k] = String(v);
  }
  for (const v of project.environment.environmentVariables)
    env[v.name] = v.value;
  for (const v of build.environmentOverrides ?? []) env[v.name] = v.value;
  return env;
}

/** The service role's identity policies (and the repository policy) must allow each ECR push action. */
function pushDenied(
  world: AwsWorld,
  roleName: string,
  repo: string,
): string | undefined {
  const arn = world.ecr.repositoryArn(repo);
  const caller = `arn:aws:sts::${world.accountId}:assumed-role/${roleName}/AWSCodeBuild`;
  for (const action of [
    'ecr:BatchCheckLayerAvailability',
    'ecr:InitiateLayerUpload',
    'ecr:UploadLayerPart',
    'ecr:CompleteLayerUpload',
    'ecr:PutImage',
  ]) {
    const identity = world.iam.roleDecision(roleName, action, arn);
    const resource = world.ecr.repositoryPolicyDecision(repo, action, [
      `AWS:arn:aws:iam::${world.accountId}:role/${roleName}`,
      `AWS:${world.accountId}`,
    ]);
    if (
      identity === 'Deny' ||
      resource === 'Deny' ||
      (identity !== 'Allow' && resource !== 'Allow')
    ) {
      return `denied: User: ${caller} is not authorized to perform: ${action} on resource: ${arn} because no identity-based policy allows the ${action} action`;
    }
  }
  return undefined;
}

/** DOWNLOAD_SOURCE: the repository, the service role's `codecommit:GitPull`, the source version. */
async function downloadSource(
  world: AwsWorld,
  build: BuildRecord,
  roleName: string,
): Promise<{ commit: string } | BuildOutcome> {
  const repo = build.repositoryName;
  const version = build.sourceVersion ?? '';
  const where = `for primary source and source version ${version}`;
  if (!repo || !world.codecommit.exists(repo)) {
    return failed(
      'DOWNLOAD_SOURCE',
      'CLIENT_ERROR',
      `repository not found ${where}`,
    );
  }
  if (
    world.iam.roleDecision(
      roleName,
      'codecommit:GitPull',
      world.codecommit.arn(repo),
    ) !== 'Allow'
  ) {
    return failed(
      'DOWNLOAD_SOURCE',
      'CLIENT_ERROR',
      `authorization failed ${where}`,
    );
  }
  try {
    return {
      commit: await world.codecommit.resolveSpecifier(
        repo,
        version || undefined,
      ),
    };
  } catch {
    return failed(
      'DOWNLOAD_SOURCE',
      'CLIENT_ERROR',
      `reference not found ${where}`,
    );
  }
}

/** What the CodeBuild stand-in does for one started build (see README "CodeBuild stand-in"). */
export async function buildImage(
  world: AwsWorld,
  build: BuildRecord,
): Promise<BuildOutcome> {
  const project = build.projectName
    ? world.builds.project(build.projectName)
    : undefined;
  if (!project) {
    return failed(
      'PROVISIONING',
      'CLIENT_ERROR',
      `project ${build.projectName ?? ''} not found`,
    );
  }
  const roleName = project.serviceRole.split('/').pop()!;
  const source = await downloadSource(world, build, roleName);
  if (!('commit' in source)) return source;
  const commitId = source.commit;
  const done = { commitId };
  const gitDir = world.codecommit.repoPath(build.repositoryName);
  const spec = await readBuildspec(gitDir, commitId, project);
  if (spec.text === undefined) {
    return failed(
      'DOWNLOAD_SOURCE',
      'YAML_FILE_ERROR',
      `stat ${spec.path}: no such file or directory`,
      done,
    );
  }
  let buildspec: any;
  try {
    buildspec = YAML.parse(spec.text) ?? {};
  } catch (e) {
    return failed(
      'DOWNLOAD_SOURCE',
      'YAML_FILE_ERROR',
      `${spec.path} is not valid YAML: ${(e as Error).message}`,
      done,
    );
  }
  const env = buildEnv(buildspec, project, build);
  if (
    world.iam.roleDecision(roleName, 'ecr:GetAuthorizationToken', '*') !==
    'Allow'
  ) {
    return failed(
      'PRE_BUILD',
      'COMMAND_EXECUTION_ERROR',
      `Error while executing command: aws ecr get-login-password. Reason: exit status 254: An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: User: arn:aws:sts::${world.accountId}:assumed-role/${roleName}/AWSCodeBuild is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
      done,
    );
  }
  const dockerfile = await readFileAt(gitDir, commitId, 'Dockerfile');
  if (!project.environment.privilegedMode) {
    return failed(
      'BUILD',
      'COMMAND_EXECUTION_ERROR',
      'Error while executing command: docker build. Reason: exit status 1: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      done,
    );
  }
  if (!dockerfile) {
    return failed(
      'BUILD',
      'COMMAND_EXECUTION_ERROR',
      'docker build: unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat Dockerfile: no such file or directory',
      done,
    );
  }
  const imageRepo = env.IMAGE_REPO_NAME?.trim();
  if (!imageRepo || imageRepo.includes('$')) {
    return failed(
      'POST_BUILD',
      'COMMAND_EXECUTION_ERROR',
      'Error while executing command: docker push. Reason: exit status 1: invalid reference format (IMAGE_REPO_NAME is not set in StartBuild, the project or the buildspec)',
      done,
    );
  }
  if (!world.ecr.exists(imageRepo)) {
    return failed(
      'POST_BUILD',
      'COMMAND_EXECUTION_ERROR',
      `docker push: name unknown: The repository with name '${imageRepo}' does not exist in the registry with id '${world.accountId}'`,
      { ...done, imageRepository: imageRepo },
    );
  }
  const denied = pushDenied(world, roleName, imageRepo);
  if (denied) {
    return failed(
      'POST_BUILD',
      'COMMAND_EXECUTION_ERROR',
      `docker push: ${denied}`,
      { ...done, imageRepository: imageRepo },
    );
  }
  return pushImage(world, build, {
    gitDir,
    commitId,
    imageRepo,
    env,
    dockerfile: dockerfile.toString('utf8'),
  });
}

/** POST_BUILD: pushes the tags (IMAGE_TAG, else `<short sha>` and `latest`) with the image's run rule. */
async function pushImage(
  world: AwsWorld,
  build: BuildRecord,
  b: {
    gitDir: string;
    commitId: string;
    imageRepo: string;
    env: Record<string, string>;
    dockerfile: string;
  },
): Promise<BuildOutcome> {
  const tags = b.env.IMAGE_TAG
    ? [b.env.IMAGE_TAG]
    : [b.commitId.slice(0, 7), 'latest'];
  const run = await runRule(
    b.gitDir,
    b.commitId,
    b.dockerfile,
    world.ecr.repositoryUri(b.imageRepo),
  );
  const done = { commitId: b.commitId, imageRepository: b.imageRepo };
  const pushed: string[] = [];
  for (const tag of tags) {
    try {
      world.ecr.putImage(b.imageRepo, tag, { sourceCommit: b.commitId, run });
      pushed.push(tag);
    } catch (e) {
      return failed(
        'POST_BUILD',
        'COMMAND_EXECUTION_ERROR',
        `docker push: tag invalid: ${(e as Error).message}`,
        { ...done, imageTags: pushed },
      );
    }
  }
  return {
    ...done,
    branch: build.branch,
    status: 'SUCCEEDED',
    imageTags: tags,
    message:
      run.exitCode === 0
        ? 'image built and pushed'
        : 'image built and pushed; its Python entrypoint does not compile',
  };
}

/** Compiles the image's Python entrypoint (or every .py file when the Dockerfile names none) with the real python3. */
async function runRule(
  gitDir: string,
  commitId: string,
  dockerfile: string,
  imageUri: string,
): Promise<ImageRunRule> {
  const tree = await listTree(gitDir, commitId);
  const pyFiles = tree
    .filter(e => e.path.endsWith('.py') && e.mode !== '120000')
    .map(e => e.path);
  const entry = pythonEntrypoint(dockerfile);
  const entryFile = entry?.candidates.find(c => pyFiles.includes(c));
  const toCompile = entryFile ? [entryFile] : pyFiles;
  const start = `Starting ${
    entry ? `python ${entry.display}` : 'container'
  } from ${imageUri}:${commitId.slice(0, 7)}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-build-'));
  try {
    for (const file of toCompile) {
      const content = await readFileAt(gitDir, commitId, file);
      const target = path.join(tmp, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content ?? Buffer.alloc(0));
      const result = await pyCompile(tmp, file);
      if (!result.ok) {
        return { exitCode: 1, log: [start, ...result.output.split('\n')] };
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return {
    exitCode: 0,
    log: [
      start,
      `${
        toCompile.length ? toCompile.join(', ') : 'entrypoint'
      } ran to completion`,
      'exit status 0',
    ],
  };
}

/**
 * The CodeBuild stand-in's build hosts: each started build (StartBuild, or an EventBridge rule's CodeBuild target
 * after a push) runs `buildMs` later (see {@link buildImage}) and is completed in the world. Builds left
 * IN_PROGRESS by an earlier process are run at start. Returns a function that stops it.
 */
export function startImageBuilds(options: {
  world: AwsWorld;
  buildMs?: number;
  logger?: SandboxLogger;
}): () => void {
  const { world } = options;
  const logger = options.logger ?? silentLogger;
  const buildMs = options.buildMs ?? SANDBOX_DEFAULT_DELAYS.buildMs;
  const timers = new Set<NodeJS.Timeout>();
  let chain: Promise<unknown> = Promise.resolve();
  const run = async (build: BuildRecord) => {
    let outcome: BuildOutcome;
    try {
      outcome = await buildImage(world, build);
    } catch (e) {
      logger.error('image build failed', {
        build: build.buildId,
        error: (e as Error).message,
      });
      outcome = failed('BUILD', 'CLIENT_ERROR', (e as Error).message);
    }
    const done = world.builds.complete(build.buildId, outcome);
    logger.info('image build', {
      build: done.buildId,
      repository: done.repositoryName,
      commit: done.commitId,
      status: done.status,
      imageRepository: done.imageRepository,
      ...(done.failure ? { failure: done.message } : {}),
    });
  };
  const onStarted = (build: BuildRecord) => {
    const t = setTimeout(() => {
      timers.delete(t);
      chain = chain.then(() => run(build));
    }, buildMs);
    t.unref?.();
    timers.add(t);
  };
  world.events.on('buildStarted', onStarted);
  for (const b of world.builds.list()) {
    if (b.status === 'IN_PROGRESS') onStarted(b);
  }
  return () => {
    world.events.off('buildStarted', onStarted);
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
