/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeCommitClient,
  CreateCommitCommand,
  CreateRepositoryCommand,
} from '@aws-sdk/client-codecommit';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import {
  AwsWorld,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
  startAwsServer,
} from '@crawler-platform/sandbox';
import { createCodeCommitUrlReaderFactory } from './codeCommitUrlReaderFactory';
import { parseCodeCommitConsoleUrl } from './consoleUrl';

const CREDENTIALS = {
  accessKeyId: SANDBOX_ACCESS_KEY_ID,
  secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
};
const credentialsManager = {
  getCredentialProvider: async () => ({
    sdkCredentialProvider: async () => CREDENTIALS,
  }),
};
const BROWSE =
  'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/news-two/browse/refs/heads/main/--';

describe('parseCodeCommitConsoleUrl', () => {
  it('should read region, repository, ref and path from the URL publish:codecommit outputs', () => {
    expect(
      parseCodeCommitConsoleUrl(new URL(`${BROWSE}/catalog-info.yaml`)),
    ).toEqual({
      region: 'eu-west-1',
      repositoryName: 'news-two',
      commitSpecifier: 'refs/heads/main',
      path: 'catalog-info.yaml',
    });
  });

  it('should take the region from the query on another console host, and the default branch when no ref is named', () => {
    expect(
      parseCodeCommitConsoleUrl(
        new URL(
          'http://127.0.0.1:4566/codesuite/codecommit/repositories/r.1/browse/--/a/b.txt?region=us-east-2',
        ),
      ),
    ).toEqual({
      region: 'us-east-2',
      repositoryName: 'r.1',
      commitSpecifier: undefined,
      path: 'a/b.txt',
    });
  });

  it('should not recognise other URLs, bad repository names or paths leaving the repository', () => {
    for (const url of [
      'https://github.com/o/r/blob/main/catalog-info.yaml',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/r/files/edit/refs/heads/main/--/x',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/bad%20name/browse/--/x',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/r/browse/--/a/../../x',
    ]) {
      expect(parseCodeCommitConsoleUrl(new URL(url))).toBeUndefined();
    }
  });
});

describe('the CodeCommit URL reader against the sandbox AWS endpoint', () => {
  let dataDir: string;
  let world: AwsWorld;
  let server: Awaited<ReturnType<typeof startAwsServer>>;
  let reader: UrlReaderService;
  let commitId: string;

  /** Backstage's URL readers with ours first, as the backend builds them. */
  const readers = (data: JsonObject) =>
    UrlReaders.default({
      config: new ConfigReader(data),
      logger: mockServices.logger.mock(),
      factories: [createCodeCommitUrlReaderFactory({ credentialsManager })],
    });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codecommit-reader-'));
    world = new AwsWorld({ dataDir });
    server = await startAwsServer({ world, port: 0 });
    const client = new CodeCommitClient({
      region: SANDBOX_REGION,
      endpoint: server.url,
      credentials: CREDENTIALS,
    });
    await client.send(
      new CreateRepositoryCommand({ repositoryName: 'news-two' }),
    );
    const commit = await client.send(
      new CreateCommitCommand({
        repositoryName: 'news-two',
        branchName: 'main',
        putFiles: [
          ['catalog-info.yaml', 'kind: Component\n'],
          ['crawler/crawler.py', 'print("crawl")\n'],
          ['crawler/parse/html.py', 'def parse(): pass\n'],
          ['crawler/.hidden', 'secret-ish\n'],
          ['README.md', '# news-two\n'],
        ].map(([filePath, text]) => ({
          filePath,
          fileContent: Buffer.from(text),
        })),
      }),
    );
    commitId = commit.commitId!;
    reader = readers({
      crawlers: { aws: { region: SANDBOX_REGION, endpoint: server.url } },
    });
  });

  afterAll(async () => {
    await server?.close();
    world?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should read a file at a console URL through the configured endpoint, with its blob as etag', async () => {
    const res = await reader.readUrl(`${BROWSE}/catalog-info.yaml`);
    expect((await res.buffer()).toString()).toBe('kind: Component\n');
    expect(res.etag).toMatch(/^[0-9a-f]{40}$/);
    await expect(
      reader.readUrl(`${BROWSE}/catalog-info.yaml`, { etag: res.etag }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
  });

  it('should answer a missing file or repository with NotFoundError naming the URL', async () => {
    await expect(reader.readUrl(`${BROWSE}/nope.yaml`)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('nope.yaml'),
    });
    await expect(
      reader.readUrl(
        `${BROWSE.replace('news-two', 'missing-repo')}/catalog-info.yaml`,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('should reject a folder URL for readUrl with a message saying to name a file', async () => {
    await expect(reader.readUrl(BROWSE)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('not a file'),
    });
  });

  it('should read a folder as a tree at one commit, without dot files, honouring the filter', async () => {
    const tree = await reader.readTree(`${BROWSE}/crawler`);
    expect(tree.etag).toBe(commitId);
    const files = await tree.files();
    const byPath = Object.fromEntries(
      await Promise.all(
        files.map(async f => [f.path, (await f.content()).toString()]),
      ),
    );
    expect(byPath).toEqual({
      'crawler.py': 'print("crawl")\n',
      'parse/html.py': 'def parse(): pass\n',
    });
    const filtered = await reader.readTree(BROWSE, {
      filter: p => p.endsWith('.md'),
    });
    expect((await filtered.files()).map(f => f.path)).toEqual(['README.md']);
    await expect(
      reader.readTree(`${BROWSE}/crawler`, { etag: commitId }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
  });

  it('should search exact paths: the file when it exists, nothing when not, and refuse wildcards', async () => {
    const found = await reader.search(`${BROWSE}/README.md`);
    expect(found.files.map(f => f.url)).toEqual([`${BROWSE}/README.md`]);
    expect((await found.files[0].content()).toString()).toBe('# news-two\n');
    expect((await reader.search(`${BROWSE}/absent.md`)).files).toEqual([]);
    await expect(reader.search(`${BROWSE}/*.yaml`)).rejects.toMatchObject({
      name: 'InputError',
    });
  });

  it('should take only console URLs: its configured console origin, and AWS console hosts unless an awsCodeCommit integration keeps them', () => {
    const predicateOf = (data: JsonObject) =>
      createCodeCommitUrlReaderFactory({ credentialsManager })({
        config: new ConfigReader(data),
        logger: mockServices.logger.mock(),
        treeResponseFactory: {} as any,
      })[0].predicate;
    const local =
      'http://127.0.0.1:9999/codesuite/codecommit/repositories/r/browse/refs/heads/main/--/x.yaml';
    const aws = `${BROWSE}/catalog-info.yaml`;
    const integration = {
      integrations: {
        awsCodeCommit: [
          { region: 'eu-west-1', host: 'eu-west-1.console.aws.amazon.com' },
        ],
      },
    };
    const plain = predicateOf({});
    expect(plain(new URL(aws))).toBe(true);
    expect(plain(new URL(local))).toBe(false);
    expect(plain(new URL('https://github.com/o/r/blob/main/x.yaml'))).toBe(
      false,
    );
    expect(
      predicateOf({
        crawlers: {
          scaffolder: { codecommit: { consoleUrl: 'http://127.0.0.1:9999' } },
        },
      })(new URL(local)),
    ).toBe(true);
    expect(predicateOf(integration)(new URL(aws))).toBe(false);
    expect(
      predicateOf({
        ...integration,
        crawlers: { aws: { endpoint: 'http://127.0.0.1:4566' } },
      })(new URL(aws)),
    ).toBe(true);
  });
});
