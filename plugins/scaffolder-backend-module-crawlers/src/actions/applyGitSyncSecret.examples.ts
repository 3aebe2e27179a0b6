/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `kubernetes:git-sync-secret:apply`, run as tests in applyGitSyncSecret.test.ts. */
export const examples: TemplateExample[] = [
  {
    description:
      'The git-sync credentials Secret "git-credentials" in Airflow’s namespace, password from the template secrets.',
    example: yaml.stringify({
      steps: [
        {
          id: 'gitSyncSecret',
          action: 'kubernetes:git-sync-secret:apply',
          name: 'git-sync credentials',
          input: {
            entityRef: 'resource:default/airflow-dags',
            username: '${{ parameters.gitUsername }}',
            password: '${{ secrets.gitPassword }}',
          },
        },
      ],
    }),
  },
  {
    description: 'A named cluster, namespace and Secret name.',
    example: yaml.stringify({
      steps: [
        {
          id: 'gitSyncSecret',
          action: 'kubernetes:git-sync-secret:apply',
          name: 'git-sync credentials',
          input: {
            entityRef: 'resource:default/airflow-dags',
            cluster: 'crawlers',
            namespace: 'airflow3',
            secretName: 'airflow-dags-git',
            username: 'git-sync-at-000000000000',
            password: '${{ secrets.gitPassword }}',
          },
        },
      ],
    }),
  },
];
