/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';
import { ManualClock } from '../clock';
import { KubeObject } from '../kube';
import { KubeStore } from '../kube/KubeStore';
import { startKubeApiServer } from '../kube/server';
import { AIRFLOW_NODE } from '../seed/airflow';
import {
  crawlerNamespace,
  finishPod,
  jobDag,
  schedulerLog,
  startAirflowInstance,
  waitFor,
} from '../testing/airflowFixtures';
import { AirflowInstance } from './AirflowInstance';
import { makeSafeLabelValue } from './labels';
import { RunRecord } from './types';

const NS = 'crawler-jobs';

describe('KubernetesExecutor worker pods', () => {
  let clock: ManualClock;
  let kube: KubeStore;
  let env: Awaited<ReturnType<typeof startAirflowInstance>> | undefined;

  async function start(
    version: 'v1' | 'v2',
    extra: {
      workerContainerRepository?: string;
      workerContainerTag?: string;
    } = {},
  ) {
    crawlerNamespace(kube, NS);
    env = await startAirflowInstance({
      version,
      clock,
      kube,
      files: { 'dags/job.py': jobDag({ dagId: 'job', namespace: NS }) },
      ...extra,
    });
    return env.instance;
  }
  const trigger = (airflow: AirflowInstance) =>
    airflow.trigger('job', { logical_date: '2026-06-01T12:30:00Z' });
  const workerPods = () =>
    kube.list('pods', 'airflow', { labelSelector: 'kubernetes_executor=True' });
  const ended = (run: RunRecord) =>
    waitFor(
      () => run.state === 'failed' || run.state === 'success',
      'the run to end',
    );
  const runTask = async (run: RunRecord, exitCode = 0) => {
    const pod = await waitFor(() => kube.list('pods', NS)[0], 'the task pod');
    finishPod(kube, NS, pod.metadata.name, ['crawled'], exitCode);
    await ended(run);
  };
  const templateName = () => `${env!.release}-pod-template`;
  /** Edits the pod template in its ConfigMap (as `kubectl edit configmap` would). */
  const editTemplate = (edit: (pod: any) => void) => {
    const cm = kube.get('configmaps', 'airflow', templateName());
    const pod = YAML.parse((cm.data as any)['pod_template_file.yaml']);
    edit(pod);
    kube.replace('configmaps', 'airflow', templateName(), {
      ...cm,
      data: { 'pod_template_file.yaml': YAML.stringify(pod) },
    });
    return (cm.data as any)['pod_template_file.yaml'] as string;
  };
  const restoreTemplate = (text: string) => {
    const cm = kube.get('configmaps', 'airflow', templateName());
    kube.replace('configmaps', 'airflow', templateName(), {
      ...cm,
      data: { 'pod_template_file.yaml': text },
    });
  };
  /** The worker pod's final status and log, read when it ends (a succeeded worker is deleted at once). */
  const watchWorkerEnd = () => {
    const seen: { pod?: KubeObject; log?: string } = {};
    const stop = kube.onChange((type, resource, obj) => {
      const phase = (obj.status as any)?.phase;
      if (
        resource === 'pods' &&
        type === 'MODIFIED' &&
        obj.metadata.labels?.kubernetes_executor === 'True' &&
        (phase === 'Succeeded' || phase === 'Failed')
      ) {
        seen.pod = structuredClone(obj);
        seen.log = kube.readLog('airflow', obj.metadata.name, 'base');
      }
    });
    return { seen, stop };
  };

  beforeEach(() => {
    clock = new ManualClock('2026-06-01T12:30:00Z');
    kube = new KubeStore({ clock });
  });

  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it.each([
    ['v1', '2.10.0'],
    ['v2', '3.2.1'],
  ] as const)(
    'should store the chart worker template in the pod-template ConfigMap (%s, Airflow %s)',
    async (version, airflowVersion) => {
      await start(version);
      const cm = kube.get('configmaps', 'airflow', templateName());
      const template = YAML.parse((cm.data as any)['pod_template_file.yaml']);
      expect(template.metadata.labels).toEqual({
        tier: 'airflow',
        component: 'worker',
        release: env!.release,
      });
      expect(template.spec.restartPolicy).toBe('Never');
      expect(template.spec.initContainers[0].name).toBe('git-sync-init');
      expect(template.spec.volumes).toEqual([{ name: 'dags', emptyDir: {} }]);
      expect(template.spec.containers[0]).toMatchObject({
        name: 'base',
        image: `apache/airflow:${airflowVersion}`,
        volumeMounts: [
          { name: 'dags', mountPath: '/opt/airflow/dags', readOnly: true },
        ],
      });
    },
  );

  it.each([
    ['v1', '2.10.0', 'execution_date'],
    ['v2', '3.2.1', 'logical_date'],
  ] as const)(
    'should run each try in a worker pod on the node-group node with the executor labels and annotations (%s)',
    async (version, airflowVersion, dateKey) => {
      const airflow = await start(version);
      const watch = watchWorkerEnd();
      const run = trigger(airflow);
      const worker = await waitFor(() => workerPods()[0], 'the worker pod');
      const name = worker.metadata.name;
      expect(name).toMatch(/^job-crawl-[a-z0-9]{8}$/);
      expect(worker.metadata.labels).toEqual({
        tier: 'airflow',
        component: 'worker',
        release: env!.release,
        dag_id: 'job',
        task_id: 'crawl',
        try_number: '1',
        kubernetes_executor: 'True',
        airflow_version: airflowVersion,
        'airflow-worker': '1',
        run_id: makeSafeLabelValue(run.run_id),
        [dateKey]: '2026-06-01T12_30_00_plus_00_00',
      });
      expect(worker.metadata.annotations).toEqual({
        dag_id: 'job',
        task_id: 'crawl',
        try_number: '1',
        run_id: run.run_id,
        [dateKey]: '2026-06-01T12:30:00+00:00',
      });
      const spec = worker.spec as any;
      expect(spec.nodeName).toBe(AIRFLOW_NODE);
      expect(spec.serviceAccountName).toBe('airflow-worker');
      expect(spec.containers[0].env).toContainEqual({
        name: 'AIRFLOW_IS_K8S_EXECUTOR_POD',
        value: 'True',
      });
      expect(spec.containers[0].args).toEqual(
        version === 'v1'
          ? [
              'airflow',
              'tasks',
              'run',
              'job',
              'crawl',
              run.run_id,
              '--local',
              '--subdir',
              'DAGS_FOLDER/job.py',
            ]
          : [
              'python',
              '-m',
              'airflow.sdk.execution_time.execute_workload',
              '--json-path',
              '/run/secrets/airflow-workload/workload.json',
            ],
      );
      await waitFor(
        () => airflow.taskInstancesOf(run)[0].state === 'running',
        'the try to run in the worker',
      );
      expect(airflow.taskInstancesOf(run)[0].hostname).toBe(name);
      expect((kube.get('pods', 'airflow', name).status as any).phase).toBe(
        'Running',
      );
      await runTask(run);
      watch.stop();
      expect(run.state).toBe('success');
      const status = watch.seen.pod!.status as any;
      expect(status.phase).toBe('Succeeded');
      expect(status.containerStatuses[0].state.terminated.exitCode).toBe(0);
      // Airflow 2: `airflow tasks run --local` text lines; Airflow 3: execute_workload's JSON lines.
      const workerLines = watch.seen
        .log!.trim()
        .split('\n')
        .map(l => (version === 'v1' ? l : JSON.parse(l).event));
      const running = `{task_command.py:467} INFO - Running <TaskInstance: job.crawl ${run.run_id} [queued]> on host ${name}`;
      const expected = {
        v1: [expect.stringContaining(running)],
        v2: ['Executing task workload', '[base] crawled'],
      };
      expect(workerLines).toEqual(expect.arrayContaining(expected[version]));
      // [kubernetes_executor] delete_worker_pods: a succeeded worker is deleted.
      expect(kube.exists('pods', 'airflow', name)).toBe(false);
      expect(schedulerLog(kube, env!.release)).toContain(
        `Event: ${name} Succeeded, annotations: <omitted>`,
      );
    },
  );

  it('should run a try queued by the first scheduler pass of a start (not a leftover of a restart)', async () => {
    crawlerNamespace(kube, NS);
    env = await startAirflowInstance({
      version: 'v2',
      clock,
      kube,
      files: {
        'dags/job.py': jobDag({ dagId: 'job', namespace: NS }).replace(
          'schedule=None',
          'schedule="@hourly"',
        ),
      },
    });
    const [run] = env.instance.runs;
    expect(run.run_type).toBe('scheduled');
    await runTask(run);
    expect(run.state).toBe('success');
  });

  it('should keep the worker pod of a failed try Failed with base exit code 1', async () => {
    const airflow = await start('v1');
    const run = trigger(airflow);
    await runTask(run, 3);
    expect(run.state).toBe('failed');
    const [worker] = workerPods();
    const status = worker.status as any;
    expect(status.phase).toBe('Failed');
    expect(status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(schedulerLog(kube, 'airflow2')).toContain(
      `{kubernetes_executor_utils.py:283} ERROR - Event: ${worker.metadata.name} Failed, annotations: <omitted>`,
    );
  });

  it.each([
    [
      'v1',
      /\{kubernetes_executor\.py:398\} ERROR - Pod creation failed with reason 'Unprocessable Entity'\. Failing task/,
    ],
    [
      'v2',
      /\[error {4}\] Pod creation failed with reason 'Unprocessable Entity'\. Failing task/,
    ],
  ] as const)(
    'should fail the try with the 422 in the scheduler log when the template base container has no image (%s), and recover when it is restored',
    async (version, line) => {
      const airflow = await start(version);
      // Another scheduler pod name (a Deployment's): the log goes to the pod found by its labels.
      kube.delete('pods', 'airflow', `${env!.release}-scheduler-0`);
      const scheduler = `${env!.release}-scheduler-5c7b8d9f4-x2k9p`;
      kube.create('pods', 'airflow', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: scheduler,
          labels: { component: 'scheduler', release: env!.release },
        },
        spec: { containers: [{ name: 'scheduler', image: 'apache/airflow' }] },
      });
      const original = editTemplate(pod => {
        delete pod.spec.containers[0].image;
      });
      const run = trigger(airflow);
      await ended(run);
      const [ti] = airflow.taskInstancesOf(run);
      expect(ti.state).toBe('failed');
      expect(ti.logs['1']).toBeUndefined();
      expect(workerPods()).toEqual([]);
      const log = kube.readLog('airflow', scheduler, 'scheduler');
      expect(log).toMatch(line);
      const name = /with pod name (job-crawl-[a-z0-9]{8})/.exec(log)![1];
      expect(log).toContain(
        'kubernetes.client.exceptions.ApiException: (422)\nReason: Unprocessable Entity\n',
      );
      expect(log).toContain(
        `"message":"Pod \\"${name}\\" is invalid: spec.containers[0].image: Required value","reason":"Invalid","details":{"name":"${name}","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}]},"code":422}`,
      );
      expect(log).toContain(
        `reported that the task instance <TaskInstance: job.crawl ${run.run_id} [queued]> finished with state failed, but the task instance's state attribute is queued.`,
      );

      restoreTemplate(original);
      const again = airflow.trigger('job', {
        logical_date: '2026-06-01T12:31:00Z',
      });
      await runTask(again);
      expect(again.state).toBe('success');
      expect(
        kube
          .readLog('airflow', scheduler, 'scheduler')
          .match(/Unprocessable Entity'/g),
      ).toHaveLength(1);
    },
  );

  it('should take the image from worker_container_repository and worker_container_tag when the template has none', async () => {
    const airflow = await start('v1', {
      workerContainerRepository: 'apache/airflow',
      workerContainerTag: '2.10.0',
    });
    editTemplate(pod => {
      delete pod.spec.containers[0].image;
    });
    const run = trigger(airflow);
    const worker = await waitFor(() => workerPods()[0], 'the worker pod');
    expect((worker.spec as any).containers[0].image).toBe(
      'apache/airflow:2.10.0',
    );
    await runTask(run);
    expect(run.state).toBe('success');
  });

  it.each(['v1', 'v2'] as const)(
    'should fail the worker pod with "Dag not found" when the template has no git-sync-init and dags volume (%s), and recover when it is restored',
    async version => {
      const airflow = await start(version);
      const original = editTemplate(pod => {
        delete pod.spec.initContainers;
        pod.spec.volumes = [];
        pod.spec.containers[0].volumeMounts = [];
      });
      const run = trigger(airflow);
      await ended(run);
      const [worker] = workerPods();
      const spec = worker.spec as any;
      expect(spec.initContainers).toBeUndefined();
      expect(spec.volumes).toEqual([]);
      const status = worker.status as any;
      expect(status.phase).toBe('Failed');
      expect(status.containerStatuses[0]).toMatchObject({
        name: 'base',
        state: { terminated: { exitCode: 1, reason: 'Error' } },
      });
      const log = kube.readLog('airflow', worker.metadata.name, 'base');
      const lines = log
        .trim()
        .split('\n')
        .map(l => (version === 'v1' ? l : JSON.parse(l)));
      const lastLine = {
        v1: "airflow.exceptions.AirflowException: Dag 'job' could not be found; either it does not exist or it failed to parse.",
        v2: {
          timestamp: expect.any(String),
          level: 'error',
          event: 'Dag not found during start up',
          dag_id: 'job',
          bundle: { name: 'dags-folder', version: null },
          path: 'job.py',
          logger: 'task',
        },
      };
      expect(lines[lines.length - 1]).toEqual(lastLine[version]);
      const [ti] = airflow.taskInstancesOf(run);
      expect(ti.state).toBe('failed');
      expect(ti.logs['1']).toBeUndefined();
      // The scheduler (and the UI) still have the DAG.
      expect(airflow.dags.has('job')).toBe(true);
      expect(schedulerLog(kube, env!.release)).toContain(
        `Event: ${worker.metadata.name} Failed, annotations: <omitted>`,
      );

      restoreTemplate(original);
      const again = airflow.trigger('job', {
        logical_date: '2026-06-01T12:31:00Z',
      });
      await runTask(again);
      expect(again.state).toBe('success');
    },
  );

  it('should switch the 422 on and off by editing the pod-template ConfigMap through the Kubernetes API', async () => {
    const airflow = await start('v2');
    const server = await startKubeApiServer({ kube, port: 0 });
    try {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [
          { name: 'sandbox', server: server.url, skipTLSVerify: true },
        ],
        users: [{ name: 'admin', token: 'sandbox-admin-token' }],
        contexts: [{ name: 'c', cluster: 'sandbox', user: 'admin' }],
        currentContext: 'c',
      });
      const core = kc.makeApiClient(CoreV1Api);
      const cm = await core.readNamespacedConfigMap({
        namespace: 'airflow',
        name: 'airflow3-pod-template',
      });
      const original = cm.data!['pod_template_file.yaml'];
      const template = YAML.parse(original);
      delete template.spec.containers[0].image;
      await core.replaceNamespacedConfigMap({
        namespace: 'airflow',
        name: 'airflow3-pod-template',
        body: {
          ...cm,
          data: { 'pod_template_file.yaml': YAML.stringify(template) },
        },
      });
      const broken = trigger(airflow);
      await ended(broken);
      expect(broken.state).toBe('failed');
      expect(schedulerLog(kube, 'airflow3')).toContain(
        "Pod creation failed with reason 'Unprocessable Entity'. Failing task",
      );
      const current = await core.readNamespacedConfigMap({
        namespace: 'airflow',
        name: 'airflow3-pod-template',
      });
      await core.replaceNamespacedConfigMap({
        namespace: 'airflow',
        name: 'airflow3-pod-template',
        body: { ...current, data: { 'pod_template_file.yaml': original } },
      });
      const healed = airflow.trigger('job', {
        logical_date: '2026-06-01T12:31:00Z',
      });
      await runTask(healed);
      expect(healed.state).toBe('success');
    } finally {
      await server.close();
    }
  });
});
