/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_KUBERNETES_VERSION } from '../../constants';
import { KUBE_RESOURCES, KubeResource } from '../types';

/** The API groups served besides the core group, with their resources. */
export const GROUPS: Record<
  string,
  { version: string; resources: KubeResource[] }
> = {
  'rbac.authorization.k8s.io': {
    version: 'v1',
    resources: ['roles', 'rolebindings'],
  },
};

function resourceList(groupVersion: string, resources: KubeResource[]) {
  const entries: Array<Record<string, unknown>> = [];
  for (const r of resources) {
    const info = KUBE_RESOURCES[r];
    entries.push({
      name: r,
      singularName: info.kind.toLowerCase(),
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
      ...(info.shortNames ? { shortNames: info.shortNames } : {}),
    });
    if (r === 'pods') {
      entries.push({
        name: 'pods/log',
        singularName: '',
        namespaced: true,
        kind: 'Pod',
        verbs: ['get'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: entries,
  };
}

function version() {
  const [major, minor] = SANDBOX_KUBERNETES_VERSION.split('.');
  return {
    major,
    minor: `${minor}+`,
    gitVersion: `v${SANDBOX_KUBERNETES_VERSION}.0-eks-sandbox`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.22.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function groupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [
      ...Object.entries(GROUPS).map(([name, g]) => [name, g.version]),
      ['authorization.k8s.io', 'v1'],
    ].map(([name, v]) => ({
      name,
      versions: [{ groupVersion: `${name}/${v}`, version: v }],
      preferredVersion: { groupVersion: `${name}/${v}`, version: v },
    })),
  };
}

const AUTHORIZATION_RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authorization.k8s.io/v1',
  resources: [
    {
      name: 'selfsubjectaccessreviews',
      singularName: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    },
  ],
};

/**
 * The discovery document of a `GET` path (`/version`, `/api`, `/apis`, each group version's resource list), or
 * undefined for other paths. `host` is the server address clients are told to use.
 */
export function discovery(pathname: string, host: string): unknown {
  switch (pathname.replace(/\/+$/, '')) {
    case '/version':
      return version();
    case '/api':
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          { clientCIDR: '0.0.0.0/0', serverAddress: host },
        ],
      };
    case '/apis':
      return groupList();
    case '/api/v1':
      return resourceList('v1', [
        'namespaces',
        'serviceaccounts',
        'secrets',
        'configmaps',
        'pods',
        'events',
        'nodes',
      ]);
    case '/apis/rbac.authorization.k8s.io/v1':
      return resourceList('rbac.authorization.k8s.io/v1', [
        'roles',
        'rolebindings',
      ]);
    case '/apis/authorization.k8s.io/v1':
      return AUTHORIZATION_RESOURCES;
    default:
      return undefined;
  }
}
