/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { features } from './features';

const repoRoot = path.resolve(__dirname, '../../..');
const appConfig = parse(
  fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
);

describe('portal backend', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        ...features,
        mockServices.rootConfig.factory({
          data: {
            ...appConfig,
            backend: { ...appConfig.backend, listen: { port: 0 } },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
  });

  it('should report readiness on the health endpoint', async () => {
    const res = await request(server).get('/.backstage/health/v1/readiness');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('should decide crawler permissions with the portal policy', async () => {
    const authorize = async (name: string, action: string) => {
      const res = await request(server)
        .post('/api/permission/authorize')
        .set('Authorization', mockCredentials.user.header('user:default/guest'))
        .send({
          items: [
            {
              id: 'q1',
              permission: { type: 'basic', name, attributes: { action } },
            },
          ],
        });
      expect(res.status).toBe(200);
      return res.body.items[0].result;
    };
    // the allow-all module would allow the first one: the crawlers policy
    // refuses crawler writes that name no entity
    expect(await authorize('crawlers.settings.update', 'update')).toBe(
      AuthorizeResult.DENY,
    );
    expect(await authorize('crawlers.status.read', 'read')).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await authorize('catalog.location.create', 'create')).toBe(
      AuthorizeResult.ALLOW,
    );
  });
});
