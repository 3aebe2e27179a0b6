/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The new-crawler template through the portal's backend (catalog + scaffolder + the crawler actions + the CodeCommit
// URL reader + the portal's permission policy + the crawlers backend) against the sandbox: who sees the template,
// its dry run changing nothing, a real run with only the three required inputs creating everything down to the
// first successful Airflow run shown by our backend, a rerun adopting it all, and a run naming another team's
// crawler failing without changes. Its own file because it boots the whole sandbox once for all its tests.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Sandbox, startSandbox } from '@crawler-platform/sandbox';
import {
  FinishedTask,
  firstRunThroughBackend,
  formValues,
  newCrawlerTemplateDir,
  readNewCrawlerTemplate,
  runTemplateTask,
  startPortal,
  waitForEntities,
} from './__testUtils__/sandboxPortal';

jest.setTimeout(300_000);

const asGuest = mockCredentials.user.header('user:default/guest');
const asAlex = mockCredentials.user.header('user:default/alex');
const ENTITY_TAG = 'crawler-platform.io/entity';

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

/** The step ids and statuses of a finished task, for one readable assertion. */
const stepStatuses = (task: FinishedTask) =>
  Object.fromEntries(
    task.events
      .filter(
        e =>
          e.body.stepId &&
          ['completed', 'failed', 'skipped'].includes(e.body.status ?? ''),
      )
      .map(e => [e.body.stepId, e.body.status]),
  );

describe('the new-crawler template against the sandbox', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let app: any;
  let stop: () => Promise<void>;
  const template = readNewCrawlerTemplate();

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

  const required = (name: string) =>
    formValues(template, {
      name,
      owner: 'group:default/crawler-team',
      targetUrls: [`https://${name}.example.com/`],
    });

  const runAsGuest = (name: string) =>
    runTemplateTask(app, {
      authorization: asGuest,
      templateRef: 'template:default/new-crawler',
      values: required(name),
    });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'new-crawler-template-test-'),
    );
    sandbox = await startSandbox({
      dataDir,
      // git-sync picks a new DAG file up within a second; the pod lifecycle takes milliseconds.
      gitSyncPeriod: '1s',
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
    // Run lists fresh at once: the first run shows as soon as Airflow finished it (the default keeps them 15 s).
    ({ app, stop } = await startPortal(sandbox, {
      crawlersCache: { runsTtlMs: 1 },
    }));
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
    const before = sandboxState();
    const res = await request(app)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', asGuest)
      .send({
        template,
        values: required('dry-crawler'),
        secrets: {},
        directoryContents: directoryContents(newCrawlerTemplateDir).filter(
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

  describe('a real run of web-shop with only the three required inputs', () => {
    const name = 'web-shop';
    const entityRef = `component:default/${name}`;
    let first: FinishedTask;

    beforeAll(async () => {
      first = await runAsGuest(name);
    });

    it('should complete every step and link the repository, the entity and the DAG', () => {
      expect({ status: first.status, steps: stepStatuses(first) }).toEqual({
        status: 'completed',
        steps: Object.fromEntries(
          template.spec.steps.map((s: any) => [s.id, 'completed']),
        ),
      });
      expect(first.output?.links).toEqual([
        expect.objectContaining({ title: 'Repository' }),
        expect.objectContaining({ entityRef }),
        expect.objectContaining({
          url: expect.stringMatching(/\/dags\/web_shop\/grid$/),
        }),
      ]);
    });

    /** A file of a sandbox CodeCommit repository at its default branch (the stand-in's GetFile). */
    const readFile = async (repositoryName: string, filePath: string) =>
      (
        await sandbox.world.codecommit.getFile({ repositoryName, filePath })
      ).fileContent.toString();

    it('should create the CodeCommit repository with the crawler files and the entity tag', async () => {
      expect(sandbox.world.codecommit.requireRepo(name).tags).toEqual({
        [ENTITY_TAG]: entityRef,
      });
      const catalogInfo = await readFile(name, 'catalog-info.yaml');
      expect(catalogInfo).toContain('type: crawler');
      expect(catalogInfo).toContain('https://web-shop.example.com/');
      expect(await readFile(name, 'Dockerfile')).toMatch(/^FROM /m);
      expect(await readFile(name, 'buildspec.yml')).toContain('docker push');
    });

    it('should add the DAG file with the claim tag to the Airflow 2 folder of the DAG repository', async () => {
      const text = await readFile('airflow-dags', 'airflow2/web_shop.py');
      expect(text).toContain(`"backstage:component:default/${name}"`);
      expect(text).toContain('NAMESPACE = "crawler-web-shop"');
    });

    it('should create the ECR repository, the CodeBuild project and its EventBridge rule, and build the image with that project', () => {
      const world = sandbox.world;
      expect(world.ecr.exists(name)).toBe(true);
      expect(world.builds.project(name)).toBeDefined();
      const rules = Object.values<any>(
        (world as any).store.state.events?.rules ?? {},
      );
      expect(
        rules.filter(r =>
          JSON.stringify(r.Targets).includes(world.builds.projectArn(name)),
        ),
      ).toHaveLength(1);
      const builds = world.builds.ofProject(name);
      expect(builds.map(b => b.status)).toContain('SUCCEEDED');
      expect(world.ecr.hasImage(name, 'latest')).toBe(true);
    });

    it('should create the namespace, service account, Role and RoleBinding, and a Fargate profile selecting the namespace', () => {
      const ns = sandbox.kube
        .list('namespaces' as any, undefined)
        .find((n: any) => n.metadata.name === 'crawler-web-shop') as any;
      expect(ns?.metadata.annotations?.[ENTITY_TAG]).toBe(entityRef);
      for (const resource of ['serviceaccounts', 'roles', 'rolebindings']) {
        expect(
          sandbox.kube.list(resource as any, 'crawler-web-shop').length,
        ).toBeGreaterThan(0);
      }
      const profiles = sandbox.world.eks.profiles('crawlers-sandbox');
      expect(
        profiles.some(
          p =>
            p.status === 'ACTIVE' &&
            p.selectors.some(s =>
              new RegExp(
                `^${(s.namespace ?? '')
                  .replace(/[*]/g, '.*')
                  .replace(/[?]/g, '.')}$`,
              ).test('crawler-web-shop'),
            ),
        ),
      ).toBe(true);
    });

    it('should register the entity in the catalog, read from the new CodeCommit repository', async () => {
      // The catalog stitches a newly registered location's entity a moment after catalog:register returns.
      expect(await waitForEntities(app, [`component/default/${name}`])).toBe(
        true,
      );
      const res = await request(app)
        .get(`/api/catalog/entities/by-name/component/default/${name}`)
        .set('Authorization', asGuest);
      expect(res.status).toBe(200);
      expect(res.body.spec).toMatchObject({
        type: 'crawler',
        owner: 'group:default/crawler-team',
      });
      expect(
        res.body.metadata.annotations['backstage.io/managed-by-location'],
      ).toMatch(
        /^url:https:\/\/eu-west-1\.console\.aws\.amazon\.com\/codesuite\/codecommit\/repositories\/web-shop\/browse\/refs\/heads\/main\/--\/catalog-info\.yaml$/,
      );
    });

    it('should run the DAG successfully, shown through our backend', async () => {
      const { run } = await firstRunThroughBackend(app, {
        authorization: asGuest,
        entityName: name,
        dagId: 'web_shop',
        timeoutMs: 90_000,
      });
      expect(run).toMatchObject({ dagId: 'web_shop', state: 'success' });
    });

    it('should adopt everything on a rerun with the same inputs and succeed', async () => {
      const buildsBefore = sandbox.world.builds.ofProject(name).length;
      const rerun = await runAsGuest(name);
      expect({ status: rerun.status, steps: stepStatuses(rerun) }).toEqual({
        status: 'completed',
        steps: Object.fromEntries(
          template.spec.steps.map((s: any) => [
            s.id,
            s.id === 'register' ? 'skipped' : 'completed',
          ]),
        ),
      });
      expect(rerun.log).toMatch(/adopting it/);
      expect(rerun.output?.links[1]).toMatchObject({ entityRef });
      // The same content: no new commit, so no new build either.
      expect(sandbox.world.builds.ofProject(name).length).toBe(buildsBefore);
    });
  });

  it.each([
    [
      'news',
      "the namespace crawler-news is news-crawler's",
      'component:default/news-crawler',
    ],
    [
      'airflow-dags',
      'the CodeCommit repository airflow-dags (the DAG repository) is untagged',
      'CodeCommit repository "airflow-dags"',
    ],
  ])(
    'should fail a run named %s (%s) at the ownership check and change nothing',
    async (name, _why, named) => {
      const before = sandboxState();
      const task = await runAsGuest(name);
      expect(task.status).toBe('failed');
      const statuses = stepStatuses(task);
      expect(statuses).toMatchObject({
        validate: 'completed',
        preflight: 'failed',
        ecr: 'skipped',
        codebuild: 'skipped',
        publish: 'skipped',
        dag: 'skipped',
        namespace: 'skipped',
        fargate: 'skipped',
        register: 'skipped',
      });
      expect(task.log).toContain(named);
      expect(sandboxState()).toBe(before);
    },
  );
});
