/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Airflow REST API version of an instance: `v1` is Airflow 2.x (`/api/v1`), `v2` is Airflow 3.x (`/api/v2`).
 *
 * @public
 */
export type AirflowApiVersion = 'v1' | 'v2';

/**
 * State of a DAG run (the same four values in both API versions).
 *
 * @public
 */
export type CrawlersDagRunState = 'queued' | 'running' | 'success' | 'failed';

/**
 * A DAG as the crawlers plugin models it, whatever the Airflow version.
 *
 * @public
 */
export interface CrawlersDag {
  dagId: string;
  displayName: string;
  description: string | null;
  isPaused: boolean;
  /** v1 `is_active`; v2 `!is_stale`. */
  isActive: boolean;
  /** v1 `schedule_interval` (rendered as text); v2 `timetable_summary`. */
  schedule: string | null;
  /** Logical date of the next run (v1 `next_dagrun`, v2 `next_dagrun_logical_date`). */
  nextRunLogicalDate: string | null;
  /** When the next run will be created (v1 `next_dagrun_create_after`, v2 `next_dagrun_run_after`). */
  nextRunAfter: string | null;
  owners: string[];
  tags: string[];
  fileloc: string | null;
  /** v2 `relative_fileloc` (relative to the DAG bundle); null on v1. */
  relativeFileloc: string | null;
  /** v2 `bundle_name`; null on v1. */
  bundleName: string | null;
  hasImportErrors: boolean;
}

/**
 * A DAG run.
 *
 * @public
 */
export interface CrawlersDagRun {
  dagId: string;
  runId: string;
  state: CrawlersDagRunState | string;
  runType: string;
  /** v1 `logical_date` (or `execution_date`); v2 nullable `logical_date`. */
  logicalDate: string | null;
  /** v2 `run_after`; v1 has no such field and repeats the logical date. */
  runAfter: string | null;
  startDate: string | null;
  endDate: string | null;
  /** Seconds between start and end (v2 `duration`, computed for v1). */
  durationSeconds: number | null;
  /** v1 `external_trigger` as "external"; v2 `triggered_by`. */
  triggeredBy: string | null;
  conf: Record<string, unknown> | null;
  note: string | null;
}

/**
 * A task instance of a DAG run.
 *
 * @public
 */
export interface CrawlersTaskInstance {
  taskId: string;
  mapIndex: number;
  state: string | null;
  tryNumber: number;
  maxTries: number | null;
  operator: string | null;
  startDate: string | null;
  endDate: string | null;
  durationSeconds: number | null;
  hostname: string | null;
}

/**
 * A DAG file that Airflow failed to import.
 *
 * @public
 */
export interface CrawlersImportError {
  id: number;
  filename: string;
  timestamp: string | null;
  stackTrace: string;
  /** v2 only. */
  bundleName: string | null;
}

/**
 * One line of a task log; v2 structured messages keep their timestamp and level.
 *
 * @public
 */
export interface CrawlersLogLine {
  timestamp: string | null;
  level: string | null;
  message: string;
}

/**
 * One chunk of a task log.
 *
 * @public
 */
export interface CrawlersTaskLog {
  tryNumber: number;
  lines: CrawlersLogLine[];
  /** Pass back as `token` to read the next chunk; null when Airflow sent none. */
  continuationToken: string | null;
}

/**
 * An upstream failure reported in a response section instead of failing the whole response.
 *
 * @public
 */
export interface CrawlersUpstreamError {
  /** What failed, e.g. `dag:shop-products`, `runs:shop-products`, `importErrors`. */
  source: string;
  /**
   * HTTP status from Airflow; 502 when it could not be reached or answered about something else, 504 on timeout,
   * 403 for a claim that does not hold.
   */
  status: number;
  message: string;
  /** `warning` when the section still has data but is incomplete (e.g. paging stopped at its bound). Default: error. */
  severity?: 'error' | 'warning';
}

/**
 * Whether an entity's claim on a DAG holds: the DAG must carry the entity's claim tag (`backstage:<entity ref>`),
 * unless the Airflow instance is configured with `claims: annotation`.
 *
 * @public
 */
export interface CrawlersDagClaim {
  holds: boolean;
  /** The tag that confirms the claim. */
  tag: string;
  /** How the claim was decided: by the DAG's tag, or by the annotation alone (`claims: annotation`). */
  mode: 'tag' | 'annotation';
  /** Why the claim does not hold and what to add to the DAG file; absent when it holds. */
  reason?: string;
}

/**
 * Airflow instance facts the browser may see (never the API base URL or credentials).
 *
 * @public
 */
export interface CrawlersAirflowInstanceInfo {
  name: string;
  apiVersion: AirflowApiVersion | null;
  uiUrl: string | null;
}

/**
 * Per-DAG part of the `/airflow` response.
 *
 * @public
 */
export interface CrawlersDagSummary {
  dagId: string;
  /** The claim check; null when the DAG could not be read. No DAG data is returned unless it holds. */
  claim: CrawlersDagClaim | null;
  dag: CrawlersDag | null;
  /** Last 25 runs, newest first. */
  recentRuns: CrawlersDagRun[];
  /** When the oldest of the shown values was fetched from Airflow. */
  fetchedAt: string | null;
  /** True when a value is served from cache after a failed refresh. */
  stale: boolean;
  errors: CrawlersUpstreamError[];
}

/**
 * Response of `GET /api/crawlers/entities/:kind/:namespace/:name/airflow`.
 *
 * @public
 */
export interface CrawlersAirflowResponse {
  entityRef: string;
  instance: CrawlersAirflowInstanceInfo;
  dags: CrawlersDagSummary[];
  /** Import errors of this crawler's files. */
  importErrors: CrawlersImportError[];
  importErrorsFetchedAt: string | null;
  importErrorsStale: boolean;
  /** Failures and warnings outside a DAG section (import errors, version probe, file claims, truncated paging). */
  errors: CrawlersUpstreamError[];
}

/**
 * Response of the runs route: one page of runs.
 *
 * @public
 */
export interface CrawlersDagRunsPage {
  dagId: string;
  runs: CrawlersDagRun[];
  totalEntries: number;
  limit: number;
  offset: number;
  fetchedAt: string | null;
  stale: boolean;
  errors: CrawlersUpstreamError[];
}

/**
 * Response of the task instances route.
 *
 * @public
 */
export interface CrawlersTaskInstancesResponse {
  dagId: string;
  runId: string;
  taskInstances: CrawlersTaskInstance[];
  fetchedAt: string | null;
  stale: boolean;
  errors: CrawlersUpstreamError[];
}

/**
 * Response of the task log route.
 *
 * @public
 */
export interface CrawlersTaskLogResponse {
  dagId: string;
  runId: string;
  taskId: string;
  log: CrawlersTaskLog;
}

/**
 * Response of the trigger route.
 *
 * @public
 */
export interface CrawlersTriggerResponse {
  run: CrawlersDagRun;
}

/**
 * Response of the pause route.
 *
 * @public
 */
export interface CrawlersPauseResponse {
  dag: CrawlersDag;
}

/**
 * Whether an entity's claim on a Kubernetes namespace holds: the Namespace must carry the annotation
 * `crawler-platform.io/entity: <entity ref>` (refs compare case-insensitively).
 *
 * @public
 */
export interface CrawlersNamespaceClaim {
  /** The namespace the entity names (annotation `backstage.io/kubernetes-namespace`). */
  namespace: string;
  holds: boolean;
  /** Why the claim does not hold, with the YAML to add to the Namespace; absent when it holds. */
  reason?: string;
}

/**
 * A container of a pod (init containers included), read from the pod's spec and status.
 *
 * @public
 */
export interface CrawlersContainerStatus {
  name: string;
  /** True for an init container (`spec.initContainers`). */
  init: boolean;
  image: string | null;
  ready: boolean;
  restartCount: number;
  /** `unknown` when the status has no entry for the container yet. */
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  /** Reason of the waiting or terminated state (e.g. `ImagePullBackOff`, `CrashLoopBackOff`, `Error`, `Completed`). */
  reason: string | null;
  /** Message of the waiting or terminated state. */
  message: string | null;
  /** Exit code of the terminated state. */
  exitCode: number | null;
  /** When the running container (or the terminated one) started. */
  startedAt: string | null;
  /** The previous run of a restarted container (`lastState.terminated`), if any. */
  lastTermination: {
    reason: string | null;
    message: string | null;
    exitCode: number | null;
    finishedAt: string | null;
  } | null;
}

/**
 * A Kubernetes event about a pod.
 *
 * @public
 */
export interface CrawlersPodEvent {
  /** `Normal` or `Warning`. */
  type: string;
  reason: string | null;
  message: string | null;
  /**
   * Who reported it, read as `source.component || reportingComponent` (kubelet events fill the first, events.k8s.io
   * events such as the schedulers' only the second), e.g. `kubelet`, `default-scheduler`, `fargate-scheduler`.
   */
  origin: string | null;
  /** `involvedObject.fieldPath`, e.g. `spec.containers{base}` for kubelet events about a container. */
  fieldPath: string | null;
  /** How often it happened (`count`, or `series.count`); 1 when neither is set. */
  count: number;
  /** When it last happened (`series.lastObservedTime`, `lastTimestamp`, `eventTime` or `firstTimestamp`). */
  lastSeen: string | null;
}

/**
 * Where a crawler pod comes from: a KubernetesPodOperator task (`operator`, in the crawler's namespace) or a
 * KubernetesExecutor worker (`worker`, in the Airflow namespace).
 *
 * @public
 */
export type CrawlersPodKind = 'operator' | 'worker';

/**
 * One pod of a crawler.
 *
 * @public
 */
export interface CrawlersPod {
  name: string;
  namespace: string;
  kind: CrawlersPodKind;
  /** The DAG id as Airflow knows it (the claimed DAG whose sanitised label the pod carries). */
  dagId: string;
  /** Task id, run id and try number from the pod's annotations (raw values), else its labels (sanitised values). */
  taskId: string | null;
  runId: string | null;
  tryNumber: number | null;
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase: string;
  /** What `kubectl get pods` would show in STATUS, e.g. `Init:CrashLoopBackOff`, `ImagePullBackOff`, `Completed`. */
  status: string;
  /** Init containers first, then containers. */
  containers: CrawlersContainerStatus[];
  /** Restarts of all containers. */
  restarts: number;
  createdAt: string | null;
  /** Seconds since `createdAt`, at the time of the response. */
  ageSeconds: number | null;
  nodeName: string | null;
  /** The Fargate size of the pod (annotation `CapacityProvisioned`, e.g. `0.25vCPU 0.5GB`); null when not on Fargate. */
  capacityProvisioned: string | null;
  /** The Fargate profile that placed the pod (label `eks.amazonaws.com/fargate-profile`). */
  fargateProfile: string | null;
  /** `fargate-scheduler` on Fargate; `default-scheduler` for a pod no Fargate profile matched. */
  schedulerName: string | null;
  /** True when the pod needs attention (failed, cannot pull its image, crash-looping, unschedulable, …). */
  problem: boolean;
  /** A short reason when `problem` is true, e.g. `ImagePullBackOff: base`. */
  problemReason: string | null;
  /** The most recent events of the pod, newest first (at most `crawlers.limits.maxEventsPerPod`). */
  events: CrawlersPodEvent[];
}

/**
 * Response of `GET /api/crawlers/entities/:kind/:namespace/:name/pods`.
 *
 * @public
 */
export interface CrawlersPodsResponse {
  entityRef: string;
  /** The Airflow instance and where it runs; the cluster is null when the instance has no `kubernetes` config. */
  instance: string;
  cluster: string | null;
  /** The crawler's namespace (KubernetesPodOperator pods) and the Airflow namespace (worker pods). */
  namespaces: { crawler: string | null; airflow: string | null };
  /** The claim on the crawler's namespace; null when the entity names none or it could not be read. */
  namespaceClaim: CrawlersNamespaceClaim | null;
  /** Pods of the DAGs whose claim holds, newest first. */
  pods: CrawlersPod[];
  /** True when a list stopped at `crawlers.limits.maxPodsListed` (an `errors` warning says which). */
  truncated: boolean;
  /** When the oldest of the shown lists was fetched from the cluster. */
  fetchedAt: string | null;
  /** True when a list is served from cache after a failed refresh. */
  stale: boolean;
  /** Section errors: `kubernetes:config`, `claim:namespace`, `claim:<dagId>`, `pods:<namespace>`, `events:<namespace>`, … */
  errors: CrawlersUpstreamError[];
}

/**
 * A pod removed by the cleanup route.
 *
 * @public
 */
export interface CrawlersDeletedPod {
  name: string;
  namespace: string;
  /** `Succeeded` or `Failed`. */
  phase: string;
  dagId: string;
  taskId: string | null;
  runId: string | null;
}

/**
 * Response of `POST /api/crawlers/entities/:kind/:namespace/:name/pods/cleanup`.
 *
 * @public
 */
export interface CrawlersPodCleanupResponse {
  entityRef: string;
  namespace: string;
  /** The finished KubernetesPodOperator pods that were deleted. */
  deleted: CrawlersDeletedPod[];
  /** Pods of the crawler left alone because they have not finished. */
  keptRunning: number;
  /** Deletions that failed (`source: pod:<name>`), and DAGs skipped because their claim does not hold. */
  errors: CrawlersUpstreamError[];
}

/**
 * The git-sync state of a crawler's Airflow instance:
 * - `in-sync`: git-sync's last synced commit is the head of the branch it follows;
 * - `behind`: the branch has moved past the synced commit (see `behind` for since when, and whether this crawler's
 *   DAG files changed in between);
 * - `failing`: git-sync reports errors, gave up, crash-loops, or cannot start (its last error and failCount are set);
 * - `unknown`: it could not be decided (`reason` says why: no `kubernetes` config, no git-sync pod, no access, …).
 *
 * @public
 */
export type CrawlersGitSyncState = 'in-sync' | 'behind' | 'failing' | 'unknown';

/**
 * A setting that makes git-sync do something else than intended, read from env, log and events, never from Secret
 * data.
 *
 * @public
 */
export interface CrawlersGitSyncTrap {
  /**
   * - `branch-overrides-ref`: `GIT_SYNC_BRANCH` is set and overrides `GITSYNC_REF` (apache/airflow#42918);
   * - `missing-credential-key`: the credentials Secret lacks a key the container reads (`CreateContainerConfigError`);
   * - `fatal-flags`: a flag combination git-sync refuses to start with.
   */
  kind: 'branch-overrides-ref' | 'missing-credential-key' | 'fatal-flags';
  /** What is wrong and what to change. */
  message: string;
  /** Pod whose container shows the trap. */
  pod: string | null;
  /** Secret key names involved (from `secretKeyRef.key` or the event message), never their values. */
  keys?: string[];
}

/**
 * The git-sync settings of a container, read from its env with git-sync v4.4+ precedence.
 *
 * @public
 */
export interface CrawlersGitSyncSettings {
  /** The repository URL (user information removed). */
  repo: string | null;
  /** The ref git-sync follows after precedence and the `GIT_SYNC_BRANCH` override. */
  ref: string;
  /** What `GITSYNC_REF` asked for, when set. */
  requestedRef: string | null;
  periodSeconds: number;
  /** 0: the first failure exits; negative: retry forever. */
  maxFailures: number;
  /** Credential env vars and the Secret keys they name (names only). */
  credentialKeys: Array<{
    env: string;
    secretName: string | null;
    key: string;
  }>;
}

/**
 * A pod that runs git-sync (the scheduler on Airflow 2, the dag-processor on Airflow 3).
 *
 * @public
 */
export interface CrawlersGitSyncPod {
  name: string;
  /** The pod's `component` label: `scheduler` or `dag-processor`. */
  component: string;
  phase: string;
  /** What `kubectl get pods` would show in STATUS. */
  status: string;
  state: CrawlersGitSyncState;
  /** Why this pod has its state. */
  reason: string;
  /** The `git-sync-init` and `git-sync` containers. */
  containers: CrawlersContainerStatus[];
  /** Whose log was read: the `git-sync` sidecar, or `git-sync-init` while the pod is stuck in Init. */
  logContainer: string | null;
  /** `v4-json`, `v3-text` or `unknown`. */
  logFormat: string | null;
  syncedCommit: string | null;
  /** When git-sync logged the synced commit (as written in the log, UTC). */
  syncedAt: string | null;
  failCount: number | null;
  lastError: { message: string; at: string | null } | null;
  /** True when git-sync logged "too many failures, aborting". */
  aborted: boolean;
  settings: CrawlersGitSyncSettings | null;
}

/**
 * How far git-sync is behind the branch head.
 *
 * @public
 */
export interface CrawlersGitSyncBehind {
  /**
   * Committer time of the oldest commit of the branch that is not synced (first-parent walk from the head, at most
   * 10 commits; when the walk stops before the synced commit, the oldest commit it reached).
   */
  since: string | null;
  /** Seconds by which `since` is older than one sync period (0 while git-sync may still be about to pick it up). */
  secondsPastPeriod: number | null;
  /** Commits between the synced commit and the head, when the walk reached the synced commit. */
  commits: number | null;
  /**
   * Whether one of this crawler's DAG files changed between the synced commit and the head (CodeCommit
   * GetDifferences limited to each file); null when it could not be decided (no known DAG file, or a read failed).
   */
  dagFilesAffected: boolean | null;
  /** The crawler's DAG files that changed. */
  changedDagFiles: string[];
}

/**
 * Response of `GET /api/crawlers/entities/:kind/:namespace/:name/git-sync`.
 *
 * @public
 */
export interface CrawlersGitSyncResponse {
  entityRef: string;
  instance: string;
  cluster: string | null;
  /** The Airflow namespace and Helm release whose pods were read. */
  namespace: string | null;
  release: string | null;
  /** The worst state of the git-sync pods (failing, then behind, then unknown, then in-sync). */
  state: CrawlersGitSyncState;
  reason: string;
  /** The commit the pod of `state` synced last, and when. */
  syncedCommit: string | null;
  syncedAt: string | null;
  /** The head of the followed branch in CodeCommit. */
  head: {
    repositoryName: string;
    branch: string;
    commit: string;
    /** Committer time of the head commit. */
    committedAt: string | null;
  } | null;
  /** Set when `state` is `behind`. */
  behind: CrawlersGitSyncBehind | null;
  /** failCount and last error of the pod of `state`, when it is failing. */
  failCount: number | null;
  lastError: { message: string; at: string | null } | null;
  /** The settings of the pod of `state`. */
  settings: CrawlersGitSyncSettings | null;
  pods: CrawlersGitSyncPod[];
  traps: CrawlersGitSyncTrap[];
  /** The crawler's DAG files in the repository that were compared (from its claimed DAGs and named files). */
  dagFiles: string[];
  fetchedAt: string | null;
  stale: boolean;
  errors: CrawlersUpstreamError[];
}

/**
 * One section of the overview: its data, or null when it failed, with its own errors.
 *
 * @public
 */
export interface CrawlersOverviewSection<T> {
  data: T | null;
  fetchedAt: string | null;
  stale: boolean;
  errors: CrawlersUpstreamError[];
}

/**
 * Latest and next run of one DAG, for the overview.
 *
 * @public
 */
export interface CrawlersOverviewDag {
  dagId: string;
  /** False when the DAG does not confirm the entity's claim (then nothing else is shown). */
  claimHolds: boolean;
  isPaused: boolean | null;
  latestRun: CrawlersDagRun | null;
  /** When the next run will be created, and its logical date. */
  nextRunAfter: string | null;
  nextRunLogicalDate: string | null;
}

/**
 * Git-sync summary of the overview.
 *
 * @public
 */
export interface CrawlersOverviewGitSync {
  state: CrawlersGitSyncState;
  reason: string;
  syncedCommit: string | null;
  headCommit: string | null;
  behind: CrawlersGitSyncBehind | null;
  failCount: number | null;
  traps: CrawlersGitSyncTrap[];
}

/**
 * Pod summary of the overview.
 *
 * @public
 */
export interface CrawlersOverviewPods {
  total: number;
  /** Pods by phase (`Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`). */
  byPhase: Record<string, number>;
  /** Pods with a problem, with their short reason. */
  problems: Array<{
    name: string;
    namespace: string;
    kind: CrawlersPodKind;
    dagId: string;
    reason: string;
  }>;
  /** Finished KubernetesPodOperator pods the cleanup route would delete. */
  finishedOperatorPods: number;
}

/**
 * Response of `GET /api/crawlers/entities/:kind/:namespace/:name/overview`: sections read in parallel, each with its
 * own errors, so one failing source never hides the others.
 *
 * @public
 */
export interface CrawlersOverviewResponse {
  entityRef: string;
  instance: string;
  dags: CrawlersOverviewSection<CrawlersOverviewDag[]>;
  gitSync: CrawlersOverviewSection<CrawlersOverviewGitSync>;
  pods: CrawlersOverviewSection<CrawlersOverviewPods>;
  /**
   * Findings of the diagnosis: counts by severity and the top three. Absent from backends older than the diagnosis.
   */
  diagnosis?: CrawlersOverviewSection<CrawlersOverviewDiagnosis>;
}

/**
 * The ids of the diagnosis checks, one per failure seen in the field (and per break/heal scenario of the sandbox).
 *
 * @public
 */
export const CRAWLERS_FINDING_IDS = [
  'image-pull-403',
  'pods-log-forbidden',
  'worker-image-missing',
  'worker-without-dags',
  'no-fargate-profile',
  'no-nat-egress',
  'git-sync-auth',
  'finished-pods',
  'import-error',
] as const;

/**
 * The id of a diagnosis check and of its finding:
 * - `image-pull-403`: a crawler or worker image cannot be pulled (403, or not found);
 * - `pods-log-forbidden`: Airflow's worker service account lacks a permission the KubernetesPodOperator needs in the
 *   crawler's namespace (`get pods/log`, `list events`, `patch pods`, …);
 * - `worker-image-missing`: the KubernetesExecutor pod template's `base` container has no image (422);
 * - `worker-without-dags`: worker pods have no DAG files ("DAG not found" on the worker);
 * - `no-fargate-profile`: no Fargate profile selects the crawler's pods (Pending forever);
 * - `no-nat-egress`: the Fargate subnets have no route out (no NAT, no VPC endpoints);
 * - `git-sync-auth`: git-sync fails to authenticate, or follows another branch than intended (the branch/ref trap);
 * - `finished-pods`: finished KubernetesPodOperator pods pile up;
 * - `import-error`: a DAG file of the crawler does not import.
 *
 * @public
 */
export type CrawlersFindingId = (typeof CRAWLERS_FINDING_IDS)[number];

/**
 * How urgent a finding is: `error` (runs fail now), `warning` (runs will fail, or resources leak), `info`.
 *
 * @public
 */
export type CrawlersFindingSeverity = 'error' | 'warning' | 'info';

/**
 * One piece of evidence of a finding: the exact object, where in it, and what it says.
 *
 * @public
 */
export interface CrawlersFindingEvidence {
  /**
   * The object, as kind and name, e.g. `Pod crawler-news/news-crawler-x7k2p`, `Role crawler-price/airflow-pod-runner`,
   * `ConfigMap airflow/airflow2-pod-template`, `Task log news_crawler manual__… crawl try 1`,
   * `Fargate profile news-crawler`, `Route table rtb-0abc`, `IAM role crawlers-fargate-pod-execution`.
   */
  object: string;
  /**
   * Where in the object: a field path such as `status.containerStatuses[base].state.waiting.message`, an event
   * (its reason, origin and field path), a log (`log of container scheduler`, `task log`), or rules.
   */
  where: string;
  /** What it says, quoted (shortened to a few hundred characters). */
  text: string;
}

/**
 * How to fix a finding: a short text and a snippet to copy.
 *
 * @public
 */
export interface CrawlersFindingFix {
  /** What to change, in one or two sentences, naming the object. */
  text: string;
  /** What to apply or run. */
  snippet: {
    language: 'yaml' | 'shell' | 'json' | 'python';
    code: string;
  };
}

/**
 * One problem the diagnosis found, explained from live state.
 *
 * @public
 */
export interface CrawlersFinding {
  id: CrawlersFindingId;
  severity: CrawlersFindingSeverity;
  /** One line naming the problem and the object, e.g. `Role crawler-price/airflow-pod-runner does not allow get pods/log`. */
  title: string;
  /**
   * Which cause of the failure the evidence shows, when a failure has several, e.g. `ecr-pod-execution-role`,
   * `ecr-repository-policy`, `pull-secret`, `credentials`, `ref-trap`, `missing-credential-key`.
   */
  variant?: string;
  /** What it means for the crawler, in a sentence or two. */
  summary: string;
  /** The crawler's DAGs it concerns (empty when it concerns the whole Airflow instance or namespace). */
  dagIds: string[];
  evidence: CrawlersFindingEvidence[];
  fix: CrawlersFindingFix;
}

/**
 * The outcome of one diagnosis check.
 *
 * @public
 */
export interface CrawlersDiagnosisCheck {
  id: CrawlersFindingId;
  /**
   * `ok`: checked, nothing wrong; `finding`: see `findings`; `unknown`: the state it needs could not be read or is not
   * configured (`reason` says what; the section errors say why).
   */
  status: 'ok' | 'finding' | 'unknown';
  reason?: string;
}

/**
 * Response of `GET /api/crawlers/entities/:kind/:namespace/:name/diagnosis` (and the output of the
 * `diagnose-crawler` AI tool).
 *
 * @public
 */
export interface CrawlersDiagnosisResponse {
  entityRef: string;
  instance: string;
  cluster: string | null;
  /** Findings, the most severe first. */
  findings: CrawlersFinding[];
  /** One entry per check, in the order of `CRAWLERS_FINDING_IDS`. */
  checks: CrawlersDiagnosisCheck[];
  /** When the oldest of the state read was fetched. */
  fetchedAt: string | null;
  /** True when some state is served from cache after a failed refresh. */
  stale: boolean;
  /** What could not be read (`source` such as `aws:fargateProfiles`, `rbac:<namespace>`, `podTemplate`, …). */
  errors: CrawlersUpstreamError[];
}

/**
 * The diagnosis summary of the overview.
 *
 * @public
 */
export interface CrawlersOverviewDiagnosis {
  /** Findings by severity. */
  counts: Record<CrawlersFindingSeverity, number>;
  /** The three most severe findings. */
  top: CrawlersFinding[];
  /** Checks that could not run (`unknown`). */
  unknownChecks: CrawlersFindingId[];
}
