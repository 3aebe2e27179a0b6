/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ScenarioContext, ScenarioCrawler } from './context';
import { DagFileEdit, editDagFile } from './dagFiles';
import { Scenario } from './types';

/** The DAG file edit: a typo (the `with` statement's colon dropped) — the file no longer compiles. */
export const IMPORT_ERROR_EDIT: DagFileEdit = {
  healthy: ') as dag:\n',
  broken: ') as dag\n',
  what: "a typo: the colon after 'with DAG(...) as dag' dropped",
  undo: "the colon after 'with DAG(...) as dag' put back",
};

/** Waits until the crawler's Airflow lists (or no longer lists) an import error for the crawler's DAG file. */
function waitForImportError(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  present: boolean,
) {
  const api = ctx.airflowOf(crawler);
  return ctx.waitFor(
    `${crawler.airflow} to ${present ? 'list' : 'drop'} the import error of ${
      crawler.dagFile
    } (is git-sync healthy?)`,
    async () =>
      (await api.importErrors()).some(e =>
        api.namesFile(e, crawler.subPath, crawler.dagFileName),
      ) === present,
  );
}

/**
 * §9 row 9: a commit breaks the crawler's DAG file (it no longer compiles); the Airflow lists the file in its
 * import errors (Airflow 2: full path; Airflow 3: path in the bundle plus `bundle_name`) with a stack trace starting
 * `Traceback (most recent call last):`, and the DAG has `has_import_errors=true`. Heal commits the fix and waits until
 * the import error is gone. price-crawler's seeded import error (`airflow3/price_crawler_backfill.py`) is another
 * file: neither break nor heal touches it.
 */
export const importError: Scenario = {
  id: 'import-error',
  summary:
    "a commit breaks the crawler's DAG file → an import error with a Traceback in the importErrors API",
  scope: "the crawler's DAG file only",
  async break(ctx, crawler) {
    const { changed } = await editDagFile(
      ctx,
      crawler,
      IMPORT_ERROR_EDIT,
      'break',
    );
    await waitForImportError(ctx, crawler, true);
    return { changed };
  },
  async heal(ctx, crawler) {
    const { changed } = await editDagFile(
      ctx,
      crawler,
      IMPORT_ERROR_EDIT,
      'heal',
    );
    if (crawler.name === 'price-crawler') {
      ctx.note(
        'the seeded import error of airflow3/price_crawler_backfill.py stays: it is part of the seeded world',
      );
    }
    await waitForImportError(ctx, crawler, false);
    return { changed };
  },
};
