/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { ENTITY_TAG_KEY } from '../lib/ownership';

/** What the crawler's namespace is made of. */
export type CrawlerNamespaceSpec = {
  namespace: string;
  entityRef: string;
  /** Labels of the Namespace object (identification; Fargate selectors match the namespace name and pod labels). */
  labels: Record<string, string>;
  serviceAccountName: string;
  /** IRSA role of the crawler pods' service account. */
  roleArn?: string;
  /** Airflow's worker service account, which runs the KubernetesPodOperator. */
  airflowServiceAccount: { namespace: string; name: string };
  roleName: string;
  /** A pull secret for a registry other than ECR (Fargate pulls ECR images with the pod execution role). */
  pullSecret?: {
    name: string;
    registry: string;
    username: string;
    password: string;
  };
};

/** The field manager of every apply (shown in `managedFields`). */
export const FIELD_MANAGER = 'backstage-scaffolder-crawlers';

/**
 * The Role the KubernetesPodOperator needs in the crawler's namespace (domain-facts §4, §8): run and clean up pods
 * (create/get/list/watch/patch/delete; `patch` for `already_checked`), read their logs (`pods/log` get) and, from
 * provider 10.6, list/watch events.
 */
export const POD_RUNNER_RULES = [
  {
    apiGroups: [''],
    resources: ['pods'],
    verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list', 'watch'] },
];

/** `.dockerconfigjson` of a registry login. */
function dockerConfigJson(s: NonNullable<CrawlerNamespaceSpec['pullSecret']>) {
  const auth = Buffer.from(`${s.username}:${s.password}`).toString('base64');
  return Buffer.from(
    JSON.stringify({
      auths: {
        [s.registry]: { username: s.username, password: s.password, auth },
      },
    }),
  ).toString('base64');
}

/** The manifests, in apply order: Namespace, pull Secret (optional), ServiceAccount, Role, RoleBinding. */
export function crawlerNamespaceManifests(
  spec: CrawlerNamespaceSpec,
): KubernetesObject[] {
  const ns = spec.namespace;
  const saAnnotations: Record<string, string> = spec.roleArn
    ? {
        'eks.amazonaws.com/role-arn': spec.roleArn,
        'eks.amazonaws.com/sts-regional-endpoints': 'true',
      }
    : {};
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: spec.labels,
        annotations: { [ENTITY_TAG_KEY]: spec.entityRef },
      },
    },
    ...(spec.pullSecret
      ? [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            type: 'kubernetes.io/dockerconfigjson',
            metadata: { name: spec.pullSecret.name, namespace: ns },
            data: { '.dockerconfigjson': dockerConfigJson(spec.pullSecret) },
          } as KubernetesObject,
        ]
      : []),
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: spec.serviceAccountName,
        namespace: ns,
        ...(spec.roleArn ? { annotations: saAnnotations } : {}),
      },
      ...(spec.pullSecret
        ? { imagePullSecrets: [{ name: spec.pullSecret.name }] }
        : {}),
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: spec.roleName, namespace: ns },
      rules: POD_RUNNER_RULES,
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: spec.roleName, namespace: ns },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: spec.airflowServiceAccount.name,
          namespace: spec.airflowServiceAccount.namespace,
        },
      ],
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: spec.roleName,
      },
    } as KubernetesObject,
  ];
}
