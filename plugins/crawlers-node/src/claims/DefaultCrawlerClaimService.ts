/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type {
  CrawlersDag,
  CrawlersImportError,
} from '@crawler-platform/plugin-crawlers-common';
import type { AirflowInstanceClient } from '../airflow/types';
import { checkDagClaim } from './checkDagClaim';
import { dagClaimTag } from './claimTag';
import {
  dagFileCarriesClaimTag,
  dagRepositoryPathOf,
  selectClaimedImportErrors,
} from './dagFiles';
import {
  CodeCommitDagRepositoryReader,
  DagRepositoryReader,
} from './DagRepositoryReader';
import type { CrawlerClaimService, DagFileClaim } from './types';

/** Defaults of the claim service. */
const defaults = {
  /** How long a DAG file read from the repository is reused. */
  fileTtlMs: 30_000,
  /** File reads kept at most (oldest dropped first). */
  maxCachedFiles: 500,
};

type FileEntry = { at: number; source: Promise<string | undefined> };

/**
 * {@link CrawlerClaimService} reading DAG files from each instance's CodeCommit DAG repository.
 *
 * @public
 */
export class DefaultCrawlerClaimService implements CrawlerClaimService {
  private readonly files = new Map<string, FileEntry>();

  static fromConfig(
    config: Config,
    deps: { logger: LoggerService },
  ): DefaultCrawlerClaimService {
    return new DefaultCrawlerClaimService({
      reader: CodeCommitDagRepositoryReader.fromConfig(config, deps),
      logger: deps.logger,
    });
  }

  static create(options: {
    reader: DagRepositoryReader;
    logger: LoggerService;
    now?: () => number;
    fileTtlMs?: number;
  }): DefaultCrawlerClaimService {
    return new DefaultCrawlerClaimService(options);
  }

  private constructor(
    private readonly options: {
      reader: DagRepositoryReader;
      logger: LoggerService;
      now?: () => number;
      fileTtlMs?: number;
    },
  ) {}

  checkDag(
    instance: AirflowInstanceClient,
    entityRef: string,
    dag: CrawlersDag,
  ) {
    return checkDagClaim({ dag, entityRef, mode: instance.config.claims });
  }

  async checkDagFiles(
    instance: AirflowInstanceClient,
    entityRef: string,
    paths: string[],
  ): Promise<DagFileClaim[]> {
    const repository = instance.config.dagRepository;
    if (instance.config.claims === 'annotation') {
      return paths.map(path => ({ path, holds: true }));
    }
    const tag = dagClaimTag(entityRef);
    if (!repository) {
      return paths.map(path => ({
        path,
        holds: false,
        reason: `DAG file ${path} cannot be checked: Airflow instance "${instance.name}" has no dagRepository configured (crawlers.airflow.instances[].dagRepository)`,
      }));
    }
    return Promise.all(
      paths.map(async (path): Promise<DagFileClaim> => {
        try {
          const source = await this.readFile(instance.name, path, () =>
            this.options.reader.readFile(repository, path),
          );
          if (source === undefined) {
            return {
              path,
              holds: false,
              reason: `DAG file ${path} does not exist on branch ${repository.branch} of the DAG repository ${repository.repositoryName}: fix the path in the crawler-platform.io/dag-files annotation`,
            };
          }
          if (dagFileCarriesClaimTag(source, tag)) {
            return { path, holds: true };
          }
          return {
            path,
            holds: false,
            reason: `DAG file ${path} in ${repository.repositoryName} does not confirm that it belongs to ${entityRef}: add the tag "${tag}" to the tags of its DAG(...)`,
          };
        } catch (error) {
          return { path, holds: false, error };
        }
      }),
    );
  }

  selectImportErrors(
    instance: AirflowInstanceClient,
    options: {
      importErrors: CrawlersImportError[];
      claimedDags: CrawlersDag[];
      claimedFiles: string[];
    },
  ): CrawlersImportError[] {
    const repository = instance.config.dagRepository;
    return selectClaimedImportErrors({
      ...options,
      pathOf: filename =>
        repository ? dagRepositoryPathOf(repository, filename) : undefined,
    });
  }

  /** Reads a file once per TTL for all callers; a failed read is not kept. */
  private readFile(
    instanceName: string,
    path: string,
    read: () => Promise<string | undefined>,
  ): Promise<string | undefined> {
    const now = (this.options.now ?? Date.now)();
    const ttl = this.options.fileTtlMs ?? defaults.fileTtlMs;
    const key = `${instanceName}\u0000${path}`;
    const cached = this.files.get(key);
    if (cached && now - cached.at < ttl) {
      return cached.source;
    }
    const source = read();
    source.catch(error => {
      this.files.delete(key);
      this.options.logger.warn('Could not read a DAG file for a claim check', {
        instance: instanceName,
        path,
        error: String(error),
      });
    });
    this.files.delete(key);
    this.files.set(key, { at: now, source });
    while (this.files.size > defaults.maxCachedFiles) {
      const oldest = this.files.keys().next().value as string;
      this.files.delete(oldest);
    }
    return source;
  }
}
