/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CodeCommitClient,
  CreateRepositoryCommand,
  GetRepositoryCommand,
  ListTagsForResourceCommand,
  RepositoryDoesNotExistException,
  TagResourceCommand,
} from '@aws-sdk/client-codecommit';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import {
  actionContext,
  CheckpointStore,
  loggedText,
  outputsOf,
  testDeps,
  TEST_CREDENTIALS,
} from '../__testUtils__/context';
import { startGitHttpServer } from '../__testUtils__/gitHttpServer';
import { createPublishCodeCommitAction } from './publishCodeCommit';

const ENTITY = 'component:default/news-crawler';
const cc = mockClient(CodeCommitClient);
const mockDir = createMockDirectory();
const remotesDir = createMockDirectory();
let git: Awaited<ReturnType<typeof startGitHttpServer>>;

const git_ = (gitDir: string, ...args: string[]) =>
  execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
  }).trim();

function metadata(name: string) {
  return {
    repositoryName: name,
    repositoryId: `id-${name}`,
    Arn: `arn:aws:codecommit:eu-west-1:000000000000:${name}`,
    cloneUrlHttp: `https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/${name}`,
  };
}

/** The repository does not exist until CreateRepository; then it is served by the test git server. */
function mockNewRepository(name: string) {
  cc.on(GetRepositoryCommand).rejects(
    new RepositoryDoesNotExistException({
      message: `${name} does not exist`,
      $metadata: {},
    }),
  );
  cc.on(CreateRepositoryCommand).callsFake(() => {
    git.createRepository(name);
    return { repositoryMetadata: metadata(name) };
  });
}

/** An existing repository with the given entity tag (or none). */
function mockExistingRepository(name: string, owner?: string) {
  const dir = git.createRepository(name);
  cc.on(GetRepositoryCommand).resolves({ repositoryMetadata: metadata(name) });
  cc.on(ListTagsForResourceCommand).resolves({
    tags: owner ? { 'crawler-platform.io/entity': owner } : { team: 'x' },
  });
  return dir;
}

function action(extraConfig: Record<string, unknown> = {}) {
  return createPublishCodeCommitAction(
    testDeps({
      crawlers: {
        aws: { region: 'eu-west-1' },
        scaffolder: { codecommit: { gitUrl: git.url, ...extraConfig } },
      },
      scaffolder: {
        defaultAuthor: { name: 'Platform', email: 'platform@example.com' },
      },
    }),
  );
}

function writeSkeleton(files = 3) {
  const content: Record<string, string> = {
    'catalog-info.yaml': 'kind: Component\n',
    'bin/run.sh': '#!/bin/sh\necho crawl\n',
  };
  for (let i = 0; i < files; i++) {
    content[`pages/page-${i}.txt`] = `page ${i}\n`;
  }
  mockDir.setContent({ workspace: content });
  fs.chmodSync(mockDir.resolve('workspace/bin/run.sh'), 0o755);
  return mockDir.resolve('workspace');
}

function context(
  input: Record<string, any>,
  options: { dryRun?: boolean; checkpoints?: CheckpointStore } = {},
) {
  return actionContext({
    input: {
      repositoryName: 'news-crawler',
      entityRef: ENTITY,
      ...input,
    } as any,
    workspacePath: mockDir.resolve('workspace'),
    ...options,
  });
}

describe('publish:codecommit', () => {
  beforeEach(async () => {
    cc.reset();
    mockDir.clear();
    remotesDir.clear();
    git = await startGitHttpServer(remotesDir.path);
  });
  afterEach(async () => {
    await git.stop();
  });

  it('should create the repository tagged with the entity and push every file with its mode', async () => {
    writeSkeleton(250);
    mockNewRepository('news-crawler');
    const ctx = context({ description: 'Crawls news' });

    await action().handler(ctx);

    expect(cc.commandCalls(CreateRepositoryCommand)[0].args[0].input).toEqual({
      repositoryName: 'news-crawler',
      repositoryDescription: 'Crawls news',
      tags: { 'crawler-platform.io/entity': ENTITY },
    });
    const remote = remotesDir.resolve('news-crawler.git');
    const out = outputsOf(ctx);
    expect(git_(remote, 'rev-parse', 'refs/heads/main')).toBe(out.commitHash);
    const tree = git_(remote, 'ls-tree', '-r', 'main').split('\n');
    expect(tree).toHaveLength(252);
    expect(tree).toContainEqual(
      expect.stringMatching(/^100755 blob \w+\tbin\/run\.sh$/),
    );
    expect(tree).toContainEqual(
      expect.stringMatching(/^100644 blob \w+\tcatalog-info\.yaml$/),
    );
    expect(git_(remote, 'log', '-1', '--format=%an <%ae>|%s', 'main')).toBe(
      'Platform <platform@example.com>|Initial commit',
    );
    expect(out).toEqual({
      remoteUrl:
        'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/news-crawler/browse?region=eu-west-1',
      repoContentsUrl:
        'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/news-crawler/browse/refs/heads/main/--',
      cloneUrlHttp:
        'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/news-crawler',
      commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
      repositoryArn: 'arn:aws:codecommit:eu-west-1:000000000000:news-crawler',
    });
  });

  it('should push only sourcePath when it is given', async () => {
    mockDir.setContent({
      workspace: { 'crawler/app.py': 'print(1)\n', 'dag/news.py': 'x = 1\n' },
    });
    mockNewRepository('news-crawler');
    await action().handler(context({ sourcePath: 'crawler' }));
    expect(
      git_(
        remotesDir.resolve('news-crawler.git'),
        'ls-tree',
        '-r',
        '--name-only',
        'main',
      ),
    ).toBe('app.py');
  });

  it('should authenticate with the SigV4 git password of the backend credentials in a Basic header', async () => {
    writeSkeleton();
    mockNewRepository('news-crawler');
    await action().handler(context({}));
    const auth = git.requests.filter(r => r.service).map(r => r.authorization);
    expect(auth.length).toBeGreaterThan(0);
    for (const header of auth) {
      const [user, password] = Buffer.from(
        header!.replace(/^Basic /, ''),
        'base64',
      )
        .toString('utf8')
        .split(':');
      expect(user).toBe(TEST_CREDENTIALS.accessKeyId);
      expect(password).toMatch(/^\d{8}T\d{6}Z[0-9a-f]{64}$/);
    }
  });

  it('should never write the git password to disk or to the task log', async () => {
    writeSkeleton();
    mockNewRepository('news-crawler');
    const ctx = context({});
    await action().handler(ctx);
    const header = git.requests.find(r => r.authorization)!.authorization!;
    const password = Buffer.from(header.replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':')[1];
    const secrets = [password, header.replace(/^Basic /, '')];
    const onDisk = ctx.tempDirs.flatMap(dir =>
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .map(f => path.join(dir, f))
        .filter(f => fs.statSync(f).isFile())
        .filter(f => {
          const text = fs.readFileSync(f, 'latin1');
          return secrets.some(s => text.includes(s));
        }),
    );
    expect(ctx.tempDirs.length).toBeGreaterThan(0);
    expect(onDisk).toEqual([]);
    const logged = loggedText(ctx) + JSON.stringify(outputsOf(ctx));
    expect(logged).not.toContain(password.slice(16));
    expect(logged).not.toContain(TEST_CREDENTIALS.secretAccessKey);
  });

  it('should adopt a repository tagged with this entity and add no commit when the content is the same', async () => {
    writeSkeleton();
    const remote = mockExistingRepository(
      'news-crawler',
      'Component:default/News-Crawler',
    );
    await action().handler(context({}));
    const first = git_(remote, 'rev-parse', 'main');

    const ctx = context({});
    await action().handler(ctx);

    expect(cc.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    expect(git_(remote, 'rev-parse', 'main')).toBe(first);
    expect(outputsOf(ctx).commitHash).toBe(first);
    expect(
      git.requests.filter(
        r => r.method === 'POST' && r.service === 'git-receive-pack',
      ),
    ).toHaveLength(1);
  });

  it('should add a fast-forward commit on top of this entity’s branch when the content changed', async () => {
    writeSkeleton();
    const remote = mockExistingRepository('news-crawler', ENTITY);
    await action().handler(context({}));
    const first = git_(remote, 'rev-parse', 'main');
    fs.writeFileSync(mockDir.resolve('workspace/README.md'), '# news\n');

    const ctx = context({ gitCommitMessage: 'Update the skeleton' });
    await action().handler(ctx);

    const head = outputsOf(ctx).commitHash as string;
    expect(git_(remote, 'rev-parse', 'main')).toBe(head);
    expect(git_(remote, 'rev-parse', `${head}^`)).toBe(first);
  });

  it('should refuse a repository tagged with another entity, naming it, and push nothing', async () => {
    writeSkeleton();
    const remote = mockExistingRepository(
      'news-crawler',
      'component:default/price-crawler',
    );
    await expect(action().handler(context({}))).rejects.toThrow(
      /CodeCommit repository "news-crawler" already exists and belongs to component:default\/price-crawler/,
    );
    expect(git_(remote, 'for-each-ref')).toBe('');
    expect(git.requests).toHaveLength(0);
  });

  it('should refuse a repository without the entity tag', async () => {
    writeSkeleton();
    mockExistingRepository('news-crawler');
    await expect(action().handler(context({}))).rejects.toThrow(
      /already exists and has no tag crawler-platform\.io\/entity, so it is not component:default\/news-crawler's/,
    );
  });

  /** Someone else pushes first: an empty commit on top of main, written straight into the bare repository. */
  function pushOther(remote: string) {
    const head = git_(remote, 'rev-parse', 'main');
    const tree = git_(remote, 'rev-parse', `${head}^{tree}`);
    const other = execFileSync(
      'git',
      ['--git-dir', remote, 'commit-tree', tree, '-p', head, '-m', 'other'],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'o',
          GIT_AUTHOR_EMAIL: 'o@x',
          GIT_COMMITTER_NAME: 'o',
          GIT_COMMITTER_EMAIL: 'o@x',
        },
      },
    ).trim();
    git_(remote, 'update-ref', 'refs/heads/main', other);
  }

  it.each(['beforePushAdvertisement', 'beforeReceivePack'] as const)(
    'should fail without overwriting when the branch moves during the push (%s)',
    async hook => {
      writeSkeleton();
      const remote = mockExistingRepository('news-crawler', ENTITY);
      await action().handler(context({}));
      fs.writeFileSync(mockDir.resolve('workspace/README.md'), '# news\n');
      git.state[hook] = () => {
        pushOther(remote);
        git.state[hook] = undefined;
      };
      await expect(action().handler(context({}))).rejects.toThrow(
        /moved while publishing \(the push would not fast-forward\); nothing was overwritten/,
      );
      expect(git_(remote, 'log', '-1', '--format=%s', 'main')).toBe('other');
    },
  );

  it('should change nothing in a dry run', async () => {
    writeSkeleton();
    mockNewRepository('news-crawler');
    const ctx = context({}, { dryRun: true });

    await action().handler(ctx);

    expect(cc.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    expect(cc.commandCalls(TagResourceCommand)).toHaveLength(0);
    expect(git.requests).toHaveLength(0);
    expect(fs.readdirSync(remotesDir.path)).toEqual([]);
    expect(outputsOf(ctx)).toMatchObject({
      commitHash: 'dry-run',
      cloneUrlHttp:
        'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/news-crawler',
    });
  });

  it('should refuse another entity’s repository in a dry run too', async () => {
    writeSkeleton();
    mockExistingRepository('news-crawler', 'component:default/price-crawler');
    await expect(
      action().handler(context({}, { dryRun: true })),
    ).rejects.toThrow(/belongs to component:default\/price-crawler/);
  });

  it.each([
    [
      { repositoryName: 'bad name' },
      /repositoryName "bad name" is not a CodeCommit repository name/,
    ],
    [{ repositoryName: 'repo.git' }, /not ending in \.git/],
    [
      { entityRef: 'component:' },
      /entityRef "component:" is not an entity ref/,
    ],
    [
      { sourcePath: '../elsewhere' },
      /sourcePath "..\/elsewhere" points outside the workspace/,
    ],
    [
      { sourcePath: 'missing' },
      /sourcePath "missing" is not a directory in the workspace/,
    ],
    [
      { defaultBranch: 'a..b' },
      /defaultBranch "a..b" is not a valid branch name/,
    ],
  ])(
    'should reject bad input %j with an InputError saying what to fix',
    async (input, message) => {
      writeSkeleton();
      mockNewRepository('news-crawler');
      const error = await action()
        .handler(context(input))
        .catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toMatch(message);
      expect(cc.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    },
  );

  it('should refuse to send credentials over plain http to a host that is not loopback', async () => {
    writeSkeleton();
    mockNewRepository('news-crawler');
    const error = await action({ gitUrl: 'http://git.example.com' })
      .handler(context({}))
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /Refusing to send git credentials to http:\/\/git\.example\.com/,
    );
  });

  it('should skip the repository step on a rerun after the push failed', async () => {
    writeSkeleton();
    mockNewRepository('news-crawler');
    const checkpoints = new CheckpointStore();
    git.state.failPushes = 1;

    await expect(
      action().handler(context({}, { checkpoints })),
    ).rejects.toThrow(/git push failed/);
    cc.on(GetRepositoryCommand).resolves({
      repositoryMetadata: metadata('news-crawler'),
    });
    const ctx = context({}, { checkpoints });
    await action().handler(ctx);

    expect(cc.commandCalls(CreateRepositoryCommand)).toHaveLength(1);
    expect(cc.commandCalls(GetRepositoryCommand)).toHaveLength(1);
    expect(checkpoints.ran).toEqual([
      'codecommit.repository.news-crawler',
      'codecommit.push.news-crawler.main',
      'codecommit.push.news-crawler.main',
    ]);
    expect(
      git_(remotesDir.resolve('news-crawler.git'), 'rev-parse', 'main'),
    ).toBe(outputsOf(ctx).commitHash);
  });

  it('should refuse an empty source folder', async () => {
    mockDir.setContent({ workspace: { empty: {} } });
    mockNewRepository('news-crawler');
    await expect(
      action().handler(context({ sourcePath: 'empty' })),
    ).rejects.toThrow(/There is nothing to push/);
  });
});

describe('publish:codecommit credentials', () => {
  beforeEach(async () => {
    cc.reset();
    mockDir.clear();
    remotesDir.clear();
    git = await startGitHttpServer(remotesDir.path);
  });
  afterEach(async () => {
    await git.stop();
  });

  it('should send the session token of temporary credentials in the user name and nowhere in the log', async () => {
    writeSkeleton();
    mockNewRepository('news-crawler');
    const sessionToken = 'IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars';
    const deps = testDeps(
      {
        crawlers: {
          aws: { region: 'eu-west-1' },
          scaffolder: { codecommit: { gitUrl: git.url } },
        },
      },
      { ...TEST_CREDENTIALS, sessionToken },
    );
    const ctx = context({});
    await createPublishCodeCommitAction(deps).handler(ctx);
    const header = git.requests.find(r => r.authorization)!.authorization!;
    const user = Buffer.from(header.replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':')[0];
    expect(user).toBe(`${TEST_CREDENTIALS.accessKeyId}%${sessionToken}`);
    expect(loggedText(ctx)).not.toContain(sessionToken);
  });
});
