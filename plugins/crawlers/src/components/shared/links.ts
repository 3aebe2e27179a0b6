/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CrawlersAirflowInstanceInfo } from '@crawler-platform/plugin-crawlers-common';

const enc = encodeURIComponent;

function uiBase(instance: CrawlersAirflowInstanceInfo | undefined) {
  return instance?.uiUrl ? instance.uiUrl.replace(/\/+$/, '') : undefined;
}

/** The DAG in the Airflow UI: the grid view on Airflow 2, the DAG page on Airflow 3. */
export function airflowDagUrl(
  instance: CrawlersAirflowInstanceInfo | undefined,
  dagId: string,
): string | undefined {
  const base = uiBase(instance);
  if (!base) return undefined;
  return instance?.apiVersion === 'v1'
    ? `${base}/dags/${enc(dagId)}/grid`
    : `${base}/dags/${enc(dagId)}`;
}

/** One run in the Airflow UI. */
export function airflowRunUrl(
  instance: CrawlersAirflowInstanceInfo | undefined,
  dagId: string,
  runId: string,
): string | undefined {
  const base = uiBase(instance);
  if (!base) return undefined;
  return instance?.apiVersion === 'v1'
    ? `${base}/dags/${enc(dagId)}/grid?dag_run_id=${enc(runId)}`
    : `${base}/dags/${enc(dagId)}/runs/${enc(runId)}`;
}

/** A CodeCommit repository as git-sync follows it: its name and region when the URL tells them. */
export interface CodeCommitRepository {
  name: string;
  region: string | null;
}

/**
 * Reads the repository from git-sync's URL (`https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>` or
 * `codecommit::<region>://<name>`), else takes the name CodeCommit answered the head for.
 */
export function codeCommitRepository(
  repoUrl: string | null | undefined,
  repositoryName: string | null | undefined,
): CodeCommitRepository | undefined {
  let region: string | null = null;
  let name = repositoryName ?? null;
  if (repoUrl) {
    const grc = /^codecommit::([a-z0-9-]+):\/\/(?:[^@]+@)?([^/]+)$/.exec(
      repoUrl,
    );
    if (grc) {
      region = grc[1];
      name = name ?? grc[2];
    }
    const https =
      /git-codecommit(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com\/v1\/repos\/([^/?#]+)/.exec(
        repoUrl,
      );
    if (https) {
      region = https[1];
      name = name ?? https[2];
    }
    const path = /\/v1\/repos\/([^/?#]+)/.exec(repoUrl);
    if (path) name = name ?? path[1];
  }
  return name ? { name, region } : undefined;
}

function consoleBase(repo: CodeCommitRepository) {
  const host = repo.region
    ? `https://${repo.region}.console.aws.amazon.com`
    : 'https://console.aws.amazon.com';
  return `${host}/codesuite/codecommit/repositories/${enc(repo.name)}`;
}

function regionQuery(repo: CodeCommitRepository) {
  return repo.region ? `?region=${enc(repo.region)}` : '';
}

/** The repository in the AWS console (CodeCommit). */
export function codeCommitRepositoryUrl(repo: CodeCommitRepository): string {
  return `${consoleBase(repo)}/browse${regionQuery(repo)}`;
}

/** A commit in the AWS console (CodeCommit). */
export function codeCommitCommitUrl(
  repo: CodeCommitRepository,
  commit: string,
): string {
  return `${consoleBase(repo)}/commit/${enc(commit)}${regionQuery(repo)}`;
}
