/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { mockServices } from '@backstage/backend-test-utils';
import type {
  AirflowDagRepositoryConfig,
  AirflowInstanceClient,
  AirflowInstanceConfig,
} from '../airflow/types';
import { DefaultCrawlerClaimService } from './DefaultCrawlerClaimService';
import type { DagRepositoryReader } from './DagRepositoryReader';

const repo: AirflowDagRepositoryConfig = {
  type: 'codecommit',
  repositoryName: 'airflow-dags',
  branch: 'main',
  subPath: '',
  mountPath: '/opt/airflow/dags',
};

function instance(
  overrides: Partial<AirflowInstanceConfig> = {},
): AirflowInstanceClient {
  const config: AirflowInstanceConfig = {
    name: 'airflow3',
    baseUrl: 'http://airflow.test',
    uiUrl: 'http://airflow.test',
    apiVersion: 'v2',
    auth: { type: 'none' },
    timeoutMs: 1000,
    maxConcurrentRequests: 8,
    claims: 'tag',
    dagRepository: repo,
    ...overrides,
  };
  return { name: config.name, config } as unknown as AirflowInstanceClient;
}

const PRICE = 'component:default/price-crawler';
const IMPOSTOR = 'component:default/impostor-crawler';
const files: Record<string, string> = {
  'dags/price_crawler_backfill.py': `with DAG(dag_id="price_crawler_backfill", tags=["crawler", "backstage:${PRICE}"],`,
};

function service(reader?: Partial<DagRepositoryReader>, now = () => 0) {
  const readFile = jest.fn(
    reader?.readFile ?? (async (_r, path: string) => files[path]),
  );
  return {
    readFile,
    claims: DefaultCrawlerClaimService.create({
      reader: { readFile },
      logger: mockServices.logger.mock(),
      now,
    }),
  };
}

describe('DefaultCrawlerClaimService.checkDagFiles', () => {
  it('should hold for a named file whose source carries the entity claim tag', async () => {
    const { claims, readFile } = service();
    await expect(
      claims.checkDagFiles(instance(), PRICE, [
        'dags/price_crawler_backfill.py',
      ]),
    ).resolves.toEqual([
      { path: 'dags/price_crawler_backfill.py', holds: true },
    ]);
    expect(readFile).toHaveBeenCalledWith(
      repo,
      'dags/price_crawler_backfill.py',
    );
  });

  it('should refuse a file that names another entity, saying what to add', async () => {
    const { claims } = service();
    const [claim] = await claims.checkDagFiles(instance(), IMPOSTOR, [
      'dags/price_crawler_backfill.py',
    ]);
    expect(claim.holds).toBe(false);
    expect(claim.reason).toContain(`add the tag "backstage:${IMPOSTOR}"`);
  });

  it('should refuse a file that does not exist on the branch', async () => {
    const { claims } = service();
    const [claim] = await claims.checkDagFiles(instance(), PRICE, [
      'dags/missing.py',
    ]);
    expect(claim).toMatchObject({ holds: false });
    expect(claim.reason).toContain('does not exist on branch main');
  });

  it('should report a read failure as an error, not as a claim that holds', async () => {
    const { claims } = service({
      readFile: async () => {
        throw new Error('AccessDeniedException');
      },
    });
    const [claim] = await claims.checkDagFiles(instance(), PRICE, [
      'dags/price_crawler_backfill.py',
    ]);
    expect(claim.holds).toBe(false);
    expect(String(claim.error)).toContain('AccessDeniedException');
  });

  it('should refuse file claims when the instance has no DAG repository', async () => {
    const { claims, readFile } = service();
    const [claim] = await claims.checkDagFiles(
      instance({ dagRepository: undefined }),
      PRICE,
      ['dags/price_crawler_backfill.py'],
    );
    expect(claim.holds).toBe(false);
    expect(claim.reason).toContain('has no dagRepository configured');
    expect(readFile).not.toHaveBeenCalled();
  });

  it('should trust the annotation without reading in annotation mode', async () => {
    const { claims, readFile } = service();
    await expect(
      claims.checkDagFiles(instance({ claims: 'annotation' }), IMPOSTOR, [
        'dags/price_crawler_backfill.py',
      ]),
    ).resolves.toEqual([
      { path: 'dags/price_crawler_backfill.py', holds: true },
    ]);
    expect(readFile).not.toHaveBeenCalled();
  });

  it('should read a file once per TTL for every caller', async () => {
    let now = 0;
    const { claims, readFile } = service(undefined, () => now);
    const path = ['dags/price_crawler_backfill.py'];
    await Promise.all([
      claims.checkDagFiles(instance(), PRICE, path),
      claims.checkDagFiles(instance(), IMPOSTOR, path),
    ]);
    expect(readFile).toHaveBeenCalledTimes(1);
    now = 31_000;
    await claims.checkDagFiles(instance(), PRICE, path);
    expect(readFile).toHaveBeenCalledTimes(2);
  });
});
