/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:eks:fargate-profile:create`, shown at /create/actions and run as tests. */
export const examples: TemplateExample[] = [
  {
    description:
      'Make sure the shared profile selecting every crawler-* namespace exists (created once, adopted afterwards).',
    example: yaml.stringify({
      steps: [
        {
          id: 'fargate',
          action: 'aws:eks:fargate-profile:create',
          name: 'Fargate profile',
          input: {
            clusterName: 'crawlers',
            entityRef: 'component:default/news-crawler',
            namespace: 'crawler-news-crawler',
            podExecutionRoleArn:
              'arn:aws:iam::123456789012:role/crawlers-fargate-pod-execution',
          },
        },
      ],
    }),
  },
  {
    description:
      'A profile of the crawler’s own, for its namespace and pods labelled crawler=price-crawler, on named subnets.',
    example: yaml.stringify({
      steps: [
        {
          id: 'fargate',
          action: 'aws:eks:fargate-profile:create',
          name: 'Fargate profile',
          input: {
            clusterName: 'crawlers',
            entityRef: 'component:default/price-crawler',
            namespace: 'crawler-price-crawler',
            mode: 'perCrawler',
            selectors: [
              {
                namespace: 'crawler-price-crawler',
                labels: { crawler: 'price-crawler' },
              },
            ],
            subnets: ['subnet-0private1', 'subnet-0private2'],
            podExecutionRoleArn:
              'arn:aws:iam::123456789012:role/crawlers-fargate-pod-execution',
            timeoutSeconds: 600,
          },
        },
      ],
    }),
  },
];
