/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AwsWorld } from '../aws/AwsWorld';
import { createImagePipeline } from '../aws/codebuild/pipeline';
import { SANDBOX_GIT_PASSWORD, SANDBOX_GIT_USERNAME } from '../constants';
import { eventually, tempDataDir } from '../testing/helpers';
import { RunningServer } from '../util/http';
import { pythonEntrypoint, startImageBuilds } from './imageBuilds';
import { startGitServer } from './server';

const BUILDSPEC = `version: 0.2
env:
  variables:
    IMAGE_REPO_NAME: crawlers/alpha
phases:
  build:
    commands:
      - docker build -t $IMAGE_REPO_NAME .
`;

function git(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      'git',
      [
        '-c',
        'user.name=T',
        '-c',
        'user.email=t@example.com',
        '-c',
        'init.defaultBranch=main',
        ...args,
      ],
      {
        cwd,
        env: { PATH: process.env.PATH!, HOME: cwd, GIT_TERMINAL_PROMPT: '0' },
      },
      (err, _out, stderr) => (err ? reject(new Error(stderr)) : resolve()),
    ),
  );
}

describe('image builds', () => {
  let data: ReturnType<typeof tempDataDir>;
  let world: AwsWorld;
  let stop: () => void;

  beforeEach(() => {
    data = tempDataDir();
    world = new AwsWorld({ dataDir: data.dir });
    stop = startImageBuilds({ world, buildMs: 5 });
  });

  afterEach(() => {
    stop();
    world.close();
    data.remove();
  });

  async function commit(repo: string, files: Record<string, string>) {
    return world.codecommit.createCommit({
      repositoryName: repo,
      branchName: 'main',
      putFiles: Object.entries(files).map(([filePath, content]) => ({
        filePath,
        fileContent: Buffer.from(content),
      })),
    });
  }

  it('should find the Python entrypoint of a Dockerfile', () => {
    expect(
      pythonEntrypoint(
        'FROM python:3.12\nCMD ["python", "/app/src/crawler.py"]',
      )?.candidates,
    ).toEqual(['app/src/crawler.py', 'src/crawler.py', 'crawler.py']);
    expect(
      pythonEntrypoint('FROM python\nENTRYPOINT python -m crawler.main')
        ?.candidates[0],
    ).toBe('crawler/main.py');
    expect(pythonEntrypoint('FROM busybox\nCMD ["sh"]')).toBeUndefined();
  });

  it('should push <short sha> and latest to the ECR repository named by IMAGE_REPO_NAME after a git push', async () => {
    world.ecr.createRepository('crawlers/alpha');
    await world.codecommit.createRepository('alpha');
    createImagePipeline(world, {
      repository: 'alpha',
      imageRepository: 'crawlers/alpha',
    });
    const server: RunningServer = await startGitServer({ world, port: 0 });
    try {
      const src = path.join(data.dir, 'src');
      fs.mkdirSync(src);
      await git(['init', '-q'], src);
      fs.writeFileSync(
        path.join(src, 'Dockerfile'),
        'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/crawler.py"]\n',
      );
      fs.writeFileSync(path.join(src, 'buildspec.yml'), BUILDSPEC);
      fs.writeFileSync(path.join(src, 'crawler.py'), 'print("crawling")\n');
      await git(['add', '.'], src);
      await git(['commit', '-q', '-m', 'crawler'], src);
      const u = new URL(`${server.url}/v1/repos/alpha`);
      u.username = SANDBOX_GIT_USERNAME;
      u.password = SANDBOX_GIT_PASSWORD;
      await git(['push', '-q', u.toString(), 'HEAD:refs/heads/main'], src);
      const { commitId } = await world.codecommit.getBranch('alpha', 'main');
      const image = await eventually(
        () => world.ecr.getImage('crawlers/alpha', commitId.slice(0, 7)),
        'image',
      );
      expect(image.imageTags.sort()).toEqual(
        [commitId.slice(0, 7), 'latest'].sort(),
      );
      expect(image.run).toMatchObject({ exitCode: 0 });
      expect(world.builds.list('alpha')[0]).toMatchObject({
        status: 'SUCCEEDED',
        imageRepository: 'crawlers/alpha',
      });
    } finally {
      await server.close();
    }
  });

  it('should record the compiler message when the entrypoint does not compile', async () => {
    world.ecr.createRepository('beta');
    await world.codecommit.createRepository('beta');
    createImagePipeline(world, { repository: 'beta' });
    const result = await commit('beta', {
      Dockerfile: 'FROM python:3.12\nCMD ["python", "crawler.py"]\n',
      'buildspec.yml':
        'version: 0.2\nphases:\n  build:\n    commands: [docker build .]\n',
      'crawler.py': 'def crawl(:\n    pass\n',
    });
    const image = await eventually(
      () => world.ecr.getImage('beta', result.commitId.slice(0, 7)),
      'image',
    );
    expect(image.run?.exitCode).toBe(1);
    expect(image.run?.log.join('\n')).toContain('SyntaxError');
    expect(image.run?.log.join('\n')).toContain('crawler.py');
  });

  it('should produce no image without a Dockerfile, and a failed build when the ECR repository is missing', async () => {
    world.ecr.createRepository('gamma');
    await world.codecommit.createRepository('gamma');
    createImagePipeline(world, { repository: 'gamma' });
    await commit('gamma', {
      'buildspec.yml': 'version: 0.2\n',
      'crawler.py': 'print(1)\n',
    });
    const noDockerfile = await eventually(
      () => world.builds.list('gamma').find(b => b.status !== 'IN_PROGRESS'),
      'build record',
    );
    expect(noDockerfile.status).toBe('FAILED');
    expect(noDockerfile.message).toContain('Dockerfile');
    expect(world.ecr.images('gamma')).toEqual([]);

    await world.codecommit.createRepository('delta');
    createImagePipeline(world, { repository: 'delta' });
    await commit('delta', {
      Dockerfile: 'FROM python\n',
      'buildspec.yml': 'version: 0.2\n',
    });
    const noRepo = await eventually(
      () => world.builds.list('delta').find(b => b.status !== 'IN_PROGRESS'),
      'build record',
    );
    expect(noRepo).toMatchObject({ status: 'FAILED' });
    expect(noRepo.message).toContain(
      "The repository with name 'delta' does not exist",
    );
  });

  it('should build only repositories whose push matches a CodeBuild project rule', async () => {
    await world.codecommit.createRepository('unbuilt');
    world.ecr.createRepository('unbuilt');
    await commit('unbuilt', {
      Dockerfile: 'FROM python\n',
      'buildspec.yml':
        'version: 0.2\nenv:\n  variables:\n    IMAGE_REPO_NAME: unbuilt\n',
    });
    await world.codecommit.createRepository('marker');
    world.ecr.createRepository('marker');
    createImagePipeline(world, { repository: 'marker' });
    await commit('marker', {
      Dockerfile: 'FROM python\n',
      'buildspec.yml': 'version: 0.2\n',
    });
    const built = await eventually(
      () => world.builds.list('marker').find(b => b.status === 'SUCCEEDED'),
      'marker build',
    );
    expect(built).toMatchObject({
      projectName: 'marker',
      initiator: 'rule/marker-on-push',
    });
    expect(world.builds.list('unbuilt')).toEqual([]);
    expect(world.ecr.images('unbuilt')).toEqual([]);
  });

  it('should not build a push to another branch than the rule names', async () => {
    await world.codecommit.createRepository('branches');
    world.ecr.createRepository('branches');
    createImagePipeline(world, { repository: 'branches' });
    const main = await commit('branches', {
      Dockerfile: 'FROM python\n',
      'buildspec.yml': 'version: 0.2\n',
    });
    expect(world.builds.list('branches')).toHaveLength(1);
    await world.codecommit.createCommit({
      repositoryName: 'branches',
      branchName: 'feature',
      parentCommitId: main.commitId,
      putFiles: [{ filePath: 'b.py', fileContent: Buffer.from('print(2)\n') }],
    });
    expect(world.builds.list('branches')).toHaveLength(1);
    expect(world.builds.list('branches')[0]).toMatchObject({
      sourceVersion: main.commitId,
    });
  });

  it('should fail the build in DOWNLOAD_SOURCE when the service role may not pull the repository', async () => {
    await world.codecommit.createRepository('locked');
    world.ecr.createRepository('locked');
    createImagePipeline(world, { repository: 'locked' });
    world.iam.deleteRolePolicy('crawlers-codebuild', 'pipeline');
    await commit('locked', {
      Dockerfile: 'FROM python\n',
      'buildspec.yml': 'version: 0.2\n',
    });
    const build = await eventually(
      () => world.builds.list('locked').find(b => b.status === 'FAILED'),
      'failed build',
    );
    expect(build.failure).toMatchObject({
      phaseType: 'DOWNLOAD_SOURCE',
      statusCode: 'CLIENT_ERROR',
    });
    expect(build.message).toContain('authorization failed for primary source');
  });

  it('should fail docker build without privileged mode', async () => {
    await world.codecommit.createRepository('unprivileged');
    world.ecr.createRepository('unprivileged');
    createImagePipeline(world, {
      repository: 'unprivileged',
      privileged: false,
    });
    await commit('unprivileged', {
      Dockerfile: 'FROM python\n',
      'buildspec.yml': 'version: 0.2\n',
    });
    const build = await eventually(
      () => world.builds.list('unprivileged').find(b => b.status === 'FAILED'),
      'failed build',
    );
    expect(build.message).toContain('Cannot connect to the Docker daemon');
    expect(world.ecr.images('unprivileged')).toEqual([]);
  });

  it('should fail the push of an existing tag to an immutable repository except for excluded tags', async () => {
    await world.codecommit.createRepository('frozen');
    world.ecr.createRepository('frozen', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [
        { filterType: 'WILDCARD', filter: 'latest' },
      ],
    });
    world.ecr.putImage('frozen', 'latest', { imageDigest: 'sha256:older' });
    createImagePipeline(world, { repository: 'frozen' });
    const first = await commit('frozen', {
      Dockerfile: 'FROM python\n',
      'buildspec.yml': 'version: 0.2\n',
    });
    const image = await eventually(
      () => world.ecr.getImage('frozen', first.commitId.slice(0, 7)),
      'first image',
    );
    expect(image.imageTags).toContain('latest');
    world.ecr.putImageTagMutability('frozen', 'IMMUTABLE', undefined);
    await world.codecommit.createCommit({
      repositoryName: 'frozen',
      branchName: 'main',
      parentCommitId: first.commitId,
      putFiles: [{ filePath: 'a.txt', fileContent: Buffer.from('a') }],
    });
    const failedBuild = await eventually(
      () => world.builds.list('frozen').find(b => b.status === 'FAILED'),
      'failed build',
    );
    expect(failedBuild.message).toContain(
      "The image tag 'latest' already exists in the 'frozen' repository and cannot be overwritten because the repository is immutable.",
    );
  }, 15_000);
});
