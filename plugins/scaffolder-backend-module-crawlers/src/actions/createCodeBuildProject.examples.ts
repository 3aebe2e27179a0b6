/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:codebuild:project:create`, shown at /create/actions and run as tests. */
export const examples: TemplateExample[] = [
  {
    description:
      'Build the crawler’s image into ECR on every push to main, with the platform’s build and events roles.',
    example: yaml.stringify({
      steps: [
        {
          id: 'codebuild',
          action: 'aws:codebuild:project:create',
          name: 'Create the image build',
          input: {
            repositoryName: 'news-crawler',
            entityRef: 'component:default/news-crawler',
            serviceRoleArn: 'arn:aws:iam::123456789012:role/crawlers-codebuild',
            eventsRoleArn:
              'arn:aws:iam::123456789012:role/crawlers-codebuild-events',
          },
        },
      ],
    }),
  },
  {
    description:
      'A differently named project and ECR repository, a release branch, a larger build host and an extra variable.',
    example: yaml.stringify({
      steps: [
        {
          id: 'codebuild',
          action: 'aws:codebuild:project:create',
          name: 'Create the image build',
          input: {
            repositoryName: 'price-crawler',
            entityRef: 'component:default/price-crawler',
            projectName: 'price-crawler-image',
            imageRepositoryName: 'crawlers/price-crawler',
            branch: 'release',
            computeType: 'BUILD_GENERAL1_MEDIUM',
            environmentVariables: { PYTHON_VERSION: '3.12' },
            serviceRoleArn: 'arn:aws:iam::123456789012:role/crawlers-codebuild',
            eventsRoleArn:
              'arn:aws:iam::123456789012:role/crawlers-codebuild-events',
            region: 'eu-west-1',
          },
        },
      ],
    }),
  },
];
