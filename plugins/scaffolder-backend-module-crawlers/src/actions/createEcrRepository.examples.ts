/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:ecr:repository:create`, shown at /create/actions and run as tests. */
export const examples: TemplateExample[] = [
  {
    description:
      'Create the crawler’s image repository with the defaults: scan on push, immutable tags except "latest".',
    example: yaml.stringify({
      steps: [
        {
          id: 'ecr',
          action: 'aws:ecr:repository:create',
          name: 'Create the ECR repository',
          input: {
            repositoryName: 'news-crawler',
            entityRef: 'component:default/news-crawler',
          },
        },
      ],
    }),
  },
  {
    description:
      'Fully immutable tags (the DAG names each image by its commit) and a lifecycle policy keeping the last 30 images.',
    example: yaml.stringify({
      steps: [
        {
          id: 'ecr',
          action: 'aws:ecr:repository:create',
          name: 'Create the ECR repository',
          input: {
            repositoryName: 'crawlers/price-crawler',
            entityRef: 'component:default/price-crawler',
            region: 'eu-west-1',
            mutableTags: [],
            lifecyclePolicy: {
              rules: [
                {
                  rulePriority: 1,
                  description: 'Keep the last 30 images',
                  selection: {
                    tagStatus: 'any',
                    countType: 'imageCountMoreThan',
                    countNumber: 30,
                  },
                  action: { type: 'expire' },
                },
              ],
            },
          },
        },
      ],
    }),
  },
];
