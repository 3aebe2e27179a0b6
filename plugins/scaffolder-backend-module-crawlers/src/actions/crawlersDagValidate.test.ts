/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { actionContext, outputsOf, testDeps } from '../__testUtils__/context';
import { dagSource, FORM } from '../__testUtils__/dagSource';
import { createCrawlersDagValidateAction } from './crawlersDagValidate';

const workspace = createMockDirectory();

function run(
  source: string,
  input: Record<string, unknown> = {},
  options: { python?: string; dryRun?: boolean } = {},
) {
  workspace.setContent({ 'dag/news_crawler.py': source });
  const action = createCrawlersDagValidateAction(
    testDeps({
      crawlers: {
        scaffolder: {
          dagValidation: { python: options.python ?? 'python3' },
        },
      },
    }),
  );
  const ctx = actionContext({
    input: { path: 'dag/news_crawler.py', ...FORM, ...input } as any,
    workspacePath: workspace.path,
    dryRun: options.dryRun,
  });
  return { ctx, done: action.handler(ctx) };
}

async function failure(
  source: string,
  input: Record<string, unknown> = {},
): Promise<Error> {
  const { done } = run(source, input);
  return done.then(
    () => new Error('expected the validation to fail'),
    e => e,
  );
}

describe('crawlers:dag:validate', () => {
  it('should accept a DAG that matches the form, compiled by python3', async () => {
    const { ctx, done } = run(dagSource());
    await done;
    expect(outputsOf(ctx)).toEqual({
      dagId: 'news_crawler',
      compiled: true,
      warnings: [],
      capacityProvisioned: '0.25vCPU 1GB',
    });
  });

  it('should say in a warning output that the file was not compiled when python3 is missing', async () => {
    const { ctx, done } = run(
      dagSource(),
      {},
      { python: 'python3-not-installed-here' },
    );
    await done;
    expect(outputsOf(ctx).compiled).toBe(false);
    expect(outputsOf(ctx).warnings).toEqual([
      expect.stringMatching(
        /python3-not-installed-here was not found .*was NOT compiled; only the static checks ran/,
      ),
    ]);
  });

  it('should fail on a file that does not compile, with the compiler’s message', async () => {
    const error = await failure(
      dagSource([['get_logs=True,\n    )', 'get_logs=True,\n    ']]),
    );
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /dag\/news_crawler\.py does not compile:[\s\S]*news_crawler\.py/,
    );
  });

  it('should refuse a DAG whose tags carry another entity’s claim tag', async () => {
    const error = await failure(
      dagSource([
        [
          'backstage:component:default/news-crawler',
          'backstage:component:default/price-crawler',
        ],
      ]),
    );
    expect(error.message).toMatch(
      /tags lack the claim tag "backstage:component:default\/news-crawler" \(they are \["crawler","backstage:component:default\/price-crawler"\]\)/,
    );
  });

  it('should list every field that differs from the form', async () => {
    const error = await failure(
      dagSource([
        ['NAMESPACE = "crawler-news"', 'NAMESPACE = "crawler-other"'],
        [
          'service_account_name="news-crawler"',
          'service_account_name="default"',
        ],
        ['"app.kubernetes.io/name": "news-crawler", ', ''],
        ['on_finish_action="delete_pod"', 'on_finish_action="keep_pod"'],
        [':latest"', ':v2"'],
      ]),
    );
    expect(error.name).toBe('InputError');
    const lines = error.message.split('\n').slice(1);
    expect(lines).toEqual([
      '- KubernetesPodOperator task "crawl" (line 18): namespace is "crawler-other" (line 21), the form says "crawler-news"',
      '- KubernetesPodOperator task "crawl" (line 18): image is "000000000000.dkr.ecr.eu-west-1.amazonaws.com/news-crawler:v2" (line 22), the form says "000000000000.dkr.ecr.eu-west-1.amazonaws.com/news-crawler:latest"',
      '- KubernetesPodOperator task "crawl" (line 18): service_account_name is "default" (line 23), the form says "news-crawler"',
      '- KubernetesPodOperator task "crawl" (line 18): on_finish_action is "keep_pod" (line 30), the form says "delete_pod"',
      '- KubernetesPodOperator task "crawl" (line 18): label app.kubernetes.io/name is missing, the form says "news-crawler"',
    ]);
  });

  it('should fail when dag_id differs, naming the DAGs the file defines', async () => {
    const error = await failure(
      dagSource([['dag_id="news_crawler"', 'dag_id="news"']]),
    );
    expect(error.message).toMatch(
      /No DAG has dag_id "news_crawler"; the file defines "news"/,
    );
  });

  it('should require requests equal to limits on a Fargate size', async () => {
    const error = await failure(
      dagSource([
        [
          'limits={"cpu": "250m", "memory": "512Mi"}',
          'limits={"cpu": "500m", "memory": "512Mi"}',
        ],
      ]),
    );
    expect(error.message).toMatch(
      /container_resources\.limits is 0\.5 vCPU \/ 0\.5 GiB, the form says 0\.25 vCPU \/ 0\.5 GiB/,
    );
    expect(error.message).toMatch(
      /requests and limits differ; Fargate needs them equal/,
    );
  });

  it('should require container_resources', async () => {
    const error = await failure(
      dagSource([
        [
          `container_resources=k8s.V1ResourceRequirements(
            requests={"cpu": "250m", "memory": "512Mi"},
            limits={"cpu": "250m", "memory": "512Mi"},
        ),`,
          '',
        ],
      ]),
    );
    expect(error.message).toMatch(
      /container_resources is missing; set k8s\.V1ResourceRequirements/,
    );
  });

  it('should reject the removed kubernetes_pod module', async () => {
    const error = await failure(
      dagSource([['operators.pod import', 'operators.kubernetes_pod import']]),
    );
    expect(error.message).toMatch(
      /imported from operators\.kubernetes_pod, which the provider removed/,
    );
  });

  it('should warn about get_logs, is_delete_operator_pod and keep_pod without failing', async () => {
    const { ctx, done } = run(
      dagSource([
        ['get_logs=True', 'get_logs=False, is_delete_operator_pod=True'],
        ['on_finish_action="delete_pod"', 'on_finish_action="keep_pod"'],
      ]),
      { onFinishAction: 'keep_pod' },
    );
    await done;
    expect(outputsOf(ctx).warnings).toEqual([
      expect.stringMatching(/is_delete_operator_pod is ignored/),
      expect.stringMatching(/get_logs is not True/),
      expect.stringMatching(
        /keep_pod" keeps finished pods, and Fargate bills them/,
      ),
    ]);
  });

  it('should validate in a dry run without writing anything to the workspace', async () => {
    const { ctx, done } = run(dagSource(), {}, { dryRun: true });
    await done;
    expect(outputsOf(ctx).compiled).toBe(true);
    expect(fs.readdirSync(workspace.resolve('dag'))).toEqual([
      'news_crawler.py',
    ]);
    expect(fs.readdirSync(workspace.path)).toEqual(['dag']);
  });

  it.each([
    [
      { cpu: '250m', memory: '4Gi' },
      /is not a Fargate size; with 0\.25 vCPU Fargate allows 0\.5, 1, 2 GB/,
    ],
    [{ cpu: '3' }, /Fargate vCPU values are 0\.25, 0\.5, 1, 2, 4, 8, 16/],
    [{ memory: 'lots' }, /memory "lots" is not a Kubernetes memory quantity/],
    [
      { cpu: '16', memory: '120Gi' },
      /leaves no room for the 256 MB Fargate adds/,
    ],
    [
      { path: '../etc/passwd' },
      /path "..\/etc\/passwd" points outside the workspace/,
    ],
    [
      { path: 'dag/missing.py' },
      /path "dag\/missing\.py" is not a file in the workspace/,
    ],
    [{ entityRef: 'not a ref:' }, /is not an entity ref/],
  ])(
    'should reject bad input %j with an InputError saying what to fix',
    async (input, message) => {
      const error = await failure(dagSource(), input);
      expect(error.name).toBe('InputError');
      expect(error.message).toMatch(message);
    },
  );

  it('should pass on a rerun once the file is fixed after a failed validation', async () => {
    const broken = await failure(
      dagSource([['dag_id="news_crawler"', 'dag_id="news"']]),
    );
    expect(broken.name).toBe('InputError');
    const { ctx, done } = run(dagSource());
    await done;
    expect(outputsOf(ctx).dagId).toBe('news_crawler');
  });
});
