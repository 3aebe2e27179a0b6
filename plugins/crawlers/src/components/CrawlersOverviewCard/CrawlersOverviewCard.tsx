/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import { RiExternalLinkLine } from '@remixicon/react';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_IDS,
  ANNOTATION_KUBERNETES_NAMESPACE,
  CrawlersOverviewResponse,
  CrawlersUpstreamError,
  parseCrawlersDagIds,
} from '@crawler-platform/plugin-crawlers-common';
import { ReactNode, useCallback, useId } from 'react';
import { crawlersApiRef } from '../../api';
import { CrawlersRefreshProvider } from '../../hooks/refresh';
import { useCrawlerEntityRef } from '../../hooks/useCrawlerEntityRef';
import { useCrawlersQuery } from '../../hooks/useCrawlersQuery';
import { useCrawlerTabPath } from '../../routes';
import { findingsCount } from '../DiagnosisSection/findings';
import { formatRelative } from '../shared/format';
import {
  airflowDagUrl,
  codeCommitRepository,
  codeCommitRepositoryUrl,
} from '../shared/links';
import {
  ClaimRefusal,
  Code,
  SectionError,
  SectionSkeleton,
  isClaimError,
} from '../shared/SectionStates';
import {
  gitSyncTone,
  PausedBadge,
  RunStateBadge,
  StatusBadge,
  StatusTone,
} from '../shared/StatusBadge';
import { latestRun, nextRun } from './health';

function safeDagIds(value: string | undefined): string[] {
  try {
    return value ? parseCrawlersDagIds(value) : [];
  } catch {
    return [];
  }
}

function HealthItem(props: { label: string; children: ReactNode }) {
  return (
    <Flex gap="1" align="center">
      <Text variant="body-small" color="secondary">
        {props.label}
      </Text>
      {props.children}
    </Flex>
  );
}

/**
 * The number of findings of the diagnosis, linked to the Diagnosis section of the crawler tab; nothing for a backend
 * older than the diagnosis.
 */
function DiagnosisItem(props: {
  diagnosis: CrawlersOverviewResponse['diagnosis'];
  tabPath: string | undefined;
}) {
  const { diagnosis, tabPath } = props;
  if (!diagnosis) return null;
  let item: ReactNode = <Text variant="body-small">unknown</Text>;
  if (diagnosis.data) {
    const { counts, unknownChecks } = diagnosis.data;
    const total = counts.error + counts.warning + counts.info;
    let tone: StatusTone = 'info';
    if (counts.error) tone = 'danger';
    else if (counts.warning) tone = 'warning';
    const badge = total ? (
      <StatusBadge tone={tone}>{findingsCount(total)}</StatusBadge>
    ) : (
      <StatusBadge tone="success">No known failures</StatusBadge>
    );
    item = (
      <>
        {tabPath ? <Link href={`${tabPath}#diagnosis`}>{badge}</Link> : badge}
        {unknownChecks.length > 0 && (
          <Text variant="body-small">
            ({unknownChecks.length} of the checks could not run)
          </Text>
        )}
      </>
    );
  }
  return <HealthItem label="Diagnosis">{item}</HealthItem>;
}

/** The one-line health: latest run, next run, git-sync state, pod problems, findings of the diagnosis. */
function HealthLine(props: {
  overview: CrawlersOverviewResponse;
  tabPath: string | undefined;
}) {
  const { dags, gitSync, pods } = props.overview;
  const dagList = dags.data ?? [];
  const latest = latestRun(dagList);
  const next = nextRun(dagList);
  const several = dagList.filter(d => d.claimHolds).length > 1;
  const allPaused =
    dagList.some(d => d.claimHolds) &&
    dagList.filter(d => d.claimHolds).every(d => d.isPaused);

  let nextItem: ReactNode = <Text variant="body-small">none scheduled</Text>;
  if (allPaused) nextItem = <PausedBadge isPaused />;
  else if (next) {
    nextItem = (
      <Text variant="body-small">
        {formatRelative(next.at)}
        {several ? ` (${next.dagId})` : ''}
      </Text>
    );
  }

  let podItem: ReactNode = <Text variant="body-small">unknown</Text>;
  if (pods.data) {
    podItem = pods.data.problems.length ? (
      <StatusBadge tone="danger">
        {pods.data.problems.length}{' '}
        {pods.data.problems.length === 1 ? 'problem' : 'problems'}
      </StatusBadge>
    ) : (
      <StatusBadge tone="success">
        {pods.data.total ? `${pods.data.total} ok` : 'none running'}
      </StatusBadge>
    );
  }

  return (
    <Flex
      gap="4"
      align="center"
      style={{ flexWrap: 'wrap' }}
      data-testid="crawler-health"
    >
      <HealthItem label="Latest run">
        {latest ? (
          <>
            <RunStateBadge state={latest.state} />
            <Text variant="body-small">
              {formatRelative(latest.startDate ?? latest.runAfter)}
              {several ? ` (${latest.dagId})` : ''}
            </Text>
          </>
        ) : (
          <Text variant="body-small">no runs yet</Text>
        )}
      </HealthItem>
      <HealthItem label="Next run">{nextItem}</HealthItem>
      <HealthItem label="git-sync">
        {gitSync.data ? (
          <>
            <StatusBadge tone={gitSyncTone(gitSync.data.state)}>
              {gitSync.data.state}
            </StatusBadge>
            {gitSync.data.behind?.since && (
              <Text variant="body-small">
                since {formatRelative(gitSync.data.behind.since)}
              </Text>
            )}
          </>
        ) : (
          <Text variant="body-small">unknown</Text>
        )}
      </HealthItem>
      <HealthItem label="Pods">{podItem}</HealthItem>
      <DiagnosisItem
        diagnosis={props.overview.diagnosis}
        tabPath={props.tabPath}
      />
    </Flex>
  );
}

/** One line per overview section that reported errors (the crawler tab has the details). */
function SectionProblems(props: { overview: CrawlersOverviewResponse }) {
  const sections: Array<[string, CrawlersUpstreamError[]]> = [
    ['Airflow', props.overview.dags.errors],
    ['git-sync', props.overview.gitSync.errors],
    ['Pods', props.overview.pods.errors],
    // the diagnosis repeats the other sections' errors: only its own failure is shown here
    [
      'Diagnosis',
      props.overview.diagnosis && !props.overview.diagnosis.data
        ? props.overview.diagnosis.errors
        : [],
    ],
  ];
  return (
    <>
      {sections.map(([name, errors]) => {
        const shown = errors.filter(e => !isClaimError(e));
        if (!shown.length) return null;
        const worst = shown.find(e => e.severity !== 'warning') ?? shown[0];
        return (
          <Alert
            key={name}
            status={worst.severity === 'warning' ? 'warning' : 'danger'}
            icon
            title={`${name}: ${worst.source} (${worst.status})${
              shown.length > 1 ? ` and ${shown.length - 1} more` : ''
            }`}
            description={worst.message}
          />
        );
      })}
    </>
  );
}

function OverviewCardContent() {
  const { entity } = useEntity();
  const { entityRef } = useCrawlerEntityRef();
  const api = useApi(crawlersApiRef);
  const headingId = useId();

  const overview = useCrawlersQuery(
    useCallback(() => api.getOverview({ entityRef }), [api, entityRef]),
  );
  // For the links only: the Airflow UI address and the repository git-sync follows.
  const airflow = useCrawlersQuery(
    useCallback(() => api.getAirflow({ entityRef }), [api, entityRef]),
  );
  const gitSync = useCrawlersQuery(
    useCallback(() => api.getGitSync({ entityRef }), [api, entityRef]),
  );

  const annotations = entity.metadata.annotations ?? {};
  const namespace = annotations[ANNOTATION_KUBERNETES_NAMESPACE]?.trim();
  const dagIds = safeDagIds(annotations[ANNOTATION_CRAWLERS_DAG_IDS]);
  const instance = airflow.value?.instance;
  const instanceName =
    instance?.name ?? annotations[ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE];
  const airflowUrl =
    dagIds.length === 1
      ? airflowDagUrl(instance, dagIds[0])
      : instance?.uiUrl ?? undefined;
  const repo = codeCommitRepository(
    gitSync.value?.settings?.repo,
    gitSync.value?.head?.repositoryName,
  );
  const tabPath = useCrawlerTabPath();
  const refusals = (overview.value?.dags.errors ?? []).filter(isClaimError);

  return (
    <section aria-labelledby={headingId}>
      <Card>
        <CardHeader>
          <Text as="h2" variant="title-small" id={headingId}>
            Crawler
          </Text>
        </CardHeader>
        <CardBody>
          <Flex
            direction="column"
            gap="3"
            aria-labelledby={headingId}
            role="group"
          >
            {overview.error && !overview.value && (
              <SectionError
                title="The crawler's health could not be loaded"
                error={overview.error}
                onRetry={overview.retry}
              />
            )}
            <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
              <Text variant="body-small" color="secondary">
                {dagIds.length === 1 ? 'DAG' : 'DAGs'}
              </Text>
              {dagIds.map(id => (
                <Code key={id}>{id}</Code>
              ))}
              {instanceName && (
                <>
                  <Text variant="body-small" color="secondary">
                    on Airflow
                  </Text>
                  <Code>{instanceName}</Code>
                </>
              )}
            </Flex>
            {!overview.value && !overview.error && (
              <SectionSkeleton lines={2} label="Loading the crawler's health" />
            )}
            {overview.value && (
              <>
                <HealthLine overview={overview.value} tabPath={tabPath} />
                {refusals.map(e => (
                  <ClaimRefusal
                    key={e.source}
                    subject={e.source.slice('claim:'.length)}
                    reason={e.message}
                  />
                ))}
                {(overview.value.pods.data?.problems ?? [])
                  .slice(0, 3)
                  .map(p => (
                    <Text key={`${p.namespace}/${p.name}`} variant="body-small">
                      {p.name}: {p.reason}
                    </Text>
                  ))}
                <SectionProblems overview={overview.value} />
              </>
            )}
            <Flex gap="4" style={{ flexWrap: 'wrap' }}>
              {airflowUrl && (
                <Link
                  href={airflowUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  Airflow UI <RiExternalLinkLine aria-hidden size={12} />
                </Link>
              )}
              {repo && (
                <Link
                  href={codeCommitRepositoryUrl(repo)}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  CodeCommit repository {repo.name}{' '}
                  <RiExternalLinkLine aria-hidden size={12} />
                </Link>
              )}
              {namespace &&
                (tabPath ? (
                  <Link href={`${tabPath}#pods`}>Namespace {namespace}</Link>
                ) : (
                  <Text>Namespace {namespace}</Text>
                ))}
              {tabPath && <Link href={tabPath}>Crawler tab</Link>}
            </Flex>
          </Flex>
        </CardBody>
      </Card>
    </section>
  );
}

/**
 * The crawler's card on the entity overview: one-line health (latest run, next run, git-sync state, pod problems,
 * number of findings of the diagnosis),
 * refused claims with their fix, and links to the Airflow UI, the CodeCommit repository and the namespace's pods.
 */
export function CrawlersOverviewCard() {
  return (
    <CrawlersRefreshProvider>
      <OverviewCardContent />
    </CrawlersRefreshProvider>
  );
}
