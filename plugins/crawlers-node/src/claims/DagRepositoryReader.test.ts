/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CodeCommitClient,
  FileDoesNotExistException,
  GetFileCommand,
} from '@aws-sdk/client-codecommit';
import { mockServices } from '@backstage/backend-test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import { CodeCommitDagRepositoryReader } from './DagRepositoryReader';

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
