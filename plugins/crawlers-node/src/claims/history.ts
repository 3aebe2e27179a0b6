/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { AirflowDagRepositoryConfig } from '../airflow/types';

/**
 * Where a CodeCommit repository is and which credentials read it.
 *
 * @public
 */
export interface CodeCommitRepositoryLocation {
  repositoryName: string;
  /** AWS region; the SDK's default region when absent. */
  region?: string;
  /** AWS endpoint override (a VPC endpoint or a local stand-in). */
  endpoint?: string;
  /** Account whose `aws.accounts` credentials are used; the main account when absent. */
  accountId?: string;
}

/**
 * A commit of the DAG repository.
 *
 * @public
 */
export interface DagRepositoryCommit {
  commitId: string;
  /** Parent commit ids, the first parent first. */
  parents: string[];
  /** Committer time (ISO), null when CodeCommit gave none. */
  committedAt: string | null;
}

/**
 * The history of a DAG repository, for comparing what git-sync synced with the branch head.
 *
 * @public
 */
export interface DagRepositoryHistory {
  /** The commit id at the head of a branch (CodeCommit GetBranch). */
  getBranchCommitId(
    repository: CodeCommitRepositoryLocation,
    branch: string,
  ): Promise<string>;
  /** One commit (CodeCommit GetCommit). */
  getCommit(
    repository: CodeCommitRepositoryLocation,
    commitId: string,
  ): Promise<DagRepositoryCommit>;
  /** The head commit of a branch (GetBranch, then GetCommit). */
  getBranchHead(
    repository: CodeCommitRepositoryLocation,
    branch: string,
  ): Promise<DagRepositoryCommit>;
  /**
   * Whether a path changed between two commits (CodeCommit GetDifferences limited to the path, following NextToken);
   * false when the path is in neither commit.
   */
  pathChanged(
    repository: CodeCommitRepositoryLocation,
    options: { before: string; after: string; path: string },
  ): Promise<boolean>;
}

/**
 * What a git remote URL says about a CodeCommit repository.
 *
 * @public
 */
export interface CodeCommitRemote {
  repositoryName: string;
  /** The region named by the URL (`git-codecommit.<region>.amazonaws.com` or `codecommit::<region>://`). */
  region?: string;
}

const REPOSITORY_NAME = /^[\w.-]{1,100}$/;
const CODECOMMIT_HOST =
  /^git-codecommit(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

function cleanName(value: string): string | undefined {
  const name = decodeURIComponent(value).replace(/\.git$/, '');
  return REPOSITORY_NAME.test(name) ? name : undefined;
}

/**
 * Reads a git remote URL as a CodeCommit repository: `https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>`
 * (also `ssh://`, FIPS and China hosts), `codecommit::<region>://[profile@]<name>`, `codecommit://[profile@]<name>`,
 * and any other http(s) URL whose path is `/v1/repos/<name>` (a proxy or a local stand-in; no region then).
 * Undefined when the URL names no CodeCommit repository.
 *
 * @public
 */
export function parseCodeCommitRemote(
  url: string | null | undefined,
): CodeCommitRemote | undefined {
  if (!url) {
    return undefined;
  }
  const grc =
    /^codecommit(?:::([a-z]{2}(?:-[a-z]+)+-\d+))?:\/\/(?:[^@/]+@)?([^/@]+)$/.exec(
      url.trim(),
    );
  if (grc) {
    const repositoryName = cleanName(grc[2]);
    if (!repositoryName) {
      return undefined;
    }
    return grc[1] ? { repositoryName, region: grc[1] } : { repositoryName };
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  const path = /^\/v1\/repos\/([^/]+)\/?$/.exec(parsed.pathname);
  const repositoryName = path ? cleanName(path[1]) : undefined;
  if (!repositoryName) {
    return undefined;
  }
  const host = CODECOMMIT_HOST.exec(parsed.hostname);
  return host ? { repositoryName, region: host[1] } : { repositoryName };
}

/**
 * Where to read the repository git-sync follows: the repository name from its URL; the region from a
 * `git-codecommit.<region>.amazonaws.com` URL, else from the instance's `dagRepository` of the same name (with its
 * endpoint and account), else the cluster's region. Undefined when the URL names no CodeCommit repository.
 *
 * @param repoUrl - git-sync's repository URL
 * @param dagRepositories - configured DAG repositories to match by name (the instance's own first)
 * @param clusterRegion - region of the cluster Airflow runs in
 *
 * @public
 */
export function resolveCodeCommitLocation(options: {
  repoUrl: string | null | undefined;
  dagRepositories: AirflowDagRepositoryConfig[];
  clusterRegion?: string;
}):
  | {
      location: CodeCommitRepositoryLocation;
      regionFrom: 'url' | 'dagRepository' | 'cluster' | 'sdk-default';
    }
  | undefined {
  const remote = parseCodeCommitRemote(options.repoUrl);
  if (!remote) {
    return undefined;
  }
  const configured = options.dagRepositories.find(
    r => r.repositoryName === remote.repositoryName,
  );
  const location: CodeCommitRepositoryLocation = {
    repositoryName: remote.repositoryName,
  };
  if (configured?.accountId) {
    location.accountId = configured.accountId;
  }
  if (remote.region) {
    location.region = remote.region;
    if (
      configured?.endpoint &&
      (!configured.region || configured.region === remote.region)
    ) {
      location.endpoint = configured.endpoint;
    }
    return { location, regionFrom: 'url' };
  }
  if (configured && (configured.region || configured.endpoint)) {
    if (configured.region) {
      location.region = configured.region;
    } else if (options.clusterRegion) {
      location.region = options.clusterRegion;
    }
    if (configured.endpoint) {
      location.endpoint = configured.endpoint;
    }
    return { location, regionFrom: 'dagRepository' };
  }
  if (options.clusterRegion) {
    location.region = options.clusterRegion;
    return { location, regionFrom: 'cluster' };
  }
  return { location, regionFrom: 'sdk-default' };
}
