/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../constants';

/** The AWS SDK v3 client configuration for the sandbox's AWS endpoint and dummy credentials. */
export function awsConfig(endpoint: string) {
  return {
    endpoint,
    region: SANDBOX_REGION,
    credentials: {
      accessKeyId: SANDBOX_ACCESS_KEY_ID,
      secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
    },
    maxAttempts: 2,
  };
}

/** The real clients the seeding talks to the sandbox's APIs with. */
export type SeedClients = {
  iam: IAMClient;
  codecommit: CodeCommitClient;
  ecr: ECRClient;
  eks: EKSClient;
  codebuild: CodeBuildClient;
  events: EventBridgeClient;
  core: CoreV1Api;
  rbac: RbacAuthorizationV1Api;
};

/** A @kubernetes/client-node configuration for the sandbox's Kubernetes API as an administrator. */
function kubeConfig(kubeUrl: string, kubeToken: string | undefined) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: SANDBOX_CLUSTER_NAME,
        server: kubeUrl,
        skipTLSVerify: true,
      },
    ],
    users: [
      {
        name: 'sandbox-admin',
        token: kubeToken ?? 'sandbox-admin-token',
      },
    ],
    contexts: [
      { name: 'sandbox', cluster: SANDBOX_CLUSTER_NAME, user: 'sandbox-admin' },
    ],
    currentContext: 'sandbox',
  });
  return kc;
}

/** Creates the seeding's clients; release the AWS ones with {@link destroySeedClients}. */
export function createSeedClients(options: {
  urls: { aws: string; kube: string };
  kubeToken?: string;
}): SeedClients {
  const kc = kubeConfig(options.urls.kube, options.kubeToken);
  return {
    iam: new IAMClient(awsConfig(options.urls.aws)),
    codecommit: new CodeCommitClient(awsConfig(options.urls.aws)),
    ecr: new ECRClient(awsConfig(options.urls.aws)),
    eks: new EKSClient(awsConfig(options.urls.aws)),
    codebuild: new CodeBuildClient(awsConfig(options.urls.aws)),
    events: new EventBridgeClient(awsConfig(options.urls.aws)),
    core: kc.makeApiClient(CoreV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
  };
}

/** Releases the AWS clients' connections. */
export function destroySeedClients(clients: SeedClients): void {
  clients.iam.destroy();
  clients.codecommit.destroy();
  clients.ecr.destroy();
  clients.eks.destroy();
  clients.codebuild.destroy();
  clients.events.destroy();
}
