/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The portal backend with app-config.production.yaml on top of app-config.yaml,
// against the real PostgreSQL and Redis of this machine (127.0.0.1:5432 with
// trust auth, 127.0.0.1:6379). Its own file because it replaces the test
// backend's mock database and cache with the production service factories.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { Client } from 'pg';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { features } from './features';

const repoRoot = path.resolve(__dirname, '../../..');
const prefix = `crawler_platform_test_${process.pid}_`;
const pg = { host: '127.0.0.1', port: 5432, user: 'postgres' };

function readYaml(file: string) {
  return parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'));
}

/**
 * Which of the services this test needs are not listening, checked before the tests are declared (so that a missing
 * one skips them visibly instead of letting them pass without checking anything).
 */
function missingServices(): string[] {
  const probe = `
    const net = require('node:net');
    const ports = ${JSON.stringify({ PostgreSQL: 5432, Redis: 6379 })};
    Promise.all(Object.entries(ports).map(([name, port]) => new Promise(resolve => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setTimeout(2000, () => { socket.destroy(); resolve(name + ' on 127.0.0.1:' + port); });
      socket.once('connect', () => { socket.destroy(); resolve(null); });
      socket.once('error', () => resolve(name + ' on 127.0.0.1:' + port));
    }))).then(missing => console.log(JSON.stringify(missing.filter(Boolean))));
  `;
  const result = spawnSync(process.execPath, ['-e', probe], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  try {
    return JSON.parse(result.stdout);
  } catch {
    return ['PostgreSQL and Redis (the probe failed to run)'];
  }
}

function productionConfig() {
  const base = readYaml('app-config.yaml');
  const production = readYaml('app-config.production.yaml');
  return {
    ...base,
    backend: {
      ...base.backend,
      listen: { port: 0 },
      database: {
        client: 'pg',
        prefix,
        connection: { ...pg, password: '' },
      },
      cache: {
        ...production.backend.cache,
        connection: 'redis://127.0.0.1:6379',
      },
    },
    search: { ...base.search, ...production.search },
  };
}

// Two replicas share one cache: what one writes, the other reads.
const cacheProbe = createBackendPlugin({
  pluginId: 'cacheprobe',
  register(env) {
    env.registerInit({
      deps: { cache: coreServices.cache, router: coreServices.httpRouter },
      async init({ cache, router }) {
        router.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        router.use(async (req, res) => {
          if (req.method === 'PUT') {
            await cache.set('probe', req.path.slice(1), { ttl: 60_000 });
            res.status(204).end();
          } else {
            res.json({ value: (await cache.get('probe')) ?? null });
          }
        });
      },
    });
  },
});

async function startReplica() {
  return startTestBackend({
    features: [
      ...features,
      cacheProbe,
      mockServices.rootConfig.factory({ data: productionConfig() }),
      databaseServiceFactory,
      cacheServiceFactory,
    ],
  });
}

const missing = missingServices();
const skipReason = missing.length
  ? `not running: ${missing.join(', ')}`
  : undefined;
if (skipReason) {
  if (process.env.CI) {
    throw new Error(
      `CI needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; ${skipReason}`,
    );
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipping the production backend tests: ${skipReason}`);
}
const describeWithServices = skipReason ? describe.skip : describe;

describeWithServices(
  `portal backend in production configuration${
    skipReason ? ` [skipped: ${skipReason}]` : ''
  }`,
  () => {
    let replicas: Awaited<ReturnType<typeof startReplica>>[] = [];

    beforeAll(async () => {
      replicas = [await startReplica(), await startReplica()];
    }, 180_000);

    afterAll(async () => {
      await Promise.all(replicas.map(r => r.stop()));
      // Drop the databases this run created.
      const client = new Client({ ...pg, database: 'postgres' });
      await client.connect();
      const { rows } = await client.query(
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${prefix}%`],
      );
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
      await client.end();
      // Stopping two replicas and dropping one database per plugin takes longer than jest's 5 s on a loaded machine.
    }, 60_000);

    it('should keep the catalog and search data in PostgreSQL', async () => {
      const res = await request(replicas[0].server).get(
        '/.backstage/health/v1/readiness',
      );
      expect(res.status).toBe(200);
      const client = new Client({ ...pg, database: 'postgres' });
      await client.connect();
      const { rows } = await client.query(
        'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname',
        [`${prefix}%`],
      );
      await client.end();
      expect(rows.map(r => r.datname)).toEqual(
        expect.arrayContaining([`${prefix}catalog`, `${prefix}search`]),
      );
    });

    it('should share cached values between two replicas through Redis', async () => {
      const value = `v${Date.now()}`;
      await request(replicas[0].server)
        .put(`/api/cacheprobe/${value}`)
        .expect(204);
      const res = await request(replicas[1].server).get('/api/cacheprobe/');
      expect(res.body).toEqual({ value });
    });
  },
);
