/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The new-crawler template through the portal's backend (catalog + scaffolder + the crawler actions + the portal's
// permission policy) against the sandbox: who sees the template, and its dry run with only the three required
// inputs, rendered by the real scaffolder and checked by the API servers, changing nothing in the sandbox. Its own
// file because it boots the whole sandbox once for all its tests.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  Sandbox,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_SECRET_ACCESS_KEY,
  startSandbox,
} from '@crawler-platform/sandbox';
import { features } from '../features';
import { catalogUserInfo, onBehalfOfAuth } from '../__testUtils__/auth';

jest.setTimeout(180_000);

const repoRoot = path.resolve(__dirname, '../../../..');
const templateDir = path.join(repoRoot, 'templates/new-crawler');
const appConfig = parse(
  fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
);
const asGuest = mockCredentials.user.header('user:default/guest');
const asAlex = mockCredentials.user.header('user:default/alex');

/** The form as the scaffolder's UI submits it: the three required inputs, every other field at its default. */
function formValues(template: any, required: Record<string, unknown>) {
  const values: Record<string, unknown> = {};
  for (const page of template.spec.parameters) {
    for (const [key, prop] of Object.entries<any>(page.properties)) {
      if (prop.default !== undefined) values[key] = prop.default;
    }
  }
  return { ...values, ...required };
}

/** Every file under a folder, as the dry-run API takes it. */
function directoryContents(
  dir: string,
  base = dir,
): Array<{ path: string; base64Content: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? directoryContents(full, base)
      : [
          {
            path: path.relative(base, full),
            base64Content: fs.readFileSync(full).toString('base64'),
          },
        ];
  });
}

describe('the new-crawler template against the sandbox', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let app: any;
  let stop: () => Promise<void>;

  /** Everything the template could write: AWS state (CodeCommit, ECR, CodeBuild, EventBridge, EKS) and Kubernetes. */
  const sandboxState = () =>
    JSON.stringify({
      aws: (sandbox.world as any).store.state,
      kube: [
        'namespaces',
        'serviceaccounts',
        'roles',
        'rolebindings',
        'secrets',
      ].map(r => sandbox.kube.list(r as any, undefined)),
    });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'new-crawler-template-test-'),
    );
    sandbox = await startSandbox({
      dataDir,
      gitSyncPeriod: '1h',
      schedulerTickMs: 100,
      delays: { buildMs: 10, fargateProfileMs: 10 },
    });
    await sandbox.ready;
    const backend = await startTestBackend({
      features: [
        ...features,
        onBehalfOfAuth,
        httpAuthServiceFactory,
        catalogUserInfo,
        mockServices.rootConfig.factory({
          data: {
            ...appConfig,
            backend: { ...appConfig.backend, listen: { port: 0 } },
            aws: {
              mainAccount: {
                accessKeyId: SANDBOX_ACCESS_KEY_ID,
                secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
              },
            },
            catalog: {
              ...appConfig.catalog,
              locations: [
                ...['org.yaml', 'entities.yaml'].map(file => ({
                  type: 'file',
                  target: path.join(repoRoot, 'examples', file),
                })),
                {
                  type: 'file',
                  target: path.join(templateDir, 'template.yaml'),
                },
              ],
            },
            crawlers: {
              ...appConfig.crawlers,
              airflow: {
                instances: appConfig.crawlers.airflow.instances.map(
                  (i: any) => ({
                    ...i,
                    baseUrl: (sandbox.urls as any)[i.name],
                    dagRepository: {
                      ...i.dagRepository,
                      endpoint: sandbox.urls.aws,
                    },
                  }),
                ),
              },
              clusters: appConfig.crawlers.clusters.map((c: any) => ({
                ...c,
                endpoint: sandbox.urls.aws,
              })),
              aws: { ...appConfig.crawlers.aws, endpoint: sandbox.urls.aws },
              scaffolder: {
                ...appConfig.crawlers.scaffolder,
                codecommit: {
                  ...appConfig.crawlers.scaffolder?.codecommit,
                  gitUrl: sandbox.urls.git,
                },
              },
            },
          },
        }),
      ],
    });
    app = backend.server;
    stop = () => backend.stop();
    const ingested = async (ref: string) => {
      const res = await request(app)
        .get(`/api/catalog/entities/by-name/${ref}`)
        .set('Authorization', mockCredentials.service.header());
      return res.status === 200 && res.body.relations?.length > 0;
    };
    const refs = [
      'user/default/guest',
      'user/default/alex',
      'component/default/news-crawler',
      'template/default/new-crawler',
    ];
    for (let i = 0; i < 240; i++) {
      if ((await Promise.all(refs.map(ingested))).every(Boolean)) break;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  });

  afterAll(async () => {
    await stop?.();
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should show the new-crawler template to a member of a crawler-owning group and hide it from others', async () => {
    const byName = '/api/catalog/entities/by-name/template/default/new-crawler';
    expect(
      (await request(app).get(byName).set('Authorization', asGuest)).status,
    ).toBe(200);
    expect(
      (await request(app).get(byName).set('Authorization', asAlex)).status,
    ).toBe(404);
    const schema =
      '/api/scaffolder/v2/templates/default/template/new-crawler/parameter-schema';
    const forGuest = await request(app)
      .get(schema)
      .set('Authorization', asGuest);
    expect(forGuest.status).toBe(200);
    expect(forGuest.body.steps.length).toBeGreaterThan(0);
    expect(
      (await request(app).get(schema).set('Authorization', asAlex)).status,
    ).toBe(404);
  });

  it('should dry-run with only name, owner and targetUrls through every step and change nothing in the sandbox', async () => {
    const template = parse(
      fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
    );
    const before = sandboxState();
    const res = await request(app)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', asGuest)
      .send({
        template,
        values: formValues(template, {
          name: 'dry-crawler',
          owner: 'group:default/crawler-team',
          targetUrls: ['https://news.example.com/'],
        }),
        secrets: {},
        directoryContents: directoryContents(templateDir).filter(
          f => f.path !== 'template.yaml',
        ),
      });
    const messages = (res.body.log ?? [])
      .map((l: any) => l.body?.message ?? '')
      .join('\n');
    expect({
      status: res.status,
      error: res.body.error,
      failed: /failed|error/i.test(
        (res.body.steps ?? []).map((s: any) => s.status ?? '').join(' '),
      ),
    }).toEqual({ status: 200, error: undefined, failed: false });
    expect(res.body.steps.map((s: any) => s.action)).toEqual(
      template.spec.steps.map((s: any) => s.action),
    );
    expect(messages).toContain(
      'Dry run: the API server accepted Namespace/crawler-dry-crawler',
    );
    expect(messages).toContain('Dry run: would add airflow2/dry_crawler.py');
    expect(messages).toContain(
      'dag/dry_crawler.py compiles (python3 -m py_compile)',
    );
    expect(res.body.output.links.map((l: any) => l.title)).toEqual([
      'Repository',
      'Open in catalog',
      'Airflow DAG',
    ]);
    expect(res.body.output.links[2].url).toMatch(/\/dags\/dry_crawler\/grid$/);
    const files = res.body.directoryContents.map((f: any) => f.path).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'crawler/Dockerfile',
        'crawler/catalog-info.yaml',
        'dag/dry_crawler.py',
      ]),
    );
    expect(sandboxState()).toBe(before);
  });
});
