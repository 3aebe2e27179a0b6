/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { makeSafeLabelValue } from '@crawler-platform/plugin-crawlers-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { startTestCluster, TestCluster } from './__testUtils__/kubeCluster';
import {
  kubeConfig,
  kubeEntities,
  LONG_DAG,
  ODD_DAG,
  seedShopPods,
  SHOP,
  useKubeAirflows,
} from './__testUtils__/kubeFixtures';
import {
  AIRFLOW2,
  ALICE,
  BOB,
  localBackendPassthrough,
  startCrawlersBackend,
} from './__testUtils__/testBackend';

const server = setupServer(localBackendPassthrough);
registerMswTestHooks(server);

const API = '/api/crawlers/entities/component/default';
const asAlice = mockCredentials.user.header(ALICE);
const asBob = mockCredentials.user.header(BOB);

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await startTestCluster();
});
afterEach(async () => {
  await cluster.stop();
});

async function setup(
  options: {
    clusterName?: string;
    extraFeatures?: any[];
    limits?: Record<string, number>;
  } = {},
) {
  const airflow = useKubeAirflows(server);
  const pods = seedShopPods(cluster, makeSafeLabelValue);
  const config = kubeConfig(options.clusterName) as any;
  config.crawlers.limits = options.limits;
  const backend = await startCrawlersBackend({
    config,
    entities: kubeEntities,
    extraFeatures: [cluster.factory, ...(options.extraFeatures ?? [])],
  });
  return { app: backend.server, airflow, pods };
}

const names = (body: { pods: Array<{ name: string }> }) =>
  body.pods.map(p => p.name).sort();

describe('GET /pods', () => {
  it('should select the operator and worker pods of claimed DAGs by their sanitised dag_id label', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asBob);
    expect(res.status).toBe(200);
    expect(names(res.body)).toEqual([
      'shop-long-crawl-failed',
      'shop-prices-crawl-pending',
      'shop-products-crawl-done',
      'shop-products-crawl-running',
      'shop-products-worker-1',
    ]);
    expect(res.body.namespaces).toEqual({
      crawler: 'shop',
      airflow: 'airflow',
    });
    expect(res.body.namespaceClaim).toEqual({ namespace: 'shop', holds: true });
    const byName = Object.fromEntries(
      res.body.pods.map((p: any) => [p.name, p]),
    );
    expect(byName['shop-long-crawl-failed'].dagId).toBe(LONG_DAG);
    expect(byName['shop-prices-crawl-pending'].dagId).toBe(ODD_DAG);
  });

  it('should match a long DAG id and an id with a trailing "_" only through their hashed labels', () => {
    expect(makeSafeLabelValue(LONG_DAG)).toHaveLength(63);
    expect(makeSafeLabelValue(LONG_DAG)).not.toBe(LONG_DAG.slice(0, 63));
    expect(makeSafeLabelValue(ODD_DAG)).toMatch(
      /^shop\.prices-v2-[0-9a-f]{9}$/,
    );
  });

  it('should describe each pod: kind, ids, phase, status, containers, node, Fargate size and problem', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asBob);
    const byName = Object.fromEntries(
      res.body.pods.map((p: any) => [p.name, p]),
    );
    expect(byName['shop-products-crawl-running']).toMatchObject({
      namespace: 'shop',
      kind: 'operator',
      dagId: 'shop-products',
      taskId: 'crawl',
      tryNumber: 1,
      phase: 'Running',
      status: 'Running',
      nodeName: 'fargate-ip-10-0-1-1.eu-west-1.compute.internal',
      capacityProvisioned: '0.25vCPU 0.5GB',
      schedulerName: 'fargate-scheduler',
      problem: false,
      problemReason: null,
    });
    expect(byName['shop-products-crawl-done']).toMatchObject({
      status: 'Completed',
      fargateProfile: 'crawlers',
      problem: false,
    });
    expect(byName['shop-long-crawl-failed']).toMatchObject({
      phase: 'Failed',
      status: 'Error',
      problem: true,
      problemReason: 'Failed: base exited 1 (Error)',
    });
    expect(byName['shop-long-crawl-failed'].containers).toEqual([
      expect.objectContaining({
        name: 'base',
        init: false,
        state: 'terminated',
        reason: 'Error',
        exitCode: 1,
      }),
    ]);
    expect(byName['shop-prices-crawl-pending'].problemReason).toBe(
      'Unschedulable (default-scheduler: no Fargate profile matched the pod): 0/3 nodes are available: 3 node(s) had untolerated taint',
    );
    expect(byName['shop-products-worker-1']).toMatchObject({
      kind: 'worker',
      namespace: 'airflow',
      runId: 'manual__2026-01-01T00:00:00+00:00',
      tryNumber: 2,
      status: 'ImagePullBackOff',
      problem: true,
    });
    expect(byName['shop-products-worker-1'].problemReason).toContain(
      'ImagePullBackOff: base',
    );
    expect(byName['shop-products-worker-1'].ageSeconds).toBeGreaterThanOrEqual(
      0,
    );
  });

  it('should show worker pods of the instance release only', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asBob);
    const workers = res.body.pods.filter((p: any) => p.kind === 'worker');
    expect(workers.map((p: any) => p.name)).toEqual(['shop-products-worker-1']);
  });

  it('should show no pod of a DAG whose claim does not hold, and say why', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asBob);
    expect(res.body.pods.some((p: any) => p.dagId === 'other-dag')).toBe(false);
    expect(names(res.body)).not.toContain('other-dag-crawl-done');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ source: 'claim:other-dag', status: 403 }),
    ]);
  });

  it('should show no operator pod when the namespace names another entity, with the YAML to add', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/squatter-crawler/pods`)
      .set('Authorization', asAlice);
    expect(res.status).toBe(200);
    expect(res.body.pods.map((p: any) => p.kind)).toEqual(['worker']);
    expect(res.body.namespaceClaim).toMatchObject({
      namespace: 'shop',
      holds: false,
    });
    const error = res.body.errors.find(
      (e: any) => e.source === 'claim:namespace',
    );
    expect(error.status).toBe(403);
    expect(error.message).toContain(`It names "${SHOP}"`);
    expect(error.message).toContain(
      'crawler-platform.io/entity: component:default/squatter-crawler',
    );
  });

  it('should refuse the claim on a namespace that does not exist and show only worker pods', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/other-crawler/pods`)
      .set('Authorization', asBob);
    expect(res.body.namespaceClaim).toMatchObject({
      namespace: 'other',
      holds: false,
    });
    expect(res.body.namespaceClaim.reason).toContain('does not exist');
    expect(res.body.pods.map((p: any) => [p.name, p.kind])).toEqual([
      ['other-dag-worker-1', 'worker'],
    ]);
  });

  it('should read the origin of an event from source.component or else reportingComponent', async () => {
    const { app, pods } = await setup();
    cluster.event(pods.oddPending, {
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/3 nodes are available',
      component: 'default-scheduler',
      action: 'Scheduling',
    });
    cluster.event(pods.worker, {
      type: 'Warning',
      reason: 'Failed',
      message: 'Error: ImagePullBackOff',
      component: 'kubelet',
      host: 'fargate-ip-10-0-1-2.eu-west-1.compute.internal',
      fieldPath: 'spec.containers{base}',
    });
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asBob);
    const byName = Object.fromEntries(
      res.body.pods.map((p: any) => [p.name, p]),
    );
    expect(byName['shop-prices-crawl-pending'].events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'FailedScheduling',
        origin: 'default-scheduler',
        fieldPath: null,
        count: 1,
      }),
    ]);
    expect(byName['shop-products-worker-1'].events).toEqual([
      expect.objectContaining({
        reason: 'Failed',
        origin: 'kubelet',
        fieldPath: 'spec.containers{base}',
      }),
    ]);
    expect(byName['shop-products-crawl-running'].events).toEqual([]);
  });

  it('should keep only the most recent events of a pod, newest first', async () => {
    const { app, pods } = await setup({ limits: { maxEventsPerPod: 2 } });
    for (const reason of ['First', 'Second', 'Third']) {
      cluster.event(pods.running, {
        type: 'Normal',
        reason,
        message: reason,
        component: 'kubelet',
      });
      cluster.advance(2000);
    }
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asBob);
    const running = res.body.pods.find(
      (p: any) => p.name === 'shop-products-crawl-running',
    );
    expect(running.events.map((e: any) => e.reason)).toEqual([
      'Third',
      'Second',
    ]);
  });

  it('should report a cluster RBAC 403 as a section error with the API server message', async () => {
    const { app } = await setup({ clusterName: 'limited' });
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asBob);
    expect(res.status).toBe(200);
    expect(res.body.pods).toEqual([]);
    const podsError = res.body.errors.find(
      (e: any) => e.source === 'pods:airflow',
    );
    expect(podsError.status).toBe(403);
    expect(podsError.message).toContain(
      'pods is forbidden: User "system:serviceaccount:backstage:crawlers-backend" cannot list resource "pods" in API group "" in the namespace "airflow"',
    );
    expect(
      res.body.errors.find((e: any) => e.source === 'namespace:shop').status,
    ).toBe(403);
  });

  it('should say which key to add for an instance without Kubernetes settings', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get(`${API}/news-crawler/pods`)
      .set('Authorization', asBob);
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        source: 'kubernetes:config',
        message: expect.stringContaining(
          'add crawlers.airflow.instances[].kubernetes',
        ),
      }),
    ]);
  });

  it('should cut a pod list at maxPodsListed and say so', async () => {
    const { app } = await setup({ limits: { maxPodsListed: 2 } });
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asBob);
    expect(res.body.truncated).toBe(true);
    // The two first pods by name: other-dag's (not claimed, dropped) and the long DAG's.
    expect(
      res.body.pods
        .filter((p: any) => p.kind === 'operator')
        .map((p: any) => p.name),
    ).toEqual(['shop-long-crawl-failed']);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({
        source: 'pods:shop',
        severity: 'warning',
        message: expect.stringContaining('crawlers.limits.maxPodsListed = 2'),
      }),
    );
  });

  it('should read the cluster once for many concurrent requests', async () => {
    const { app } = await setup();
    cluster.requests.length = 0;
    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        request(app)
          .get(`${API}/shop-crawler/pods`)
          .set('Authorization', asBob),
      ),
    );
    expect(responses.every(r => r.status === 200)).toBe(true);
    // A namespace read, two pod lists and two event lists.
    expect(cluster.requests).toHaveLength(5);
  });
});

describe('POST /pods/cleanup', () => {
  it("should let an owner delete the crawler's finished operator pods only, and return them", async () => {
    const { app } = await setup();
    const res = await request(app)
      .post(`${API}/shop-crawler/pods/cleanup`)
      .set('Authorization', asAlice)
      .send({});
    expect(res.status).toBe(200);
    expect(
      res.body.deleted.map((p: any) => [p.name, p.phase, p.dagId]).sort(),
    ).toEqual([
      ['shop-long-crawl-failed', 'Failed', LONG_DAG],
      ['shop-products-crawl-done', 'Succeeded', 'shop-products'],
    ]);
    expect(res.body.keptRunning).toBe(2);
    const left = cluster.kube
      .list('pods', undefined)
      .map(p => p.metadata.name)
      .sort();
    expect(left).toEqual([
      'other-dag-crawl-done',
      'other-dag-worker-1',
      'shop-prices-crawl-pending',
      'shop-products-crawl-running',
      'shop-products-manual',
      'shop-products-worker-1',
      'shop-products-worker-staging',
    ]);
  });

  it('should refuse a reader who does not own the crawler with 403 and delete nothing', async () => {
    const { app } = await setup();
    const res = await request(app)
      .post(`${API}/shop-crawler/pods/cleanup`)
      .set('Authorization', asBob)
      .send({});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('crawlers.pod.delete');
    expect(cluster.kube.list('pods', 'shop')).toHaveLength(6);
  });

  it('should refuse service credentials with 403 whatever the permission client allows', async () => {
    const { app } = await setup();
    const res = await request(app)
      .post(`${API}/shop-crawler/pods/cleanup`)
      .set('Authorization', mockCredentials.service.header())
      .send({});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'service credentials may only read',
    );
    expect(cluster.kube.list('pods', 'shop')).toHaveLength(6);
  });

  it('should refuse an entity whose namespace claim does not hold', async () => {
    const { app } = await setup();
    const res = await request(app)
      .post(`${API}/squatter-crawler/pods/cleanup`)
      .set('Authorization', asAlice)
      .send({});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'does not confirm that it belongs',
    );
    expect(cluster.kube.list('pods', 'shop')).toHaveLength(6);
  });

  it('should show deleted pods no more on the next read', async () => {
    const { app } = await setup();
    await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asAlice)
      .expect(200);
    await request(app)
      .post(`${API}/shop-crawler/pods/cleanup`)
      .set('Authorization', asAlice)
      .send({})
      .expect(200);
    const res = await request(app)
      .get(`${API}/shop-crawler/pods`)
      .set('Authorization', asAlice);
    expect(names(res.body)).toEqual([
      'shop-prices-crawl-pending',
      'shop-products-crawl-running',
      'shop-products-worker-1',
    ]);
  });

  it('should record an audit event with the deleted pods, and a failed one for a refusal', async () => {
    const event = { success: jest.fn(), fail: jest.fn() };
    const auditor = mockServices.auditor.mock({
      createEvent: jest.fn().mockResolvedValue(event),
    });
    const { app } = await setup({ extraFeatures: [auditor.factory] });
    await request(app)
      .post(`${API}/shop-crawler/pods/cleanup`)
      .set('Authorization', asAlice)
      .send({})
      .expect(200);
    await request(app)
      .post(`${API}/shop-crawler/pods/cleanup`)
      .set('Authorization', asBob)
      .send({})
      .expect(403);
    expect(
      auditor.createEvent.mock.calls.map(([o]) => [
        o.eventId,
        o.severityLevel,
        o.meta,
      ]),
    ).toEqual([
      ['pod-cleanup', 'medium', { entityRef: SHOP }],
      ['pod-cleanup', 'medium', { entityRef: SHOP }],
    ]);
    expect(event.success).toHaveBeenCalledWith({
      meta: {
        namespace: 'shop',
        deleted: 2,
        pods: expect.arrayContaining([
          'shop-products-crawl-done',
          'shop-long-crawl-failed',
        ]),
        failed: 0,
      },
    });
    expect(event.fail).toHaveBeenCalledTimes(1);
  });

  it('should delete nothing and answer 502 when Airflow cannot confirm the DAG claims', async () => {
    const { app } = await setup();
    server.use(http.all(`${AIRFLOW2}/api/*`, () => HttpResponse.error()));
    const res = await request(app)
      .post(`${API}/shop-crawler/pods/cleanup`)
      .set('Authorization', asAlice)
      .send({});
    expect(res.body.error.message).toContain('could not be checked');
    expect(res.status).toBe(502);
    expect(cluster.kube.list('pods', 'shop')).toHaveLength(6);
  });

  it('should refuse a body with unknown fields', async () => {
    const { app } = await setup();
    const res = await request(app)
      .post(`${API}/shop-crawler/pods/cleanup`)
      .set('Authorization', asAlice)
      .send({ namespace: 'kube-system' });
    expect(res.status).toBe(400);
    expect(cluster.kube.list('pods', 'shop')).toHaveLength(6);
  });
});
