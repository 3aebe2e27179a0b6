/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { SANDBOX_DAG_BRANCH } from './constants';
import { seedAirflowNamespace, seedAirflowPods } from './seed/airflow';
import { seedSharedAws } from './seed/aws';
import {
  awsConfig,
  createSeedClients,
  destroySeedClients,
} from './seed/clients';
import { seedCrawler } from './seed/crawlers';
import { pushFiles } from './seed/git';
import { dagRepositoryFiles, SEED_CRAWLERS } from './seedContent';
import { SandboxLogger, silentLogger } from './util/logger';

export {
  AIRFLOW_INSTANCES,
  AIRFLOW_NODE,
  GIT_CREDENTIALS_SECRET,
  airflowPodTemplate,
  gitSyncEnv,
} from './seed/airflow';
export { pushFiles } from './seed/git';

/** Options of {@link seedWorld}. */
export type SeedOptions = {
  urls: { aws: string; kube: string };
  /** GITSYNC_PERIOD written into the git-sync env (Go duration). Default `10s`. */
  gitSyncPeriod?: string;
  /** Kubernetes bearer token of an administrator (default: the static kubeconfig token). */
  kubeToken?: string;
  /** How long to wait for the crawler images before pushing the DAG repository. Default 60 s. */
  imageTimeoutMs?: number;
  /** Receives what the seeding skips (e.g. an operation the AWS stand-in does not serve). */
  logger?: SandboxLogger;
};

/**
 * Builds the seeded world through the sandbox's own APIs with the real clients: IAM roles, CodeCommit and ECR
 * repositories, Fargate profiles (AWS SDK v3), real `git push` of the crawler code and the shared DAG repository,
 * and the Kubernetes objects (@kubernetes/client-node): namespace `airflow` with git-sync's credentials Secret, and
 * one namespace per crawler with its ServiceAccount (IRSA), Role and RoleBinding. Resolves when all of that exists;
 * `dagRepository` resolves once the crawler images are built, the shared DAG repository is pushed and the Airflow
 * pods (whose git-sync containers sync that repository) are created — the order of a real rollout.
 */
export async function seedWorld(
  options: SeedOptions,
): Promise<{ dagRepository: Promise<void> }> {
  let dagRepositoryUrl: string | undefined;
  const period = options.gitSyncPeriod ?? '10s';
  const clients = createSeedClients(options);
  try {
    // Airflow's namespace, beside the cluster, the Fargate pod execution role and the shared DAG repository.
    const airflowNamespace = seedAirflowNamespace(clients.core);
    const shared = await seedSharedAws(clients, options.logger ?? silentLogger);
    const crawlers = SEED_CRAWLERS.map(crawler =>
      seedCrawler(clients, crawler, shared),
    );
    dagRepositoryUrl = shared.dagRepoUrl;
    await Promise.all([airflowNamespace, ...crawlers]);
  } finally {
    destroySeedClients(clients);
  }
  const dagRepository = pushDagRepository(
    options.urls.aws,
    dagRepositoryUrl!,
    options.imageTimeoutMs ?? 60_000,
  ).then(() => seedAirflowPods(clients.core, dagRepositoryUrl!, period));
  // Not swallowed: the caller receives this promise (and its rejection); the handler only keeps a caller that
  // attaches its own later from seeing an unhandled rejection.
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
