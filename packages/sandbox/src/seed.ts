/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeCommitClient,
  CreateRepositoryCommand,
} from '@aws-sdk/client-codecommit';
import {
  CreateRepositoryCommand as CreateEcrRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
} from '@aws-sdk/client-ecr';
import {
  CreateFargateProfileCommand,
  DescribeClusterCommand,
  EKSClient,
} from '@aws-sdk/client-eks';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CLUSTER_NAME,
  SANDBOX_DAG_BRANCH,
  SANDBOX_DAG_REPOSITORY,
  SANDBOX_GIT_PASSWORD,
  SANDBOX_GIT_USERNAME,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
} from './constants';
import {
  crawlerRepositoryFiles,
  dagRepositoryFiles,
  SEED_CRAWLERS,
} from './seedContent';

/** The Airflow instances of the sandbox and their scheduler pods in namespace `airflow`. */
export const AIRFLOW_INSTANCES = [
  {
    name: 'airflow2',
    podName: 'airflow2-scheduler-0',
    image: 'apache/airflow:2.10.0',
  },
  {
    name: 'airflow3',
    podName: 'airflow3-scheduler-0',
    image: 'apache/airflow:3.2.1',
  },
] as const;

/** The node the Airflow pods are bound to (a managed node group, not Fargate). */
export const AIRFLOW_NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

/** Options of {@link seedWorld}. */
export type SeedOptions = {
  urls: { aws: string; kube: string };
  /** GITSYNC_PERIOD written into the git-sync env (Go duration). Default `10s`. */
  gitSyncPeriod?: string;
  /** Kubernetes bearer token of an administrator (default: the static kubeconfig token). */
  kubeToken?: string;
  /** How long to wait for the crawler images before pushing the DAG repository. Default 60 s. */
  imageTimeoutMs?: number;
};

function awsConfig(endpoint: string) {
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

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_AUTHOR_NAME: 'Crawler Platform Sandbox',
          GIT_AUTHOR_EMAIL: 'sandbox@example.com',
          GIT_COMMITTER_NAME: 'Crawler Platform Sandbox',
          GIT_COMMITTER_EMAIL: 'sandbox@example.com',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `${cmd} ${args[0]} failed: ${
                String(stderr).trim() || error.message
              }`,
            ),
          );
          return;
        }
        resolve(String(stdout));
      },
    );
  });
}

/** Commits files to a fresh repository and pushes them with real git over HTTP, using the static git credentials. */
export async function pushFiles(
  cloneUrl: string,
  branch: string,
  files: Record<string, string>,
  message: string,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-seed-'));
  try {
    await run('git', ['init', '-q', '-b', branch], dir);
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    await run('git', ['add', '-A'], dir);
    await run('git', ['commit', '-q', '-m', message], dir);
    await run(
      'git',
      [
        '-c',
        'credential.helper=',
        '-c',
        'credential.helper=!f() { test "$1" = get || exit 0; echo "username=$SEED_GIT_USERNAME"; echo "password=$SEED_GIT_PASSWORD"; }; f',
        'push',
        '-q',
        cloneUrl,
        `HEAD:refs/heads/${branch}`,
      ],
      dir,
      {
        SEED_GIT_USERNAME: SANDBOX_GIT_USERNAME,
        SEED_GIT_PASSWORD: SANDBOX_GIT_PASSWORD,
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The git-sync container env the official chart renders (gitSync.branch = ref = main, credentialsSecret set). */
export function gitSyncEnv(
  repoUrl: string,
  period: string,
): Array<Record<string, unknown>> {
  return [
    { name: 'GIT_SYNC_REV', value: 'HEAD' },
    { name: 'GITSYNC_REF', value: SANDBOX_DAG_BRANCH },
    { name: 'GIT_SYNC_BRANCH', value: SANDBOX_DAG_BRANCH },
    { name: 'GIT_SYNC_REPO', value: repoUrl },
    { name: 'GITSYNC_REPO', value: repoUrl },
    { name: 'GIT_SYNC_DEPTH', value: '1' },
    { name: 'GITSYNC_DEPTH', value: '1' },
    { name: 'GIT_SYNC_ROOT', value: '/git' },
    { name: 'GITSYNC_ROOT', value: '/git' },
    { name: 'GIT_SYNC_DEST', value: 'repo' },
    { name: 'GITSYNC_LINK', value: 'repo' },
    { name: 'GIT_SYNC_ADD_USER', value: 'true' },
    { name: 'GITSYNC_ADD_USER', value: 'true' },
    { name: 'GITSYNC_PERIOD', value: period },
    // dags.gitSync.maxFailures: -1 (retry forever), so a bad credential shows a growing failCount.
    { name: 'GIT_SYNC_MAX_SYNC_FAILURES', value: '-1' },
    { name: 'GITSYNC_MAX_FAILURES', value: '-1' },
    {
      name: 'GITSYNC_USERNAME',
      valueFrom: {
        secretKeyRef: {
          name: 'airflow-git-credentials',
          key: 'GITSYNC_USERNAME',
        },
      },
    },
    {
      name: 'GITSYNC_PASSWORD',
      valueFrom: {
        secretKeyRef: {
          name: 'airflow-git-credentials',
          key: 'GITSYNC_PASSWORD',
        },
      },
    },
  ];
}

/**
 * Builds the seeded world through the sandbox's own APIs with the real clients: IAM roles, CodeCommit and ECR
 * repositories, Fargate profiles (AWS SDK v3), real `git push` of the crawler code and the shared DAG repository,
 * and the Kubernetes objects (@kubernetes/client-node): namespace `airflow` with both scheduler pods and their
 * git-sync sidecars, and one namespace per crawler with its ServiceAccount (IRSA), Role and RoleBinding.
 * Resolves when all of that exists; `dagRepository` resolves once the crawler images are built and the shared DAG
 * repository is pushed.
 */
export async function seedWorld(
  options: SeedOptions,
): Promise<{ dagRepository: Promise<void> }> {
  let dagRepositoryUrl: string | undefined;
  const period = options.gitSyncPeriod ?? '10s';
  const iam = new IAMClient(awsConfig(options.urls.aws));
  const codecommit = new CodeCommitClient(awsConfig(options.urls.aws));
  const ecr = new ECRClient(awsConfig(options.urls.aws));
  const eks = new EKSClient(awsConfig(options.urls.aws));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: SANDBOX_CLUSTER_NAME,
        server: options.urls.kube,
        skipTLSVerify: true,
      },
    ],
    users: [
      {
        name: 'sandbox-admin',
        token: options.kubeToken ?? 'sandbox-admin-token',
      },
    ],
    contexts: [
      { name: 'sandbox', cluster: SANDBOX_CLUSTER_NAME, user: 'sandbox-admin' },
    ],
    currentContext: 'sandbox',
  });
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);

  try {
    // --- AWS: cluster, Fargate pod execution role and the shared DAG repository; Airflow's namespace
    const airflowNamespace = (async () => {
      await core.createNamespace({ body: { metadata: { name: 'airflow' } } });
      await Promise.all([
        core.createNamespacedServiceAccount({
          namespace: 'airflow',
          body: { metadata: { name: 'airflow-worker' } },
        }),
        core.createNamespacedSecret({
          namespace: 'airflow',
          body: {
            metadata: { name: 'airflow-git-credentials' },
            type: 'Opaque',
            stringData: {
              GITSYNC_USERNAME: SANDBOX_GIT_USERNAME,
              GITSYNC_PASSWORD: SANDBOX_GIT_PASSWORD,
            },
          },
        }),
      ]);
    })();
    const [cluster, fargateRole, dagRepo] = await Promise.all([
      eks.send(new DescribeClusterCommand({ name: SANDBOX_CLUSTER_NAME })),
      iam.send(
        new CreateRoleCommand({
          RoleName: 'crawlers-fargate-pod-execution',
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        }),
      ),
      codecommit.send(
        new CreateRepositoryCommand({
          repositoryName: SANDBOX_DAG_REPOSITORY,
          repositoryDescription:
            'Shared Airflow DAG repository, synced by git-sync',
        }),
      ),
    ]);
    const issuer = (cluster.cluster?.identity?.oidc?.issuer ?? '').replace(
      /^https:\/\//,
      '',
    );
    const dagRepoUrl = dagRepo.repositoryMetadata!.cloneUrlHttp!;

    const crawlers = SEED_CRAWLERS.map(async crawler => {
      // AWS: IRSA role, ECR repository, code repository (pushed with git: the CodeBuild stand-in builds the image)
      // and a Fargate profile for the crawler's namespace.
      const aws = (async () => {
        const role = await iam.send(
          new CreateRoleCommand({
            RoleName: `${crawler.name}-irsa`,
            AssumeRolePolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: {
                    Federated: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:oidc-provider/${issuer}`,
                  },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: {
                    StringEquals: {
                      [`${issuer}:sub`]: `system:serviceaccount:${crawler.namespace}:${crawler.serviceAccount}`,
                    },
                  },
                },
              ],
            }),
          }),
        );
        await ecr.send(
          new CreateEcrRepositoryCommand({ repositoryName: crawler.name }),
        );
        const repo = await codecommit.send(
          new CreateRepositoryCommand({
            repositoryName: crawler.name,
            repositoryDescription: crawler.description,
          }),
        );
        await Promise.all([
          pushFiles(
            repo.repositoryMetadata!.cloneUrlHttp!,
            'main',
            crawlerRepositoryFiles(crawler),
            `Create ${crawler.name}`,
          ),
          eks.send(
            new CreateFargateProfileCommand({
              clusterName: SANDBOX_CLUSTER_NAME,
              fargateProfileName: crawler.name,
              podExecutionRoleArn: fargateRole.Role!.Arn!,
              selectors: [{ namespace: crawler.namespace }],
            }),
          ),
        ]);
        return role.Role!.Arn!;
      })();

      // Kubernetes: namespace, IRSA service account, Role for Airflow's worker and its binding.
      await core.createNamespace({
        body: {
          metadata: {
            name: crawler.namespace,
            labels: {
              'app.kubernetes.io/part-of': 'crawler-platform',
              crawler: crawler.name,
            },
          },
        },
      });
      await Promise.all([
        aws.then(roleArn =>
          core.createNamespacedServiceAccount({
            namespace: crawler.namespace,
            body: {
              metadata: {
                name: crawler.serviceAccount,
                annotations: { 'eks.amazonaws.com/role-arn': roleArn },
              },
            },
          }),
        ),
        rbac.createNamespacedRole({
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
        }),
        rbac.createNamespacedRoleBinding({
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
        }),
      ]);
    });

    // The scheduler pods with their git-sync sidecars.
    dagRepositoryUrl = dagRepoUrl;
    await airflowNamespace;
    const pods = AIRFLOW_INSTANCES.map(instance =>
      core.createNamespacedPod({
        namespace: 'airflow',
        body: {
          metadata: {
            name: instance.podName,
            labels: {
              tier: 'airflow',
              component: 'scheduler',
              release: instance.name,
            },
          },
          spec: {
            nodeName: AIRFLOW_NODE,
            serviceAccountName: 'airflow-worker',
            restartPolicy: 'Always',
            containers: [
              {
                name: 'scheduler',
                image: instance.image,
                args: ['bash', '-c', 'exec airflow scheduler'],
              },
              {
                name: 'git-sync',
                image: 'registry.k8s.io/git-sync/git-sync:v4.7.1',
                env: gitSyncEnv(dagRepoUrl, period) as any,
              },
            ],
          },
        },
      }),
    );
    await Promise.all([...crawlers, ...pods]);
  } finally {
    iam.destroy();
    codecommit.destroy();
    ecr.destroy();
    eks.destroy();
  }
  const dagRepository = pushDagRepository(
    options.urls.aws,
    dagRepositoryUrl!,
    options.imageTimeoutMs ?? 60_000,
  );
  dagRepository.catch(() => undefined);
  return { dagRepository };
}

/** Waits until the CodeBuild stand-in has pushed `<repository>:latest` (ECR DescribeImages through the SDK). */
async function waitForImage(
  ecr: ECRClient,
  repositoryName: string,
  deadline: number,
): Promise<void> {
  for (;;) {
    const images = await ecr.send(
      new DescribeImagesCommand({ repositoryName }),
    );
    if ((images.imageDetails ?? []).some(i => i.imageTags?.includes('latest')))
      return;
    if (Date.now() > deadline) {
      throw new Error(
        `the CodeBuild stand-in pushed no image ${repositoryName}:latest in time; see the "image build" log lines`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

/**
 * Pushes the shared DAG repository once the crawler images exist, so the first runs Airflow schedules find their
 * images (a real pipeline publishes the DAG after the image, too).
 */
async function pushDagRepository(
  awsUrl: string,
  dagRepoUrl: string,
  timeoutMs: number,
): Promise<void> {
  const ecr = new ECRClient(awsConfig(awsUrl));
  try {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      SEED_CRAWLERS.map(c => waitForImage(ecr, c.name, deadline)),
    );
  } finally {
    ecr.destroy();
  }
  await pushFiles(
    dagRepoUrl,
    SANDBOX_DAG_BRANCH,
    dagRepositoryFiles(),
    'Add the crawler DAGs',
  );
}
