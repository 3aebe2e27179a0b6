/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  AirflowApiVersion,
  CrawlersAirflowResponse,
  CrawlersDiagnosisResponse,
  CrawlersGitSyncResponse,
  CrawlersUpstreamError,
} from '@crawler-platform/plugin-crawlers-common';
import {
  AirflowService,
  crawlerProfiles,
  CrawlersClusterService,
  diagnoseCrawler,
  DiagnosisInput,
  DiagnosisNetwork,
  DiagnosisPart,
  DiagnosisPod,
  ecrPullTargets,
} from '@crawler-platform/plugin-crawlers-node';
import type { AirflowCache, CachedResult } from '../AirflowCache';
import type {
  CrawlerAirflowService,
  CrawlerTarget,
} from '../CrawlerAirflowService';
import {
  createKubeReadScope,
  CrawlerKubernetesLimits,
  CrawlerKubernetesReadScope,
  CrawlerKubernetesService,
  CrawlerPodsRead,
  KubeContext,
  toAwsSectionError,
  toKubeSectionError,
} from '../CrawlerKubernetesService';
import { createKubeReads } from '../CrawlerKubernetesService/reads';
import type { AwsAccessUnavailable, AwsClusterAccess } from './awsAccess';
import { createAwsReads } from './awsReads';
import { createDiagnosisKubeReads } from './kubeReads';
import { readFailedTaskLogs } from './taskLogs';

/** A Kubernetes namespace name (RFC 1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Failed worker pods whose log is read at most. */
const MAX_WORKER_LOGS = 3;
/** The parts read from the cluster (or through its AWS account): all missing without Kubernetes settings. */
const KUBERNETES_PARTS: DiagnosisPart[] = [
  'pods',
  'rbac',
  'podTemplate',
  'schedulerLog',
  'fargateProfiles',
  'network',
  'podExecutionRoles',
  'repositoryPolicies',
  'gitSync',
];

type Ready = Extract<KubeContext, { access: unknown }> & {
  access: NonNullable<KubeContext['access']>;
  scope: NonNullable<KubeContext['scope']>;
};

/** The diagnosis of a crawler: the nine field failures explained from live state. */
export interface CrawlerDiagnosisService {
  /**
   * Collects what the checks read (only what the entity's DAG and namespace claims allow) and runs them. Never throws
   * because of Airflow, the cluster or AWS: what cannot be read is a section error and makes its checks `unknown`.
   *
   * @param options - `scope` shares reads with other sections of the same request (the overview); `airflow` is the
   *   crawler's Airflow overview when the caller already reads it
   */
  diagnose(
    target: CrawlerTarget,
    options?: {
      scope?: CrawlerKubernetesReadScope;
      airflow?: Promise<CrawlersAirflowResponse>;
    },
  ): Promise<CrawlersDiagnosisResponse>;
}

/** Options of {@link createCrawlerDiagnosisService}. */
export interface CrawlerDiagnosisServiceOptions {
  airflow: AirflowService;
  crawlerAirflow: CrawlerAirflowService;
  crawlerKubernetes: CrawlerKubernetesService;
  clusters: CrawlersClusterService;
  cache: AirflowCache;
  logger: LoggerService;
  limits: CrawlerKubernetesLimits & {
    maxSchedulerLogLines: number;
    maxDiagnosisLogLines: number;
  };
  /** Timeout of each Kubernetes API call. */
  timeoutMs: number;
  /** The AWS clients of a cluster (EKS, EC2, IAM, ECR), or why it has none. */
  awsAccess: (cluster: string) => AwsClusterAccess | AwsAccessUnavailable;
}

/** The cluster as the checks name it: the EKS cluster name and region, else the configured name. */
function clusterOf(
  aws: AwsClusterAccess | null,
  ctx: KubeContext,
): DiagnosisInput['cluster'] {
  if (aws) {
    return { name: aws.clusterName, region: aws.region };
  }
  return ctx.kube ? { name: ctx.kube.cluster, region: null } : null;
}

function oldest(times: Array<string | null | undefined>): string | null {
  return times.filter((t): t is string => !!t).sort()[0] ?? null;
}

/** Collects and records the parts of one diagnosis: their errors, times and why a part is missing. */
class Collection {
  readonly errors: CrawlersUpstreamError[] = [];
  readonly times: Array<string | null> = [];
  readonly unavailable: Partial<Record<DiagnosisPart, string>> = {};
  stale = false;

  error(error: CrawlersUpstreamError) {
    if (
      !this.errors.some(
        e => e.source === error.source && e.message === error.message,
      )
    ) {
      this.errors.push(error);
    }
  }

  /** A cached read: its value, or undefined with the part marked unavailable and the section error recorded. */
  take<T>(
    part: DiagnosisPart,
    result: CachedResult<T>,
    onError: (error: unknown) => CrawlersUpstreamError,
  ): T | undefined {
    this.times.push(result.fetchedAt);
    this.stale ||= result.stale;
    if (result.error) {
      const e = onError(result.error);
      this.error(e);
      if (result.value === undefined) {
        this.unavailable[part] ??= e.message;
      }
    }
    return result.value;
  }

  missing(part: DiagnosisPart, reason: string) {
    this.unavailable[part] ??= reason;
  }
}

/** Creates the diagnosis service over the Airflow and Kubernetes services and the AWS clients of each cluster. */
export function createCrawlerDiagnosisService(
  options: CrawlerDiagnosisServiceOptions,
): CrawlerDiagnosisService {
  const { crawlerAirflow, crawlerKubernetes, cache, limits } = options;
  const reads = createKubeReads(options);
  const kubeReads = createDiagnosisKubeReads(reads, limits);
  const awsReads = createAwsReads(reads);

  /** Fargate profiles, then the network of the subnets of those that select the namespace. */
  async function readAws(
    ready: Ready,
    namespace: string | null,
    c: Collection,
  ): Promise<{
    aws: AwsClusterAccess | null;
    profiles: DiagnosisInput['fargateProfiles'];
    network: DiagnosisNetwork | null;
  }> {
    const aws = options.awsAccess(ready.kube.cluster);
    if ('error' in aws) {
      c.missing('fargateProfiles', aws.error);
      c.missing('network', aws.error);
      c.missing('podExecutionRoles', aws.error);
      c.missing('repositoryPolicies', aws.error);
      c.error({ source: 'aws:config', status: 404, message: aws.error });
      return { aws: null, profiles: null, network: null };
    }
    const [profilesRead, vpcRead] = await Promise.all([
      awsReads.fargateProfiles(ready, aws),
      awsReads.vpcId(ready, aws),
    ]);
    const profiles =
      c.take('fargateProfiles', profilesRead, e =>
        toAwsSectionError(
          'aws:fargateProfiles',
          `EKS ListFargateProfiles/DescribeFargateProfile of ${aws.clusterName}`,
          e,
        ),
      ) ?? null;
    const vpcId =
      c.take('network', vpcRead, e =>
        toAwsSectionError(
          'aws:cluster',
          `EKS DescribeCluster of ${aws.clusterName}`,
          e,
        ),
      ) ?? null;
    if (!profiles || !namespace) {
      c.missing(
        'network',
        profiles
          ? "the crawler's namespace is not known or does not confirm its claim"
          : 'the Fargate profiles could not be read',
      );
      return { aws, profiles, network: null };
    }
    const subnets = [
      ...new Set(
        crawlerProfiles({
          crawlerNamespace: namespace,
          fargateProfiles: profiles,
        } as DiagnosisInput).flatMap(p => p.subnets),
      ),
    ];
    if (!subnets.length) {
      c.missing(
        'network',
        `no ACTIVE Fargate profile selects namespace ${namespace}, so its subnets are not known`,
      );
      return { aws, profiles, network: null };
    }
    const [tablesRead, endpointsRead] = await Promise.all([
      awsReads.routeTables(ready, aws, subnets, vpcId),
      vpcId ? awsReads.vpcEndpoints(ready, aws, vpcId) : undefined,
    ]);
    const routeTables = c.take('network', tablesRead, e =>
      toAwsSectionError(
        'aws:routeTables',
        `EC2 DescribeRouteTables of ${subnets.join(', ')}`,
        e,
      ),
    );
    const vpcEndpoints = endpointsRead
      ? c.take('network', endpointsRead, e =>
          toAwsSectionError(
            'aws:vpcEndpoints',
            `EC2 DescribeVpcEndpoints of ${vpcId}`,
            e,
          ),
        )
      : [];
    if (!routeTables || !vpcEndpoints) {
      return { aws, profiles, network: null };
    }
    return {
      aws,
      profiles,
      network: {
        region: aws.region,
        vpcId: vpcId ?? routeTables[0]?.vpcId ?? null,
        subnetIds: subnets,
        routeTables,
        vpcEndpoints,
      },
    };
  }

  /** The crawler's pods with their diagnosis details, and the logs of its failed workers. */
  async function diagnosisPods(
    ready: Ready | null,
    read: CrawlerPodsRead,
    c: Collection,
  ): Promise<DiagnosisPod[] | null> {
    const { response, details } = read;
    c.times.push(response.fetchedAt);
    c.stale ||= response.stale;
    response.errors.forEach(e => c.error(e));
    const failure = response.errors.find(
      e =>
        e.source === 'kubernetes:config' ||
        (e.source.startsWith('pods:') && e.severity !== 'warning'),
    );
    if (failure && !response.pods.length) {
      c.missing('pods', failure.message);
      return null;
    }
    const failedWorkers = response.pods
      .filter(p => p.kind === 'worker' && p.phase === 'Failed')
      .slice(0, MAX_WORKER_LOGS);
    const logs = new Map<string, string[]>();
    if (ready) {
      await Promise.all(
        failedWorkers.map(async p => {
          const result = await kubeReads.workerLog(ready, {
            namespace: p.namespace,
            name: p.name,
            uid: p.createdAt ?? '',
          });
          const lines = c.take('pods', result, e =>
            toKubeSectionError(
              `log:${p.namespace}/${p.name}/base`,
              ready.access.cluster,
              e,
            ),
          );
          if (lines) logs.set(`${p.namespace}/${p.name}`, lines);
        }),
      );
    }
    return response.pods.map(p => {
      const key = `${p.namespace}/${p.name}`;
      const d = details.get(key);
      return {
        ...p,
        scheduled: d?.scheduled ?? null,
        volumes: d?.volumes ?? [],
        volumeMounts: d?.volumeMounts ?? {},
        serviceAccountName: d?.serviceAccountName ?? null,
        imagePullSecrets: d?.imagePullSecrets ?? [],
        labels: d?.labels ?? {},
        baseLog: logs.get(key) ?? null,
      };
    });
  }

  /** The claimed DAGs, import errors and failed tries' logs, from the Airflow overview. */
  async function readAirflow(
    target: CrawlerTarget,
    overviewRead: Promise<CrawlersAirflowResponse>,
    c: Collection,
  ) {
    const state = {
      apiVersion: null as AirflowApiVersion | null,
      dagIds: [] as string[],
      dags: [] as DiagnosisInput['dags'],
      importErrors: null as DiagnosisInput['importErrors'],
      taskLogs: null as DiagnosisInput['taskLogs'],
    };
    let overview: CrawlersAirflowResponse;
    try {
      overview = await overviewRead;
    } catch {
      const message = `The Airflow overview of ${target.entityRef} could not be read`;
      c.error({ source: 'airflow', status: 502, message });
      c.missing('importErrors', message);
      c.missing('taskLogs', message);
      return state;
    }
    state.apiVersion = overview.instance.apiVersion;
    overview.errors.forEach(e => c.error(e));
    for (const d of overview.dags) {
      d.errors.forEach(e => c.error(e));
      c.times.push(d.fetchedAt);
      c.stale ||= d.stale;
      if (d.claim?.holds && d.dag) {
        state.dagIds.push(d.dagId);
        state.dags.push({
          dagId: d.dagId,
          hasImportErrors: d.dag.hasImportErrors,
        });
      }
    }
    if (
      overview.errors.some(e => e.source === 'importErrors' && e.status !== 200)
    ) {
      c.missing('importErrors', 'the import errors could not be read');
    } else {
      state.importErrors = overview.importErrors;
      c.times.push(overview.importErrorsFetchedAt);
    }
    const read = await readFailedTaskLogs({
      target,
      overview,
      crawlerAirflow,
      cache,
      maxLines: limits.maxDiagnosisLogLines,
    });
    read.errors.forEach(e => c.error(e));
    state.taskLogs = read.logs;
    return state;
  }

  /** git-sync as the checks read it: null when no pod could be read (its state is unknown, not healthy). */
  function takeGitSync(
    gitSync: CrawlersGitSyncResponse | null,
    c: Collection,
  ): CrawlersGitSyncResponse | null {
    if (!gitSync) {
      c.missing('gitSync', 'git-sync could not be read');
      return null;
    }
    c.times.push(gitSync.fetchedAt);
    c.stale ||= gitSync.stale;
    gitSync.errors.forEach(e => c.error(e));
    const failure = gitSync.errors.find(
      e =>
        e.severity !== 'warning' &&
        (e.source === 'kubernetes:config' ||
          e.source.startsWith('gitSync:pods')),
    );
    if (!gitSync.pods.length && failure) {
      c.missing('gitSync', failure.message);
      return null;
    }
    return gitSync;
  }

  /** The second step: the policies that may explain an ECR 403, read only when one is seen. */
  async function readEcrPolicies(
    ready: Ready | null,
    aws: AwsClusterAccess | null,
    input: DiagnosisInput,
    c: Collection,
  ) {
    const targets = ecrPullTargets(input);
    if (
      !ready ||
      !aws ||
      (!targets.repositories.length && !targets.roleArns.length)
    ) {
      return;
    }
    const [roles, repositories] = await Promise.all([
      Promise.all(
        targets.roleArns.map(arn => awsReads.rolePolicies(ready, aws, arn)),
      ),
      Promise.all(
        targets.repositories.map(repo =>
          awsReads.repositoryPolicy(ready, aws, repo),
        ),
      ),
    ]);
    input.podExecutionRoles = roles.flatMap(r => {
      const value = c.take('podExecutionRoles', r, e =>
        toAwsSectionError(
          'aws:iam',
          'IAM ListAttachedRolePolicies/ListRolePolicies/GetRolePolicy',
          e,
        ),
      );
      return value ? [value] : [];
    });
    input.repositoryPolicies = repositories.flatMap(r => {
      const value = c.take('repositoryPolicies', r, e =>
        toAwsSectionError('aws:ecr', 'ECR GetRepositoryPolicy', e),
      );
      return value ? [value] : [];
    });
  }

  async function diagnose(
    target: CrawlerTarget,
    diagnoseOptions: {
      scope?: CrawlerKubernetesReadScope;
      airflow?: Promise<CrawlersAirflowResponse>;
    } = {},
  ): Promise<CrawlersDiagnosisResponse> {
    const scope = diagnoseOptions.scope ?? createKubeReadScope();
    const ctx = reads.context(target, scope);
    const c = new Collection();
    const ready = ctx.error ? null : (ctx as Ready);
    if (ctx.error) {
      c.error(ctx.error);
      KUBERNETES_PARTS.forEach(part => c.missing(part, ctx.error!.message));
    }
    const wanted =
      target.kubernetesNamespace &&
      NAMESPACE_NAME.test(target.kubernetesNamespace)
        ? target.kubernetesNamespace
        : null;
    // Everything that does not depend on another read starts at once; claims decide what is used afterwards. The
    // failed tries' logs follow the Airflow overview without waiting for the cluster.
    const [
      airflow,
      podsRead,
      gitSync,
      template,
      scheduler,
      rbacRead,
      awsState,
    ] = await Promise.all([
      readAirflow(
        target,
        diagnoseOptions.airflow ?? crawlerAirflow.getOverview(target),
        c,
      ),
      crawlerKubernetes.readPods(target, scope),
      crawlerKubernetes
        .getGitSync(target, scope)
        .catch((): CrawlersGitSyncResponse | null => null),
      ready ? kubeReads.podTemplate(ready) : undefined,
      ready ? kubeReads.schedulerLog(ready) : undefined,
      ready && wanted ? kubeReads.rbac(ready, wanted) : undefined,
      ready
        ? readAws(ready, wanted, c)
        : { aws: null, profiles: null, network: null },
    ]);
    const claimed = podsRead.response.namespaceClaim?.holds ? wanted : null;
    const pods = await diagnosisPods(ready, podsRead, c);
    if (!claimed) {
      const reason = podsRead.response.namespaceClaim
        ? `the Namespace ${wanted} does not confirm the claim of ${target.entityRef}`
        : `${target.entityRef} names no (valid) Kubernetes namespace`;
      c.missing('rbac', reason);
      c.missing('network', reason);
    }
    const cluster = ready?.access.cluster ?? '';
    const take = <T>(
      part: DiagnosisPart,
      source: string,
      result: CachedResult<T> | undefined,
    ): T | null =>
      result
        ? c.take(part, result, e => toKubeSectionError(source, cluster, e)) ??
          null
        : null;
    const input: DiagnosisInput = {
      entityRef: target.entityRef,
      dagIds: airflow.dagIds,
      airflow: {
        instance: ctx.client.name,
        apiVersion: airflow.apiVersion,
        namespace: ctx.kube?.namespace ?? null,
        release: ctx.kube?.release ?? null,
      },
      cluster: clusterOf(awsState.aws, ctx),
      crawlerNamespace: claimed,
      pods,
      rbac: claimed ? take('rbac', `rbac:${claimed}`, rbacRead) : null,
      podTemplate: take('podTemplate', 'podTemplate', template),
      schedulerLog: take('schedulerLog', 'schedulerLog', scheduler),
      fargateProfiles: awsState.profiles,
      network: awsState.network,
      podExecutionRoles: null,
      repositoryPolicies: null,
      gitSync: takeGitSync(gitSync, c),
      importErrors: airflow.importErrors,
      dags: airflow.dags,
      taskLogs: airflow.taskLogs,
      unavailable: c.unavailable,
    };
    await readEcrPolicies(ready, awsState.aws, input, c);
    const { findings, checks } = diagnoseCrawler(input);
    return {
      entityRef: target.entityRef,
      instance: ctx.client.name,
      cluster: ctx.kube?.cluster ?? null,
      findings,
      checks,
      fetchedAt: oldest(c.times),
      stale: c.stale,
      errors: c.errors,
    };
  }

  return { diagnose };
}
