/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { readAirflowInstancesConfig } from './config';
import { DefaultAirflowService } from './DefaultAirflowService';

const instance = (extra: Record<string, unknown> = {}) => ({
  name: 'airflow2',
  baseUrl: 'https://airflow.example.com/',
  ...extra,
});

function read(instances: any[]) {
  return readAirflowInstancesConfig(
    new ConfigReader({ crawlers: { airflow: { instances } } }),
  );
}

describe('readAirflowInstancesConfig', () => {
  it('should apply the defaults', () => {
    expect(read([instance()])).toEqual([
      {
        name: 'airflow2',
        baseUrl: 'https://airflow.example.com',
        uiUrl: 'https://airflow.example.com',
        apiVersion: 'auto',
        auth: { type: 'none' },
        timeoutMs: 10000,
        maxConcurrentRequests: 8,
        claims: 'tag',
        dagRepository: undefined,
      },
    ]);
  });

  it('should read every auth type', () => {
    const [basic, password, bearer] = read([
      instance({
        name: 'a',
        auth: { type: 'basic', username: 'u', password: 'p' },
      }),
      instance({
        name: 'b',
        auth: { type: 'password', username: 'u', password: 'p' },
      }),
      instance({ name: 'c', auth: { type: 'bearer', token: 't' } }),
    ]);
    expect([basic.auth.type, password.auth.type, bearer.auth.type]).toEqual([
      'basic',
      'password',
      'bearer',
    ]);
  });

  it('should return no instances when none are configured', () => {
    expect(readAirflowInstancesConfig(new ConfigReader({}))).toEqual([]);
  });

  it('should reject duplicate names', () => {
    expect(() => read([instance(), instance()])).toThrow(/is used twice/);
  });

  it('should reject a base URL that is not http(s)', () => {
    expect(() => read([instance({ baseUrl: 'ftp://x' })])).toThrow(
      /must use http or https/,
    );
    expect(() => read([instance({ baseUrl: 'not a url' })])).toThrow(
      /is not a URL/,
    );
  });

  it('should reject credentials in the base URL', () => {
    expect(() =>
      read([instance({ baseUrl: 'https://u:p@x.example.com' })]),
    ).toThrow(/put credentials under auth/);
  });

  it('should reject an unknown API version', () => {
    expect(() => read([instance({ apiVersion: 'v3' })])).toThrow(
      /use auto, v1 or v2/,
    );
  });

  it('should reject an unknown auth type', () => {
    expect(() => read([instance({ auth: { type: 'oauth' } })])).toThrow(
      /use one of basic, password, bearer/,
    );
  });

  it('should read the claim mode, the concurrency bound and the DAG repository with defaults', () => {
    const [c] = read([
      instance({
        claims: 'annotation',
        maxConcurrentRequests: 4,
        dagRepository: { repositoryName: 'airflow-dags', region: 'eu-west-1' },
      }),
    ]);
    expect(c.claims).toBe('annotation');
    expect(c.maxConcurrentRequests).toBe(4);
    expect(c.dagRepository).toEqual({
      type: 'codecommit',
      repositoryName: 'airflow-dags',
      branch: 'main',
      region: 'eu-west-1',
      accountId: undefined,
      endpoint: undefined,
      subPath: '',
      mountPath: '/opt/airflow/dags',
    });
  });

  it('should reject bad claim modes, concurrency bounds and DAG repository folders', () => {
    expect(() => read([instance({ claims: 'none' })])).toThrow(
      /claims is "none": use tag/,
    );
    expect(() => read([instance({ maxConcurrentRequests: 0 })])).toThrow(
      /maxConcurrentRequests must be a whole number from 1 to 64/,
    );
    expect(() =>
      read([
        instance({
          dagRepository: { repositoryName: 'r', subPath: '../etc' },
        }),
      ]),
    ).toThrow(/dagRepository.subPath/);
    expect(() =>
      read([
        instance({
          dagRepository: { repositoryName: 'r', mountPath: 'relative' },
        }),
      ]),
    ).toThrow(/dagRepository.mountPath/);
  });

  it('should reject a non-positive timeout', () => {
    expect(() => read([instance({ timeoutMs: 0 })])).toThrow(
      /positive whole number/,
    );
  });
});

describe('DefaultAirflowService', () => {
  const service = DefaultAirflowService.fromConfig(
    new ConfigReader({
      crawlers: {
        airflow: {
          instances: [
            instance(),
            instance({ name: 'airflow3', apiVersion: 'v2' }),
          ],
        },
      },
    }),
    { logger: mockServices.logger.mock() },
  );

  it('should list instances in configuration order', () => {
    expect(service.listInstanceNames()).toEqual(['airflow2', 'airflow3']);
  });

  it('should use the first instance as the default', () => {
    expect(service.getInstance().name).toBe('airflow2');
  });

  it('should find an instance by name', () => {
    expect(service.getInstance('airflow3').name).toBe('airflow3');
  });

  it('should throw NotFoundError for an unknown instance', () => {
    expect(() => service.getInstance('nope')).toThrow(
      expect.objectContaining({ name: 'NotFoundError' }),
    );
  });
});
