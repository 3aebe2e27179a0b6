/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersDag,
  CrawlersImportError,
} from '@crawler-platform/plugin-crawlers-common';
import type { AirflowDagRepositoryConfig } from '../airflow/types';

/**
 * The path in the DAG repository of a file Airflow names, or undefined when it is not a file of that repository.
 *
 * @remarks
 * Airflow 2 names files by absolute path below git-sync's link (`<mountPath>/repo/<path in the repository>`);
 * Airflow 3 names import errors relative to the DAG bundle, which is the repository's `subPath` folder.
 *
 * @public
 */
export function dagRepositoryPathOf(
  repository: AirflowDagRepositoryConfig,
  filename: string,
): string | undefined {
  let path: string;
  if (filename.startsWith('/')) {
    const root = `${repository.mountPath}/repo/`;
    if (!filename.startsWith(root)) {
      return undefined;
    }
    path = filename.slice(root.length);
  } else {
    path = repository.subPath ? `${repository.subPath}/${filename}` : filename;
  }
  const segments = path.split('/');
  if (segments.some(s => s === '' || s === '.' || s === '..')) {
    return undefined;
  }
  return path;
}

/**
 * Whether a DAG file's source names the claim tag as a Python string literal (`"backstage:…"` or `'backstage:…'`),
 * compared case-insensitively like DAG tags.
 *
 * @public
 */
export function dagFileCarriesClaimTag(source: string, tag: string): boolean {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(["'])${escaped}\\1`, 'i').test(source);
}

/** Whether an import error is about the file of a DAG (full path; Airflow 3: bundle and relative path). */
function isFileOf(error: CrawlersImportError, dag: CrawlersDag): boolean {
  if (dag.fileloc && error.filename === dag.fileloc) {
    return true;
  }
  return (
    !!dag.relativeFileloc &&
    error.filename === dag.relativeFileloc &&
    (error.bundleName ?? null) === (dag.bundleName ?? null)
  );
}

/**
 * Picks the import errors an entity may see: those of the file of a DAG whose claim holds (compared by full path,
 * never by base name), and those of files the entity names whose source carries its claim tag.
 *
 * @param claimedDags - the entity's DAGs whose claim holds
 * @param claimedFiles - repository paths of the entity's named files whose claim holds
 * @param pathOf - maps an import error's file name to its path in the DAG repository
 *
 * @public
 */
export function selectClaimedImportErrors(options: {
  importErrors: CrawlersImportError[];
  claimedDags: CrawlersDag[];
  claimedFiles: string[];
  pathOf: (filename: string) => string | undefined;
}): CrawlersImportError[] {
  const { importErrors, claimedDags, claimedFiles, pathOf } = options;
  const files = new Set(claimedFiles);
  return importErrors.filter(e => {
    if (claimedDags.some(d => isFileOf(e, d))) {
      return true;
    }
    const path = files.size ? pathOf(e.filename) : undefined;
    return path !== undefined && files.has(path);
  });
}
