/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  crawlersClusterServiceRef,
  CrawlersClusterService,
} from '@crawler-platform/plugin-crawlers-node';
import { KubeStore, startKubeApiServer } from '@crawler-platform/sandbox';
import { KubeConfig } from '@kubernetes/client-node';

/** The cluster admin's static token of the Kubernetes stand-in. */
export const ADMIN_TOKEN = 'sandbox-admin-token';
/** A token of a service account with no RBAC rules at all (every request is 403). */
export const LIMITED_TOKEN = 'crawlers-backend-without-rbac';
export const LIMITED_USER = 'system:serviceaccount:backstage:crawlers-backend';

type KubeObject = Parameters<KubeStore['create']>[2];
type EventInput = Parameters<KubeStore['recordEvent']>[2];

/** A pod spec with a `base` container (and optional init containers), as Airflow creates them. */
export interface TestPod {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  schedulerName?: string;
  nodeName?: string;
  containers?: Array<Record<string, unknown>>;
  initContainers?: Array<Record<string, unknown>>;
  status?: Record<string, unknown>;
}

/**
 * A real HTTP Kubernetes API in this process (the sandbox's store and API server, not the whole sandbox) and a
 * `crawlersClusterServiceRef` factory whose clusters reach it: `eks` as the cluster admin, `limited` as a service
 * account without any Role (every call answers 403 with the API server's RBAC message).
 */
export async function startTestCluster() {
  // The store's clock (timestamps of objects and events) moves only when a test advances it.
  let time = Date.now();
  const kube = new KubeStore({ clock: { now: () => time } });
  /** `<verb> <path>?<query>` of every request the API server answered, with its status. */
  const requests: Array<{ method: string; path: string; status: number }> = [];
  const server = await startKubeApiServer({
    kube,
    port: 0,
    logger: {
      info: (_message, meta) =>
        requests.push({
          method: String(meta?.method),
          path: String(meta?.path),
          status: Number(meta?.status),
        }),
      warn: () => {},
      error: () => {},
    },
    staticTokens: {
      [ADMIN_TOKEN]: 'kubernetes-admin',
      [LIMITED_TOKEN]: LIMITED_USER,
    },
  });
  const configs = new Map<string, KubeConfig>();
  for (const [name, token] of [
    ['eks', ADMIN_TOKEN],
    ['limited', LIMITED_TOKEN],
  ]) {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name, server: server.url, skipTLSVerify: true }],
      users: [{ name: 'crawlers', token }],
      contexts: [{ name, cluster: name, user: 'crawlers' }],
      currentContext: name,
    });
    configs.set(name, kc);
  }
  const clusters: CrawlersClusterService = {
    listClusterNames: () => [...configs.keys()],
    getCluster(name) {
      const kc = configs.get(name);
      if (!kc) {
        throw new NotFoundError(`Cluster "${name}" is not configured`);
      }
      return { name, kubeConfig: async () => kc };
    },
  };
  const factory = createServiceFactory({
    service: crawlersClusterServiceRef,
    deps: {},
    factory: () => clusters,
  });

  function namespace(name: string, annotations?: Record<string, string>) {
    if (!kube.exists('namespaces', undefined, name)) {
      kube.create('namespaces', undefined, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, ...(annotations ? { annotations } : {}) },
      });
    }
  }

  function pod(p: TestPod): KubeObject {
    namespace(p.namespace);
    kube.create('pods', p.namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: p.name,
        labels: p.labels ?? {},
        annotations: p.annotations ?? {},
      },
      spec: {
        restartPolicy: 'Never',
        schedulerName: p.schedulerName ?? 'fargate-scheduler',
        ...(p.nodeName ? { nodeName: p.nodeName } : {}),
        ...(p.initContainers ? { initContainers: p.initContainers } : {}),
        containers: p.containers ?? [{ name: 'base', image: 'crawler:1' }],
      },
    });
    return p.status
      ? kube.updatePodStatus(p.namespace, p.name, p.status)
      : kube.get('pods', p.namespace, p.name);
  }

  function event(target: KubeObject, input: EventInput) {
    return kube.recordEvent(target.metadata.namespace!, target, input);
  }

  return {
    kube,
    requests,
    /** Moves the store's clock forward. */
    advance: (ms: number) => {
      time += ms;
    },
    url: server.url,
    factory,
    namespace,
    pod,
    event,
    stop: () => server.close(),
  };
}

/** The running test cluster. */
export type TestCluster = Awaited<ReturnType<typeof startTestCluster>>;
