/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import path from 'node:path';
import {
  ConfigSourceData,
  FileConfigSource,
  loadConfigSchema,
} from '@backstage/config-loader';

const repoRoot = path.resolve(__dirname, '../../..');

// Values for the ${VAR} placeholders of app-config.production.yaml; they stand
// in for what a deployment sets and are not secrets.
const productionEnv: Record<string, string> = {
  APP_BASE_URL: 'https://portal.example.com',
  BACKEND_BASE_URL: 'https://portal.example.com',
  BACKEND_SECRET: 'test-secret',
  POSTGRES_HOST: 'db.example.com',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'test-password',
  REDIS_URL: 'redis://cache.example.com:6379',
  AIRFLOW_BASE_URL: 'https://airflow.example.com',
  AIRFLOW_USERNAME: 'portal',
  AIRFLOW_PASSWORD: 'test-airflow-password',
};

async function readConfig(
  file: string,
  env: Record<string, string> = {},
): Promise<ConfigSourceData[]> {
  const source = FileConfigSource.create({
    path: path.join(repoRoot, file),
    substitutionFunc: async name => env[name],
  });
  for await (const { configs } of source.readConfigData()) {
    return configs;
  }
  throw new Error(`no configuration read from ${file}`);
}

describe('app-config files', () => {
  let schema: Awaited<ReturnType<typeof loadConfigSchema>>;

  beforeAll(async () => {
    // every package of the portal contributes its config.d.ts
    schema = await loadConfigSchema({ dependencies: ['backend', 'app'] });
  }, 120_000);

  it('should validate app-config.yaml against the schemas of all portal packages', async () => {
    const configs = await readConfig('app-config.yaml');
    expect(() => schema.process(configs)).not.toThrow();
  });

  it('should validate app-config.yaml with app-config.production.yaml on top', async () => {
    const configs = [
      ...(await readConfig('app-config.yaml')),
      ...(await readConfig('app-config.production.yaml', productionEnv)),
    ];
    expect(() => schema.process(configs)).not.toThrow();
  });

  it('should reject a config that breaks a schema, so the checks above can fail', async () => {
    const configs = [
      ...(await readConfig('app-config.yaml')),
      { context: 'broken', data: { app: { title: { text: 'Crawlers' } } } },
    ];
    expect(() => schema.process(configs)).toThrow(/app.title/);
  });

  it('should know the crawlers plugin config and reject an Airflow instance without a baseUrl', async () => {
    const configs = [
      ...(await readConfig('app-config.yaml')),
      {
        context: 'broken',
        data: { crawlers: { airflow: { instances: [{ name: 'x' }] } } },
      },
    ];
    expect(() => schema.process(configs)).toThrow(/baseUrl/);
  });

  it('should keep secrets of the production config out of the frontend', async () => {
    const configs = [
      ...(await readConfig('app-config.yaml')),
      ...(await readConfig('app-config.production.yaml', productionEnv)),
    ];
    const frontend = JSON.stringify(
      schema.process(configs, { visibility: ['frontend'] }),
    );
    expect(frontend).not.toContain('test-password');
    expect(frontend).not.toContain('test-secret');
    expect(frontend).not.toContain('test-airflow-password');
  });
});
