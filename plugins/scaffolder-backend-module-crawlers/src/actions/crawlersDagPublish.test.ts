/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CodeCommitClient,
  CreateBranchCommand,
  CreateCommitCommand,
  CreatePullRequestCommand,
  PutFileCommand,
} from '@aws-sdk/client-codecommit';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import {
  actionContext,
  CheckpointStore,
  outputsOf,
  testDeps,
} from '../__testUtils__/context';
import { dagSource, FORM } from '../__testUtils__/dagSource';
import { FakeCodeCommit } from '../__testUtils__/fakeCodeCommit';
import { createCrawlersDagPublishAction } from './crawlersDagPublish';

const cc = mockClient(CodeCommitClient);
const workspace = createMockDirectory();
const PATH = 'airflow2/news_crawler.py';
const OTHER_DAG = dagSource([
  [
    'backstage:component:default/news-crawler',
    'backstage:component:default/price-crawler',
  ],
]);
let repo: FakeCodeCommit;

function action(scaffolder: Record<string, unknown> = {}) {
  return createCrawlersDagPublishAction(
    testDeps({
      crawlers: {
        aws: { region: 'eu-west-1' },
        airflow: {
          instances: [
            { name: 'airflow1', baseUrl: 'http://a1' },
            {
              name: 'airflow2',
              baseUrl: 'http://a2',
              dagRepository: {
                repositoryName: 'airflow-dags',
                subPath: 'airflow2',
                endpoint: 'http://127.0.0.1:1',
              },
            },
            {
              name: 'airflow3',
              baseUrl: 'http://a3',
              dagRepository: {
                repositoryName: 'airflow-dags',
                subPath: 'airflow3',
                branch: 'release',
              },
            },
          ],
        },
        scaffolder: { dagRepository: { maxCommitAttempts: 3, ...scaffolder } },
      },
      scaffolder: {
        defaultAuthor: { name: 'Platform', email: 'platform@example.com' },
      },
    }),
  );
}

function context(
  input: Record<string, unknown> = {},
  options: { dryRun?: boolean; checkpoints?: CheckpointStore } = {},
) {
  return actionContext({
    input: {
      sourcePath: 'dag/news_crawler.py',
      entityRef: FORM.entityRef,
      ...input,
    } as any,
    workspacePath: workspace.path,
    ...options,
  });
}

const writes = () =>
  [
    CreateCommitCommand,
    CreateBranchCommand,
    CreatePullRequestCommand,
    PutFileCommand,
  ].reduce((n, c) => n + cc.commandCalls(c as any).length, 0);

describe('crawlers:dag:publish', () => {
  beforeEach(() => {
    cc.reset();
    workspace.setContent({ 'dag/news_crawler.py': dagSource() });
    repo = new FakeCodeCommit('airflow-dags');
    repo.commit('main', {
      'README.md': '# dags\n',
      'airflow3/price_crawler.py': OTHER_DAG,
    });
    repo.install(cc);
  });

  it('should add the DAG file with a commit on the head of the branch git-sync follows', async () => {
    const base = repo.branches.get('main');
    const ctx = context();
    await action().handler(ctx);

    const input = cc.commandCalls(CreateCommitCommand)[0].args[0].input;
    expect(input).toMatchObject({
      repositoryName: 'airflow-dags',
      branchName: 'main',
      parentCommitId: base,
      authorName: 'Platform',
      email: 'platform@example.com',
      commitMessage:
        'Add or update DAG news_crawler.py for component:default/news-crawler',
      putFiles: [{ filePath: PATH, fileMode: 'NORMAL' }],
    });
    expect(repo.file('main', PATH)).toBe(dagSource());
    expect(outputsOf(ctx)).toEqual({
      repositoryName: 'airflow-dags',
      branch: 'main',
      filePath: PATH,
      fileUrl: `https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/airflow-dags/browse/refs/heads/main/--/${PATH}`,
      commitId: repo.branches.get('main'),
      changed: true,
    });
  });

  it('should use the named instance’s repository folder and branch', async () => {
    repo.commit('release', { 'README.md': '# release\n' });
    await action().handler(context({ airflowInstance: 'airflow3' }));
    expect(repo.file('release', 'airflow3/news_crawler.py')).toBe(dagSource());
  });

  it('should update a file that carries this entity’s claim tag', async () => {
    repo.commit('main', { [PATH]: dagSource([['@daily', '@hourly']]) });
    const ctx = context();
    await action().handler(ctx);
    expect(repo.file('main', PATH)).toBe(dagSource());
    expect(outputsOf(ctx).changed).toBe(true);
  });

  it('should add no commit when the file already has this content', async () => {
    const head = repo.commit('main', { [PATH]: dagSource() });
    const ctx = context();
    await action().handler(ctx);
    expect(cc.commandCalls(CreateCommitCommand)).toHaveLength(0);
    expect(outputsOf(ctx)).toMatchObject({ commitId: head, changed: false });
  });

  it('should refuse a file of another entity, naming its claim tag', async () => {
    repo.commit('main', { [PATH]: OTHER_DAG });
    await expect(action().handler(context())).rejects.toThrow(
      /DAG file airflow2\/news_crawler\.py on main of airflow-dags belongs to another entity \(claim tag backstage:component:default\/price-crawler\), not to component:default\/news-crawler/,
    );
    expect(writes()).toBe(0);
  });

  it('should refuse a file without a claim tag', async () => {
    repo.commit('main', { [PATH]: 'print("hand-written")\n' });
    await expect(action().handler(context())).rejects.toThrow(
      /exists without a claim tag, so it is not component:default\/news-crawler's/,
    );
    expect(writes()).toBe(0);
  });

  it('should read the head again and retry when the branch moved before the commit', async () => {
    let moves = 1;
    repo.beforeCommit = () => {
      if (moves-- > 0) repo.commit('main', { 'README.md': '# moved\n' });
    };
    const ctx = context();
    await action().handler(ctx);
    expect(cc.commandCalls(CreateCommitCommand)).toHaveLength(2);
    expect(repo.file('main', PATH)).toBe(dagSource());
    expect(repo.file('main', 'README.md')).toBe('# moved\n');
  });

  it('should give up after the configured attempts when the branch keeps moving', async () => {
    repo.beforeCommit = () =>
      repo.commit('main', { 'README.md': `# ${Math.random()}\n` });
    await expect(action().handler(context())).rejects.toThrow(
      /main of airflow-dags kept moving: 3 attempts/,
    );
    expect(cc.commandCalls(CreateCommitCommand)).toHaveLength(3);
  });

  it('should check the claim again on a retry and refuse a foreign file committed meanwhile', async () => {
    let moves = 1;
    repo.beforeCommit = () => {
      if (moves-- > 0) repo.commit('main', { [PATH]: OTHER_DAG });
    };
    await expect(action().handler(context())).rejects.toThrow(
      /belongs to another entity/,
    );
    expect(repo.file('main', PATH)).toBe(OTHER_DAG);
  });

  it('should change nothing in a dry run', async () => {
    const ctx = context({}, { dryRun: true });
    await action().handler(ctx);
    expect(writes()).toBe(0);
    expect(outputsOf(ctx)).toMatchObject({
      changed: true,
      commitId: repo.branches.get('main'),
    });
  });

  it('should change nothing in a dry run of pull request mode', async () => {
    const ctx = context({}, { dryRun: true });
    await action({ publishMode: 'pullRequest' }).handler(ctx);
    expect(writes()).toBe(0);
    expect(outputsOf(ctx).changed).toBe(true);
  });

  it.each([
    [
      { sourcePath: 'dag/missing.py' },
      /sourcePath "dag\/missing\.py" is not a file in the workspace/,
    ],
    [{ fileName: 'dag.txt' }, /fileName "dag\.txt" must be a Python file name/],
    [
      { airflowInstance: 'airflow9' },
      /airflowInstance "airflow9" is not configured; known instances: airflow1, airflow2, airflow3/,
    ],
    [
      { airflowInstance: 'airflow1' },
      /No DAG repository: give repositoryName, or configure crawlers\.airflow\.instances\[\]\.dagRepository for airflow1/,
    ],
    [
      { subPath: '../x' },
      /subPath "\.\.\/x" must be a folder of the repository/,
    ],
    [
      { entityRef: 'component:default/price-crawler' },
      /does not carry the claim tag "backstage:component:default\/price-crawler"/,
    ],
    [
      { repositoryName: 'bad name' },
      /repositoryName "bad name" is not a CodeCommit repository name/,
    ],
  ])(
    'should reject bad input %j with an InputError saying what to fix',
    async (input, message) => {
      const error = await action()
        .handler(context(input))
        .catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toMatch(message);
      expect(writes()).toBe(0);
    },
  );

  it('should commit again on a rerun after the commit failed', async () => {
    const checkpoints = new CheckpointStore();
    let failures = 1;
    repo.beforeCommit = () => {
      if (failures-- > 0)
        throw new ServiceUnavailableError('CodeCommit is throttling');
    };
    await expect(
      action().handler(context({}, { checkpoints })),
    ).rejects.toThrow(/throttling/);
    await action().handler(context({}, { checkpoints }));
    expect(repo.file('main', PATH)).toBe(dagSource());
    expect(checkpoints.ran).toEqual([
      'dag.commit.airflow-dags.main.airflow2/news_crawler.py',
      'dag.commit.airflow-dags.main.airflow2/news_crawler.py',
    ]);
  });

  it('should skip the finished commit on a rerun (its checkpoint holds the result)', async () => {
    const checkpoints = new CheckpointStore();
    const first = context({}, { checkpoints });
    await action().handler(first);
    const second = context({}, { checkpoints });
    await action().handler(second);
    expect(cc.commandCalls(CreateCommitCommand)).toHaveLength(1);
    expect(outputsOf(second).commitId).toBe(outputsOf(first).commitId);
  });

  describe('in pull request mode', () => {
    it('should commit to the file’s own branch and open a pull request into the followed branch', async () => {
      const base = repo.branches.get('main');
      const ctx = context();
      await action({ publishMode: 'pullRequest' }).handler(ctx);

      expect(cc.commandCalls(CreateBranchCommand)[0].args[0].input).toEqual({
        repositoryName: 'airflow-dags',
        branchName: 'crawlers/news_crawler',
        commitId: base,
      });
      expect(repo.file('crawlers/news_crawler', PATH)).toBe(dagSource());
      expect(repo.file('main', PATH)).toBeUndefined();
      expect(repo.pullRequests).toEqual([
        expect.objectContaining({
          source: 'crawlers/news_crawler',
          destination: 'main',
        }),
      ]);
      expect(outputsOf(ctx)).toMatchObject({
        changed: true,
        commitId: repo.branches.get('crawlers/news_crawler'),
        pullRequestId: '1',
        pullRequestUrl:
          'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/airflow-dags/pull-requests/1/details?region=eu-west-1',
      });
    });

    it('should open the pull request on a rerun without redoing the branch and the commit', async () => {
      const checkpoints = new CheckpointStore();
      repo.beforePullRequest = () => {
        repo.beforePullRequest = undefined;
        throw new ServiceUnavailableError('CodeCommit is unavailable');
      };
      await expect(
        action({ publishMode: 'pullRequest' }).handler(
          context({}, { checkpoints }),
        ),
      ).rejects.toThrow(/unavailable/);
      expect(repo.pullRequests).toHaveLength(0);
      const ctx = context({}, { checkpoints });
      await action({ publishMode: 'pullRequest' }).handler(ctx);

      expect(cc.commandCalls(CreateBranchCommand)).toHaveLength(1);
      expect(cc.commandCalls(CreateCommitCommand)).toHaveLength(1);
      expect(repo.pullRequests).toHaveLength(1);
      expect(outputsOf(ctx).pullRequestId).toBe('1');
    });

    it('should reuse the open pull request of a previous task', async () => {
      await action({ publishMode: 'pullRequest' }).handler(context());
      workspace.setContent({
        'dag/news_crawler.py': dagSource([['@daily', '@hourly']]),
      });
      const ctx = context();
      await action({ publishMode: 'pullRequest' }).handler(ctx);
      expect(repo.pullRequests).toHaveLength(1);
      expect(repo.file('crawlers/news_crawler', PATH)).toBe(
        dagSource([['@daily', '@hourly']]),
      );
      expect(outputsOf(ctx).pullRequestId).toBe('1');
    });

    it('should refuse when the pull request branch holds another entity’s file', async () => {
      repo.commit('crawlers/news_crawler', { [PATH]: OTHER_DAG });
      await expect(
        action({ publishMode: 'pullRequest' }).handler(context()),
      ).rejects.toThrow(
        /on crawlers\/news_crawler of airflow-dags belongs to another entity/,
      );
      expect(repo.pullRequests).toHaveLength(0);
    });

    it('should open no pull request when the followed branch already has this content', async () => {
      repo.commit('main', { [PATH]: dagSource() });
      const ctx = context();
      await action({ publishMode: 'pullRequest' }).handler(ctx);
      expect(writes()).toBe(0);
      expect(outputsOf(ctx).changed).toBe(false);
    });
  });
});
