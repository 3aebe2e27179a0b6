/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersDag,
  CrawlersImportError,
} from '@crawler-platform/plugin-crawlers-common';
import type { AirflowDagRepositoryConfig } from '../airflow/types';
import {
  dagFileCarriesClaimTag,
  dagRepositoryPathOf,
  selectClaimedImportErrors,
} from './dagFiles';

const repo: AirflowDagRepositoryConfig = {
  type: 'codecommit',
  repositoryName: 'airflow-dags',
  branch: 'main',
  subPath: '',
  mountPath: '/opt/airflow/dags',
};

function importError(
  filename: string,
  bundleName: string | null = null,
): CrawlersImportError {
  return { id: 1, filename, timestamp: null, stackTrace: 'boom', bundleName };
}

function dag(
  fileloc: string,
  relative: string | null = null,
  bundle: string | null = null,
): CrawlersDag {
  return {
    dagId: 'shop',
    displayName: 'shop',
    description: null,
    isPaused: false,
    isActive: true,
    schedule: null,
    nextRunLogicalDate: null,
    nextRunAfter: null,
    owners: [],
    tags: [],
    fileloc,
    relativeFileloc: relative,
    bundleName: bundle,
    hasImportErrors: true,
  };
}

describe('dagRepositoryPathOf', () => {
  it('should map an Airflow 2 absolute path below git-sync link to the repository path', () => {
    expect(
      dagRepositoryPathOf(repo, '/opt/airflow/dags/repo/dags/shop.py'),
    ).toBe('dags/shop.py');
  });

  it('should map an Airflow 3 bundle-relative path through subPath', () => {
    expect(
      dagRepositoryPathOf({ ...repo, subPath: 'airflow3' }, 'dags/shop.py'),
    ).toBe('airflow3/dags/shop.py');
    expect(dagRepositoryPathOf(repo, 'dags/shop.py')).toBe('dags/shop.py');
  });

  it('should refuse files outside the repository and path tricks', () => {
    expect(dagRepositoryPathOf(repo, '/tmp/dags/shop.py')).toBeUndefined();
    expect(
      dagRepositoryPathOf(repo, '/opt/airflow/dags/repo/../x.py'),
    ).toBeUndefined();
    expect(dagRepositoryPathOf(repo, 'a//b.py')).toBeUndefined();
  });
});

describe('dagFileCarriesClaimTag', () => {
  const tag = 'backstage:component:default/shop';

  it('should find the tag as a string literal in either quote style', () => {
    expect(dagFileCarriesClaimTag(`tags=["crawler", "${tag}"]`, tag)).toBe(
      true,
    );
    expect(dagFileCarriesClaimTag(`tags=['${tag}']`, tag)).toBe(true);
  });

  it('should not accept a longer tag that starts with the claim tag, or an unquoted mention', () => {
    expect(dagFileCarriesClaimTag(`tags=["${tag}-2"]`, tag)).toBe(false);
    expect(dagFileCarriesClaimTag(`# owned by ${tag}`, tag)).toBe(false);
    expect(dagFileCarriesClaimTag(`tags=["${tag}']`, tag)).toBe(false);
  });
});

describe('selectClaimedImportErrors', () => {
  const pathOf = (f: string) => dagRepositoryPathOf(repo, f);

  it('should match the file of a claimed DAG by full path, never by base name', () => {
    const mine = importError('/opt/airflow/dags/repo/dags/shop.py');
    const sameName = importError('/opt/airflow/dags/repo/other/shop.py');
    expect(
      selectClaimedImportErrors({
        importErrors: [mine, sameName],
        claimedDags: [dag('/opt/airflow/dags/repo/dags/shop.py')],
        claimedFiles: [],
        pathOf,
      }),
    ).toEqual([mine]);
  });

  it('should match Airflow 3 import errors by bundle and relative path', () => {
    const mine = importError('dags/shop.py', 'dags-folder');
    const otherBundle = importError('dags/shop.py', 'other-bundle');
    expect(
      selectClaimedImportErrors({
        importErrors: [mine, otherBundle],
        claimedDags: [
          dag(
            '/opt/airflow/dags/repo/dags/shop.py',
            'dags/shop.py',
            'dags-folder',
          ),
        ],
        claimedFiles: [],
        pathOf: () => undefined,
      }),
    ).toEqual([mine]);
  });

  it('should show errors of named files whose claim holds, and nothing else', () => {
    const named = importError('/opt/airflow/dags/repo/dags/shop_backfill.py');
    const other = importError('/opt/airflow/dags/repo/dags/news.py');
    expect(
      selectClaimedImportErrors({
        importErrors: [named, other],
        claimedDags: [],
        claimedFiles: ['dags/shop_backfill.py'],
        pathOf,
      }),
    ).toEqual([named]);
    expect(
      selectClaimedImportErrors({
        importErrors: [named, other],
        claimedDags: [],
        claimedFiles: [],
        pathOf,
      }),
    ).toEqual([]);
  });
});
