/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `crawlers:ownership:check`, shown at /create/actions and run as tests. */
export const examples: TemplateExample[] = [
  {
    description:
      'Before creating anything, check that the crawler’s ECR repository and namespace are free or already its own.',
    example: yaml.stringify({
      steps: [
        {
          id: 'preflight',
          action: 'crawlers:ownership:check',
          name: 'Check that nothing belongs to another entity',
          input: {
            entityRef: 'component:default/news-crawler',
            steps: [
              {
                action: 'aws:ecr:repository:create',
                input: {
                  repositoryName: 'news-crawler',
                  entityRef: 'component:default/news-crawler',
                },
              },
              {
                action: 'kubernetes:crawler-namespace:apply',
                input: {
                  namespace: 'crawler-news',
                  entityRef: 'component:default/news-crawler',
                  serviceAccountName: 'news-crawler',
                },
              },
            ],
          },
        },
      ],
    }),
  },
];
