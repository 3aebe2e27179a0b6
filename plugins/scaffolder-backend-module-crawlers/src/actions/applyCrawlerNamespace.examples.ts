/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `kubernetes:crawler-namespace:apply`, shown at /create/actions and run as tests. */
export const examples: TemplateExample[] = [
  {
    description:
      'The crawler’s namespace with its IRSA service account and the RBAC Airflow’s worker needs, on the only cluster.',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'kubernetes:crawler-namespace:apply',
          name: 'Namespace and RBAC',
          input: {
            namespace: 'crawler-news-crawler',
            entityRef: 'component:default/news-crawler',
            roleArn: 'arn:aws:iam::123456789012:role/news-crawler-irsa',
          },
        },
      ],
    }),
  },
  {
    description:
      'A named cluster, another Airflow worker account and a pull secret for a non-ECR registry (password from the template secrets).',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'kubernetes:crawler-namespace:apply',
          name: 'Namespace and RBAC',
          input: {
            cluster: 'crawlers',
            namespace: 'crawler-price-crawler',
            entityRef: 'component:default/price-crawler',
            serviceAccountName: 'price-crawler',
            airflowServiceAccount:
              'system:serviceaccount:airflow3:airflow-worker',
            labels: { crawler: 'price-crawler' },
            imagePullSecret: {
              name: 'ghcr-credentials',
              registry: 'ghcr.io',
              username: 'crawler-bot',
              password: '${{ secrets.registryToken }}',
            },
          },
        },
      ],
    }),
  },
];
