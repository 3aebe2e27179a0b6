/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Entity } from '@backstage/catalog-model';
import { CRAWLERS_FINDING_IDS } from '@crawler-platform/plugin-crawlers-common';
import type {
  CrawlersAirflowResponse,
  CrawlersDag,
  CrawlersDagRun,
  CrawlersDagRunsPage,
  CrawlersDiagnosisResponse,
  CrawlersFinding,
  CrawlersGitSyncResponse,
  CrawlersOverviewResponse,
  CrawlersPod,
  CrawlersPodsResponse,
  CrawlersTaskInstancesResponse,
} from '@crawler-platform/plugin-crawlers-common';
import type { CrawlersApi } from '../api';

/** Times relative to now, as ISO strings. */
export const minutesAgo = (m: number) =>
  new Date(Date.now() - m * 60_000).toISOString();

export const crawlerEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'news-crawler',
    namespace: 'default',
    annotations: {
      'crawler-platform.io/dag-ids': 'news_crawler',
      'crawler-platform.io/airflow-instance': 'airflow2',
      'backstage.io/kubernetes-namespace': 'crawler-news',
    },
  },
  spec: { type: 'crawler', lifecycle: 'production', owner: 'crawler-team' },
};

export const entityRef = {
  kind: 'component',
  namespace: 'default',
  name: 'news-crawler',
};

export function dag(overrides: Partial<CrawlersDag> = {}): CrawlersDag {
  return {
    dagId: 'news_crawler',
    displayName: 'news_crawler',
    description: null,
    isPaused: false,
    isActive: true,
    schedule: '@hourly',
    nextRunLogicalDate: minutesAgo(-30),
    nextRunAfter: minutesAgo(-30),
    owners: ['crawler-team'],
    tags: ['backstage:component:default/news-crawler'],
    fileloc: '/opt/airflow/dags/airflow2/news_crawler.py',
    relativeFileloc: null,
    bundleName: null,
    hasImportErrors: false,
    ...overrides,
  };
}

export function run(
  n: number,
  overrides: Partial<CrawlersDagRun> = {},
): CrawlersDagRun {
  return {
    dagId: 'news_crawler',
    runId: `scheduled__2026-01-01T${String(n % 24).padStart(
      2,
      '0',
    )}:00:00+00:00#${n}`,
    state: 'success',
    runType: 'scheduled',
    logicalDate: minutesAgo(60 * n),
    runAfter: minutesAgo(60 * n),
    startDate: minutesAgo(60 * n),
    endDate: minutesAgo(60 * n - 1),
    durationSeconds: 60 + n,
    triggeredBy: 'timetable',
    conf: {},
    note: null,
    ...overrides,
  };
}

export function runsPage(
  runs: CrawlersDagRun[],
  overrides: Partial<CrawlersDagRunsPage> = {},
): CrawlersDagRunsPage {
  return {
    dagId: 'news_crawler',
    runs,
    totalEntries: runs.length,
    limit: 10,
    offset: 0,
    fetchedAt: minutesAgo(0),
    stale: false,
    errors: [],
    ...overrides,
  };
}

export function airflowResponse(
  overrides: Partial<CrawlersAirflowResponse> = {},
): CrawlersAirflowResponse {
  return {
    entityRef: 'component:default/news-crawler',
    instance: {
      name: 'airflow2',
      apiVersion: 'v1',
      uiUrl: 'http://airflow.example.com',
    },
    dags: [
      {
        dagId: 'news_crawler',
        claim: {
          holds: true,
          tag: 'backstage:component:default/news-crawler',
          mode: 'tag',
        },
        dag: dag(),
        recentRuns: [run(1), run(2, { state: 'failed' })],
        fetchedAt: minutesAgo(0),
        stale: false,
        errors: [],
      },
    ],
    importErrors: [],
    importErrorsFetchedAt: minutesAgo(0),
    importErrorsStale: false,
    errors: [],
    ...overrides,
  };
}

export const impostorReason =
  'DAG "news_crawler" does not confirm that it belongs to component:default/impostor-crawler: add the tag "backstage:component:default/impostor-crawler" to the tags of its DAG(...)';

export function refusedAirflowResponse(): CrawlersAirflowResponse {
  return airflowResponse({
    entityRef: 'component:default/impostor-crawler',
    dags: [
      {
        dagId: 'news_crawler',
        claim: {
          holds: false,
          tag: 'backstage:component:default/impostor-crawler',
          mode: 'tag',
          reason: impostorReason,
        },
        dag: null,
        recentRuns: [],
        fetchedAt: null,
        stale: false,
        errors: [
          {
            source: 'claim:news_crawler',
            status: 403,
            message: impostorReason,
          },
        ],
      },
    ],
    errors: [
      {
        source: 'claim:airflow3/price_crawler_backfill.py',
        status: 403,
        message:
          'The file airflow3/price_crawler_backfill.py does not carry the tag "backstage:component:default/impostor-crawler"',
      },
    ],
  });
}

export function taskInstances(): CrawlersTaskInstancesResponse {
  return {
    dagId: 'news_crawler',
    runId: run(1).runId,
    taskInstances: [
      {
        taskId: 'crawl',
        mapIndex: -1,
        state: 'success',
        tryNumber: 2,
        maxTries: 3,
        operator: 'KubernetesPodOperator',
        startDate: minutesAgo(60),
        endDate: minutesAgo(59),
        durationSeconds: 61,
        hostname: 'worker-1',
      },
    ],
    fetchedAt: minutesAgo(0),
    stale: false,
    errors: [],
  };
}

export function gitSync(
  overrides: Partial<CrawlersGitSyncResponse> = {},
): CrawlersGitSyncResponse {
  const commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  return {
    entityRef: 'component:default/news-crawler',
    instance: 'airflow2',
    cluster: 'sandbox',
    namespace: 'airflow',
    release: 'airflow2',
    state: 'in-sync',
    reason: 'git-sync synced the head of main',
    syncedCommit: commit,
    syncedAt: minutesAgo(2),
    head: {
      repositoryName: 'airflow-dags',
      branch: 'main',
      commit,
      committedAt: minutesAgo(60),
    },
    behind: null,
    failCount: null,
    lastError: null,
    settings: {
      repo: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/airflow-dags',
      ref: 'main',
      requestedRef: 'main',
      periodSeconds: 60,
      maxFailures: 0,
      credentialKeys: [],
    },
    pods: [
      {
        name: 'airflow2-scheduler-0',
        component: 'scheduler',
        phase: 'Running',
        status: 'Running',
        state: 'in-sync',
        reason: 'synced the head',
        containers: [
          {
            name: 'git-sync',
            init: false,
            image: 'registry.k8s.io/git-sync/git-sync:v4.4.2',
            ready: true,
            restartCount: 0,
            state: 'running',
            reason: null,
            message: null,
            exitCode: null,
            startedAt: minutesAgo(120),
            lastTermination: null,
          },
        ],
        logContainer: 'git-sync',
        logFormat: 'v4-json',
        syncedCommit: commit,
        syncedAt: minutesAgo(2),
        failCount: null,
        lastError: null,
        aborted: false,
        settings: null,
      },
    ],
    traps: [],
    dagFiles: ['airflow2/news_crawler.py'],
    fetchedAt: minutesAgo(0),
    stale: false,
    errors: [],
    ...overrides,
  };
}

export function pod(overrides: Partial<CrawlersPod> = {}): CrawlersPod {
  return {
    name: 'news-crawler-crawl-abc',
    namespace: 'crawler-news',
    kind: 'operator',
    dagId: 'news_crawler',
    taskId: 'crawl',
    runId: run(1).runId,
    tryNumber: 1,
    phase: 'Succeeded',
    status: 'Completed',
    containers: [],
    restarts: 0,
    createdAt: minutesAgo(60),
    ageSeconds: 3600,
    nodeName: 'fargate-ip-10-0-0-1',
    capacityProvisioned: '0.25vCPU 0.5GB',
    fargateProfile: 'crawlers',
    schedulerName: 'fargate-scheduler',
    problem: false,
    problemReason: null,
    events: [
      {
        type: 'Normal',
        reason: 'Scheduled',
        message: 'Successfully assigned crawler-news/news-crawler-crawl-abc',
        origin: 'fargate-scheduler',
        fieldPath: null,
        count: 1,
        lastSeen: minutesAgo(60),
      },
    ],
    ...overrides,
  };
}

export function podsResponse(
  pods: CrawlersPod[],
  overrides: Partial<CrawlersPodsResponse> = {},
): CrawlersPodsResponse {
  return {
    entityRef: 'component:default/news-crawler',
    instance: 'airflow2',
    cluster: 'sandbox',
    namespaces: { crawler: 'crawler-news', airflow: 'airflow' },
    namespaceClaim: { namespace: 'crawler-news', holds: true },
    pods,
    truncated: false,
    fetchedAt: minutesAgo(0),
    stale: false,
    errors: [],
    ...overrides,
  };
}

export function overview(
  overrides: Partial<CrawlersOverviewResponse> = {},
): CrawlersOverviewResponse {
  return {
    entityRef: 'component:default/news-crawler',
    instance: 'airflow2',
    dags: {
      data: [
        {
          dagId: 'news_crawler',
          claimHolds: true,
          isPaused: false,
          latestRun: run(1),
          nextRunAfter: minutesAgo(-30),
          nextRunLogicalDate: minutesAgo(-30),
        },
      ],
      fetchedAt: minutesAgo(0),
      stale: false,
      errors: [],
    },
    gitSync: {
      data: {
        state: 'in-sync',
        reason: 'synced',
        syncedCommit: 'a1b2c3d',
        headCommit: 'a1b2c3d',
        behind: null,
        failCount: null,
        traps: [],
      },
      fetchedAt: minutesAgo(0),
      stale: false,
      errors: [],
    },
    pods: {
      data: {
        total: 1,
        byPhase: { Succeeded: 1 },
        problems: [],
        finishedOperatorPods: 1,
      },
      fetchedAt: minutesAgo(0),
      stale: false,
      errors: [],
    },
    ...overrides,
  };
}

export const roleFix = [
  'apiVersion: rbac.authorization.k8s.io/v1',
  'kind: Role',
  'metadata:',
  '  name: airflow-pod-runner',
  '  namespace: crawler-price',
  'rules:',
  '  - apiGroups: [""]',
  '    resources: [pods]',
  '    verbs: [create, get, list, watch, delete, patch]',
  '  - apiGroups: [""]',
  '    resources: [pods/log]',
  '    verbs: [get]',
].join('\n');

/** The `pods/log` finding of price-crawler, as the backend words it. */
export function podsLogFinding(
  overrides: Partial<CrawlersFinding> = {},
): CrawlersFinding {
  return {
    id: 'pods-log-forbidden',
    severity: 'error',
    variant: 'refused',
    title:
      'ServiceAccount airflow/airflow-worker may not get pods/log in namespace crawler-price',
    summary:
      "The KubernetesPodOperator runs as Airflow's worker service account; without get pods/log it cannot read the crawler's log. The last failed try was refused.",
    dagIds: ['price_crawler'],
    evidence: [
      {
        object:
          'Task log price_crawler manual__2026-01-01T00:00:00+00:00 crawl try 1',
        where: 'task log: ApiException (403) Forbidden',
        text: 'pods "price-crawler-crawl-x7k2p" is forbidden: User "system:serviceaccount:airflow:airflow-worker" cannot get resource "pods/log" in API group "" in the namespace "crawler-price"',
      },
      {
        object: 'Role airflow-pod-runner (namespace crawler-price)',
        where: 'rules',
        text: 'no rule allows get pods/log for ServiceAccount airflow/airflow-worker',
      },
    ],
    fix: {
      text: 'Add the missing rules (get pods/log) to the Role bound to airflow-worker in crawler-price.',
      snippet: { language: 'yaml', code: roleFix },
    },
    ...overrides,
  };
}

/** The import error finding of price-crawler. */
export function importErrorFinding(
  overrides: Partial<CrawlersFinding> = {},
): CrawlersFinding {
  return {
    id: 'import-error',
    severity: 'error',
    title:
      '1 DAG file(s) of this crawler do not import: /opt/airflow/dags/repo/airflow3/price_crawler_backfill.py',
    summary:
      'Airflow cannot load the file, so its DAG is missing from the UI and the API (SyntaxError: invalid syntax).',
    dagIds: [],
    evidence: [
      {
        object:
          'Import error /opt/airflow/dags/repo/airflow3/price_crawler_backfill.py',
        where: 'stack_trace',
        text: 'Traceback (most recent call last): … SyntaxError: invalid syntax',
      },
    ],
    fix: {
      text: 'Fix the error the stack trace names, check the file locally, and push; git-sync brings it to Airflow.',
      snippet: {
        language: 'shell',
        code: 'python -m py_compile airflow3/price_crawler_backfill.py\nairflow dags list-import-errors',
      },
    },
    ...overrides,
  };
}

/** A diagnosis answer: every check `ok` except those with a finding. */
export function diagnosis(
  findings: CrawlersFinding[] = [],
  overrides: Partial<CrawlersDiagnosisResponse> = {},
): CrawlersDiagnosisResponse {
  return {
    entityRef: 'component:default/news-crawler',
    instance: 'airflow2',
    cluster: 'sandbox',
    findings,
    checks: CRAWLERS_FINDING_IDS.map(id => ({
      id,
      status: findings.some(f => f.id === id) ? 'finding' : 'ok',
    })),
    fetchedAt: '2026-01-01T10:00:00Z',
    stale: false,
    errors: [],
    ...overrides,
  };
}

/** A {@link CrawlersApi} whose every method is a jest mock answering the fixtures above. */
export function mockCrawlersApi(
  overrides: Partial<CrawlersApi> = {},
): jest.Mocked<CrawlersApi> {
  return {
    getAirflow: jest.fn(async () => airflowResponse()),
    getOverview: jest.fn(async () => overview()),
    listRuns: jest.fn(async () =>
      runsPage([run(1), run(2, { state: 'failed' })]),
    ),
    listTaskInstances: jest.fn(async () => taskInstances()),
    getTaskLog: jest.fn(async () => ({
      dagId: 'news_crawler',
      runId: run(1).runId,
      taskId: 'crawl',
      log: { tryNumber: 1, lines: [], continuationToken: null },
    })),
    triggerRun: jest.fn(async () => ({
      run: run(0, {
        runId: 'manual__2026-01-02T00:00:00+00:00',
        state: 'queued',
      }),
    })),
    setPaused: jest.fn(async r => ({ dag: dag({ isPaused: r.isPaused }) })),
    listPods: jest.fn(async () => podsResponse([pod()])),
    cleanupPods: jest.fn(async () => ({
      entityRef: 'component:default/news-crawler',
      namespace: 'crawler-news',
      deleted: [],
      keptRunning: 0,
      errors: [],
    })),
    getGitSync: jest.fn(async () => gitSync()),
    getDiagnosis: jest.fn(async () => diagnosis()),
    ...overrides,
  } as jest.Mocked<CrawlersApi>;
}

/** A promise that never settles: the section stays loading. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => {});
}
