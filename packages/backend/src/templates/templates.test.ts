/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The software templates in templates/: each template.yaml is a valid Template entity (the catalog's scaffolder
// entity model, i.e. @backstage/plugin-scaffolder-common's templateEntityV1beta3 JSON schema), and the new-crawler
// skeleton, rendered by the real fetch:template action, gives a DAG that compiles and passes
// crawlers:dag:validate, a crawler whose own unit tests pass, a valid catalog-info.yaml and a buildspec that pushes
// <sha> and latest. The template expressions themselves are rendered by the scaffolder in
// newCrawlerTemplate.sandbox.test.ts (dry run and real runs against the sandbox).

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  componentEntityV1alpha1Validator,
  Entity,
} from '@backstage/catalog-model';
import { ScaffolderEntitiesProcessor } from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import {
  createCrawlersDagValidateAction,
  createCrawlersScaffolderDeps,
  FARGATE_SIZES,
} from '@crawler-platform/plugin-scaffolder-backend-module-crawlers';

const repoRoot = path.resolve(__dirname, '../../../..');
const templatesDir = path.join(repoRoot, 'templates');
/** fetch:template reads a file: skeleton without an SCM integration. */
const noIntegrations = { byUrl: () => undefined } as any;
const hasPython = spawnSync('python3', ['--version']).status === 0;

const readTemplate = (name: string): Entity =>
  parse(
    fs.readFileSync(path.join(templatesDir, name, 'template.yaml'), 'utf8'),
  );

/** The values the new-crawler template passes to fetch:template, for its defaults and the three required inputs. */
function newCrawlerValues(name: string, extra: Record<string, unknown> = {}) {
  const dagId = name.replace(/-/g, '_');
  return {
    name,
    owner: 'group:default/crawler-team',
    description: 'A web crawler of the Crawler Platform.',
    targetUrls: ['https://news.example.com/', 'https://news.example.com/world'],
    schedule: '@daily',
    airflowInstance: 'airflow2',
    dagId,
    dagFileName: `${dagId}.py`,
    dagFilePath: `airflow2/${dagId}.py`,
    dagRepositoryName: 'airflow-dags',
    airflowDagUrl: `http://127.0.0.1:7181/dags/${dagId}/grid`,
    namespace: `crawler-${name}`,
    serviceAccountName: name,
    image: `000000000000.dkr.ecr.eu-west-1.amazonaws.com/${name}:latest`,
    imageRepositoryName: name,
    clusterName: 'crawlers-sandbox',
    branch: 'main',
    cpu: '250m',
    memory: '512Mi',
    onFinishAction: 'delete_pod',
    claimTag: `backstage:component:default/${name}`,
    ...extra,
  };
}

function context(workspacePath: string, input: any, templateDir: string) {
  const outputs: Record<string, unknown> = {};
  return {
    outputs,
    ctx: {
      input,
      workspacePath,
      logger: mockServices.logger.mock(),
      output: (k: string, v: unknown) => {
        outputs[k] = v;
      },
      templateInfo: {
        entityRef: 'template:default/new-crawler',
        baseUrl: `file://${templateDir}/template.yaml`,
      },
      createTemporaryDirectory: async () =>
        fs.mkdtempSync(path.join(os.tmpdir(), 'template-test-tmp-')),
      checkpoint: async (o: { fn: () => any }) => o.fn(),
      getInitiatorCredentials: async () => ({}),
      isDryRun: false,
      each: undefined,
    } as any,
  };
}

async function renderNewCrawler(values: Record<string, unknown>) {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'new-crawler-'));
  const action = createFetchTemplateAction({
    reader: mockServices.urlReader.mock(),
    integrations: noIntegrations,
  });
  const { ctx } = context(
    workspace,
    { url: './skeleton', values },
    path.join(templatesDir, 'new-crawler'),
  );
  await action.handler(ctx);
  return workspace;
}

describe('the software templates', () => {
  const processor = new ScaffolderEntitiesProcessor();

  it.each(['new-crawler', 'airflow-dag-repository'])(
    'should validate templates/%s/template.yaml against the Template v1beta3 schema',
    async name => {
      const entity = readTemplate(name);
      await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
      expect(entity.metadata.name).toBe(name);
    },
  );

  it('should reject a template.yaml that breaks the schema (the check can fail)', async () => {
    const entity = readTemplate('new-crawler') as any;
    delete entity.spec.steps[0].action;
    await expect(processor.validateEntityKind(entity)).rejects.toThrow();
  });

  it('should require only name, owner and targetUrls in new-crawler and default everything else', () => {
    const spec = readTemplate('new-crawler').spec as any;
    const required = spec.parameters.flatMap((p: any) => p.required ?? []);
    expect(required.sort()).toEqual(['name', 'owner', 'targetUrls']);
    const withoutDefault = spec.parameters
      .flatMap((page: any) => Object.entries<any>(page.properties))
      .filter(
        ([key, prop]: [string, any]) =>
          !required.includes(key) && prop.default === undefined,
      )
      .map(([key]: [string, any]) => key);
    expect(withoutDefault).toEqual([]);
    const name = spec.parameters[0].properties.name;
    expect(name.maxLength).toBe(40);
    const dns = new RegExp(name.pattern);
    expect(['news', 'a1-b2', 'x'].every(n => dns.test(n))).toBe(true);
    expect(['-a', 'A', 'a_b', 'a-'].some(n => dns.test(n))).toBe(false);
    expect(spec.parameters[0].properties.owner['ui:field']).toBe('OwnerPicker');
    expect(spec.steps.map((s: any) => s.action)).toEqual([
      'fetch:template',
      'crawlers:dag:validate',
      // Dry-runs every writing step below first: another entity's resource fails before anything is written.
      'crawlers:ownership:check',
      'aws:ecr:repository:create',
      'aws:codebuild:project:create',
      'publish:codecommit',
      'crawlers:dag:publish',
      'kubernetes:crawler-namespace:apply',
      'aws:eks:fargate-profile:create',
      // Registered already (a rerun)? Then catalog:register is skipped.
      'catalog:fetch',
      'catalog:register',
    ]);
    // The ownership check covers every writing step, with the very input each gets.
    const preflight = spec.steps.find((s: any) => s.id === 'preflight');
    const writers = spec.steps.filter((s: any) =>
      ['ecr', 'codebuild', 'publish', 'dag', 'namespace', 'fargate'].includes(
        s.id,
      ),
    );
    expect(preflight.input.steps).toEqual(
      writers.map((s: any) => ({ action: s.action, input: s.input })),
    );
    const register = spec.steps.find((s: any) => s.id === 'register');
    expect(register.if).toBe('${{ not steps.existing.output.entity }}');
    expect(spec.output.links.map((l: any) => l.title)).toEqual([
      'Repository',
      'Open in catalog',
      'Airflow DAG',
    ]);
  });

  it('should offer only valid Fargate vCPU/memory pairs as sizes', () => {
    const spec = readTemplate('new-crawler').spec as any;
    const size = spec.parameters[1].properties.fargateSize;
    expect(size.enum).toContain(size.default);
    expect(size.enumNames).toHaveLength(size.enum.length);
    for (const value of size.enum as string[]) {
      const [cpu, memory] = value.split('/');
      const vcpu = cpu.endsWith('m')
        ? Number(cpu.slice(0, -1)) / 1000
        : Number(cpu);
      const gib = memory.endsWith('Mi')
        ? Number(memory.slice(0, -2)) / 1024
        : Number(memory.slice(0, -2));
      const row = FARGATE_SIZES.find(s => s.vcpu === vcpu);
      expect([value, row?.memoryGb.includes(gib)]).toEqual([value, true]);
    }
  });

  it('should render a DAG that passes crawlers:dag:validate (compiled when python3 exists)', async () => {
    const values = newCrawlerValues('news-crawler');
    const workspace = await renderNewCrawler(values);
    expect(fs.existsSync(path.join(workspace, 'dag/news_crawler.py'))).toBe(
      true,
    );
    const validate = createCrawlersDagValidateAction(
      createCrawlersScaffolderDeps({
        config: new ConfigReader({}),
        logger: mockServices.logger.mock(),
        clusters: {
          listClusterNames: () => [],
          getCluster: () => {
            throw new Error('none');
          },
        },
        credentialsManager: {
          getCredentialProvider: async () => ({
            sdkCredentialProvider: async () => ({
              accessKeyId: 'x',
              secretAccessKey: 'y',
            }),
          }),
        },
      } as any),
    );
    const { ctx, outputs } = context(
      workspace,
      {
        path: 'dag/news_crawler.py',
        entityRef: 'component:default/news-crawler',
        dagId: values.dagId,
        namespace: values.namespace,
        image: values.image,
        serviceAccountName: values.serviceAccountName,
        labels: {
          'app.kubernetes.io/name': 'news-crawler',
          crawler: 'news-crawler',
        },
        onFinishAction: 'delete_pod',
        cpu: values.cpu,
        memory: values.memory,
      },
      templatesDir,
    );
    await validate.handler(ctx);
    expect(outputs).toMatchObject({ dagId: 'news_crawler', warnings: [] });
    expect(outputs.compiled).toBe(hasPython);
    const dag = fs.readFileSync(
      path.join(workspace, 'dag/news_crawler.py'),
      'utf8',
    );
    expect(dag).toContain(
      'from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator',
    );
    expect(dag).toContain('"backstage:component:default/news-crawler"');
    expect(dag).toContain(
      'TARGET_URLS = "https://news.example.com/\\nhttps://news.example.com/world"',
    );
  });

  // python3 is part of the build environment (the skeleton's buildspec and the module's DAG check use it too).
  it('should render a DAG that python3 compiles and a crawler whose own unittest passes', async () => {
    const workspace = await renderNewCrawler(newCrawlerValues('news-crawler'));
    execFileSync('python3', [
      '-m',
      'py_compile',
      path.join(workspace, 'dag/news_crawler.py'),
    ]);
    const run = spawnSync(
      'python3',
      ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'],
      {
        cwd: path.join(workspace, 'crawler'),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect({
      status: run.status,
      out: run.stderr.split('\n').slice(-3),
    }).toMatchObject({ status: 0 });
  });

  it('should render a catalog-info.yaml with the crawler annotations and crawl-target links', async () => {
    const workspace = await renderNewCrawler(newCrawlerValues('shop'));
    const entity = parse(
      fs.readFileSync(
        path.join(workspace, 'crawler/catalog-info.yaml'),
        'utf8',
      ),
    );
    expect(entity).toMatchObject({
      kind: 'Component',
      metadata: {
        name: 'shop',
        annotations: {
          'crawler-platform.io/dag-ids': 'shop',
          'crawler-platform.io/airflow-instance': 'airflow2',
          'backstage.io/kubernetes-namespace': 'crawler-shop',
        },
      },
      spec: { type: 'crawler', owner: 'group:default/crawler-team' },
    });
    expect(
      entity.metadata.links
        .filter((l: any) => l.type === 'crawl-target')
        .map((l: any) => l.url),
    ).toEqual(['https://news.example.com/', 'https://news.example.com/world']);
    await expect(componentEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
  });

  it('should render a buildspec that tests, builds and pushes $REPOSITORY_URI:<sha> and :latest', async () => {
    const workspace = await renderNewCrawler(newCrawlerValues('shop'));
    const buildspec = parse(
      fs.readFileSync(path.join(workspace, 'crawler/buildspec.yml'), 'utf8'),
    );
    expect(buildspec.env.variables.IMAGE_REPO_NAME).toBe('shop');
    const commands = Object.values<any>(buildspec.phases)
      .flatMap(p => p.commands)
      .join('\n');
    expect(commands).toContain('docker push "$REPOSITORY_URI:$IMAGE_TAG"');
    expect(commands).toContain('docker push "$REPOSITORY_URI:latest"');
    const dockerfile = fs.readFileSync(
      path.join(workspace, 'crawler/Dockerfile'),
      'utf8',
    );
    expect(dockerfile).toMatch(/^FROM \S+:3\.\d+\.\d+-slim/m);
    expect(dockerfile).toMatch(/^USER 10001/m);
  });

  it('should render the git-sync Helm values of the DAG repository template with branch = ref and the credentials Secret', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dag-repo-'));
    const action = createFetchTemplateAction({
      reader: mockServices.urlReader.mock(),
      integrations: noIntegrations,
    });
    const { ctx } = context(
      workspace,
      {
        url: './skeleton',
        values: {
          repositoryName: 'airflow-dags',
          owner: 'group:default/crawler-team',
          branch: 'main',
          period: '60s',
          secretName: 'git-credentials',
          airflowNamespace: 'airflow',
          subPaths: ['airflow2', 'airflow3'],
          cloneUrlHttp:
            'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
        },
      },
      path.join(templatesDir, 'airflow-dag-repository'),
    );
    await action.handler(ctx);
    const docs = parseAllDocuments(
      fs.readFileSync(
        path.join(workspace, 'helm/git-sync-values.yaml'),
        'utf8',
      ),
    ).map(d => d.toJS());
    expect(docs.map(d => d.dags.gitSync.subPath)).toEqual([
      'airflow2',
      'airflow3',
    ]);
    for (const { dags } of docs) {
      expect(dags.gitSync).toMatchObject({
        enabled: true,
        repo: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
        branch: 'main',
        ref: 'main',
        period: '60s',
        credentialsSecret: 'git-credentials',
      });
    }
    expect(fs.existsSync(path.join(workspace, 'airflow2/.airflowignore'))).toBe(
      true,
    );
    const template = readTemplate('airflow-dag-repository').spec as any;
    const secretStep = template.steps.find(
      (s: any) => s.action === 'kubernetes:git-sync-secret:apply',
    );
    expect(secretStep.input.password).toBe('${{ secrets.gitPassword }}');
    expect(template.parameters[1].properties.gitPassword['ui:field']).toBe(
      'Secret',
    );
  });
});
