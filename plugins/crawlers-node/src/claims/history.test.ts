/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { AirflowDagRepositoryConfig } from '../airflow/types';
import { parseCodeCommitRemote, resolveCodeCommitLocation } from './history';

const repo = (
  overrides: Partial<AirflowDagRepositoryConfig> = {},
): AirflowDagRepositoryConfig => ({
  type: 'codecommit',
  repositoryName: 'airflow-dags',
  branch: 'main',
  subPath: '',
  mountPath: '/opt/airflow/dags',
  ...overrides,
});

describe('parseCodeCommitRemote', () => {
  it('should read name and region from an HTTPS CodeCommit URL', () => {
    expect(
      parseCodeCommitRemote(
        'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
      ),
    ).toEqual({ repositoryName: 'airflow-dags', region: 'eu-west-1' });
  });

  it('should read FIPS, China and SSH hosts', () => {
    expect(
      parseCodeCommitRemote(
        'https://git-codecommit-fips.us-east-1.amazonaws.com/v1/repos/dags',
      ),
    ).toEqual({ repositoryName: 'dags', region: 'us-east-1' });
    expect(
      parseCodeCommitRemote(
        'https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/dags',
      ),
    ).toEqual({ repositoryName: 'dags', region: 'cn-north-1' });
    expect(
      parseCodeCommitRemote(
        'ssh://APKAEXAMPLE@git-codecommit.eu-central-1.amazonaws.com/v1/repos/dags',
      ),
    ).toEqual({ repositoryName: 'dags', region: 'eu-central-1' });
  });

  it('should read git-remote-codecommit URLs with and without a region', () => {
    expect(
      parseCodeCommitRemote('codecommit::eu-west-2://profile@airflow-dags'),
    ).toEqual({ repositoryName: 'airflow-dags', region: 'eu-west-2' });
    expect(parseCodeCommitRemote('codecommit://airflow-dags')).toEqual({
      repositoryName: 'airflow-dags',
    });
  });

  it('should read the name but no region from another host serving /v1/repos/<name>', () => {
    expect(
      parseCodeCommitRemote('http://127.0.0.1:7110/v1/repos/airflow-dags'),
    ).toEqual({ repositoryName: 'airflow-dags' });
  });

  it('should answer undefined for URLs that name no CodeCommit repository', () => {
    expect(
      parseCodeCommitRemote('https://github.com/acme/dags.git'),
    ).toBeUndefined();
    expect(parseCodeCommitRemote('not a url')).toBeUndefined();
    expect(parseCodeCommitRemote(null)).toBeUndefined();
  });
});

describe('resolveCodeCommitLocation', () => {
  it('should take the region from a CodeCommit URL and the account from the configured repository', () => {
    expect(
      resolveCodeCommitLocation({
        repoUrl:
          'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
        dagRepositories: [repo({ accountId: '123456789012' })],
        clusterRegion: 'us-east-1',
      }),
    ).toEqual({
      location: {
        repositoryName: 'airflow-dags',
        region: 'eu-west-1',
        accountId: '123456789012',
      },
      regionFrom: 'url',
    });
  });

  it('should take region and endpoint from the configured repository of the same name for other hosts', () => {
    expect(
      resolveCodeCommitLocation({
        repoUrl: 'http://127.0.0.1:7110/v1/repos/airflow-dags',
        dagRepositories: [
          repo({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' }),
        ],
        clusterRegion: 'us-east-1',
      }),
    ).toEqual({
      location: {
        repositoryName: 'airflow-dags',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:4566',
      },
      regionFrom: 'dagRepository',
    });
  });

  it("should fall back to the cluster's region when no configured repository matches", () => {
    expect(
      resolveCodeCommitLocation({
        repoUrl: 'codecommit://other-dags',
        dagRepositories: [repo({ region: 'eu-west-1' })],
        clusterRegion: 'us-east-1',
      }),
    ).toEqual({
      location: { repositoryName: 'other-dags', region: 'us-east-1' },
      regionFrom: 'cluster',
    });
  });

  it('should answer undefined when git-sync does not follow a CodeCommit repository', () => {
    expect(
      resolveCodeCommitLocation({
        repoUrl: 'https://github.com/acme/dags.git',
        dagRepositories: [repo()],
      }),
    ).toBeUndefined();
  });
});
