/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CodeCommitClient,
  GetBranchCommand,
  GetCommitCommand,
} from '@aws-sdk/client-codecommit';
import {
  DescribeRouteTablesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { ECRClient, GetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import {
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  EKSClient,
  ListFargateProfilesCommand,
} from '@aws-sdk/client-eks';
import {
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { makeSafeLabelValue } from '@crawler-platform/plugin-crawlers-node';
import { mockClient } from 'aws-sdk-client-mock';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import YAML from 'yaml';
import { startTestCluster, TestCluster } from './__testUtils__/kubeCluster';
import {
  kubeConfig,
  kubeEntities,
  podStatus,
  SHOP,
  useKubeAirflows,
} from './__testUtils__/kubeFixtures';
import {
  AIRFLOW2,
  ALICE,
  BOB,
  denyReadTo,
  localBackendPassthrough,
  startCrawlersBackend,
} from './__testUtils__/testBackend';

const server = setupServer(localBackendPassthrough);
registerMswTestHooks(server);

const API = '/api/crawlers/entities/component/default';
const asBob = mockCredentials.user.header(BOB);
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/crawlers-fargate-pod-execution`;
const IMAGE = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop-crawler:1.4`;
const ECR_403 = `failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": unexpected status from HEAD request to https://${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/v2/shop-crawler/manifests/1.4: 403 Forbidden`;

const eks = mockClient(EKSClient);
const ec2 = mockClient(EC2Client);
const iam = mockClient(IAMClient);
const ecr = mockClient(ECRClient);
const codecommit = mockClient(CodeCommitClient);

/** The cluster's AWS side: one profile (for another namespace), the Fargate policy, an ECR Deny. */
function mockAws() {
  eks.reset();
  ec2.reset();
  iam.reset();
  ecr.reset();
  codecommit.reset();
  codecommit
    .on(GetBranchCommand)
    .resolves({ branch: { branchName: 'main', commitId: 'a'.repeat(40) } });
  codecommit.on(GetCommitCommand).resolves({
    commit: {
      commitId: 'a'.repeat(40),
      parents: [],
      committer: { date: '1767225600 +0000' },
    },
  });
  eks.on(ListFargateProfilesCommand).resolves({
    fargateProfileNames: ['crawlers'],
  });
  eks.on(DescribeFargateProfileCommand).resolves({
    fargateProfile: {
      fargateProfileName: 'crawlers',
      status: 'ACTIVE',
      podExecutionRoleArn: ROLE_ARN,
      subnets: ['subnet-0a'],
      selectors: [{ namespace: 'other' }],
    },
  });
  eks.on(DescribeClusterCommand).resolves({
    cluster: { resourcesVpcConfig: { vpcId: 'vpc-0a' } },
  });
  ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  iam.on(ListAttachedRolePoliciesCommand).resolves({
    AttachedPolicies: [
      {
        PolicyName: 'AmazonEKSFargatePodExecutionRolePolicy',
        PolicyArn:
          'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy',
      },
    ],
  });
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
  ecr.on(GetRepositoryPolicyCommand).resolves({
    policyText: JSON.stringify({
      Statement: [
        {
          Sid: 'NoPulls',
          Effect: 'Deny',
          Principal: { AWS: ROLE_ARN },
          Action: ['ecr:BatchGetImage'],
        },
      ],
    }),
  });
}

/** The pod template of the chart with git-sync, but without an image for base. */
const templateWithoutImage = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'placeholder-name' },
  spec: {
    initContainers: [
      {
        name: 'git-sync-init',
        image: 'registry.k8s.io/git-sync/git-sync:v4.4.2',
        volumeMounts: [{ name: 'dags', mountPath: '/git' }],
      },
    ],
    containers: [
      {
        name: 'base',
        volumeMounts: [{ name: 'dags', mountPath: '/opt/airflow/dags' }],
      },
    ],
    serviceAccountName: 'airflow-worker',
    volumes: [{ name: 'dags', emptyDir: {} }],
  },
};

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await startTestCluster();
  mockAws();
});
afterEach(async () => {
  await cluster.stop();
});

/** The shop crawler's world with five of the nine failures (and the other four healthy or unknown). */
function seedWorld() {
  const { kube } = cluster;
  cluster.namespace('shop', { 'crawler-platform.io/entity': SHOP });
  cluster.namespace('airflow');
  kube.create('roles', 'shop', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'airflow-pod-runner' },
    rules: [
      {
        apiGroups: [''],
        resources: ['pods'],
        verbs: ['create', 'get', 'list', 'watch', 'delete', 'patch'],
      },
      { apiGroups: [''], resources: ['events'], verbs: ['list'] },
    ],
  } as any);
  kube.create('rolebindings', 'shop', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'airflow-pod-runner' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'airflow-pod-runner',
    },
    subjects: [
      { kind: 'ServiceAccount', name: 'airflow-worker', namespace: 'airflow' },
    ],
  } as any);
  kube.create('configmaps', 'airflow', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'airflow-pod-template' },
    data: { 'pod_template_file.yaml': YAML.stringify(templateWithoutImage) },
  } as any);
  const scheduler = cluster.pod({
    name: 'airflow-scheduler-7c9d-x2k4p',
    namespace: 'airflow',
    labels: { release: 'airflow', component: 'scheduler' },
    nodeName: 'ip-10-0-1-23.eu-west-1.compute.internal',
    containers: [{ name: 'scheduler', image: 'apache/airflow:2.10.0' }],
    status: podStatus.running('scheduler'),
  });
  kube.appendLog(
    'airflow',
    scheduler.metadata.name!,
    'scheduler',
    [
      "[2026-01-01T00:00:00.000+0000] {kubernetes_executor_utils.py:418} INFO - Creating kubernetes pod for job is TaskInstanceKey(dag_id='shop-products', task_id='crawl', run_id='manual__2026-01-01T00:00:00+00:00', try_number=1, map_index=-1), with pod name shop-products-crawl-q8w2, annotations: <omitted>",
      'HTTP response body: {"kind":"Status","message":"Pod \\"shop-products-crawl-q8w2\\" is invalid: spec.containers[0].image: Required value","code":422}',
      "[2026-01-01T00:00:00.010+0000] {kubernetes_executor.py:398} ERROR - Pod creation failed with reason 'Unprocessable Entity'. Failing task",
      '',
    ].join('\n'),
  );
  const operator = {
    kubernetes_pod_operator: 'True',
    dag_id: makeSafeLabelValue('shop-products'),
    task_id: 'crawl',
  };
  const pending = cluster.pod({
    name: 'shop-products-crawl-pending',
    namespace: 'shop',
    labels: operator,
    schedulerName: 'default-scheduler',
    status: podStatus.unschedulable(),
  });
  cluster.event(pending, {
    type: 'Warning',
    reason: 'FailedScheduling',
    message:
      '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: airflow}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    component: 'default-scheduler',
    action: 'Scheduling',
  });
  cluster.pod({
    name: 'shop-products-crawl-done',
    namespace: 'shop',
    labels: operator,
    nodeName: 'fargate-ip-10-0-1-9.eu-west-1.compute.internal',
    status: podStatus.succeeded(),
  });
  const pulling = cluster.pod({
    name: 'shop-products-crawl-pull',
    namespace: 'shop',
    labels: {
      ...operator,
      'eks.amazonaws.com/fargate-profile': 'crawlers',
    },
    nodeName: 'fargate-ip-10-0-1-7.eu-west-1.compute.internal',
    containers: [{ name: 'base', image: IMAGE }],
    status: {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'base',
          image: IMAGE,
          ready: false,
          restartCount: 0,
          state: {
            waiting: {
              reason: 'ErrImagePull',
              message: `rpc error: code = Unknown desc = ${ECR_403}`,
            },
          },
        },
      ],
    },
  });
  cluster.event(pulling, {
    type: 'Warning',
    reason: 'Failed',
    message: `Failed to pull image "${IMAGE}": rpc error: code = Unknown desc = ${ECR_403}`,
    component: 'kubelet',
    host: 'fargate-ip-10-0-1-7.eu-west-1.compute.internal',
    fieldPath: 'spec.containers{base}',
  });
}

async function setup(options: { permissions?: any; config?: any } = {}) {
  const airflow = useKubeAirflows(server);
  seedWorld();
  const config = options.config ?? (kubeConfig() as any);
  config.aws = {
    mainAccount: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  };
  config.crawlers.clusters ??= [
    { type: 'eks', name: 'eks', region: 'eu-west-1', clusterName: 'crawlers' },
  ];
  const backend = await startCrawlersBackend({
    config,
    entities: kubeEntities,
    extraFeatures: [cluster.factory],
    permissions: options.permissions,
  });
  return { app: backend.server, airflow };
}

const diagnosis = (app: any, entity = 'shop-crawler', as = asBob) =>
  request(app).get(`${API}/${entity}/diagnosis`).set('Authorization', as);

describe('GET /diagnosis', () => {
  it('should explain each failure of the crawler from live state, the most severe first', async () => {
    const { app } = await setup();
    const res = await diagnosis(app);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: SHOP,
      instance: 'airflow2',
      cluster: 'eks',
    });
    const byId = Object.fromEntries(
      res.body.findings.map((f: any) => [f.id, f]),
    );
    expect(Object.keys(byId).sort()).toEqual([
      'finished-pods',
      'image-pull-403',
      'no-fargate-profile',
      'pods-log-forbidden',
      'worker-image-missing',
    ]);
    expect(byId['image-pull-403']).toMatchObject({
      variant: 'ecr-repository-policy',
    });
    expect(byId['image-pull-403'].evidence).toContainEqual({
      object: 'ECR repository shop-crawler',
      where: 'repository policy, statement NoPulls',
      text: `Deny of ecr:BatchGetImage / ecr:GetDownloadUrlForLayer to ${ROLE_ARN}`,
    });
    expect(byId['no-fargate-profile'].title).toBe(
      'No Fargate profile selects namespace shop: its pods stay Pending',
    );
    // The scheduler's event has the events.k8s.io shape (no source): its origin is the reportingComponent.
    expect(byId['no-fargate-profile'].evidence).toContainEqual(
      expect.objectContaining({
        object: 'Pod shop/shop-products-crawl-pending',
        where: 'event FailedScheduling from default-scheduler',
      }),
    );
    expect(byId['worker-image-missing']).toMatchObject({
      severity: 'error',
      dagIds: ['shop-products', expect.any(String), expect.any(String)],
    });
    expect(byId['worker-image-missing'].evidence[1]).toEqual({
      object: 'Pod airflow/airflow-scheduler-7c9d-x2k4p',
      where: 'log of container scheduler',
      text: 'Pod "shop-products-crawl-q8w2" is invalid: spec.containers[0].image: Required value',
    });
    expect(byId['pods-log-forbidden'].title).toBe(
      'ServiceAccount airflow/airflow-worker may not get pods/log in namespace shop',
    );
    expect(byId['finished-pods'].evidence[0].object).toBe(
      'Pod shop/shop-products-crawl-done',
    );
    const severities = res.body.findings.map((f: any) => f.severity);
    expect(severities).toEqual([...severities].sort());
    expect(
      Object.fromEntries(res.body.checks.map((c: any) => [c.id, c.status])),
    ).toEqual({
      'image-pull-403': 'finding',
      'pods-log-forbidden': 'finding',
      'worker-image-missing': 'finding',
      'worker-without-dags': 'ok',
      'no-fargate-profile': 'finding',
      'no-nat-egress': 'unknown',
      'git-sync-auth': 'ok',
      'finished-pods': 'finding',
      'import-error': 'ok',
    });
    expect(
      res.body.checks.find((c: any) => c.id === 'no-nat-egress').reason,
    ).toBe(
      'no ACTIVE Fargate profile selects namespace shop, so its subnets are not known',
    );
  });

  it("should read the failure lines of the latest failed run's task log through the claim-checked Airflow routes", async () => {
    const { app } = await setup();
    const run = 'manual__2026-01-02T00:00:00+00:00';
    server.use(
      http.get(`${AIRFLOW2}/api/v1/dags/shop-products/dagRuns`, () =>
        HttpResponse.json({
          dag_runs: [
            {
              dag_run_id: run,
              dag_id: 'shop-products',
              logical_date: '2026-01-02T00:00:00+00:00',
              execution_date: '2026-01-02T00:00:00+00:00',
              start_date: '2026-01-02T00:00:01+00:00',
              end_date: '2026-01-02T00:01:01+00:00',
              data_interval_start: '2026-01-02T00:00:00+00:00',
              data_interval_end: '2026-01-02T00:00:00+00:00',
              last_scheduling_decision: null,
              run_type: 'manual',
              state: 'failed',
              external_trigger: true,
              conf: {},
              note: null,
            },
          ],
          total_entries: 1,
        }),
      ),
      http.get(
        `${AIRFLOW2}/api/v1/dags/shop-products/dagRuns/:run/taskInstances`,
        () =>
          HttpResponse.json({
            task_instances: [
              {
                task_id: 'crawl',
                dag_id: 'shop-products',
                dag_run_id: run,
                execution_date: '2026-01-02T00:00:00+00:00',
                start_date: '2026-01-02T00:00:05+00:00',
                end_date: '2026-01-02T00:00:35+00:00',
                duration: 30,
                state: 'failed',
                try_number: 1,
                max_tries: 0,
                map_index: -1,
                hostname: 'shop-products-crawl-w1',
                operator: 'KubernetesPodOperator',
              },
            ],
            total_entries: 1,
          }),
      ),
      http.get(
        `${AIRFLOW2}/api/v1/dags/shop-products/dagRuns/:run/taskInstances/crawl/logs/1`,
        () =>
          HttpResponse.json({
            content:
              'kubernetes.client.exceptions.ApiException: (403)\nReason: Forbidden\nHTTP response body: {"kind":"Status","message":"pods \\"shop-products-crawl-x\\" is forbidden: User \\"system:serviceaccount:airflow:airflow-worker\\" cannot get resource \\"pods/log\\" in API group \\"\\" in the namespace \\"shop\\"","code":403}\nairflow.exceptions.AirflowException: Pod shop-products-crawl-x returned a failure.\n',
            continuation_token: null,
          }),
      ),
    );
    const res = await diagnosis(app);
    const finding = res.body.findings.find(
      (f: any) => f.id === 'pods-log-forbidden',
    );
    expect(finding).toMatchObject({
      variant: 'refused',
      dagIds: ['shop-products'],
    });
    expect(finding.evidence[0]).toEqual({
      object: `Task log shop-products ${run} crawl try 1`,
      where: 'task log: ApiException (403) Forbidden',
      text: 'pods "shop-products-crawl-x" is forbidden: User "system:serviceaccount:airflow:airflow-worker" cannot get resource "pods/log" in API group "" in the namespace "shop"',
    });
  });

  it('should report an AWS refusal as a section error and leave the checks it feeds unknown', async () => {
    const { app } = await setup();
    eks.on(ListFargateProfilesCommand).rejects(
      Object.assign(
        new Error('User is not authorized to perform: eks:ListFargateProfiles'),
        {
          name: 'AccessDeniedException',
          $metadata: { httpStatusCode: 403 },
        },
      ),
    );
    const res = await diagnosis(app);
    expect(res.status).toBe(200);
    expect(res.body.errors).toContainEqual({
      source: 'aws:fargateProfiles',
      status: 403,
      message:
        'EKS ListFargateProfiles/DescribeFargateProfile of crawlers failed: AccessDeniedException: User is not authorized to perform: eks:ListFargateProfiles',
    });
    const checks = Object.fromEntries(
      res.body.checks.map((c: any) => [c.id, c.status]),
    );
    expect(checks['no-nat-egress']).toBe('unknown');
    // The stuck pod's FailedScheduling still tells the story without the profiles.
    expect(checks['no-fargate-profile']).toBe('finding');
    // The ECR 403 cannot be pinned on the role of a profile it cannot read.
    expect(
      res.body.findings.find((f: any) => f.id === 'image-pull-403').variant,
    ).toBe('ecr');
  });

  it('should read AWS once for concurrent requests and again only after its TTL', async () => {
    const { app } = await setup();
    await Promise.all([diagnosis(app), diagnosis(app), diagnosis(app)]);
    expect(eks.commandCalls(ListFargateProfilesCommand)).toHaveLength(1);
    expect(ecr.commandCalls(GetRepositoryPolicyCommand)).toHaveLength(1);
    await diagnosis(app);
    expect(eks.commandCalls(ListFargateProfilesCommand)).toHaveLength(1);
  });

  it('should not use a namespace whose claim does not hold: no operator pods, Roles or Fargate profiles of it', async () => {
    const { app } = await setup();
    const res = await diagnosis(app, 'squatter-crawler');
    expect(res.status).toBe(200);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ source: 'claim:namespace', status: 403 }),
    );
    expect(res.body.findings.map((f: any) => f.id).sort()).toEqual([
      'worker-image-missing',
    ]);
    const checks = Object.fromEntries(
      res.body.checks.map((c: any) => [c.id, c]),
    );
    expect(checks['pods-log-forbidden'].status).toBe('unknown');
    expect(checks['no-fargate-profile'].status).toBe('unknown');
    expect(ecr.commandCalls(GetRepositoryPolicyCommand)).toHaveLength(0);
  });

  it('should answer 403 to a caller who may not read the crawler and 404 for an unknown entity', async () => {
    const { app } = await setup({
      permissions: denyReadTo(BOB, kubeEntities).factory,
    });
    const denied = await diagnosis(app);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('crawlers.airflow.read');
    expect(eks.commandCalls(ListFargateProfilesCommand)).toHaveLength(0);
    const unknownEntity = await diagnosis(
      app,
      'nobody-crawler',
      mockCredentials.user.header(ALICE),
    );
    expect(unknownEntity.status).toBe(404);
  });

  it('should say that a kubeconfig cluster has no AWS side', async () => {
    const config = kubeConfig() as any;
    config.crawlers.clusters = [
      { type: 'kubeconfig', name: 'eks', file: '/dev/null' },
    ];
    const { app } = await setup({ config });
    const res = await diagnosis(app);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ source: 'aws:config', status: 404 }),
    );
    expect(
      res.body.checks.find((c: any) => c.id === 'no-nat-egress').reason,
    ).toMatch(/is a kubeconfig cluster/);
  });
});

describe('GET /overview diagnosis section', () => {
  it('should count the findings by severity and show the top three', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/shop-crawler/overview`)
      .set('Authorization', asBob);
    expect(res.status).toBe(200);
    expect(res.body.diagnosis.data.counts).toEqual({
      error: 4,
      warning: 1,
      info: 0,
    });
    expect(res.body.diagnosis.data.top).toHaveLength(3);
    expect(
      res.body.diagnosis.data.top.every((f: any) => f.severity === 'error'),
    ).toBe(true);
    expect(res.body.diagnosis.data.unknownChecks).toEqual(['no-nat-egress']);
    expect(res.body.pods.data.total).toBe(3);
  });
});
