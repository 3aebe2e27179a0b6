/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ManualClock } from '../clock';
import { KubeStore } from '../kube/KubeStore';
import {
  crawlerNamespace,
  finishPod,
  jobDag,
  startAirflowInstance,
  waitFor,
} from '../testing/airflowFixtures';
import { AirflowInstance } from './AirflowInstance';
import { RunRecord } from './types';

const NS = 'crawler-jobs';
const POD_MANAGER = 'airflow.providers.cncf.kubernetes.utils.pod_manager';
const CHAINED =
  '\n\nDuring handling of the above exception, another exception occurred:\n\n';

describe('KubernetesPodOperator start-up and failure', () => {
  let clock: ManualClock;
  let kube: KubeStore;
  let env: Awaited<ReturnType<typeof startAirflowInstance>> | undefined;

  async function start(
    options: {
      version?: 'v1' | 'v2';
      kpo?: string;
      provider?: string;
      role?: Parameters<typeof crawlerNamespace>[2];
    } = {},
  ) {
    crawlerNamespace(kube, NS, options.role);
    env = await startAirflowInstance({
      version: options.version ?? 'v2',
      clock,
      kube,
      kpoProviderVersion: options.provider,
      files: {
        'dags/job.py': jobDag({
          dagId: 'job',
          namespace: NS,
          kpo: options.kpo,
        }),
      },
    });
    return env.instance;
  }
  const trigger = (airflow: AirflowInstance) =>
    airflow.trigger('job', { logical_date: null });
  const taskPod = () => waitFor(() => kube.list('pods', NS)[0], 'the task pod');
  const logOf = (airflow: AirflowInstance, run: RunRecord) => {
    const [ti] = airflow.taskInstancesOf(run);
    return (ti.logs[String(ti.try_number)] ?? []).map(e => e.event).join('\n');
  };
  const ended = (run: RunRecord) =>
    waitFor(
      () => run.state === 'failed' || run.state === 'success',
      'the run to end',
    );
  const podStatus = (name: string, status: Record<string, unknown>) =>
    kube.updatePodStatus(NS, name, status);
  const scheduled = {
    conditions: [{ type: 'PodScheduled', status: 'True' }],
  };

  beforeEach(() => {
    clock = new ManualClock('2026-06-01T12:30:00Z');
    kube = new KubeStore({ clock });
  });

  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it.each(['v1', 'v2'] as const)(
    'should fail an unscheduled pod after schedule_timeout_seconds on the sandbox clock with "too long to be scheduled" (%s)',
    async version => {
      const airflow = await start({
        version,
        kpo: 'schedule_timeout_seconds=60, startup_timeout_seconds=300,',
      });
      const run = trigger(airflow);
      const pod = await taskPod();
      clock.advance(59_000);
      await airflow.tick();
      expect(run.state).toBe('running');
      clock.advance(2_000);
      await ended(run);
      const text = logOf(airflow, run);
      expect(text).toContain(
        '::group::Waiting until 60s to get the POD scheduled...',
      );
      expect(text).toContain(
        `${POD_MANAGER}.PodLaunchTimeoutException: Pod took too long to be scheduled on the cluster, giving up. More than 60s. Check the pod events in kubernetes.${CHAINED}`,
      );
      expect(text).toContain(
        `airflow.exceptions.AirflowException: Pod ${pod.metadata.name} returned a failure.\nremote_pod: {'api_version': 'v1',`,
      );
      expect(text).toContain(`Deleting pod: ${pod.metadata.name}`);
      expect(kube.exists('pods', NS, pod.metadata.name)).toBe(false);
      expect(run.state).toBe('failed');
    },
  );

  it('should time the startup from PodScheduled and then fail with "too long to start"', async () => {
    const airflow = await start({
      kpo: 'schedule_timeout_seconds=30, startup_timeout_seconds=90,',
    });
    const run = trigger(airflow);
    const pod = await taskPod();
    clock.advance(20_000);
    podStatus(pod.metadata.name, scheduled);
    clock.advance(80_000);
    await airflow.tick();
    expect(run.state).toBe('running');
    expect(logOf(airflow, run)).toContain(
      'Waiting 90s to get the POD running...',
    );
    clock.advance(11_000);
    await ended(run);
    expect(logOf(airflow, run)).toContain(
      `${POD_MANAGER}.PodLaunchTimeoutException: Pod took too long to start. More than 90s. Check the pod events in kubernetes.${CHAINED}`,
    );
  });

  it.each(['ErrImagePull', 'InvalidImageName', 'ImagePullBackOff'])(
    'should fail fast on %s with PodLaunchFailedException on provider 10.8.0',
    async reason => {
      const airflow = await start();
      const run = trigger(airflow);
      const pod = await taskPod();
      podStatus(pod.metadata.name, {
        ...scheduled,
        containerStatuses: [
          {
            name: 'base',
            state: { waiting: { reason, message: 'pull access denied' } },
          },
        ],
      });
      await ended(run);
      expect(logOf(airflow, run)).toContain(
        `${POD_MANAGER}.PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ${reason}\npull access denied${CHAINED}`,
      );
    },
  );

  it('should end an image error in the start timeout on provider 10.4.3', async () => {
    const airflow = await start({ provider: '10.4.3' });
    const run = trigger(airflow);
    const pod = await taskPod();
    podStatus(pod.metadata.name, {
      ...scheduled,
      containerStatuses: [
        {
          name: 'base',
          state: { waiting: { reason: 'ErrImagePull', message: 'denied' } },
        },
      ],
    });
    clock.advance(100_000);
    await airflow.tick();
    expect(run.state).toBe('running');
    expect(logOf(airflow, run)).toContain(
      `Pod not yet started: ${pod.metadata.name}`,
    );
    clock.advance(21_000);
    await ended(run);
    const text = logOf(airflow, run);
    expect(text).toContain(
      `${POD_MANAGER}.PodLaunchFailedException: Pod took longer than 120 seconds to start. Check the pod events in kubernetes to determine why.${CHAINED}`,
    );
    expect(text).not.toContain('cannot be pulled');
    expect(text).not.toContain('::group::');
  });

  it.each([
    ['10.8.0', true],
    ['10.5.0', false],
  ] as const)(
    'should write the pod events into the task log during start-up on provider %s: %s',
    async (provider, logged) => {
      const airflow = await start({ provider });
      const run = trigger(airflow);
      const pod = await taskPod();
      kube.recordEvent(NS, pod, {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: '0/3 nodes are available: 3 node(s) had untolerated taint.',
        component: 'default-scheduler',
      });
      kube.recordEvent(NS, pod, {
        type: 'Normal',
        reason: 'Pulling',
        message: 'Pulling image "job:latest"',
        component: 'kubelet',
        fieldPath: 'spec.containers{base}',
      });
      podStatus(pod.metadata.name, { phase: 'Running' });
      kube.recordEvent(NS, pod, {
        type: 'Normal',
        reason: 'Started',
        message: 'Started container base',
        component: 'kubelet',
        fieldPath: 'spec.containers{base}',
      });
      finishPod(kube, NS, pod.metadata.name, ['done']);
      await ended(run);
      const text = logOf(airflow, run);
      const lines = [
        'The Pod has an Event: 0/3 nodes are available: 3 node(s) had untolerated taint. from None',
        'The Pod has an Event: Pulling image "job:latest" from spec.containers{base}',
      ];
      expect(lines.map(line => text.includes(line))).toEqual([logged, logged]);
      expect(text).not.toContain('Started container base');
      expect(run.state).toBe('success');
    },
  );

  it('should fail with a 403 on events when the Role lacks list events (provider 10.8.0)', async () => {
    const airflow = await start({ role: { events: false } });
    const run = trigger(airflow);
    await ended(run);
    // The start-up fails at once: the pod is created, then deleted by the cleanup.
    const pod = airflow.taskInstancesOf(run)[0].pod!;
    expect(kube.exists('pods', NS, pod.name)).toBe(false);
    const text = logOf(airflow, run);
    expect(text).toContain(
      'events is forbidden: User \\"system:serviceaccount:airflow:airflow-worker\\" cannot list resource \\"events\\" in API group \\"\\" in the namespace \\"crawler-jobs\\"',
    );
    expect(text).toContain(`${CHAINED}Traceback (most recent call last):`);
    expect(text).toContain(
      `airflow.exceptions.AirflowException: Pod ${pod.name} returned a failure.`,
    );
    expect(run.state).toBe('failed');
  });

  it('should not list events before provider 10.6', async () => {
    const airflow = await start({
      provider: '10.4.3',
      role: { events: false },
    });
    const run = trigger(airflow);
    const pod = await taskPod();
    finishPod(kube, NS, pod.metadata.name, ['done']);
    await ended(run);
    expect(run.state).toBe('success');
  });

  it.each(['v1', 'v2'] as const)(
    'should fail with the pods/log 403 as soon as the pod runs, patch already_checked and keep it under delete_succeeded_pod (%s)',
    async version => {
      const airflow = await start({
        version,
        role: { podsLog: false },
        kpo: 'on_finish_action="delete_succeeded_pod",',
      });
      const run = trigger(airflow);
      const pod = await taskPod();
      const name = pod.metadata.name;
      podStatus(name, { ...scheduled, phase: 'Running' });
      await ended(run);
      const text = logOf(airflow, run);
      const forbidden = text.indexOf(
        `HTTP response body: {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"${name}\\" is forbidden: User \\"system:serviceaccount:airflow:airflow-worker\\" cannot get resource \\"pods/log\\" in API group \\"\\" in the namespace \\"crawler-jobs\\"","reason":"Forbidden","details":{"name":"${name}","kind":"pods"},"code":403}`,
      );
      const chained = text.indexOf(CHAINED);
      const failure = text.indexOf(
        `airflow.exceptions.AirflowException: Pod ${name} returned a failure.\nremote_pod: {`,
      );
      expect(forbidden).toBeGreaterThan(0);
      expect(text).toContain(
        'kubernetes.client.exceptions.ApiException: (403)\nReason: Forbidden\n',
      );
      expect(chained).toBeGreaterThan(forbidden);
      expect(failure).toBeGreaterThan(chained);
      // remote_pod is the pod as find_pod read it right after creation.
      expect(text.slice(failure)).toContain("'phase': 'Pending',");
      expect(text).toContain(`Skipping deleting pod: ${name}`);
      expect(kube.get('pods', NS, name).metadata.labels).toMatchObject({
        already_checked: 'True',
      });
      expect(run.state).toBe('failed');
    },
  );

  it('should delete the pod under delete_pod after the pods/log 403', async () => {
    const airflow = await start({ role: { podsLog: false } });
    const run = trigger(airflow);
    const pod = await taskPod();
    finishPod(kube, NS, pod.metadata.name, ['never read']);
    await ended(run);
    const text = logOf(airflow, run);
    expect(text).toContain(`Deleting pod: ${pod.metadata.name}`);
    expect(text).not.toContain('[base] never read');
    expect(kube.exists('pods', NS, pod.metadata.name)).toBe(false);
  });

  it('should fail a Failed pod with the remote_pod dump and its exit code, patching already_checked under keep_pod', async () => {
    const airflow = await start({ kpo: 'on_finish_action="keep_pod",' });
    const run = trigger(airflow);
    const pod = await taskPod();
    const name = pod.metadata.name;
    finishPod(kube, NS, name, ['Traceback: boom'], 2);
    await ended(run);
    const text = logOf(airflow, run);
    expect(text).toContain('[base] Traceback: boom');
    expect(text).toContain(`Skipping deleting pod: ${name}`);
    expect(text).toContain(
      `airflow.exceptions.AirflowException: Pod ${name} returned a failure.\nremote_pod: {`,
    );
    expect(text).toMatch(
      /'exit_code': 2,\n\s+'finished_at': datetime\.datetime\(/,
    );
    expect(text).toContain("'phase': 'Failed',");
    expect(text).not.toContain(CHAINED);
    expect(kube.get('pods', NS, name).metadata.labels).toMatchObject({
      already_checked: 'True',
    });
  });

  it('should delete a Succeeded pod under delete_succeeded_pod without already_checked', async () => {
    const airflow = await start({
      kpo: 'on_finish_action="delete_succeeded_pod",',
    });
    const run = trigger(airflow);
    const pod = await taskPod();
    finishPod(kube, NS, pod.metadata.name, ['ok']);
    await ended(run);
    expect(run.state).toBe('success');
    expect(logOf(airflow, run)).toContain(`Deleting pod: ${pod.metadata.name}`);
    expect(kube.exists('pods', NS, pod.metadata.name)).toBe(false);
  });

  it('should keep a Succeeded pod under keep_pod with already_checked=True', async () => {
    const airflow = await start({ kpo: 'on_finish_action="keep_pod",' });
    const run = trigger(airflow);
    const pod = await taskPod();
    finishPod(kube, NS, pod.metadata.name, ['ok']);
    await ended(run);
    expect(run.state).toBe('success');
    expect(logOf(airflow, run)).toContain(
      `Skipping deleting pod: ${pod.metadata.name}`,
    );
    expect(
      kube.get('pods', NS, pod.metadata.name).metadata.labels,
    ).toMatchObject({
      already_checked: 'True',
    });
  });

  it('should log the suppressed 403 when the Role lacks patch pods and still fail', async () => {
    const airflow = await start({
      role: { podsLog: false, patchPods: false },
      kpo: 'on_finish_action="keep_pod",',
    });
    const run = trigger(airflow);
    const pod = await taskPod();
    podStatus(pod.metadata.name, { phase: 'Running' });
    await ended(run);
    const [ti] = airflow.taskInstancesOf(run);
    const suppressed = ti.logs['1'].find(
      e =>
        e.level === 'error' &&
        e.logger === 'airflow.providers.cncf.kubernetes.operators.pod',
    );
    expect(suppressed?.event).toMatch(/^\(403\)\nReason: Forbidden\n/);
    expect(suppressed?.event).toContain(
      `pods \\"${pod.metadata.name}\\" is forbidden: User \\"system:serviceaccount:airflow:airflow-worker\\" cannot patch resource \\"pods\\" in API group \\"\\" in the namespace \\"crawler-jobs\\"`,
    );
    expect(logOf(airflow, run)).toContain(
      `Pod ${pod.metadata.name} returned a failure.`,
    );
    expect(
      kube.get('pods', NS, pod.metadata.name).metadata.labels,
    ).not.toHaveProperty('already_checked');
  });

  it('should reject a kpoProviderVersion that is not a 10.x version', async () => {
    await expect(
      startAirflowInstance({
        version: 'v2',
        clock,
        kube,
        kpoProviderVersion: '9.0.0',
        files: {},
      }),
    ).rejects.toThrow(/kpoProviderVersion must be a 10\.x\.y version/);
  });
});
