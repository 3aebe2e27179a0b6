/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `publish:codecommit`, shown at /create/actions and run as tests. */
export const examples: TemplateExample[] = [
  {
    description:
      'Create the crawler’s repository (or adopt it when it is already this entity’s) and push the workspace to main.',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'publish:codecommit',
          name: 'Publish to CodeCommit',
          input: {
            repositoryName: 'news-crawler',
            entityRef: 'component:default/news-crawler',
            description: 'Crawls the news sites',
          },
        },
      ],
    }),
  },
  {
    description:
      'Push only the rendered skeleton folder, to a named branch and region, with a custom commit.',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'publish:codecommit',
          name: 'Publish to CodeCommit',
          input: {
            repositoryName: 'price-crawler',
            entityRef: 'component:default/price-crawler',
            sourcePath: 'crawler',
            defaultBranch: 'main',
            region: 'eu-west-1',
            gitCommitMessage: 'Scaffold price-crawler',
            gitAuthorName: 'Crawler Platform',
            gitAuthorEmail: 'crawler-platform@example.com',
          },
        },
      ],
    }),
  },
];
