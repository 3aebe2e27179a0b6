/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CodeCommitClient,
  FileDoesNotExistException,
  GetBranchCommand,
  GetCommitCommand,
  GetDifferencesCommand,
  GetFileCommand,
  PathDoesNotExistException,
} from '@aws-sdk/client-codecommit';
import { mockServices } from '@backstage/backend-test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CodeCommitDagRepositoryReader,
  parseCodeCommitDate,
} from './DagRepositoryReader';

const codecommit = mockClient(CodeCommitClient);

const repo = {
  type: 'codecommit' as const,
  repositoryName: 'airflow-dags',
  branch: 'main',
  region: 'eu-west-1',
  subPath: '',
  mountPath: '/opt/airflow/dags',
};

function reader() {
  return CodeCommitDagRepositoryReader.create({
    credentialsManager: {
      getCredentialProvider: async () => ({
        sdkCredentialProvider: async () => ({
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'secret',
        }),
      }),
    },
    logger: mockServices.logger.mock(),
  });
}

describe('CodeCommitDagRepositoryReader', () => {
  beforeEach(() => codecommit.reset());

  it('should read the file at the head of the followed branch with GetFile', async () => {
    codecommit.on(GetFileCommand).resolves({
      fileContent: Buffer.from('tags=["backstage:component:default/x"]'),
    } as any);
    await expect(reader().readFile(repo, 'dags/x.py')).resolves.toBe(
      'tags=["backstage:component:default/x"]',
    );
    expect(codecommit.commandCalls(GetFileCommand)[0].args[0].input).toEqual({
      repositoryName: 'airflow-dags',
      commitSpecifier: 'main',
      filePath: 'dags/x.py',
    });
  });

  it('should answer undefined for a file that does not exist', async () => {
    codecommit.on(GetFileCommand).rejects(
      new FileDoesNotExistException({
        message: 'The specified file does not exist',
        $metadata: {},
      }),
    );
    await expect(reader().readFile(repo, 'dags/y.py')).resolves.toBeUndefined();
  });

  it('should pass on other failures', async () => {
    codecommit.on(GetFileCommand).rejects(new Error('AccessDenied'));
    await expect(reader().readFile(repo, 'dags/y.py')).rejects.toThrow(
      'AccessDenied',
    );
  });
});

const SYNCED = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);

describe('CodeCommitDagRepositoryReader history', () => {
  beforeEach(() => codecommit.reset());

  it('should read the branch head with GetBranch then GetCommit, with its committer time', async () => {
    codecommit
      .on(GetBranchCommand)
      .resolves({ branch: { branchName: 'main', commitId: HEAD } });
    codecommit.on(GetCommitCommand).resolves({
      commit: {
        commitId: HEAD,
        parents: [SYNCED],
        committer: { date: '1767225600 +0100' },
      },
    } as any);
    await expect(reader().getBranchHead(repo, 'main')).resolves.toEqual({
      commitId: HEAD,
      parents: [SYNCED],
      committedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(codecommit.commandCalls(GetBranchCommand)[0].args[0].input).toEqual({
      repositoryName: 'airflow-dags',
      branchName: 'main',
    });
    expect(codecommit.commandCalls(GetCommitCommand)[0].args[0].input).toEqual({
      repositoryName: 'airflow-dags',
      commitId: HEAD,
    });
  });

  it('should say a path changed when GetDifferences limited to it lists a difference', async () => {
    codecommit.on(GetDifferencesCommand).resolves({
      differences: [
        {
          beforeBlob: { path: 'dags/shop.py' },
          afterBlob: { path: 'dags/shop.py' },
          changeType: 'M',
        },
      ],
    } as any);
    await expect(
      reader().pathChanged(repo, {
        before: SYNCED,
        after: HEAD,
        path: 'dags/shop.py',
      }),
    ).resolves.toBe(true);
    expect(
      codecommit.commandCalls(GetDifferencesCommand)[0].args[0].input,
    ).toEqual({
      repositoryName: 'airflow-dags',
      beforeCommitSpecifier: SYNCED,
      afterCommitSpecifier: HEAD,
      beforePath: 'dags/shop.py',
      afterPath: 'dags/shop.py',
      NextToken: undefined,
    });
  });

  it('should follow NextToken before deciding that a path did not change', async () => {
    codecommit
      .on(GetDifferencesCommand, { NextToken: undefined })
      .resolves({ differences: [], NextToken: 'page-2' } as any)
      .on(GetDifferencesCommand, { NextToken: 'page-2' })
      .resolves({ differences: [{ changeType: 'D' }] } as any);
    await expect(
      reader().pathChanged(repo, {
        before: SYNCED,
        after: HEAD,
        path: 'dags/shop.py',
      }),
    ).resolves.toBe(true);
    expect(codecommit.commandCalls(GetDifferencesCommand)).toHaveLength(2);
  });

  it('should say a path did not change when no page lists a difference', async () => {
    codecommit.on(GetDifferencesCommand).resolves({ differences: [] } as any);
    await expect(
      reader().pathChanged(repo, {
        before: SYNCED,
        after: HEAD,
        path: 'dags/news.py',
      }),
    ).resolves.toBe(false);
  });

  it('should say a path that is in neither commit did not change', async () => {
    codecommit.on(GetDifferencesCommand).rejects(
      new PathDoesNotExistException({
        message: 'The specified path dags/gone.py does not exist.',
        $metadata: {},
      }),
    );
    await expect(
      reader().pathChanged(repo, {
        before: SYNCED,
        after: HEAD,
        path: 'dags/gone.py',
      }),
    ).resolves.toBe(false);
  });

  it('should not call CodeCommit to compare a commit with itself', async () => {
    await expect(
      reader().pathChanged(repo, { before: HEAD, after: HEAD, path: 'x.py' }),
    ).resolves.toBe(false);
    expect(codecommit.commandCalls(GetDifferencesCommand)).toHaveLength(0);
  });

  it('should use the region and endpoint of the location it is given', async () => {
    codecommit
      .on(GetBranchCommand)
      .resolves({ branch: { branchName: 'main', commitId: HEAD } });
    await reader().getBranchCommitId(
      {
        repositoryName: 'airflow-dags',
        region: 'us-west-2',
        endpoint: 'http://127.0.0.1:4566',
      },
      'main',
    );
    const client = codecommit.commandCalls(GetBranchCommand)[0].thisValue as
      | CodeCommitClient
      | undefined;
    await expect(client?.config.region()).resolves.toBe('us-west-2');
  });
});

describe('parseCodeCommitDate', () => {
  it('should read Unix seconds with a zone, ISO dates, and nothing else', () => {
    expect(parseCodeCommitDate('1767225600 -0800')).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(parseCodeCommitDate('2026-01-01T00:00:00Z')).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(parseCodeCommitDate('yesterday')).toBeNull();
    expect(parseCodeCommitDate(undefined)).toBeNull();
  });
});
