/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The portal's AI tools end to end: an MCP client made with the official
// TypeScript SDK (Streamable HTTP) talks to the portal backend's
// /api/mcp-actions/v1, which lists and invokes the crawlers plugin's actions
// over the real actions registry and actions service (plugin-to-plugin HTTP
// with on-behalf-of tokens), through the real catalog and permission backend,
// against the sandbox's Airflow 3, Kubernetes and AWS. Its own file because it
// boots the sandbox and a backend listening on a real port.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  Sandbox,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
  startSandbox,
} from '@crawler-platform/sandbox';
import { catalogUserInfo, onBehalfOfAuth } from './__testUtils__/auth';
import { features } from './features';
import crawlersPermissionPolicy from './permissions/module';
import { CrawlersPermissionPolicy } from './permissions/CrawlersPermissionPolicy';

jest.setTimeout(180_000);

const repoRoot = path.resolve(__dirname, '../../..');
const appConfig = parse(
  fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
);

/** A signed-in user the test policy refuses `crawlers.airflow.read` (the catalog still shows the entity). */
const MALLORY = 'user:default/mallory';

/** The portal's policy, except that Mallory may not read any crawler's data. */
const policyDenyingMallory = createBackendModule({
  pluginId: 'permission',
  moduleId: 'test-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
      },
      async init({ policy, userInfo, config }) {
        const portal = CrawlersPermissionPolicy.fromConfig(config, {
          userInfo,
        });
        policy.setPolicy({
          async handle(query, user) {
            if (
              user?.info.userEntityRef === MALLORY &&
              query.permission.name === 'crawlers.airflow.read'
            ) {
              return { result: AuthorizeResult.DENY };
            }
            return portal.handle(query, user);
          },
        });
      },
    });
  },
});

describe('the portal as an MCP server', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let mcpUrl: URL;
  const clients: Client[] = [];

  /** An MCP client of the official SDK, connected with a caller's bearer token. */
  async function connect(token: string) {
    const client = new Client({ name: 'crawlers-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(mcpUrl, {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  /** app-config.yaml, with the examples' catalog and the crawlers plugin pointed at the sandbox. */
  function portalConfig() {
    const airflow = { username: 'admin', password: 'admin' };
    return {
      ...appConfig,
      backend: { ...appConfig.backend, listen: { port: 0 } },
      catalog: {
        ...appConfig.catalog,
        locations: ['org.yaml', 'entities.yaml'].map(file => ({
          type: 'file',
          target: path.join(repoRoot, 'examples', file),
        })),
      },
      aws: {
        mainAccount: {
          accessKeyId: SANDBOX_ACCESS_KEY_ID,
          secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
        },
      },
      crawlers: {
        airflow: {
          instances: [
            {
              name: 'airflow3',
              baseUrl: sandbox.urls.airflow3,
              auth: { type: 'password', ...airflow },
              dagRepository: {
                repositoryName: 'airflow-dags',
                region: SANDBOX_REGION,
                endpoint: sandbox.urls.aws,
                subPath: 'airflow3',
              },
              kubernetes: { cluster: 'sandbox', release: 'airflow3' },
            },
          ],
        },
        clusters: [
          {
            type: 'eks',
            name: 'sandbox',
            region: SANDBOX_REGION,
            clusterName: SANDBOX_CLUSTER_NAME,
            endpoint: sandbox.urls.aws,
          },
        ],
      },
    };
  }

  /** Waits until the catalog of a backend has ingested price-crawler. */
  async function catalogReady(server: any, header: string) {
    for (let i = 0; i < 240; i++) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/component/default/price-crawler')
        .set('Authorization', header);
      if (res.status === 200) return;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    throw new Error('the catalog never ingested price-crawler');
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-mcp-test-'));
    sandbox = await startSandbox({
      dataDir,
      schedulerTickMs: 100,
      delays: {
        buildMs: 10,
        fargateProfileMs: 10,
        scheduleMs: 10,
        pullMs: 10,
        backoffMs: 10,
        runMs: 20,
      },
    });
    await sandbox.ready;
    backend = await startTestBackend({
      features: [
        ...features.filter(f => f !== crawlersPermissionPolicy),
        policyDenyingMallory,
        // The real actions registry and actions service (startTestBackend
        // mocks them): actions are listed and invoked over HTTP.
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        // The real HTTP auth service over an auth service whose on-behalf-of
        // tokens carry the calling plugin, as real ones do.
        onBehalfOfAuth,
        httpAuthServiceFactory,
        catalogUserInfo,
        mockServices.rootConfig.factory({ data: portalConfig() }),
      ],
    });
    mcpUrl = new URL(
      `http://localhost:${backend.server.port()}/api/mcp-actions/v1`,
    );
    await catalogReady(backend.server, mockCredentials.service.header());
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await backend?.stop();
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should list the crawler tools, read-only, with their input schema', async () => {
    const client = await connect(
      mockCredentials.user.token('user:default/guest'),
    );
    const { tools } = await client.listTools();
    const crawlerTools = tools.filter(t => t.name.startsWith('crawlers.'));
    expect(crawlerTools.map(t => t.name).sort()).toEqual([
      'crawlers.diagnose-crawler',
      'crawlers.get-crawler-status',
    ]);
    for (const tool of crawlerTools) {
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
      });
      expect(tool.inputSchema).toMatchObject({
        type: 'object',
        required: ['entityRef'],
      });
      expect(tool.description).toMatch(/Call it/);
    }
  });

  it("should give price-crawler's diagnosis: pods/log forbidden and the import error, with evidence and fixes", async () => {
    const client = await connect(
      mockCredentials.user.token('user:default/guest'),
    );
    const result = await client.callTool({
      name: 'crawlers.diagnose-crawler',
      arguments: { entityRef: 'component:default/price-crawler' },
    });
    expect(result.isError).toBeFalsy();
    const content = result.content as Array<{ type: string; text: string }>;
    const diagnosis = JSON.parse(content[0].text);
    expect(diagnosis.entityRef).toBe('component:default/price-crawler');
    expect(diagnosis.findings.map((f: any) => f.id).sort()).toEqual([
      'import-error',
      'pods-log-forbidden',
    ]);
    const forbidden = diagnosis.findings.find(
      (f: any) => f.id === 'pods-log-forbidden',
    );
    expect(forbidden.title).toBe(
      'ServiceAccount airflow/airflow-worker may not get pods/log in namespace crawler-price',
    );
    expect(forbidden.fix.snippet.code).toContain('resources: [pods/log]');
  });

  it('should give a caller who may not read price-crawler an error and none of its data', async () => {
    const client = await connect(mockCredentials.user.token(MALLORY));
    for (const name of [
      'crawlers.diagnose-crawler',
      'crawlers.get-crawler-status',
    ]) {
      const result = await client.callTool({
        name,
        arguments: { entityRef: 'component:default/price-crawler' },
      });
      expect(result.isError).toBe(true);
      const text = (result.content as Array<{ text: string }>)
        .map(c => c.text)
        .join('\n');
      expect(text).toMatch(/^NotAllowedError: .*crawlers\.airflow\.read/);
      expect(text).not.toContain('pods/log');
      expect(text).not.toContain('price_crawler_backfill');
    }
  });

  it('should serve an MCP client with the static token of backend.auth.externalAccess through the real auth service', async () => {
    const token = 'static-token-of-the-mcp-test-0123456789';
    const config = portalConfig();
    const portal = await startTestBackend({
      features: [
        ...features,
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        authServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            ...config,
            backend: {
              ...config.backend,
              // the entry of app-config.yaml, with the token its MCP_STATIC_TOKEN would give
              auth: {
                externalAccess: [
                  {
                    ...appConfig.backend.auth.externalAccess[0],
                    options: { token, subject: 'mcp-clients' },
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    try {
      const client = new Client({ name: 'crawlers-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(
          new URL(
            `http://localhost:${portal.server.port()}/api/mcp-actions/v1`,
          ),
          { requestInit: { headers: { Authorization: `Bearer ${token}` } } },
        ),
      );
      clients.push(client);
      // The token may call only the MCP plugin (accessRestrictions): the catalog's ingestion is awaited through it.
      let result: Awaited<ReturnType<typeof client.callTool>> | undefined;
      for (let i = 0; i < 240; i++) {
        result = await client.callTool({
          name: 'crawlers.get-crawler-status',
          arguments: { entityRef: 'price-crawler' },
        });
        if (!result.isError) break;
        await new Promise(resolve => setTimeout(resolve, 250));
      }
      expect(result!.isError ? result!.content : 'answered').toBe('answered');
      const status = JSON.parse(
        (result!.content as Array<{ text: string }>)[0].text,
      );
      expect(status).toMatchObject({
        entityRef: 'component:default/price-crawler',
        instance: 'airflow3',
        diagnosis: {
          data: { counts: { error: 2, warning: 0, info: 0 } },
        },
      });
    } finally {
      await portal.stop();
    }
  });

  it('should refuse an MCP request without credentials', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
        params: {},
      }),
    });
    expect(res.status).toBe(401);
  });
});
