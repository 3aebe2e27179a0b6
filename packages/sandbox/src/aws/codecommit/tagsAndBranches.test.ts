/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  BranchNameExistsException,
  CodeCommitClient,
  CommitDoesNotExistException,
  CommitIdRequiredException,
  CreateBranchCommand,
  CreateCommitCommand,
  CreateRepositoryCommand,
  GetBranchCommand,
  InvalidBranchNameException,
  InvalidCommitIdException,
  InvalidResourceArnException,
  InvalidSystemTagUsageException,
  InvalidTagsMapException,
  ListBranchesCommand,
  ListTagsForResourceCommand,
  RepositoryDoesNotExistException,
  TagKeysListRequiredException,
  TagResourceCommand,
  TagsMapRequiredException,
  TooManyTagsException,
  UntagResourceCommand,
} from '@aws-sdk/client-codecommit';
import { SANDBOX_ACCOUNT_ID } from '../../constants';
import {
  awsClientConfig,
  recordingLogger,
  tempDataDir,
} from '../../testing/helpers';
import { RunningServer } from '../../util/http';
import { AwsWorld } from '../AwsWorld';
import { startAwsServer } from '../server';
import type { PushEvent } from './records';

const arnOf = (name: string) =>
  `arn:aws:codecommit:eu-west-1:${SANDBOX_ACCOUNT_ID}:${name}`;

describe('CodeCommit tags and CreateBranch (sandbox AWS endpoint)', () => {
  let data: ReturnType<typeof tempDataDir>;
  let world: AwsWorld;
  let server: RunningServer;
  let client: CodeCommitClient;

  beforeEach(async () => {
    data = tempDataDir();
    world = new AwsWorld({ dataDir: data.dir });
    server = await startAwsServer({
      world,
      port: 0,
      logger: recordingLogger(),
    });
    client = new CodeCommitClient(awsClientConfig(server.url));
  });

  afterEach(async () => {
    await server.close();
    world.close();
    data.remove();
  });

  const firstCommit = async (repositoryName: string) =>
    (
      await client.send(
        new CreateCommitCommand({
          repositoryName,
          branchName: 'main',
          putFiles: [{ filePath: 'README.md', fileContent: Buffer.from('x') }],
        }),
      )
    ).commitId!;

  it('should list the tags CreateRepository stored, add and overwrite them with TagResource and remove them with UntagResource', async () => {
    await client.send(
      new CreateRepositoryCommand({
        repositoryName: 'tagged',
        tags: { 'crawler-platform.io/entity': 'component:default/tagged' },
      }),
    );
    const list = async () =>
      (
        await client.send(
          new ListTagsForResourceCommand({ resourceArn: arnOf('tagged') }),
        )
      ).tags;
    expect(await list()).toEqual({
      'crawler-platform.io/entity': 'component:default/tagged',
    });
    await client.send(
      new TagResourceCommand({
        resourceArn: arnOf('tagged'),
        tags: { team: 'crawler-team', 'crawler-platform.io/entity': 'x' },
      }),
    );
    expect(await list()).toEqual({
      'crawler-platform.io/entity': 'x',
      team: 'crawler-team',
    });
    await client.send(
      new UntagResourceCommand({
        resourceArn: arnOf('tagged'),
        tagKeys: ['team', 'absent'],
      }),
    );
    expect(await list()).toEqual({ 'crawler-platform.io/entity': 'x' });
    expect(world.codecommit.requireRepo('tagged').tags).toEqual({
      'crawler-platform.io/entity': 'x',
    });
  });

  it('should answer an untagged repository with an empty map', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'plain' }));
    const res = await client.send(
      new ListTagsForResourceCommand({ resourceArn: arnOf('plain') }),
    );
    expect(res.tags).toEqual({});
  });

  it('should reject bad ARNs, unknown repositories and bad tags with the typed exceptions, changing nothing', async () => {
    await client.send(
      new CreateRepositoryCommand({ repositoryName: 'r', tags: { a: '1' } }),
    );
    await expect(
      client.send(
        new ListTagsForResourceCommand({
          resourceArn: 'arn:aws:ecr:eu-west-1:000000000000:repository/r',
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidResourceArnException);
    await expect(
      client.send(
        new ListTagsForResourceCommand({ resourceArn: arnOf('nope') }),
      ),
    ).rejects.toBeInstanceOf(RepositoryDoesNotExistException);
    await expect(
      client.send(
        new TagResourceCommand({ resourceArn: arnOf('r'), tags: undefined }),
      ),
    ).rejects.toBeInstanceOf(TagsMapRequiredException);
    await expect(
      client.send(
        new TagResourceCommand({
          resourceArn: arnOf('r'),
          tags: { 'aws:owner': 'x' },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidSystemTagUsageException);
    await expect(
      client.send(
        new TagResourceCommand({
          resourceArn: arnOf('r'),
          tags: { ['k'.repeat(129)]: 'v' },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidTagsMapException);
    const fifty = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']),
    );
    await expect(
      client.send(
        new TagResourceCommand({ resourceArn: arnOf('r'), tags: fifty }),
      ),
    ).rejects.toBeInstanceOf(TooManyTagsException);
    await expect(
      client.send(
        new UntagResourceCommand({
          resourceArn: arnOf('r'),
          tagKeys: undefined,
        }),
      ),
    ).rejects.toBeInstanceOf(TagKeysListRequiredException);
    await expect(
      client.send(
        new CreateRepositoryCommand({
          repositoryName: 'bad-tags',
          tags: { 'aws:x': 'y' },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidSystemTagUsageException);
    expect(world.codecommit.exists('bad-tags')).toBe(false);
    expect(world.codecommit.requireRepo('r').tags).toEqual({ a: '1' });
  });

  it('should create a branch at a commit, emit its push as a reference creation and refuse an existing one', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'b' }));
    const head = await firstCommit('b');
    const pushes: PushEvent[] = [];
    world.events.on('push', (e: PushEvent) => pushes.push(e));
    await client.send(
      new CreateBranchCommand({
        repositoryName: 'b',
        branchName: 'crawlers/news',
        commitId: head,
      }),
    );
    const branch = await client.send(
      new GetBranchCommand({
        repositoryName: 'b',
        branchName: 'crawlers/news',
      }),
    );
    expect(branch.branch?.commitId).toBe(head);
    expect(
      (await client.send(new ListBranchesCommand({ repositoryName: 'b' })))
        .branches,
    ).toEqual(expect.arrayContaining(['main', 'crawlers/news']));
    expect(pushes).toEqual([
      {
        repositoryName: 'b',
        branch: 'crawlers/news',
        before: undefined,
        after: head,
      },
    ]);
    await expect(
      client.send(
        new CreateBranchCommand({
          repositoryName: 'b',
          branchName: 'crawlers/news',
          commitId: head,
        }),
      ),
    ).rejects.toBeInstanceOf(BranchNameExistsException);
  });

  it('should reject a bad branch name, a missing, malformed or unknown commit ID', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'c' }));
    const head = await firstCommit('c');
    const create = (branchName: string, commitId?: string) =>
      client.send(
        new CreateBranchCommand({ repositoryName: 'c', branchName, commitId }),
      );
    await expect(create('bad..name', head)).rejects.toBeInstanceOf(
      InvalidBranchNameException,
    );
    await expect(create('x')).rejects.toBeInstanceOf(CommitIdRequiredException);
    await expect(create('x', 'main')).rejects.toBeInstanceOf(
      InvalidCommitIdException,
    );
    await expect(create('x', 'f'.repeat(40))).rejects.toBeInstanceOf(
      CommitDoesNotExistException,
    );
    await expect(
      client.send(
        new CreateBranchCommand({
          repositoryName: 'missing',
          branchName: 'x',
          commitId: head,
        }),
      ),
    ).rejects.toBeInstanceOf(RepositoryDoesNotExistException);
    expect(
      (await client.send(new ListBranchesCommand({ repositoryName: 'c' })))
        .branches,
    ).toEqual(['main']);
  });
});
