/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CrawlersClusterConfig } from './types';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function name(config: Config, key: string): string {
  const value = config.getString('name');
  if (!NAME.test(value)) {
    throw new InputError(
      `${key}.name "${value}" must be 1-100 letters, digits, ".", "_" or "-"`,
    );
  }
  return value;
}

function region(value: string, key: string): string {
  if (!REGION.test(value)) {
    throw new InputError(
      `${key} "${value}" is not an AWS region (e.g. eu-west-1)`,
    );
  }
  return value;
}

function url(value: string, key: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InputError(`${key} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InputError(
      `${key} must use https (or http for a local stand-in)`,
    );
  }
  return value.replace(/\/+$/, '');
}

function readCrawlersCluster(
  cluster: Config,
  key: string,
): CrawlersClusterConfig {
  const type = cluster.getString('type');
  switch (type) {
    case 'eks': {
      const endpoint = cluster.getOptionalString('endpoint');
      const externalId = cluster.getOptionalString('externalId');
      const assumeRole = cluster.getOptionalString('assumeRole');
      if (externalId && !assumeRole) {
        throw new InputError(
          `${key}.externalId is set without ${key}.assumeRole: the external id goes with the role to assume`,
        );
      }
      return {
        type,
        name: name(cluster, key),
        region: region(cluster.getString('region'), `${key}.region`),
        clusterName: cluster.getString('clusterName'),
        accountId: cluster.getOptionalString('accountId'),
        assumeRole,
        externalId,
        endpoint: endpoint ? url(endpoint, `${key}.endpoint`) : undefined,
      };
    }
    case 'kubeconfig':
      return {
        type,
        name: name(cluster, key),
        file: cluster.getString('file'),
        context: cluster.getOptionalString('context'),
      };
    default:
      throw new InputError(`${key}.type is "${type}": use eks or kubeconfig`);
  }
}

/** Clusters of the Kubernetes plugin's `config` locator that authenticate with AWS (`authProvider: aws`). */
function readKubernetesPluginClusters(config: Config): CrawlersClusterConfig[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: CrawlersClusterConfig[] = [];
  methods.forEach((method, m) => {
    if (method.getString('type') !== 'config') {
      return;
    }
    (method.getOptionalConfigArray('clusters') ?? []).forEach((cluster, c) => {
      if (cluster.getOptionalString('authProvider') !== 'aws') {
        return;
      }
      const key = `kubernetes.clusterLocatorMethods[${m}].clusters[${c}]`;
      // Keys such as `kubernetes.io/aws-assume-role` are not valid config paths: read the object.
      const metadata = (cluster.getOptional('authMetadata') ?? {}) as Record<
        string,
        unknown
      >;
      const meta = (k: string) =>
        typeof metadata[k] === 'string' ? (metadata[k] as string) : undefined;
      const clusterName = name(cluster, key);
      clusters.push({
        type: 'aws-static',
        name: clusterName,
        url: url(cluster.getString('url'), `${key}.url`),
        caData: cluster.getOptionalString('caData'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        region: region(
          process.env.AWS_REGION ?? 'us-east-1',
          'the AWS_REGION environment variable',
        ),
        clusterId: meta('kubernetes.io/x-k8s-aws-id') ?? clusterName,
        assumeRole: meta('kubernetes.io/aws-assume-role'),
        externalId: meta('kubernetes.io/aws-external-id'),
      });
    });
  });
  return clusters;
}

/**
 * Reads `crawlers.clusters` and the AWS clusters of `kubernetes.clusterLocatorMethods` (type `config`), so that
 * adopters configure a cluster once. A name used twice is an error naming both places.
 *
 * @public
 */
export function readCrawlersClustersConfig(
  config: Config,
): CrawlersClusterConfig[] {
  const own = (config.getOptionalConfigArray('crawlers.clusters') ?? []).map(
    (cluster, i) => readCrawlersCluster(cluster, `crawlers.clusters[${i}]`),
  );
  const all = [...own, ...readKubernetesPluginClusters(config)];
  const seen = new Set<string>();
  for (const cluster of all) {
    if (seen.has(cluster.name)) {
      throw new InputError(
        `Cluster name "${cluster.name}" is configured twice (crawlers.clusters and kubernetes.clusterLocatorMethods share one namespace of names)`,
      );
    }
    seen.add(cluster.name);
  }
  return all;
}
