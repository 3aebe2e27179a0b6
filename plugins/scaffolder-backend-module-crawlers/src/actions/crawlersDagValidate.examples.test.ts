/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { actionContext, outputsOf, testDeps } from '../__testUtils__/context';
import { dagSource } from '../__testUtils__/dagSource';
import { createCrawlersDagValidateAction } from './crawlersDagValidate';
import { examples } from './crawlersDagValidate.examples';

const workspace = createMockDirectory();

describe('crawlers:dag:validate examples', () => {
  beforeAll(() => {
    workspace.setContent({
      'dag/news_crawler.py': dagSource(),
      'dag/price_crawler.py': dagSource([
        ['news_crawler', 'price_crawler'],
        ['news-crawler', 'price-crawler'],
        ['crawler-news', 'crawler-price'],
        ['"250m"', '"1"'],
        ['"512Mi"', '"2Gi"'],
        [
          'on_finish_action="delete_pod"',
          'on_finish_action="delete_succeeded_pod"',
        ],
      ]),
    });
  });

  it.each(examples.map((e, i) => [i, e.description] as const))(
    'should run example %i: %s',
    async index => {
      const step = yaml.parse(examples[index].example).steps[0];
      expect(step.action).toBe('crawlers:dag:validate');
      const ctx = actionContext({
        input: step.input,
        workspacePath: workspace.path,
      });
      await createCrawlersDagValidateAction(testDeps()).handler(ctx);
      expect(outputsOf(ctx)).toMatchObject({
        dagId: step.input.dagId,
        compiled: true,
        warnings: [],
      });
    },
  );
});
