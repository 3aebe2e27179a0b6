/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A Kubernetes cluster the crawlers plugins reach (`crawlers.clusters[]`, or the Kubernetes plugin's
 * `kubernetes.clusterLocatorMethods` of type `config` with `authProvider: aws`).
 *
 * @public
 */
export type CrawlersClusterConfig =
  | {
      type: 'eks';
      /** Name the Airflow instances refer to. */
      name: string;
      region: string;
      /** The EKS cluster name (DescribeCluster, and the token's `x-k8s-aws-id`). */
      clusterName: string;
      /** Account for `aws.accounts` credentials; the main account when absent. */
      accountId?: string;
      /** Role ARN assumed (with `externalId`) before talking to EKS and signing the token. */
      assumeRole?: string;
      externalId?: string;
      /** AWS endpoint override for EKS (a VPC endpoint or a local stand-in). */
      endpoint?: string;
    }
  | {
      type: 'aws-static';
      name: string;
      /** The API server URL. */
      url: string;
      caData?: string;
      skipTLSVerify: boolean;
      region: string;
      /** `x-k8s-aws-id` of the token (annotation `kubernetes.io/x-k8s-aws-id`, else the cluster name). */
      clusterId: string;
      assumeRole?: string;
      externalId?: string;
    }
  | {
      type: 'kubeconfig';
      name: string;
      /** Path of a kubeconfig file. */
      file: string;
      /** Context to use; the file's current context when absent. */
      context?: string;
    };

/**
 * Access to one cluster: a `@kubernetes/client-node` configuration with valid credentials (EKS tokens refreshed
 * before they expire).
 *
 * @public
 */
export interface CrawlersClusterClient {
  readonly name: string;
  /** A configuration to build API clients with, e.g. `(await client.kubeConfig()).makeApiClient(CoreV1Api)`. */
  kubeConfig(): Promise<KubeConfig>;
}

/**
 * The configured clusters.
 *
 * @public
 */
export interface CrawlersClusterService {
  listClusterNames(): string[];
  /** Throws NotFoundError naming the config key for an unknown cluster. */
  getCluster(name: string): CrawlersClusterClient;
}
