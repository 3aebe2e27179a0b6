/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeCommitClient,
  GetBranchCommand,
  GetFileCommand,
  GetFolderCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-codecommit';
import {
  Sandbox,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
  startSandbox,
} from '@crawler-platform/sandbox';
import { mockServices } from '@backstage/backend-test-utils';
import {
  actionContext,
  loggedText,
  outputsOf,
  testDeps,
} from './__testUtils__/context';
import { dagSource, FORM } from './__testUtils__/dagSource';
import { createCrawlersDagPublishAction } from './actions/crawlersDagPublish';
import { createCrawlersDagValidateAction } from './actions/crawlersDagValidate';
import { createPublishCodeCommitAction } from './actions/publishCodeCommit';
import { codeCommitGitCredentials } from './lib/gitPassword';
import { pushDirectory } from './lib/gitPush';

/*
 * The actions against the sandbox (packages/sandbox): its CodeCommit API on the AWS endpoint, and its git Smart HTTP
 * server, which checks the SigV4 git password exactly as CodeCommit does (packages/sandbox/src/git/auth.ts). Its own
 * file because it boots the whole sandbox once for all its tests.
 */
jest.setTimeout(180_000);

const SANDBOX_CREDENTIALS = {
  accessKeyId: SANDBOX_ACCESS_KEY_ID,
  secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
};

describe('the crawler actions against the sandbox', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let workspace: string;
  let codecommit: CodeCommitClient;

  /** The tags of a repository, as CodeCommit's ListTagsForResource answers them. */
  const repositoryTags = async (name: string) =>
    (
      await codecommit.send(
        new ListTagsForResourceCommand({
          resourceArn: `arn:aws:codecommit:${SANDBOX_REGION}:000000000000:${name}`,
        }),
      )
    ).tags;

  const deps = (credentials = SANDBOX_CREDENTIALS) =>
    testDeps(
      {
        crawlers: {
          aws: { region: SANDBOX_REGION, endpoint: sandbox.urls.aws },
          scaffolder: { codecommit: { gitUrl: sandbox.urls.git } },
          airflow: {
            instances: [
              {
                name: 'airflow2',
                baseUrl: sandbox.urls.airflow2,
                dagRepository: {
                  repositoryName: 'airflow-dags',
                  region: SANDBOX_REGION,
                  endpoint: sandbox.urls.aws,
                  subPath: 'airflow2',
                },
              },
            ],
          },
        },
      },
      credentials,
    );

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-sandbox-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-workspace-'));
    sandbox = await startSandbox({
      dataDir,
      gitSyncPeriod: '1h',
      schedulerTickMs: 1000,
      delays: {
        buildMs: 10,
        fargateProfileMs: 10,
        scheduleMs: 10,
        pullMs: 10,
        backoffMs: 10,
        runMs: 20,
      },
    });
    await sandbox.ready;
    codecommit = new CodeCommitClient({
      region: SANDBOX_REGION,
      endpoint: sandbox.urls.aws,
      credentials: SANDBOX_CREDENTIALS,
    });
    fs.mkdirSync(path.join(workspace, 'crawler/pages'), { recursive: true });
    for (let i = 0; i < 150; i++) {
      fs.writeFileSync(
        path.join(workspace, `crawler/pages/page-${i}.txt`),
        `page ${i}\n`,
      );
    }
    fs.writeFileSync(
      path.join(workspace, 'crawler/run.sh'),
      '#!/bin/sh\nexec python crawler.py\n',
      { mode: 0o755 },
    );
    fs.writeFileSync(
      path.join(workspace, 'crawler/crawler.py'),
      'print("crawl")\n',
    );
    fs.mkdirSync(path.join(workspace, 'dag'));
    fs.writeFileSync(
      path.join(workspace, 'dag/scaffolded_crawler.py'),
      dagSource([
        ['news_crawler', 'scaffolded_crawler'],
        ['news-crawler', 'scaffolded-crawler'],
      ]),
    );
  });

  afterAll(async () => {
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const publishInput = {
    repositoryName: 'scaffolded-crawler',
    entityRef: 'component:default/scaffolded-crawler',
    sourcePath: 'crawler',
    description: 'Made by the scaffolder test',
  };

  it('should create the repository and push 152 files over git with the SigV4 password the sandbox checks', async () => {
    const ctx = actionContext({
      input: publishInput,
      workspacePath: workspace,
    });
    await createPublishCodeCommitAction(deps()).handler(ctx);

    const head = await codecommit.send(
      new GetBranchCommand({
        repositoryName: 'scaffolded-crawler',
        branchName: 'main',
      }),
    );
    expect(outputsOf(ctx)).toMatchObject({
      commitHash: head.branch?.commitId,
      cloneUrlHttp: `${sandbox.urls.git}/v1/repos/scaffolded-crawler`,
      repositoryArn: `arn:aws:codecommit:${SANDBOX_REGION}:000000000000:scaffolded-crawler`,
    });
    const root = await codecommit.send(
      new GetFolderCommand({
        repositoryName: 'scaffolded-crawler',
        folderPath: '/',
      }),
    );
    expect(root.files?.map(f => [f.relativePath, f.fileMode])).toEqual([
      ['crawler.py', 'NORMAL'],
      ['run.sh', 'EXECUTABLE'],
    ]);
    const pages = await codecommit.send(
      new GetFolderCommand({
        repositoryName: 'scaffolded-crawler',
        folderPath: 'pages',
      }),
    );
    expect(pages.files).toHaveLength(150);
    expect(await repositoryTags('scaffolded-crawler')).toEqual({
      'crawler-platform.io/entity': 'component:default/scaffolded-crawler',
    });
    expect(loggedText(ctx)).not.toContain(SANDBOX_SECRET_ACCESS_KEY);
  });

  it.each([
    ['signed with another key', 'not-the-sandbox-key', 0],
    ['older than 15 minutes', SANDBOX_SECRET_ACCESS_KEY, 20 * 60_000],
  ])(
    'should be refused by the sandbox’s git server with a password %s',
    async (_what, secretAccessKey, ageMs) => {
      const remoteUrl = `${sandbox.urls.git}/v1/repos/scaffolded-crawler`;
      const push = pushDirectory({
        sourceDir: path.join(workspace, 'crawler'),
        tempDir: fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-push-')),
        remoteUrl,
        branch: 'refused',
        auth: async () =>
          codeCommitGitCredentials({
            credentials: {
              accessKeyId: SANDBOX_ACCESS_KEY_ID,
              secretAccessKey,
            },
            region: SANDBOX_REGION,
            host: new URL(remoteUrl).host,
            repositoryName: 'scaffolded-crawler',
            date: new Date(Date.now() - ageMs),
          }),
        author: { name: 't', email: 't@example.com' },
        message: 'refused',
        logger: mockServices.logger.mock(),
      });
      await expect(push).rejects.toThrow(/git ls-remote failed .*403/s);
    },
  );

  it('should adopt its repository on a rerun and add no commit', async () => {
    const before = await codecommit.send(
      new GetBranchCommand({
        repositoryName: 'scaffolded-crawler',
        branchName: 'main',
      }),
    );
    const ctx = actionContext({
      input: publishInput,
      workspacePath: workspace,
    });
    await createPublishCodeCommitAction(deps()).handler(ctx);
    expect(outputsOf(ctx).commitHash).toBe(before.branch?.commitId);
  });

  it('should refuse the repository of another entity and leave it unchanged', async () => {
    const before = await codecommit.send(
      new GetBranchCommand({
        repositoryName: 'scaffolded-crawler',
        branchName: 'main',
      }),
    );
    const ctx = actionContext({
      input: { ...publishInput, entityRef: 'component:default/intruder' },
      workspacePath: workspace,
    });
    await expect(
      createPublishCodeCommitAction(deps()).handler(ctx),
    ).rejects.toThrow(/belongs to component:default\/scaffolded-crawler/);
    const after = await codecommit.send(
      new GetBranchCommand({
        repositoryName: 'scaffolded-crawler',
        branchName: 'main',
      }),
    );
    expect(after.branch?.commitId).toBe(before.branch?.commitId);
  });

  it('should validate and commit the DAG file into the Airflow 2 folder of the DAG repository', async () => {
    const input = {
      path: 'dag/scaffolded_crawler.py',
      ...FORM,
      entityRef: 'component:default/scaffolded-crawler',
      dagId: 'scaffolded_crawler',
      image: FORM.image.replace('news-crawler', 'scaffolded-crawler'),
      serviceAccountName: 'scaffolded-crawler',
      labels: { 'app.kubernetes.io/name': 'scaffolded-crawler' },
    };
    await createCrawlersDagValidateAction(deps()).handler(
      actionContext({ input, workspacePath: workspace }),
    );
    // Each call is a new task (no checkpoints): the second one adopts the file by its content and claim tag.
    const publish = () =>
      actionContext({
        input: {
          sourcePath: 'dag/scaffolded_crawler.py',
          entityRef: 'component:default/scaffolded-crawler',
          airflowInstance: 'airflow2',
        },
        workspacePath: workspace,
      });
    const ctx = publish();
    await createCrawlersDagPublishAction(deps()).handler(ctx);

    const file = await codecommit.send(
      new GetFileCommand({
        repositoryName: 'airflow-dags',
        commitSpecifier: 'main',
        filePath: 'airflow2/scaffolded_crawler.py',
      }),
    );
    expect(Buffer.from(file.fileContent!).toString('utf8')).toContain(
      'backstage:component:default/scaffolded-crawler',
    );
    expect(outputsOf(ctx)).toMatchObject({
      changed: true,
      commitId: file.commitId,
    });

    const rerun = publish();
    await createCrawlersDagPublishAction(deps()).handler(rerun);
    expect(outputsOf(rerun)).toMatchObject({
      changed: false,
      commitId: file.commitId,
    });
  });

  it('should refuse to overwrite the seeded news_crawler.py of another entity', async () => {
    const before = await codecommit.send(
      new GetBranchCommand({
        repositoryName: 'airflow-dags',
        branchName: 'main',
      }),
    );
    const ctx = actionContext({
      input: {
        sourcePath: 'dag/scaffolded_crawler.py',
        entityRef: 'component:default/scaffolded-crawler',
        fileName: 'news_crawler.py',
        airflowInstance: 'airflow2',
      },
      workspacePath: workspace,
    });
    await expect(
      createCrawlersDagPublishAction(deps()).handler(ctx),
    ).rejects.toThrow(
      /airflow2\/news_crawler\.py on main of airflow-dags belongs to another entity \(claim tag backstage:component:default\/news-crawler\)/,
    );
    const after = await codecommit.send(
      new GetBranchCommand({
        repositoryName: 'airflow-dags',
        branchName: 'main',
      }),
    );
    expect(after.branch?.commitId).toBe(before.branch?.commitId);
  });
});
