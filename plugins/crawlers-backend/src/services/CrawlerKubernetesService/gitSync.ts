/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { JsonValue } from '@backstage/types';
import type {
  CrawlersGitSyncBehind,
  CrawlersGitSyncPod,
  CrawlersGitSyncResponse,
  CrawlersGitSyncTrap,
  CrawlersUpstreamError,
} from '@crawler-platform/plugin-crawlers-common';
import {
  airflowConfigDefaults,
  AirflowDagRepositoryConfig,
  CodeCommitRepositoryLocation,
  CrawlerClaimService,
  DagRepositoryCommit,
  DagRepositoryHistory,
  dagRepositoryPathOf,
  parseCodeCommitRemote,
  resolveCodeCommitLocation,
} from '@crawler-platform/plugin-crawlers-node';
import type { CachedResult } from '../AirflowCache';
import type { CrawlerTarget } from '../CrawlerAirflowService';
import {
  decidePodState,
  gitSyncPodOf,
  GitSyncPodRecord,
  redactUrl,
  settingsOf,
  trapsOf,
  worstIndex,
} from './gitSyncState';
import { toAwsSectionError } from './awsErrors';
import { toKubeSectionError } from './kubeApi';
import type { KubeContext, KubeReads } from './reads';
import type {
  CrawlerKubernetesLimits,
  CrawlerKubernetesReadScope,
} from './types';

/** Commits walked back from the head (first parents) to find the oldest one not yet synced. */
export const MAX_BEHIND_WALK = 10;

const SHA = /^[0-9a-f]{40}$/;

type Ready = Extract<KubeContext, { access: unknown }> & {
  access: NonNullable<KubeContext['access']>;
};

const asJson = <T>(value: T) => value as unknown as JsonValue;

function oldest(results: Array<CachedResult<unknown>>): string | null {
  return (
    results
      .map(r => r.fetchedAt)
      .filter((t): t is string => !!t)
      .sort()[0] ?? null
  );
}

const locationKey = (l: CodeCommitRepositoryLocation) =>
  [l.accountId ?? '', l.region ?? '', l.endpoint ?? '', l.repositoryName].join(
    '|',
  );

/** Options of {@link createGitSyncReader}. */
export interface GitSyncReaderOptions {
  reads: KubeReads;
  history: DagRepositoryHistory;
  claims: CrawlerClaimService;
  limits: CrawlerKubernetesLimits;
  clusterRegion: (cluster: string) => string | undefined;
  now: () => number;
}

/** Reads git-sync's state for a target: pods, logs, the branch head in CodeCommit, and what changed in between. */
export function createGitSyncReader(options: GitSyncReaderOptions) {
  const { reads, history, claims, limits, now } = options;

  /** The followed branch of a pod's settings, or why its head cannot be read. */
  function followed(
    record: GitSyncPodRecord,
    ctx: Ready,
  ):
    | { pinned: string }
    | { location: CodeCommitRepositoryLocation; branch: string }
    | { error: string } {
    const { settings } = record;
    const repo = ctx.client.config.dagRepository;
    if (SHA.test(settings.ref)) {
      return { pinned: settings.ref };
    }
    const resolved = resolveCodeCommitLocation({
      repoUrl: settings.repo,
      dagRepositories: repo ? [repo] : [],
      clusterRegion: options.clusterRegion(ctx.kube.cluster),
    });
    if (!resolved) {
      return {
        error: `git-sync follows ${
          redactUrl(settings.repo) ?? 'no repository (GITSYNC_REPO is not set)'
        }, which is not a CodeCommit repository: its head cannot be compared`,
      };
    }
    let branch = settings.ref.replace(/^refs\/heads\//, '');
    if (branch === 'HEAD') {
      if (repo?.repositoryName !== resolved.location.repositoryName) {
        return {
          error: `git-sync follows HEAD (the default branch of ${resolved.location.repositoryName}): set crawlers.airflow.instances[].dagRepository with that repository and its branch to compare`,
        };
      }
      branch = repo.branch;
    } else if (branch.startsWith('refs/')) {
      return {
        error: `git-sync follows ${settings.ref}, which is not a branch: its head cannot be compared`,
      };
    }
    return { location: resolved.location, branch };
  }

  async function readCommit(
    ctx: Ready,
    location: CodeCommitRepositoryLocation,
    commitId: string,
  ): Promise<CachedResult<DagRepositoryCommit>> {
    const result = await reads.cached(
      ctx,
      { instance: ctx.client.name },
      'repositoryHistory',
      `commit:${locationKey(location)}:${commitId}`,
      async () => asJson(await history.getCommit(location, commitId)),
    );
    return result as unknown as CachedResult<DagRepositoryCommit>;
  }

  /**
   * The head commit id of a branch. When the head is fetched from CodeCommit, its commit (for the committer time) is
   * fetched right after, in the background; a head read from the cache has its commit cached already.
   */
  function readHead(
    ctx: Ready,
    location: CodeCommitRepositoryLocation,
    branch: string,
  ): Promise<CachedResult<string>> {
    return reads.cached(
      ctx,
      { instance: ctx.client.name },
      'repositoryHead',
      `head:${locationKey(location)}:${branch}`,
      async () => {
        const head = await history.getBranchCommitId(location, branch);
        // Never rejects; the read of the same commit by this request joins it.
        void readCommit(ctx, location, head);
        return head;
      },
    );
  }

  /** The crawler's DAG files in the repository: from its claimed DAGs' fileloc, and its named files that hold. */
  async function dagFilesOf(
    target: CrawlerTarget,
    ctx: Ready,
    repositoryName: string | undefined,
  ): Promise<{ files: string[]; errors: CrawlersUpstreamError[] }> {
    const configured = ctx.client.config.dagRepository;
    const repository: AirflowDagRepositoryConfig = configured ?? {
      type: 'codecommit',
      repositoryName: repositoryName ?? '',
      ...airflowConfigDefaults.dagRepository,
    };
    const [dags, files] = await Promise.all([
      reads.dagClaims(ctx, target),
      claims.checkDagFiles(ctx.client, target.entityRef, target.dagFiles),
    ]);
    const paths = new Set<string>();
    const errors: CrawlersUpstreamError[] = [];
    for (const d of dags) {
      if (d.error) {
        errors.push(d.error);
      }
      const where = d.claim?.holds
        ? d.dag?.fileloc ?? d.dag?.relativeFileloc
        : undefined;
      const path = where ? dagRepositoryPathOf(repository, where) : undefined;
      if (path) {
        paths.add(path);
      }
    }
    for (const f of files) {
      if (f.holds) {
        paths.add(f.path);
      } else if (f.reason) {
        errors.push({
          source: `claim:${f.path}`,
          status: 403,
          message: f.reason,
        });
      }
    }
    return { files: [...paths].sort(), errors };
  }

  /** Since when, how far past the period, and whether the crawler's DAG files changed between synced and head. */
  async function behindOf(
    ctx: Ready,
    location: CodeCommitRepositoryLocation,
    synced: string,
    head: string,
    periodMs: number,
    dagFiles: string[],
    errors: CrawlersUpstreamError[],
  ): Promise<CrawlersGitSyncBehind> {
    const client = ctx.client.name;
    // The differences of each DAG file are read alongside the walk.
    const diffs = Promise.all(
      dagFiles.map(path =>
        reads
          .cached(
            ctx,
            { instance: client },
            'repositoryHistory',
            `diff:${locationKey(location)}:${synced}:${head}:${path}`,
            () =>
              history.pathChanged(location, {
                before: synced,
                after: head,
                path,
              }),
          )
          .then(result => ({ path, result })),
      ),
    );
    let cursor = head;
    let oldestUnsynced: DagRepositoryCommit | undefined;
    let commits: number | null = null;
    for (let walked = 0; walked < MAX_BEHIND_WALK; walked++) {
      const result = await readCommit(ctx, location, cursor);
      if (!result.value) {
        errors.push(
          toAwsSectionError(
            'codecommit:commit',
            `CodeCommit GetCommit of ${cursor}`,
            result.error,
          ),
        );
        break;
      }
      oldestUnsynced = result.value;
      const parent = result.value.parents[0];
      if (parent === synced) {
        commits = walked + 1;
        break;
      }
      if (!parent) {
        break;
      }
      cursor = parent;
    }
    const since = oldestUnsynced?.committedAt ?? null;
    const changed: string[] = [];
    let undecided = dagFiles.length === 0;
    for (const { path, result } of await diffs) {
      if (result.value === true) {
        changed.push(path);
      } else if (result.value === undefined) {
        undecided = true;
        errors.push(
          toAwsSectionError(
            `codecommit:differences:${path}`,
            `CodeCommit GetDifferences of ${path} between the synced commit and the head`,
            result.error,
          ),
        );
      }
    }
    return {
      since,
      secondsPastPeriod:
        since === null
          ? null
          : Math.max(
              0,
              Math.floor((now() - Date.parse(since) - periodMs) / 1000),
            ),
      commits,
      dagFilesAffected: changed.length > 0 || (undecided ? null : false),
      changedDagFiles: changed,
    };
  }

  /** One request: its errors, and the cached reads whose times make up `fetchedAt` and `stale`. */
  type Session = {
    target: CrawlerTarget;
    ready: Ready;
    errors: CrawlersUpstreamError[];
    results: Array<CachedResult<unknown>>;
  };
  const track = <T>(session: Session, result: CachedResult<T>) => {
    session.results.push(result);
    return result;
  };

  /**
   * Reads the git-sync pods, the Airflow namespace's events and the crawler's DAG files, then each pod's log and the
   * head it follows. The configured repository's head is started first, before the pods are known (the same cache
   * key as the per-pod read when git-sync follows that repository and branch; the read never rejects).
   */
  async function collect(session: Session) {
    const { ready, errors } = session;
    const configured = ready.client.config.dagRepository;
    if (configured) {
      const resolved = resolveCodeCommitLocation({
        repoUrl: `codecommit://${configured.repositoryName}`,
        dagRepositories: [configured],
        clusterRegion: options.clusterRegion(ready.kube.cluster),
      });
      if (resolved) {
        void readHead(ready, resolved.location, configured.branch);
      }
    }
    const [podsResult, eventsResult, dagFiles] = await Promise.all([
      reads.gitSyncPods(ready),
      reads.events(ready, ready.kube.namespace),
      dagFilesOf(session.target, ready, configured?.repositoryName),
    ]);
    track(session, podsResult);
    track(session, eventsResult);
    const namespace = ready.kube.namespace;
    if (podsResult.error) {
      errors.push(
        toKubeSectionError(
          `gitSync:pods:${namespace}`,
          ready.access.cluster,
          podsResult.error,
        ),
      );
    }
    if (eventsResult.error) {
      errors.push(
        toKubeSectionError(
          `events:${namespace}`,
          ready.access.cluster,
          eventsResult.error,
        ),
      );
    }
    if (podsResult.value?.truncated) {
      errors.push({
        source: `gitSync:pods:${namespace}`,
        status: 200,
        severity: 'warning',
        message: `More pods run git-sync than are read (crawlers.limits.maxGitSyncPods = ${limits.maxGitSyncPods})`,
      });
    }
    const perPod = await Promise.all(
      (podsResult.value?.items ?? []).map(async record => {
        const follow = followed(record, ready);
        const [logResult, headResult] = await Promise.all([
          reads.gitSyncLog(ready, record),
          'location' in follow
            ? readHead(ready, follow.location, follow.branch)
            : undefined,
        ]);
        track(session, logResult);
        if (headResult) {
          track(session, headResult);
        }
        return { record, follow, logResult, headResult };
      }),
    );
    return {
      listed: !podsResult.error,
      events: eventsResult.value?.items ?? [],
      dagFiles,
      perPod,
    };
  }

  type Collected = Awaited<ReturnType<typeof collect>>;

  /** The state of one pod, from its log and the head it follows; read failures go to the session's errors. */
  function decide(session: Session, entry: Collected['perPod'][number]) {
    const { record, follow, logResult, headResult } = entry;
    const { errors, ready } = session;
    const container = record.containers.find(
      c => c.name === record.logContainer,
    );
    const source = `gitSync:log:${record.name}/${record.logContainer}`;
    let logError: string | null = null;
    if (logResult.error) {
      const e = toKubeSectionError(
        source,
        ready.access.cluster,
        logResult.error,
      );
      logError = e.message;
      // A container that is waiting to start has no log: that is its state, not a failure of this route.
      if (container?.state !== 'waiting') {
        errors.push(e);
      }
    } else if (logResult.value?.cut) {
      errors.push({
        source,
        status: 200,
        severity: 'warning',
        message: `The log tail reached crawlers.limits.maxGitSyncLogBytes (${limits.maxGitSyncLogBytes}); its newest lines may be missing`,
      });
    }
    let head: { commit: string; branch: string } | { error: string };
    if ('pinned' in follow) {
      head = { commit: follow.pinned, branch: `commit ${follow.pinned}` };
    } else if ('error' in follow) {
      head = { error: follow.error };
    } else if (headResult?.value) {
      head = { commit: headResult.value, branch: follow.branch };
    } else {
      const e = toAwsSectionError(
        'codecommit:head',
        `CodeCommit GetBranch of ${follow.location.repositoryName}/${follow.branch}`,
        headResult?.error,
      );
      if (!errors.some(x => x.source === e.source)) {
        errors.push(e);
      }
      head = { error: e.message };
    }
    const log = logResult.value?.summary ?? null;
    const state = decidePodState({
      record,
      log,
      logError,
      head,
      logLines: limits.maxGitSyncLogLines,
    });
    return { record, follow, log, head, state };
  }

  /** The head to show and, when behind, how far: for the pod that decides the state. */
  async function compare(
    session: Session,
    chosen: ReturnType<typeof decide>,
    files: string[],
  ) {
    const { follow, log } = chosen;
    const compared =
      'location' in follow && !('error' in chosen.head)
        ? {
            location: follow.location,
            branch: follow.branch,
            commit: chosen.head.commit,
          }
        : undefined;
    // Commits never change (kept for staleTtlMs): they do not count for fetchedAt. The head commit is the first
    // step of the walk below, so both share one GetCommit.
    const headCommit = compared
      ? readCommit(session.ready, compared.location, compared.commit)
      : undefined;
    let behind: CrawlersGitSyncBehind | null = null;
    if (compared && chosen.state.state === 'behind' && log?.syncedCommit) {
      behind = await behindOf(
        session.ready,
        compared.location,
        log.syncedCommit,
        compared.commit,
        chosen.record.settings.periodMs,
        files,
        session.errors,
      );
      if (files.length === 0) {
        session.errors.push({
          source: 'gitSync:dagFiles',
          status: 200,
          severity: 'warning',
          message: `No DAG file of ${session.target.entityRef} is known (no claimed DAG with a fileloc in the DAG repository, no crawler-platform.io/dag-files): whether it is affected cannot be told`,
        });
      }
    }
    let head: CrawlersGitSyncResponse['head'] = null;
    if (compared) {
      head = {
        repositoryName: compared.location.repositoryName,
        branch: compared.branch,
        commit: compared.commit,
        committedAt: (await headCommit)?.value?.committedAt ?? null,
      };
    } else if ('pinned' in follow) {
      head = {
        repositoryName:
          parseCodeCommitRemote(chosen.record.settings.repo)?.repositoryName ??
          '',
        branch: follow.pinned,
        commit: follow.pinned,
        committedAt: null,
      };
    }
    return { head, behind };
  }

  return async function getGitSync(
    target: CrawlerTarget,
    scope?: CrawlerKubernetesReadScope,
  ): Promise<CrawlersGitSyncResponse> {
    const ctx = reads.context(target, scope);
    const base: CrawlersGitSyncResponse = {
      entityRef: target.entityRef,
      instance: ctx.client.name,
      cluster: ctx.kube?.cluster ?? null,
      namespace: ctx.kube?.namespace ?? null,
      release: ctx.kube?.release ?? null,
      state: 'unknown',
      reason: '',
      syncedCommit: null,
      syncedAt: null,
      head: null,
      behind: null,
      failCount: null,
      lastError: null,
      settings: null,
      pods: [],
      traps: [],
      dagFiles: [],
      fetchedAt: null,
      stale: false,
      errors: [],
    };
    if (ctx.error) {
      return { ...base, reason: ctx.error.message, errors: [ctx.error] };
    }
    const session: Session = {
      target,
      ready: ctx as Ready,
      errors: [],
      results: [],
    };
    const { listed, events, dagFiles, perPod } = await collect(session);
    const decided = perPod.map(entry => decide(session, entry));
    const traps: CrawlersGitSyncTrap[] = [];
    for (const d of decided) {
      for (const trap of trapsOf(d.record, d.log, events)) {
        if (
          !traps.some(t => t.kind === trap.kind && t.message === trap.message)
        ) {
          traps.push(trap);
        }
      }
    }
    const pods: CrawlersGitSyncPod[] = decided.map(d =>
      gitSyncPodOf(d.record, d.log, d.state),
    );
    const worst = worstIndex(decided.map(d => d.state.state));
    const common = { ...base, traps, pods, dagFiles: dagFiles.files };
    const finish = () => ({
      fetchedAt: oldest(session.results),
      stale: session.results.some(r => r.stale),
      errors: [...session.errors, ...dagFiles.errors],
    });
    if (worst < 0) {
      const { kube } = session.ready;
      return {
        ...common,
        reason: listed
          ? `No pod of release ${kube.release} in namespace ${kube.namespace} runs git-sync (label component scheduler or dag-processor, with a git-sync or git-sync-init container)`
          : `The git-sync pods could not be listed: ${
              session.errors[0]?.message ?? ''
            }`,
        ...finish(),
      };
    }
    const chosen = decided[worst];
    const { head, behind } = await compare(session, chosen, dagFiles.files);
    const failing = chosen.state.state === 'failing';
    return {
      ...common,
      state: chosen.state.state,
      reason: chosen.state.reason,
      syncedCommit: chosen.log?.syncedCommit ?? null,
      syncedAt: chosen.log?.syncedAt ?? null,
      head,
      behind,
      failCount: failing ? chosen.log?.lastError?.failCount ?? null : null,
      lastError: failing ? pods[worst].lastError : null,
      settings: settingsOf(chosen.record.settings),
      ...finish(),
    };
  };
}
