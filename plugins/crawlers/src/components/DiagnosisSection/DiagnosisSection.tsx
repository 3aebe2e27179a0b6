/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Flex, Text } from '@backstage/ui';
import { RiInformationLine } from '@remixicon/react';
import {
  ANNOTATION_KUBERNETES_NAMESPACE,
  CRAWLERS_FINDING_IDS,
  CrawlersDiagnosisResponse,
  CrawlersFinding,
  CrawlersUpstreamError,
} from '@crawler-platform/plugin-crawlers-common';
import { useCallback, useEffect, useId, useRef } from 'react';
import { crawlersApiRef } from '../../api';
import { useCrawlerEntityRef } from '../../hooks/useCrawlerEntityRef';
import { useCrawlersQuery } from '../../hooks/useCrawlersQuery';
import { isImportErrorsError } from '../ImportErrorsSection';
import { CrawlerSection } from '../shared/CrawlerSection';
import { Facts } from '../shared/Facts';
import { formatTime } from '../shared/format';
import {
  ClaimRefusal,
  Code,
  EmptyState,
  isClaimError,
  isDagError,
  SectionError,
  SectionSkeleton,
  UpstreamErrors,
} from '../shared/SectionStates';
import sharedStyles from '../shared/shared.module.css';
import { StatusBadge, StatusTone } from '../shared/StatusBadge';
import { CopyButton } from './CopyButton';
import styles from './DiagnosisSection.module.css';
import { CHECK_LABELS, findingsCount, groupFindings } from './findings';

/** A finding's severity as a badge (an info icon for `info`, whose default icon is a spinner). */
function SeverityBadge(props: { severity: string; tone: StatusTone }) {
  return (
    <StatusBadge
      tone={props.tone}
      icon={
        props.severity === 'info' ? (
          <RiInformationLine aria-hidden size={14} />
        ) : undefined
      }
    >
      {props.severity}
    </StatusBadge>
  );
}

/** One finding: what is wrong, the evidence read from the live state, and the fix to copy. */
function Finding(props: { finding: CrawlersFinding; tone: StatusTone }) {
  const { finding: f } = props;
  const headingId = useId();
  const context = [
    f.variant,
    f.dagIds.length
      ? `${f.dagIds.length === 1 ? 'DAG' : 'DAGs'} ${f.dagIds.join(', ')}`
      : undefined,
  ].filter(Boolean);
  return (
    <article
      className={styles.finding}
      data-severity={f.severity}
      data-finding={f.id}
      aria-labelledby={headingId}
    >
      <Flex direction="column" gap="2">
        <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
          <SeverityBadge severity={f.severity} tone={props.tone} />
          <Text as="h4" variant="title-x-small" id={headingId}>
            {f.title}
          </Text>
        </Flex>
        <Text variant="body-small" color="secondary">
          <Code>{f.id}</Code>
          {context.length ? ` · ${context.join(' · ')}` : ''}
        </Text>
        <Text>{f.summary}</Text>
        {f.evidence.length > 0 && (
          <>
            <Text as="h5" variant="body-small" weight="bold">
              Evidence
            </Text>
            <ul className={styles.evidence} aria-label={`Evidence of ${f.id}`}>
              {f.evidence.map((e, i) => (
                <li key={`${e.object}:${e.where}:${i}`}>
                  <Flex direction="column" gap="1">
                    <Text variant="body-small">
                      <span className={sharedStyles.mono}>{e.object}</span>
                      <Text as="span" variant="body-small" color="secondary">
                        {' · '}
                        {e.where}
                      </Text>
                    </Text>
                    <pre className={sharedStyles.pre}>{e.text}</pre>
                  </Flex>
                </li>
              ))}
            </ul>
          </>
        )}
        <Flex justify="between" align="center" gap="2">
          <Text as="h5" variant="body-small" weight="bold">
            Fix
          </Text>
          <CopyButton
            text={f.fix.snippet.code}
            label={`Copy the fix of ${f.id}`}
          />
        </Flex>
        <Text>{f.fix.text}</Text>
        <pre
          className={sharedStyles.pre}
          role="region"
          aria-label={`Fix of ${f.id} (${f.fix.snippet.language})`}
          data-language={f.fix.snippet.language}
          // a long snippet scrolls: keyboard users must be able to reach it (axe scrollable-region-focusable)
          // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
          tabIndex={0}
        >
          <code>{f.fix.snippet.code}</code>
        </pre>
      </Flex>
    </article>
  );
}

/** The findings under one heading per severity. */
function Findings(props: { findings: CrawlersFinding[] }) {
  return (
    <>
      {groupFindings(props.findings).map(group => (
        <Flex key={group.severity} direction="column" gap="3">
          <Text as="h3" variant="title-x-small">
            {group.heading} ({group.findings.length})
          </Text>
          {group.findings.map((f, i) => (
            <Finding key={`${f.id}:${i}`} finding={f} tone={group.tone} />
          ))}
        </Flex>
      ))}
    </>
  );
}

/** The checks that could not run, with the reason: a failure they look for would not show. */
function UnknownChecks(props: { data: CrawlersDiagnosisResponse }) {
  const unknown = props.data.checks.filter(c => c.status === 'unknown');
  if (!unknown.length) return null;
  return (
    <Flex direction="column" gap="2">
      <Text as="h3" variant="title-x-small">
        Checks that could not run ({unknown.length})
      </Text>
      <Facts
        items={unknown.map(c => ({
          label: CHECK_LABELS[c.id] ?? c.id,
          value: (
            <>
              <Code>{c.id}</Code>: {c.reason ?? 'the state it needs is unknown'}
            </>
          ),
        }))}
      />
    </Flex>
  );
}

function subtitle(data: CrawlersDiagnosisResponse | undefined) {
  if (!data) {
    return 'The failures seen in the field, checked against the live state of Airflow, the cluster and AWS';
  }
  const ok = data.checks.filter(c => c.status === 'ok').length;
  return `${ok} of ${
    data.checks.length || CRAWLERS_FINDING_IDS.length
  } checks passed · ${findingsCount(data.findings.length)}${
    data.fetchedAt ? ` · fetched ${formatTime(data.fetchedAt)}` : ''
  }`;
}

/** The section errors other sections do not show already (DAG reads and import errors have their own). */
function ownErrors(errors: CrawlersUpstreamError[]) {
  return errors.filter(e => !isDagError(e) && !isImportErrorsError(e.source));
}

/**
 * The diagnosis of the known field failures (image pull 403, `pods/log` forbidden, worker without image or DAGs, no
 * Fargate profile, no egress, git-sync credentials and ref, finished pods, import errors): the findings by severity,
 * each with the exact evidence and a fix to copy; the checks that could not run, and refused claims with their fix.
 */
export function DiagnosisSection() {
  const { entity } = useEntity();
  const { entityRef } = useCrawlerEntityRef();
  const api = useApi(crawlersApiRef);
  const load = useCallback(
    () => api.getDiagnosis({ entityRef }),
    [api, entityRef],
  );
  const query = useCrawlersQuery(load);
  const data = query.value;
  const namespace =
    entity.metadata.annotations?.[ANNOTATION_KUBERNETES_NAMESPACE]?.trim();

  // The overview card links here (`#diagnosis`); scroll once the section has its data.
  const sectionRef = useRef<HTMLDivElement>(null);
  const loaded = !!data;
  useEffect(() => {
    if (loaded && window.location.hash === '#diagnosis') {
      sectionRef.current?.scrollIntoView?.();
    }
  }, [loaded]);

  const refusals = (data?.errors ?? []).filter(isClaimError);
  const unknownCount =
    data?.checks.filter(c => c.status === 'unknown').length ?? 0;

  return (
    <div ref={sectionRef}>
      <CrawlerSection
        id="diagnosis"
        title="Diagnosis"
        subtitle={subtitle(data)}
      >
        {query.error && (
          <SectionError
            title="The diagnosis could not be loaded"
            error={query.error}
            onRetry={query.retry}
          />
        )}
        {!data && !query.error && (
          <SectionSkeleton lines={4} label="Loading the diagnosis" />
        )}
        {data && (
          <>
            {refusals.map(e => {
              const subject = e.source.slice('claim:'.length);
              return (
                <ClaimRefusal
                  key={e.source}
                  subject={
                    subject === 'namespace' && namespace
                      ? `namespace ${namespace}`
                      : subject
                  }
                  reason={e.message}
                />
              );
            })}
            <UpstreamErrors
              errors={ownErrors(data.errors)}
              stale={data.stale}
            />
            {data.findings.length ? (
              <Findings findings={data.findings} />
            ) : (
              <EmptyState title="No known failure found">
                {unknownCount
                  ? `${unknownCount} of ${data.checks.length} checks could not run (see below): a failure they look for would not show here.`
                  : `All ${data.checks.length} checks passed: image pulls, the worker service account's permissions, the worker pod template, DAG files on workers, Fargate profiles and egress, git-sync, finished pods and import errors.`}
              </EmptyState>
            )}
            <UnknownChecks data={data} />
          </>
        )}
      </CrawlerSection>
    </div>
  );
}
