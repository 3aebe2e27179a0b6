/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type {
  AirflowAuthConfig,
  AirflowDagRepositoryConfig,
  AirflowInstanceConfig,
  AirflowKubernetesConfig,
} from './types';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Defaults of the `crawlers.airflow` configuration.
 *
 * @public
 */
export const airflowConfigDefaults = {
  apiVersion: 'auto',
  timeoutMs: 10_000,
  maxConcurrentRequests: 8,
  claims: 'tag',
  dagRepository: {
    branch: 'main',
    subPath: '',
    mountPath: '/opt/airflow/dags',
  },
  kubernetes: {
    namespace: 'airflow',
    release: 'airflow',
  },
} as const;

function readKubernetes(
  config: Config,
  key: string,
): AirflowKubernetesConfig | undefined {
  const k = config.getOptionalConfig('kubernetes');
  if (!k) {
    return undefined;
  }
  const d = airflowConfigDefaults.kubernetes;
  const namespace = k.getOptionalString('namespace') ?? d.namespace;
  if (!DNS_LABEL.test(namespace)) {
    throw new InputError(
      `${key}.kubernetes.namespace "${namespace}" is not a Kubernetes namespace name`,
    );
  }
  const release = k.getOptionalString('release') ?? d.release;
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(release)) {
    throw new InputError(
      `${key}.kubernetes.release "${release}" is not a valid label value`,
    );
  }
  return { cluster: k.getString('cluster'), namespace, release };
}

const MAX_CONCURRENT_REQUESTS_LIMIT = 64;

function readAuth(config: Config, key: string): AirflowAuthConfig {
  const auth = config.getOptionalConfig('auth');
  if (!auth) {
    return { type: 'none' };
  }
  const type = auth.getString('type');
  switch (type) {
    case 'basic':
    case 'password':
      return {
        type,
        username: auth.getString('username'),
        password: auth.getString('password'),
      };
    case 'bearer':
      return { type, token: auth.getString('token') };
    default:
      throw new InputError(
        `${key}.auth.type is "${type}": use one of basic, password, bearer`,
      );
  }
}

function readBaseUrl(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      `${key} is not a URL: write it like https://airflow.example.com`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${key} must use http or https`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new InputError(
      `${key} must not carry a query, fragment or credentials: put credentials under auth`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

function cleanFolder(value: string, key: string, absolute: boolean): string {
  const folder = value.trim().replace(/\/+$/, '');
  const rest = absolute ? folder.replace(/^\//, '') : folder;
  if (
    (absolute && !folder.startsWith('/')) ||
    (!absolute && folder.startsWith('/')) ||
    rest.split('/').some(s => s === '..' || s === '.')
  ) {
    throw new InputError(
      `${key} is "${value}": use ${
        absolute ? 'an absolute' : 'a relative'
      } folder path without "." or ".." segments`,
    );
  }
  return folder;
}

function readDagRepository(
  config: Config,
  key: string,
): AirflowDagRepositoryConfig | undefined {
  const repo = config.getOptionalConfig('dagRepository');
  if (!repo) {
    return undefined;
  }
  const type = repo.getOptionalString('type') ?? 'codecommit';
  if (type !== 'codecommit') {
    throw new InputError(
      `${key}.dagRepository.type is "${type}": only codecommit is supported`,
    );
  }
  const repositoryName = repo.getString('repositoryName');
  if (!/^[\w.-]{1,100}$/.test(repositoryName)) {
    throw new InputError(
      `${key}.dagRepository.repositoryName "${repositoryName}" is not a CodeCommit repository name`,
    );
  }
  const d = airflowConfigDefaults.dagRepository;
  const endpoint = repo.getOptionalString('endpoint');
  return {
    type,
    repositoryName,
    branch: repo.getOptionalString('branch') ?? d.branch,
    region: repo.getOptionalString('region'),
    accountId: repo.getOptionalString('accountId'),
    endpoint: endpoint
      ? readBaseUrl(endpoint, `${key}.dagRepository.endpoint`)
      : undefined,
    subPath: cleanFolder(
      repo.getOptionalString('subPath') ?? d.subPath,
      `${key}.dagRepository.subPath`,
      false,
    ),
    mountPath: cleanFolder(
      repo.getOptionalString('mountPath') ?? d.mountPath,
      `${key}.dagRepository.mountPath`,
      true,
    ),
  };
}

/**
 * Reads and checks `crawlers.airflow.instances`.
 *
 * @public
 */
export function readAirflowInstancesConfig(
  config: Config,
): AirflowInstanceConfig[] {
  const instances =
    config.getOptionalConfigArray('crawlers.airflow.instances') ?? [];
  const names = new Set<string>();
  return instances.map((instance, index) => {
    const key = `crawlers.airflow.instances[${index}]`;
    const name = instance.getString('name').trim();
    if (!name) {
      throw new InputError(`${key}.name must not be empty`);
    }
    if (names.has(name)) {
      throw new InputError(
        `${key}.name "${name}" is used twice: give each Airflow instance its own name`,
      );
    }
    names.add(name);
    const baseUrl = readBaseUrl(
      instance.getString('baseUrl'),
      `${key}.baseUrl`,
    );
    const uiUrl = instance.getOptionalString('uiUrl');
    const apiVersion =
      instance.getOptionalString('apiVersion') ??
      airflowConfigDefaults.apiVersion;
    if (apiVersion !== 'auto' && apiVersion !== 'v1' && apiVersion !== 'v2') {
      throw new InputError(
        `${key}.apiVersion is "${apiVersion}": use auto, v1 or v2`,
      );
    }
    const timeoutMs =
      instance.getOptionalNumber('timeoutMs') ??
      airflowConfigDefaults.timeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new InputError(
        `${key}.timeoutMs must be a positive whole number of milliseconds`,
      );
    }
    const maxConcurrentRequests =
      instance.getOptionalNumber('maxConcurrentRequests') ??
      airflowConfigDefaults.maxConcurrentRequests;
    if (
      !Number.isInteger(maxConcurrentRequests) ||
      maxConcurrentRequests < 1 ||
      maxConcurrentRequests > MAX_CONCURRENT_REQUESTS_LIMIT
    ) {
      throw new InputError(
        `${key}.maxConcurrentRequests must be a whole number from 1 to ${MAX_CONCURRENT_REQUESTS_LIMIT}`,
      );
    }
    const claims =
      instance.getOptionalString('claims') ?? airflowConfigDefaults.claims;
    if (claims !== 'tag' && claims !== 'annotation') {
      throw new InputError(
        `${key}.claims is "${claims}": use tag (the DAG must carry the entity's claim tag) or annotation`,
      );
    }
    return {
      name,
      baseUrl,
      uiUrl: uiUrl ? readBaseUrl(uiUrl, `${key}.uiUrl`) : baseUrl,
      apiVersion,
      auth: readAuth(instance, key),
      timeoutMs,
      maxConcurrentRequests,
      claims,
      dagRepository: readDagRepository(instance, key),
      kubernetes: readKubernetes(instance, key),
    };
  });
}
