/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsCredentialsManager } from '@backstage/integration-aws-node';
import {
  createAssumeRoleCredentialProvider,
  type CrawlersClusterConfig,
} from '@crawler-platform/plugin-crawlers-node';

/** The AWS clients of one cluster's account: EKS and EC2 in its region, IAM, and ECR per region. */
export interface AwsClusterAccess {
  cluster: string;
  /** The EKS cluster name (DescribeCluster, ListFargateProfiles). */
  clusterName: string;
  region: string;
  eks: EKSClient;
  ec2: EC2Client;
  iam: IAMClient;
  ecr(region: string): ECRClient;
}

/** Why a cluster has no AWS access (a kubeconfig cluster). */
export interface AwsAccessUnavailable {
  error: string;
}

/**
 * Builds the AWS clients of each EKS cluster of `crawlers.clusters` (and the AWS clusters of
 * `kubernetes.clusterLocatorMethods`) with the `aws` integration's credentials for the cluster's account, the role it
 * assumes, its region and its endpoint override — the same identity that reads the cluster.
 */
export function createAwsClusterAccess(options: {
  clusters: CrawlersClusterConfig[];
  credentialsManager: AwsCredentialsManager;
  timeoutMs: number;
}): (cluster: string) => AwsClusterAccess | AwsAccessUnavailable {
  const made = new Map<string, AwsClusterAccess>();
  return cluster => {
    const existing = made.get(cluster);
    if (existing) {
      return existing;
    }
    const config = options.clusters.find(c => c.name === cluster);
    if (!config) {
      return { error: `Cluster "${cluster}" is not configured` };
    }
    if (config.type === 'kubeconfig') {
      return {
        error: `Cluster "${cluster}" is a kubeconfig cluster: the Fargate, network and IAM checks need an EKS cluster (crawlers.clusters[].type eks with region and clusterName)`,
      };
    }
    const accountId = config.type === 'eks' ? config.accountId : undefined;
    const endpoint = config.type === 'eks' ? config.endpoint : undefined;
    let base: Promise<AwsCredentialIdentityProvider> | undefined;
    const provider: AwsCredentialIdentityProvider = async () => {
      if (!base) {
        base = options.credentialsManager
          .getCredentialProvider(accountId ? { accountId } : undefined)
          .then(({ sdkCredentialProvider }) =>
            config.assumeRole
              ? createAssumeRoleCredentialProvider({
                  base: sdkCredentialProvider,
                  sessionName: 'backstage-crawlers-diagnosis',
                  roleArn: config.assumeRole,
                  externalId: config.externalId,
                  region: config.region,
                  endpoint,
                })
              : sdkCredentialProvider,
          );
        base.catch(() => {
          base = undefined;
        });
      }
      return (await base)();
    };
    const common = {
      credentials: provider,
      endpoint,
      maxAttempts: 2,
      requestHandler: {
        requestTimeout: options.timeoutMs,
        connectionTimeout: options.timeoutMs,
      },
    };
    const ecrClients = new Map<string, ECRClient>();
    const access: AwsClusterAccess = {
      cluster,
      clusterName:
        config.type === 'eks' ? config.clusterName : config.clusterId,
      region: config.region,
      eks: new EKSClient({ ...common, region: config.region }),
      ec2: new EC2Client({ ...common, region: config.region }),
      // IAM is global: its endpoint is in us-east-1 unless overridden.
      iam: new IAMClient({
        ...common,
        region: endpoint ? config.region : 'us-east-1',
      }),
      ecr(region) {
        let client = ecrClients.get(region);
        if (!client) {
          client = new ECRClient({ ...common, region });
          ecrClients.set(region, client);
        }
        return client;
      },
    };
    made.set(cluster, access);
    return access;
  };
}
