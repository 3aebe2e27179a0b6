/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_IDS,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from '@crawler-platform/plugin-crawlers-common';
import { fakeAirflow } from '@crawler-platform/plugin-crawlers-node/testUtils';
import type { SetupServer } from 'msw/node';
import {
  AIRFLOW2,
  AIRFLOW3,
  AIRFLOW_PASSWORD,
  AIRFLOW_USER,
  airflowConfig,
  ALICE,
  BOB,
  claimTagOf,
} from './testBackend';
import type { TestCluster } from './kubeCluster';

/** A DAG id longer than a label value may be (63): its label is cut to 53 characters plus a hash. */
export const LONG_DAG = `shop_${'very_long_crawler_name_'.repeat(3)}products`;
/** A DAG id that ends in `_`: make_safe_label_value strips it, so the label carries a hash. */
export const ODD_DAG = 'shop.prices-v2_';

export const SHOP = 'component:default/shop-crawler';

function crawler(
  name: string,
  owner: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'crawler', lifecycle: 'production', owner },
  };
}

/** The catalog of the Kubernetes tests. */
export const kubeEntities: Entity[] = [
  // Names other-dag too, whose tag names other-crawler: its pods must never be shown or deleted.
  crawler('shop-crawler', ALICE, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: `shop-products, ${LONG_DAG}, ${ODD_DAG}, other-dag`,
    [ANNOTATION_KUBERNETES_NAMESPACE]: 'shop',
  }),
  // Its DAG confirms the claim, but the namespace `shop` names shop-crawler.
  crawler('squatter-crawler', ALICE, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: 'shop-products',
    [ANNOTATION_KUBERNETES_NAMESPACE]: 'shop',
  }),
  crawler('other-crawler', BOB, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: 'other-dag',
    [ANNOTATION_KUBERNETES_NAMESPACE]: 'other',
  }),
  crawler('news-crawler', ALICE, {
    [ANNOTATION_CRAWLERS_DAG_IDS]: 'news-daily',
    [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: 'airflow3',
    [ANNOTATION_KUBERNETES_NAMESPACE]: 'news',
  }),
];

/** Config: Airflow 2 runs in cluster `eks` (or `limited`), namespace airflow, release airflow; Airflow 3 has no cluster. */
export function kubeConfig(cluster = 'eks'): JsonObject {
  const config = airflowConfig() as any;
  config.crawlers.airflow.instances[0].kubernetes = { cluster };
  config.crawlers.airflow.instances[0].dagRepository = {
    repositoryName: 'airflow-dags',
    region: 'eu-west-1',
  };
  return config;
}

/** Fake Airflow 2 with the shop DAGs (claimed by shop-crawler; shop-products also by squatter-crawler). */
export function useKubeAirflows(server: SetupServer) {
  const credentials = { username: AIRFLOW_USER, password: AIRFLOW_PASSWORD };
  const shop = [claimTagOf('shop-crawler')];
  const v1 = fakeAirflow({
    baseUrl: AIRFLOW2,
    version: 'v1',
    dags: ['shop-products', LONG_DAG, ODD_DAG, 'other-dag'],
    dagTags: {
      'shop-products': [...shop, claimTagOf('squatter-crawler')],
      [LONG_DAG]: shop,
      [ODD_DAG]: shop,
      'other-dag': [claimTagOf('other-crawler')],
    },
    credentials,
  });
  const v2 = fakeAirflow({
    baseUrl: AIRFLOW3,
    version: 'v2',
    dags: ['news-daily'],
    dagTags: { 'news-daily': [claimTagOf('news-crawler')] },
    credentials,
  });
  server.use(...v1.handlers, ...v2.handlers);
  return { v1: v1.state, v2: v2.state };
}

const STARTED = '2026-01-01T00:00:00Z';

/** Pod statuses as the kubelet and schedulers write them. */
export const podStatus = {
  running: (container = 'base') => ({
    phase: 'Running',
    containerStatuses: [
      {
        name: container,
        image: 'crawler:1',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: STARTED } },
      },
    ],
  }),
  succeeded: () => ({
    phase: 'Succeeded',
    containerStatuses: [
      {
        name: 'base',
        image: 'crawler:1',
        ready: false,
        restartCount: 0,
        state: {
          terminated: { exitCode: 0, reason: 'Completed', startedAt: STARTED },
        },
      },
    ],
  }),
  failed: () => ({
    phase: 'Failed',
    containerStatuses: [
      {
        name: 'base',
        image: 'crawler:1',
        ready: false,
        restartCount: 0,
        state: {
          terminated: { exitCode: 1, reason: 'Error', startedAt: STARTED },
        },
      },
    ],
  }),
  unschedulable: () => ({
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 node(s) had untolerated taint',
      },
    ],
  }),
  imagePullBackOff: () => ({
    phase: 'Pending',
    containerStatuses: [
      {
        name: 'base',
        image: 'crawler:missing',
        ready: false,
        restartCount: 0,
        state: {
          waiting: {
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "crawler:missing"',
          },
        },
      },
    ],
  }),
};

/** Seeds the shop crawler's namespace and pods, and pods of others that must stay hidden. */
export function seedShopPods(
  cluster: TestCluster,
  safe: (id: string) => string,
) {
  cluster.namespace('shop', { 'crawler-platform.io/entity': SHOP });
  cluster.namespace('airflow');
  const operator = (dagId: string) => ({
    kubernetes_pod_operator: 'True',
    dag_id: safe(dagId),
    task_id: 'crawl',
    run_id: 'scheduled__2026-01-01T0000000000-8d2f1e3a1',
    try_number: '1',
  });
  const pods = {
    running: cluster.pod({
      name: 'shop-products-crawl-running',
      namespace: 'shop',
      labels: operator('shop-products'),
      annotations: { CapacityProvisioned: '0.25vCPU 0.5GB' },
      nodeName: 'fargate-ip-10-0-1-1.eu-west-1.compute.internal',
      status: podStatus.running(),
    }),
    done: cluster.pod({
      name: 'shop-products-crawl-done',
      namespace: 'shop',
      labels: {
        ...operator('shop-products'),
        'eks.amazonaws.com/fargate-profile': 'crawlers',
      },
      status: podStatus.succeeded(),
    }),
    longFailed: cluster.pod({
      name: 'shop-long-crawl-failed',
      namespace: 'shop',
      labels: operator(LONG_DAG),
      status: podStatus.failed(),
    }),
    oddPending: cluster.pod({
      name: 'shop-prices-crawl-pending',
      namespace: 'shop',
      labels: operator(ODD_DAG),
      schedulerName: 'default-scheduler',
      status: podStatus.unschedulable(),
    }),
    otherDone: cluster.pod({
      name: 'other-dag-crawl-done',
      namespace: 'shop',
      labels: operator('other-dag'),
      status: podStatus.succeeded(),
    }),
    // A finished pod of a shop DAG that KubernetesPodOperator did not create.
    unlabelled: cluster.pod({
      name: 'shop-products-manual',
      namespace: 'shop',
      labels: { dag_id: safe('shop-products') },
      status: podStatus.succeeded(),
    }),
    worker: cluster.pod({
      name: 'shop-products-worker-1',
      namespace: 'airflow',
      labels: {
        release: 'airflow',
        component: 'worker',
        kubernetes_executor: 'True',
        dag_id: safe('shop-products'),
        task_id: 'crawl',
        run_id: 'manual__2026-01-01T0000000000-0c1a9d6b2',
        try_number: '2',
      },
      annotations: {
        dag_id: 'shop-products',
        task_id: 'crawl',
        run_id: 'manual__2026-01-01T00:00:00+00:00',
        try_number: '2',
      },
      status: podStatus.imagePullBackOff(),
    }),
    workerOtherRelease: cluster.pod({
      name: 'shop-products-worker-staging',
      namespace: 'airflow',
      labels: {
        release: 'airflow-staging',
        kubernetes_executor: 'True',
        dag_id: safe('shop-products'),
      },
      status: podStatus.running(),
    }),
    workerOtherDag: cluster.pod({
      name: 'other-dag-worker-1',
      namespace: 'airflow',
      labels: {
        release: 'airflow',
        kubernetes_executor: 'True',
        dag_id: safe('other-dag'),
      },
      status: podStatus.running(),
    }),
  };
  return pods;
}
