/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import {
  AwsWorld,
  BuildRecord,
  ImageRunRule,
  PushEvent,
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

/** What the CodeBuild stand-in does for one pushed commit; exported for tests and the seed. */
export async function buildImage(
  world: AwsWorld,
  push: PushEvent,
): Promise<BuildRecord | undefined> {
  const gitDir = world.codecommit.repoPath(push.repositoryName);
  const dockerfile = await readFileAt(gitDir, push.after, 'Dockerfile');
  const buildspecRaw = await readFileAt(gitDir, push.after, 'buildspec.yml');
  if (!dockerfile && !buildspecRaw) {
    return undefined; // not a container project: no pipeline runs
  }
  const short = push.after.slice(0, 7);
  const base = {
    buildId: `${push.repositoryName}:${crypto.randomUUID()}`,
    repositoryName: push.repositoryName,
    branch: push.branch,
    commitId: push.after,
    startedAt: world.now().toISOString(),
  };
  if (!buildspecRaw) {
    return {
      ...base,
      status: 'FAILED',
      message: 'YAML_FILE_ERROR: stat buildspec.yml: no such file or directory',
    };
  }
  if (!dockerfile) {
    return {
      ...base,
      status: 'FAILED',
      message:
        'COMMAND_EXECUTION_ERROR: docker build: unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat Dockerfile: no such file or directory',
    };
  }
  let imageRepo = push.repositoryName;
  try {
    const spec = YAML.parse(buildspecRaw.toString('utf8')) ?? {};
    const configured = spec?.env?.variables?.IMAGE_REPO_NAME;
    if (
      typeof configured === 'string' &&
      configured.trim() &&
      !configured.includes('$')
    ) {
      imageRepo = configured.trim();
    }
  } catch (e) {
    return {
      ...base,
      status: 'FAILED',
      message: `YAML_FILE_ERROR: buildspec.yml is not valid YAML: ${
        (e as Error).message
      }`,
    };
  }
  if (!world.ecr.exists(imageRepo)) {
    return {
      ...base,
      status: 'FAILED',
      imageRepository: imageRepo,
      message: `COMMAND_EXECUTION_ERROR: docker push: name unknown: The repository with name '${imageRepo}' does not exist in the registry with id '${world.accountId}'`,
    };
  }
  const run = await runRule(
    gitDir,
    push,
    dockerfile.toString('utf8'),
    world.ecr.repositoryUri(imageRepo),
  );
  for (const tag of [short, 'latest']) {
    world.ecr.putImage(imageRepo, tag, { sourceCommit: push.after, run });
  }
  return {
    ...base,
    status: 'SUCCEEDED',
    imageRepository: imageRepo,
    imageTags: [short, 'latest'],
    message:
      run.exitCode === 0
        ? 'image built and pushed'
        : 'image built and pushed; its Python entrypoint does not compile',
  };
}

/** Compiles the image's Python entrypoint (or every .py file when the Dockerfile names none) with the real python3. */
async function runRule(
  gitDir: string,
  push: PushEvent,
  dockerfile: string,
  imageUri: string,
): Promise<ImageRunRule> {
  const tree = await listTree(gitDir, push.after);
  const pyFiles = tree
    .filter(e => e.path.endsWith('.py') && e.mode !== '120000')
    .map(e => e.path);
  const entry = pythonEntrypoint(dockerfile);
  const entryFile = entry?.candidates.find(c => pyFiles.includes(c));
  const toCompile = entryFile ? [entryFile] : pyFiles;
  const start = `Starting ${
    entry ? `python ${entry.display}` : 'container'
  } from ${imageUri}:${push.after.slice(0, 7)}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-build-'));
  try {
    for (const file of toCompile) {
      const content = await readFileAt(gitDir, push.after, file);
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
 * The CodeBuild stand-in: after each push (git push or CreateCommit) waits `buildMs`, then builds the pushed commit
 * (see {@link buildImage}) and records the build in the world. Returns a function that stops it.
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
  const onPush = (push: PushEvent) => {
    const t = setTimeout(() => {
      timers.delete(t);
      chain = chain.then(async () => {
        try {
          const build = await buildImage(world, push);
          if (build) {
            world.builds.record(build);
            logger.info('image build', {
              repository: build.repositoryName,
              commit: build.commitId,
              status: build.status,
              imageRepository: build.imageRepository,
            });
          }
        } catch (e) {
          logger.error('image build failed', {
            repository: push.repositoryName,
            error: (e as Error).message,
          });
        }
      });
    }, buildMs);
    t.unref?.();
    timers.add(t);
  };
  world.events.on('push', onPush);
  return () => {
    world.events.off('push', onPush);
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
