/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Flex, Text } from '@backstage/ui';
import {
  ANNOTATION_CRAWLERS_DAG_FILES,
  CrawlersAirflowResponse,
} from '@crawler-platform/plugin-crawlers-common';
import { CrawlerSection } from '../shared/CrawlerSection';
import { formatTime } from '../shared/format';
import {
  ClaimRefusal,
  Code,
  EmptyState,
  SectionError,
  SectionSkeleton,
  UpstreamErrors,
} from '../shared/SectionStates';
import styles from '../shared/shared.module.css';

/** Whether an `/airflow` error belongs to the import errors section. */
export function isImportErrorsError(source: string): boolean {
  return source.startsWith('importErrors');
}

/**
 * Import errors of the crawler's DAG files, each with Airflow's stack trace; files whose claim is refused show the fix
 * instead.
 */
export function ImportErrorsSection(props: {
  airflow: CrawlersAirflowResponse | undefined;
  error?: Error;
  onRetry: () => void;
  dagFilesNamed: boolean;
}) {
  const { airflow, error, onRetry, dagFilesNamed } = props;
  const fileClaims = (airflow?.errors ?? []).filter(
    e =>
      e.source.startsWith('claim:') &&
      !airflow?.dags.some(d => e.source === `claim:${d.dagId}`),
  );
  return (
    <CrawlerSection id="import-errors" title="Import errors">
      {error && !airflow && (
        <SectionError
          title="Import errors could not be loaded"
          error={error}
          onRetry={onRetry}
        />
      )}
      {!airflow && !error && <SectionSkeleton label="Loading import errors" />}
      {airflow && (
        <>
          {fileClaims.map(e => (
            <ClaimRefusal
              key={e.source}
              subject={e.source.slice('claim:'.length)}
              reason={e.message}
            />
          ))}
          <UpstreamErrors
            errors={airflow.errors.filter(e => isImportErrorsError(e.source))}
            stale={airflow.importErrorsStale}
          />
          {airflow.importErrors.length === 0 ? (
            <EmptyState title="No import errors in this crawler's DAG files">
              {dagFilesNamed ? (
                'Airflow reports no error for the files of the DAGs whose claim holds, nor for the DAG files this crawler names.'
              ) : (
                <>
                  Files that never parsed have no DAG to name them: list them in
                  the <Code>{ANNOTATION_CRAWLERS_DAG_FILES}</Code> annotation to
                  see their errors here.
                </>
              )}
            </EmptyState>
          ) : (
            airflow.importErrors.map(ie => (
              <Flex key={ie.id} direction="column" gap="1">
                <Text as="h3" variant="title-x-small">
                  <span className={styles.mono}>{ie.filename}</span>
                </Text>
                <Text variant="body-small" color="secondary">
                  {ie.timestamp ? `since ${formatTime(ie.timestamp)}` : ''}
                  {ie.bundleName ? ` · bundle ${ie.bundleName}` : ''}
                </Text>
                <pre
                  className={styles.pre}
                  role="region"
                  aria-label={`Stack trace of ${ie.filename}`}
                  // a long trace scrolls: keyboard users must be able to reach it (axe scrollable-region-focusable)
                  // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
                  tabIndex={0}
                >
                  {ie.stackTrace}
                </pre>
              </Flex>
            ))
          )}
        </>
      )}
    </CrawlerSection>
  );
}
