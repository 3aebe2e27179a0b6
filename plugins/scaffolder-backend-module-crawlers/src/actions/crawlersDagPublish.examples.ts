/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `crawlers:dag:publish`, shown at /create/actions and run as tests. */
export const examples: TemplateExample[] = [
  {
    description:
      'Publish the rendered DAG into the DAG repository of the Airflow instance airflow2 (its repository, branch and subPath come from crawlers.airflow.instances).',
    example: yaml.stringify({
      steps: [
        {
          id: 'dag',
          action: 'crawlers:dag:publish',
          name: 'Publish the DAG',
          input: {
            sourcePath: 'dag/news_crawler.py',
            entityRef: 'component:default/news-crawler',
            airflowInstance: 'airflow2',
          },
        },
      ],
    }),
  },
  {
    description:
      'Publish into a named repository, branch and folder, under another file name and with a custom commit.',
    example: yaml.stringify({
      steps: [
        {
          id: 'dag',
          action: 'crawlers:dag:publish',
          name: 'Publish the DAG',
          input: {
            sourcePath: 'dag/dag.py',
            entityRef: 'component:default/price-crawler',
            fileName: 'price_crawler.py',
            repositoryName: 'airflow-dags',
            branch: 'main',
            subPath: 'airflow3',
            commitMessage: 'Add the price crawler DAG',
            authorName: 'Crawler Platform',
            authorEmail: 'crawler-platform@example.com',
          },
        },
      ],
    }),
  },
];
