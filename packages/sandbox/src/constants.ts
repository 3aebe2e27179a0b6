/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Account id of the sandbox's AWS stand-in. */
export const SANDBOX_ACCOUNT_ID = '000000000000';
/** Region of the sandbox's AWS stand-in. */
export const SANDBOX_REGION = 'eu-west-1';
/** Dummy access key id accepted by every stand-in that checks SigV4. */
export const SANDBOX_ACCESS_KEY_ID = 'AKIASANDBOXEXAMPLE00';
/** Dummy secret access key matching {@link SANDBOX_ACCESS_KEY_ID}; not a real secret. */
export const SANDBOX_SECRET_ACCESS_KEY =
  'sandbox/secret/access/key/not-a-real-one';
/** The IAM user the dummy credentials belong to (STS GetCallerIdentity). */
export const SANDBOX_IAM_USER_NAME = 'sandbox-admin';
export const SANDBOX_IAM_USER_ID = 'AIDASANDBOXEXAMPLE00';
export const SANDBOX_IAM_USER_ARN = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:user/${SANDBOX_IAM_USER_NAME}`;
/** The EKS cluster of the sandbox. */
export const SANDBOX_CLUSTER_NAME = 'crawlers-sandbox';
/** Static HTTPS git credentials (CodeCommit "HTTPS Git credentials" of the IAM user). */
export const SANDBOX_GIT_USERNAME = `crawler-platform-at-${SANDBOX_ACCOUNT_ID}`;
export const SANDBOX_GIT_PASSWORD = 'sandbox-git-password';
/** Airflow users. */
export const SANDBOX_AIRFLOW_USERNAME = 'admin';
export const SANDBOX_AIRFLOW_PASSWORD = 'admin';
/** The Kubernetes user Airflow's tasks act as. */
export const SANDBOX_AIRFLOW_SERVICE_ACCOUNT =
  'system:serviceaccount:airflow:airflow-worker';
/** The Kubernetes user EKS bearer tokens of the dummy IAM user map to (aws-auth / access entry with cluster admin). */
export const SANDBOX_KUBE_ADMIN_USER = 'kubernetes-admin';
/** Static kubeconfig bearer tokens of the Kubernetes stand-in and the users they map to. */
export const SANDBOX_KUBE_STATIC_TOKENS: Readonly<Record<string, string>> = {
  'sandbox-admin-token': SANDBOX_KUBE_ADMIN_USER,
  'sandbox-airflow-worker-token': SANDBOX_AIRFLOW_SERVICE_ACCOUNT,
};
/** Ports used by `make start`. */
export const SANDBOX_PORTS = {
  aws: 4566,
  git: 7110,
  kube: 7443,
  airflow2: 7181,
  airflow3: 7182,
  gitSync: 7190,
} as const;
/** The shared DAG repository. */
export const SANDBOX_DAG_REPOSITORY = 'airflow-dags';
export const SANDBOX_DAG_BRANCH = 'main';
/** Kubernetes version reported by the stand-in and by EKS DescribeCluster. */
export const SANDBOX_KUBERNETES_VERSION = '1.32';

/** Delays of the simulated asynchronous processes, in milliseconds. */
export interface SandboxDelays {
  /** CodeBuild stand-in: push → image in ECR. */
  buildMs: number;
  /** EKS Fargate profile CREATING → ACTIVE and DELETING → gone. */
  fargateProfileMs: number;
  /** Pod created → scheduled (or FailedScheduling). */
  scheduleMs: number;
  /** Pod scheduled → image pulled (or ErrImagePull). */
  pullMs: number;
  /** ErrImagePull → ImagePullBackOff, and the interval between pull retries. */
  backoffMs: number;
  /** Container running → terminated. */
  runMs: number;
}

/** Delays used by `make start`. Tests pass their own, usually 0-20 ms. */
export const SANDBOX_DEFAULT_DELAYS: SandboxDelays = {
  buildMs: 3000,
  fargateProfileMs: 2000,
  scheduleMs: 500,
  pullMs: 1000,
  backoffMs: 5000,
  runMs: 3000,
};
