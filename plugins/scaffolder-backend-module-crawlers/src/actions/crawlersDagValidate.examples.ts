/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `crawlers:dag:validate`, shown at /create/actions and run as tests. */
export const examples: TemplateExample[] = [
  {
    description:
      'Check the rendered DAG of a new crawler against the form before anything is published.',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'crawlers:dag:validate',
          name: 'Validate the DAG',
          input: {
            path: 'dag/news_crawler.py',
            entityRef: 'component:default/news-crawler',
            dagId: 'news_crawler',
            namespace: 'crawler-news',
            image:
              '000000000000.dkr.ecr.eu-west-1.amazonaws.com/news-crawler:latest',
            serviceAccountName: 'news-crawler',
            labels: { 'app.kubernetes.io/name': 'news-crawler' },
            onFinishAction: 'delete_pod',
            cpu: '250m',
            memory: '512Mi',
          },
        },
      ],
    }),
  },
  {
    description:
      'A larger crawler on 1 vCPU / 2 GiB that keeps only failed pods for inspection.',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'crawlers:dag:validate',
          name: 'Validate the DAG',
          input: {
            path: 'dag/price_crawler.py',
            entityRef: 'component:default/price-crawler',
            dagId: 'price_crawler',
            namespace: 'crawler-price',
            image:
              '000000000000.dkr.ecr.eu-west-1.amazonaws.com/price-crawler:latest',
            serviceAccountName: 'price-crawler',
            onFinishAction: 'delete_succeeded_pod',
            cpu: '1',
            memory: '2Gi',
          },
        },
      ],
    }),
  },
];
