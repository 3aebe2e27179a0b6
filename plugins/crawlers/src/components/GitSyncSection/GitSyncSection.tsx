/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { useApi } from '@backstage/core-plugin-api';
import {
  Alert,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  Link,
  Table,
  Text,
} from '@backstage/ui';
import type {
  CrawlersContainerStatus,
  CrawlersGitSyncPod,
  CrawlersGitSyncResponse,
  CrawlersGitSyncTrap,
} from '@crawler-platform/plugin-crawlers-common';
import { useCallback } from 'react';
import { crawlersApiRef } from '../../api';
import { useCrawlerEntityRef } from '../../hooks/useCrawlerEntityRef';
import { useCrawlersQuery } from '../../hooks/useCrawlersQuery';
import { CrawlerSection } from '../shared/CrawlerSection';
import { Facts } from '../shared/Facts';
import {
  formatDuration,
  formatRelative,
  formatTime,
  shortSha,
} from '../shared/format';
import {
  CodeCommitRepository,
  codeCommitCommitUrl,
  codeCommitRepository,
  codeCommitRepositoryUrl,
} from '../shared/links';
import {
  Code,
  EmptyState,
  isDagError,
  SectionError,
  SectionSkeleton,
  UpstreamErrors,
} from '../shared/SectionStates';
import { gitSyncTone, StatusBadge } from '../shared/StatusBadge';

const TRAP_TITLES: Record<CrawlersGitSyncTrap['kind'], string> = {
  'branch-overrides-ref': 'GIT_SYNC_BRANCH overrides GITSYNC_REF',
  'missing-credential-key': 'A credential key is missing from its Secret',
  'fatal-flags': 'git-sync refuses its flags',
};

/** A commit's short id, linked to the commit in the CodeCommit console when the repository is known. */
function CommitLink(props: {
  repo: CodeCommitRepository | undefined;
  commit: string | null;
}) {
  if (!props.commit) return <>–</>;
  if (!props.repo) return <Code>{shortSha(props.commit)}</Code>;
  return (
    <Link
      href={codeCommitCommitUrl(props.repo, props.commit)}
      target="_blank"
      rel="noopener noreferrer"
      title={props.commit}
    >
      <Code>{shortSha(props.commit)}</Code>
    </Link>
  );
}

function containerSummary(c: CrawlersContainerStatus): string {
  const state = c.reason ? `${c.state} (${c.reason})` : c.state;
  return `${c.name}: ${c.ready ? 'ready' : 'not ready'}, ${state}, ${
    c.restartCount
  } ${c.restartCount === 1 ? 'restart' : 'restarts'}`;
}

type GitSyncPodItem = CrawlersGitSyncPod & { id: string };

const podColumns: ColumnConfig<GitSyncPodItem>[] = [
  {
    id: 'pod',
    label: 'Pod',
    isRowHeader: true,
    width: '2fr',
    cell: p => <CellText title={p.name} description={p.component} />,
  },
  {
    id: 'state',
    label: 'git-sync',
    width: '1fr',
    cell: p => (
      <Cell>
        <StatusBadge tone={gitSyncTone(p.state)}>{p.state}</StatusBadge>
      </Cell>
    ),
  },
  {
    id: 'status',
    label: 'Status',
    width: '1fr',
    cell: p => <CellText title={p.status} description={p.phase} />,
  },
  {
    id: 'containers',
    label: 'Sidecar',
    width: '3fr',
    cell: p => {
      const sidecar =
        p.containers.find(c => c.name === p.logContainer) ??
        p.containers.find(c => !c.init) ??
        p.containers[0];
      const others = p.containers.filter(c => c !== sidecar);
      return (
        <CellText
          title={sidecar ? containerSummary(sidecar) : 'no git-sync container'}
          description={others.map(containerSummary).join('; ') || undefined}
        />
      );
    },
  },
];

function GitSyncDetails(props: { data: CrawlersGitSyncResponse }) {
  const { data } = props;
  const repo = codeCommitRepository(
    data.settings?.repo,
    data.head?.repositoryName,
  );
  const behind = data.behind;
  let dagFiles: string | undefined;
  if (behind) {
    if (behind.dagFilesAffected === true) {
      dagFiles = `changed: ${behind.changedDagFiles.join(', ')}`;
    } else if (behind.dagFilesAffected === false) {
      dagFiles = 'not changed: Airflow runs this crawler\u2019s current code';
    } else {
      dagFiles = 'unknown (no known DAG file, or a read failed)';
    }
  }
  return (
    <Facts
      items={[
        {
          label: 'Synced commit',
          value: (
            <>
              <CommitLink repo={repo} commit={data.syncedCommit} />
              {data.syncedAt && ` at ${formatTime(data.syncedAt)}`}
            </>
          ),
        },
        {
          label: 'Repository head',
          value: data.head ? (
            <>
              {data.head.branch}{' '}
              <CommitLink repo={repo} commit={data.head.commit} />
              {data.head.committedAt &&
                ` committed ${formatRelative(data.head.committedAt)}`}
            </>
          ) : (
            'unknown'
          ),
        },
        !!behind && {
          label: 'Behind',
          value: `since ${formatTime(behind.since)} (${formatRelative(
            behind.since,
          )})${behind.commits !== null ? `, ${behind.commits} commits` : ''}${
            behind.secondsPastPeriod
              ? `, ${formatDuration(
                  behind.secondsPastPeriod,
                )} longer than one sync period`
              : ''
          }`,
        },
        !!dagFiles && { label: 'DAG files of this crawler', value: dagFiles },
        data.state === 'failing' && {
          label: 'Failures',
          value: `failCount ${data.failCount ?? 'unknown'}`,
        },
        !!data.lastError && {
          label: 'Last error',
          value: (
            <>
              <Code>{data.lastError.message}</Code>
              {data.lastError.at && ` at ${formatTime(data.lastError.at)}`}
            </>
          ),
        },
        !!repo && {
          label: 'Repository',
          value: (
            <Link
              href={codeCommitRepositoryUrl(repo)}
              target="_blank"
              rel="noopener noreferrer"
            >
              {repo.name}
            </Link>
          ),
        },
        !!data.settings && {
          label: 'Follows',
          value: `${data.settings.ref}${
            data.settings.requestedRef &&
            data.settings.requestedRef !== data.settings.ref
              ? ` (GITSYNC_REF asks for ${data.settings.requestedRef})`
              : ''
          }, every ${formatDuration(data.settings.periodSeconds)}`,
        },
      ]}
    />
  );
}

/**
 * git-sync of the crawler's Airflow: whether Airflow runs the commit at the head of the branch, since when it is
 * behind and whether this crawler's files changed, failures with their last error, the sidecars, and configuration
 * traps.
 */
export function GitSyncSection() {
  const { entityRef } = useCrawlerEntityRef();
  const api = useApi(crawlersApiRef);
  const load = useCallback(
    () => api.getGitSync({ entityRef }),
    [api, entityRef],
  );
  const query = useCrawlersQuery(load);
  const data = query.value;

  return (
    <CrawlerSection
      id="git-sync"
      title="git-sync"
      subtitle={
        data && data.namespace
          ? `Release ${data.release ?? '–'} in namespace ${data.namespace}${
              data.cluster ? ` of cluster ${data.cluster}` : ''
            }`
          : undefined
      }
    >
      {query.error && (
        <SectionError
          title="git-sync could not be loaded"
          error={query.error}
          onRetry={query.retry}
        />
      )}
      {!data && !query.error && <SectionSkeleton label="Loading git-sync" />}
      {data && (
        <>
          <Flex gap="2" align="center">
            <StatusBadge tone={gitSyncTone(data.state)}>
              {data.state}
            </StatusBadge>
            <Text>{data.reason}</Text>
          </Flex>
          <UpstreamErrors
            errors={data.errors.filter(e => !isDagError(e))}
            stale={data.stale}
          />
          {data.traps.map(trap => (
            <Alert
              key={`${trap.kind}:${trap.pod}:${trap.message}`}
              status="warning"
              icon
              title={TRAP_TITLES[trap.kind] ?? trap.kind}
              description={`${trap.message}${
                trap.pod ? ` (pod ${trap.pod})` : ''
              }${trap.keys?.length ? ` Keys: ${trap.keys.join(', ')}.` : ''}`}
            />
          ))}
          {data.pods.length > 0 || data.syncedCommit || data.head ? (
            <GitSyncDetails data={data} />
          ) : null}
          {data.pods.length > 0 ? (
            <Table
              columnConfig={podColumns}
              data={data.pods.map(p => ({ ...p, id: p.name }))}
              pagination={{ type: 'none' }}
            />
          ) : (
            <EmptyState title="No git-sync pod found">
              The crawler&apos;s Airflow instance needs its{' '}
              <Code>kubernetes</Code> settings (
              <Code>crawlers.airflow.instances[].kubernetes</Code>: cluster,
              namespace, release) and a scheduler or dag-processor pod that runs
              git-sync.
            </EmptyState>
          )}
        </>
      )}
    </CrawlerSection>
  );
}
