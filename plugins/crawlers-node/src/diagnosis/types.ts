/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  AirflowApiVersion,
  CrawlersDiagnosisCheck,
  CrawlersFinding,
  CrawlersGitSyncResponse,
  CrawlersImportError,
  CrawlersPod,
} from '@crawler-platform/plugin-crawlers-common';

/**
 * A pod as the diagnosis reads it: what the pods route shows (containers, events with their origin, scheduler, node,
 * Fargate profile) plus the parts of its spec and status the checks need.
 *
 * @public
 */
export interface DiagnosisPod extends CrawlersPod {
  /** The `PodScheduled` condition; null when the pod has none yet. */
  scheduled: {
    status: string;
    reason: string | null;
    message: string | null;
  } | null;
  /** Names of `spec.volumes`. */
  volumes: string[];
  /** Volume names mounted per container (init containers included). */
  volumeMounts: Record<string, string[]>;
  /** `spec.serviceAccountName` (`default` when unset is not assumed: null). */
  serviceAccountName: string | null;
  /** Names of `spec.imagePullSecrets`. */
  imagePullSecrets: string[];
  /** The pod's labels. */
  labels: Record<string, string>;
  /** The end of the `base` container's log, read for failed worker pods; null when it was not read. */
  baseLog: string[] | null;
}

/**
 * One RBAC rule (`rules[]` of a Role or ClusterRole).
 *
 * @public
 */
export interface DiagnosisRbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/**
 * The RBAC of a crawler's namespace: its Roles, RoleBindings and the ClusterRoles those bindings name.
 *
 * @public
 */
export interface DiagnosisRbac {
  namespace: string;
  roles: Array<{
    kind: 'Role' | 'ClusterRole';
    name: string;
    rules: DiagnosisRbacRule[];
  }>;
  bindings: Array<{
    name: string;
    roleRef: { kind: string; name: string };
    subjects: Array<{ kind: string; name: string; namespace?: string }>;
  }>;
  /** ClusterRoles named by a binding that could not be read (their rules are unknown). */
  unreadableClusterRoles: string[];
}

/**
 * The KubernetesExecutor's worker pod template, read from its ConfigMap.
 *
 * @public
 */
export interface DiagnosisPodTemplate {
  /** Where it was read, e.g. `ConfigMap airflow/airflow2-pod-template`. */
  object: string;
  /** The ConfigMap key, e.g. `pod_template_file.yaml`. */
  key: string;
  /** The parsed Pod manifest; null when the ConfigMap or the key does not exist. */
  pod: Record<string, unknown> | null;
  /** Why the template could not be parsed. */
  error?: string;
}

/**
 * The end of the scheduler's own log (container `scheduler` of the release's scheduler pod).
 *
 * @public
 */
export interface DiagnosisSchedulerLog {
  pod: string;
  container: string;
  lines: string[];
}

/**
 * An EKS Fargate profile (DescribeFargateProfile).
 *
 * @public
 */
export interface DiagnosisFargateProfile {
  name: string;
  /** CREATING, ACTIVE, DELETING, CREATE_FAILED, DELETE_FAILED. */
  status: string;
  podExecutionRoleArn: string | null;
  subnets: string[];
  selectors: Array<{ namespace?: string; labels?: Record<string, string> }>;
}

/**
 * A VPC route table (DescribeRouteTables).
 *
 * @public
 */
export interface DiagnosisRouteTable {
  id: string;
  vpcId: string | null;
  main: boolean;
  subnetIds: string[];
  routes: Array<{
    destination: string | null;
    natGatewayId?: string;
    gatewayId?: string;
    transitGatewayId?: string;
    networkInterfaceId?: string;
    instanceId?: string;
    /** `active` or `blackhole`. */
    state?: string;
  }>;
}

/**
 * A VPC endpoint (DescribeVpcEndpoints).
 *
 * @public
 */
export interface DiagnosisVpcEndpoint {
  id: string;
  /** e.g. `com.amazonaws.eu-west-1.ecr.dkr`. */
  serviceName: string;
  /** `Interface` or `Gateway`. */
  type: string;
  state: string;
  routeTableIds: string[];
  subnetIds: string[];
  privateDnsEnabled: boolean;
}

/**
 * The network of the subnets the crawler's Fargate profiles place pods in.
 *
 * @public
 */
export interface DiagnosisNetwork {
  region: string;
  vpcId: string | null;
  /** The subnets of the Fargate profiles that select the crawler's namespace. */
  subnetIds: string[];
  /** Their route tables (explicit associations, else the VPC's main table). */
  routeTables: DiagnosisRouteTable[];
  vpcEndpoints: DiagnosisVpcEndpoint[];
}

/**
 * The policies of a Fargate pod execution role (ListAttachedRolePolicies, ListRolePolicies + GetRolePolicy).
 *
 * @public
 */
export interface DiagnosisRolePolicies {
  roleArn: string;
  attached: Array<{ arn: string; name: string }>;
  /** Inline policies with their documents (JSON text, URL-decoded). */
  inline: Array<{ name: string; document: string }>;
}

/**
 * An ECR repository's resource policy (GetRepositoryPolicy).
 *
 * @public
 */
export interface DiagnosisRepositoryPolicy {
  registryId: string;
  region: string;
  repositoryName: string;
  /** The policy JSON text; null when the repository has none. */
  policy: string | null;
}

/**
 * The failure lines of a failed task try (its task log, flattened to lines).
 *
 * @public
 */
export interface DiagnosisTaskLog {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  lines: string[];
}

/**
 * Parts of the diagnosis input that can be missing; each missing part has a reason in
 * {@link DiagnosisInput.unavailable}.
 *
 * @public
 */
export type DiagnosisPart =
  | 'pods'
  | 'rbac'
  | 'podTemplate'
  | 'schedulerLog'
  | 'fargateProfiles'
  | 'network'
  | 'podExecutionRoles'
  | 'repositoryPolicies'
  | 'gitSync'
  | 'importErrors'
  | 'taskLogs';

/**
 * Everything the checks read, collected from Airflow, the cluster and AWS for one crawler (only what its claims
 * allow). A part is null when it could not be read or does not apply; `unavailable` says why.
 *
 * @public
 */
export interface DiagnosisInput {
  entityRef: string;
  /** The DAGs whose claim holds. */
  dagIds: string[];
  airflow: {
    instance: string;
    apiVersion: AirflowApiVersion | null;
    /** Airflow's namespace and Helm release (the `kubernetes` settings of the instance). */
    namespace: string | null;
    release: string | null;
  };
  cluster: { name: string; region: string | null } | null;
  /** The crawler's namespace, when it names one and the Namespace confirms the claim. */
  crawlerNamespace: string | null;
  /** The crawler's operator pods (in its namespace) and worker pods (in Airflow's). */
  pods: DiagnosisPod[] | null;
  rbac: DiagnosisRbac | null;
  podTemplate: DiagnosisPodTemplate | null;
  schedulerLog: DiagnosisSchedulerLog | null;
  /** Every Fargate profile of the cluster (the checks only name those that select the crawler's namespace). */
  fargateProfiles: DiagnosisFargateProfile[] | null;
  network: DiagnosisNetwork | null;
  podExecutionRoles: DiagnosisRolePolicies[] | null;
  repositoryPolicies: DiagnosisRepositoryPolicy[] | null;
  gitSync: CrawlersGitSyncResponse | null;
  /** The crawler's import errors (claimed files only). */
  importErrors: CrawlersImportError[] | null;
  /** The claimed DAGs as Airflow has them. */
  dags: Array<{ dagId: string; hasImportErrors: boolean }>;
  /** Failed tries of the latest finished run of each DAG, when that run failed. */
  taskLogs: DiagnosisTaskLog[] | null;
  unavailable: Partial<Record<DiagnosisPart, string>>;
}

/**
 * What one check concluded.
 *
 * @public
 */
export interface DiagnosisCheckResult {
  check: CrawlersDiagnosisCheck;
  findings: CrawlersFinding[];
}

/**
 * A diagnosis check: a pure function of the collected state.
 *
 * @public
 */
export type DiagnosisCheck = (input: DiagnosisInput) => DiagnosisCheckResult;
