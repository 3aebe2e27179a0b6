/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import yaml from 'yaml';
import { actionContext, outputsOf, testDeps } from '../__testUtils__/context';
import { dagSource } from '../__testUtils__/dagSource';
import { FakeCodeCommit } from '../__testUtils__/fakeCodeCommit';
import { createCrawlersDagPublishAction } from './crawlersDagPublish';
import { examples } from './crawlersDagPublish.examples';

const cc = mockClient(CodeCommitClient);
const workspace = createMockDirectory();

describe('crawlers:dag:publish examples', () => {
  let repo: FakeCodeCommit;
  beforeEach(() => {
    cc.reset();
    workspace.setContent({
      'dag/news_crawler.py': dagSource(),
      'dag/dag.py': dagSource([['news-crawler', 'price-crawler']]),
    });
    repo = new FakeCodeCommit('airflow-dags');
    repo.commit('main', { 'README.md': '# dags\n' });
    repo.install(cc);
  });

  it.each(examples.map((e, i) => [i, e.description] as const))(
    'should run example %i: %s',
    async index => {
      const step = yaml.parse(examples[index].example).steps[0];
      expect(step.action).toBe('crawlers:dag:publish');
      const action = createCrawlersDagPublishAction(
        testDeps({
          crawlers: {
            aws: { region: 'eu-west-1' },
            airflow: {
              instances: [
                {
                  name: 'airflow2',
                  baseUrl: 'http://127.0.0.1:7181',
                  dagRepository: {
                    repositoryName: 'airflow-dags',
                    subPath: 'airflow2',
                  },
                },
              ],
            },
          },
        }),
      );
      const ctx = actionContext({
        input: step.input,
        workspacePath: workspace.path,
      });

      await action.handler(ctx);

      const { filePath } = outputsOf(ctx) as { filePath: string };
      expect(repo.file('main', filePath)).toContain(
        `backstage:${step.input.entityRef}`,
      );
      expect(outputsOf(ctx)).toMatchObject({
        changed: true,
        commitId: repo.branches.get('main'),
      });
    },
  );
});
