/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from '@aws-sdk/types';
import type { AwsCredentialsManager } from '@backstage/integration-aws-node';
import type { CrawlersClusterConfig } from '@crawler-platform/plugin-crawlers-node';

/** Assumed-role credentials are renewed this long before they expire. */
const ASSUMED_MARGIN_MS = 5 * 60 * 1000;

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

/** Credentials of an assumed role (STS AssumeRole with the external id), renewed before they expire. */
function assumeRole(options: {
  base: AwsCredentialIdentityProvider;
  roleArn: string;
  externalId?: string;
  region: string;
  endpoint?: string;
}): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const expiration = current?.expiration?.getTime();
    if (
      current &&
      (expiration === undefined || Date.now() < expiration - ASSUMED_MARGIN_MS)
    ) {
      return current;
    }
    if (!pending) {
      pending = (async () => {
        const sts = new STSClient({
          region: options.region,
          endpoint: options.endpoint,
          credentials: options.base,
          maxAttempts: 2,
        });
        try {
          const { Credentials: c } = await sts.send(
            new AssumeRoleCommand({
              RoleArn: options.roleArn,
              ExternalId: options.externalId,
              RoleSessionName: 'backstage-crawlers-diagnosis',
            }),
          );
          if (!c?.AccessKeyId || !c.SecretAccessKey) {
            throw new Error(
              `STS AssumeRole of ${options.roleArn} returned no credentials`,
            );
          }
          current = {
            accessKeyId: c.AccessKeyId,
            secretAccessKey: c.SecretAccessKey,
            sessionToken: c.SessionToken,
            expiration: c.Expiration,
          };
          return current;
        } finally {
          sts.destroy();
        }
      })().finally(() => {
        pending = undefined;
      });
    }
    return pending;
  };
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
              ? assumeRole({
                  base: sdkCredentialProvider,
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
