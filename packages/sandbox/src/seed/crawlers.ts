/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { SeedCrawler } from '../seedContent';
import { SeedClients } from './clients';
import { seedCrawlerAws, SharedAws } from './aws';

/** The Role letting Airflow's worker run (and, if granted, read the logs of) pods in the crawler's namespace. */
function createPodRunnerRole(
  rbac: RbacAuthorizationV1Api,
  crawler: SeedCrawler,
) {
  return rbac.createNamespacedRole({
    namespace: crawler.namespace,
    body: {
      metadata: { name: 'airflow-pod-runner' },
      rules: [
        {
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['create', 'get', 'list', 'watch', 'delete', 'patch'],
        },
        ...(crawler.podsLogRule
          ? [
              {
                apiGroups: [''],
                resources: ['pods/log'],
                verbs: ['get', 'list'],
              },
            ]
          : []),
        { apiGroups: [''], resources: ['events'], verbs: ['list'] },
      ],
    },
  });
}

/** Binds the pod-runner Role to Airflow's worker service account in namespace `airflow`. */
function createPodRunnerBinding(
  rbac: RbacAuthorizationV1Api,
  crawler: SeedCrawler,
) {
  return rbac.createNamespacedRoleBinding({
    namespace: crawler.namespace,
    body: {
      metadata: { name: 'airflow-pod-runner' },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: 'airflow-worker',
          namespace: 'airflow',
        },
      ],
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'airflow-pod-runner',
      },
    },
  });
}

/**
 * A crawler's Kubernetes side: namespace, IRSA service account (once its role exists), Role for Airflow's worker
 * and its binding.
 */
export async function seedCrawlerNamespace(
  clients: SeedClients,
  crawler: SeedCrawler,
  roleArn: Promise<string>,
): Promise<void> {
  const { core, rbac } = clients;
  await core.createNamespace({
    body: {
      metadata: {
        name: crawler.namespace,
        labels: {
          'app.kubernetes.io/part-of': 'crawler-platform',
          crawler: crawler.name,
        },
        // The namespace confirms which catalog entity may see its pods (the new-crawler template sets it too).
        annotations: {
          'crawler-platform.io/entity': `component:default/${crawler.name}`,
        },
      },
    },
  });
  await Promise.all([
    roleArn.then(arn =>
      core.createNamespacedServiceAccount({
        namespace: crawler.namespace,
        body: {
          metadata: {
            name: crawler.serviceAccount,
            annotations: { 'eks.amazonaws.com/role-arn': arn },
          },
        },
      }),
    ),
    createPodRunnerRole(rbac, crawler),
    createPodRunnerBinding(rbac, crawler),
  ]);
}

/** Seeds one crawler: its AWS resources and, concurrently, its namespace with RBAC. */
export async function seedCrawler(
  clients: SeedClients,
  crawler: SeedCrawler,
  shared: SharedAws,
): Promise<void> {
  const roleArn = seedCrawlerAws(clients, crawler, shared);
  await seedCrawlerNamespace(clients, crawler, roleArn);
}
