/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { eventually } from '../../testing/helpers';
import {
  CAPACITY_ANNOTATION,
  FARGATE_PROFILE_LABEL,
  LOGGING_ANNOTATION,
} from '../podLifecycle';
import { NODE_GROUP_NODE, podWorld, PodWorld } from './testFixture';

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('pod scheduling', () => {
  let w: PodWorld;

  beforeEach(() => {
    w = podWorld();
    w.world.ecr.putImage('crawler-one', 'v1', {});
  });

  afterEach(() => w.cleanup());

  const failedScheduling = (pod: string) =>
    eventually(
      () => w.events(pod).find(e => e.reason === 'FailedScheduling'),
      'FailedScheduling',
    );

  it('should leave a pod no profile matches at creation to default-scheduler, unschedulable on the tainted node group', async () => {
    w.lifecycle();
    await w.activeProfile('other', { namespace: 'other-*' });
    w.createPod('p', `${w.imageBase}:v1`);
    const event = await failedScheduling('p');
    const message =
      '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: airflow}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    expect(event).toMatchObject({
      type: 'Warning',
      reason: 'FailedScheduling',
      message,
      action: 'Scheduling',
      reportingComponent: 'default-scheduler',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'crawler-one' },
    });
    expect(event.eventTime).toMatch(MICRO_TIME);
    expect(event.count).toBeUndefined();
    expect(event.involvedObject.fieldPath).toBeUndefined();
    const pod = w.pod('p');
    expect((pod.spec as any).schedulerName).toBe('default-scheduler');
    expect((pod.spec as any).nodeName).toBeUndefined();
    expect(pod.metadata.labels?.[FARGATE_PROFILE_LABEL]).toBeUndefined();
    expect(pod.metadata.annotations?.[CAPACITY_ANNOTATION]).toBeUndefined();
    expect(pod.status).toMatchObject({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
        },
      ],
    });
  });

  it('should not reschedule an unmatched pod when a matching profile is created later', async () => {
    w.lifecycle();
    w.createPod('early', `${w.imageBase}:v1`);
    await failedScheduling('early');
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
    w.createPod('late', `${w.imageBase}:v1`);
    await eventually(() => w.phase('late') === 'Succeeded', 'the later pod');
    const early = w.pod('early');
    expect((early.spec as any).schedulerName).toBe('default-scheduler');
    expect((early.spec as any).nodeName).toBeUndefined();
    expect(early.metadata.labels?.[FARGATE_PROFILE_LABEL]).toBeUndefined();
    expect(w.phase('early')).toBe('Pending');
    expect((w.pod('late').spec as any).schedulerName).toBe('fargate-scheduler');
  });

  it('should count Fargate nodes with their taint in the default-scheduler message', async () => {
    w.lifecycle(60_000);
    await w.activeProfile('crawlers', {
      namespace: 'crawler-one',
      labels: { app: 'crawler' },
    });
    w.createPod('fargate', `${w.imageBase}:v1`);
    await eventually(() => w.phase('fargate') === 'Running', 'Running');
    w.kube.create('pods', 'crawler-one', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unlabelled' },
      spec: { containers: [{ name: 'base', image: `${w.imageBase}:v1` }] },
    });
    const event = await failedScheduling('unlabelled');
    expect(event.message).toBe(
      '0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: airflow}, 1 node(s) had untolerated taint {eks.amazonaws.com/compute-type: fargate}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('should make a matching pod a Fargate pod with its node, CapacityProvisioned and the LoggingDisabled warning', async () => {
    w.lifecycle(60_000);
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
    w.createPod('p', `${w.imageBase}:v1`);
    const created = w.pod('p');
    expect((created.spec as any).schedulerName).toBe('fargate-scheduler');
    expect(created.metadata.labels?.[FARGATE_PROFILE_LABEL]).toBe('crawlers');
    expect(created.metadata.annotations?.[LOGGING_ANNOTATION]).toBe(
      'LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND',
    );
    await eventually(() => w.phase('p') === 'Running', 'Running');
    const pod = w.pod('p');
    const nodeName = (pod.spec as any).nodeName;
    expect(nodeName).toMatch(
      /^fargate-ip-10-0-\d+-\d+\.eu-west-1\.compute\.internal$/,
    );
    expect(pod.metadata.annotations?.[CAPACITY_ANNOTATION]).toBe(
      '0.25vCPU 0.5GB',
    );
    const [logging, scheduled] = ['LoggingDisabled', 'Scheduled'].map(r =>
      w.events('p').find(e => e.reason === r),
    );
    expect(logging).toMatchObject({
      type: 'Warning',
      message:
        'Disabled logging because aws-logging configmap was not found. configmap "aws-logging" not found',
      action: 'Logging',
      reportingComponent: 'fargate-scheduler',
      source: {},
    });
    expect(logging!.eventTime).toMatch(MICRO_TIME);
    expect(scheduled).toMatchObject({
      type: 'Normal',
      message: `Successfully assigned crawler-one/p to ${nodeName}`,
      action: 'Binding',
      reportingComponent: 'fargate-scheduler',
      source: {},
    });
    const node = w.kube.get('nodes', undefined, nodeName);
    expect(node.metadata.labels?.['eks.amazonaws.com/compute-type']).toBe(
      'fargate',
    );
    expect((node.spec as any).taints).toEqual([
      {
        key: 'eks.amazonaws.com/compute-type',
        value: 'fargate',
        effect: 'NoSchedule',
      },
    ]);
    w.kube.delete('pods', 'crawler-one', 'p');
    expect(w.kube.exists('nodes', undefined, nodeName)).toBe(false);
  });

  it('should enable logging and record no LoggingDisabled once the aws-logging ConfigMap exists', async () => {
    w.lifecycle();
    w.kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'aws-observability' },
    });
    w.kube.create('configmaps', 'aws-observability', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'aws-logging' },
      data: { 'output.conf': '[OUTPUT]\n    Name cloudwatch_logs\n' },
    });
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
    w.createPod('p', `${w.imageBase}:v1`);
    await eventually(() => w.phase('p') === 'Succeeded', 'Succeeded');
    expect(w.pod('p').metadata.annotations?.[LOGGING_ANNOTATION]).toBe(
      'LoggingEnabled',
    );
    expect(w.events('p').map(e => e.reason)).not.toContain('LoggingDisabled');
  });

  it('should schedule an unschedulable pod once the node loses the taint it did not tolerate', async () => {
    w.lifecycle();
    w.createPod('p', `${w.imageBase}:v1`);
    await failedScheduling('p');
    w.kube.mergePatch('nodes', undefined, NODE_GROUP_NODE, {
      spec: { taints: null },
    });
    const scheduled = await eventually(
      () => w.events('p').find(e => e.reason === 'Scheduled'),
      'Scheduled',
    );
    expect(scheduled).toMatchObject({
      message: `Successfully assigned crawler-one/p to ${NODE_GROUP_NODE}`,
      reportingComponent: 'default-scheduler',
      action: 'Binding',
    });
    expect((w.pod('p').spec as any).nodeName).toBe(NODE_GROUP_NODE);
  });

  it('should fold repeated scheduler events into a series and count repeated kubelet events', () => {
    const pod = w.createPod('p', `${w.imageBase}:v1`);
    const scheduler = {
      type: 'Warning' as const,
      reason: 'FailedScheduling',
      message: 'm',
      component: 'default-scheduler',
      action: 'Scheduling',
    };
    w.kube.recordEvent('crawler-one', pod, scheduler);
    const again = w.kube.recordEvent('crawler-one', pod, scheduler);
    expect(again.series).toMatchObject({ count: 2 });
    expect((again.series as any).lastObservedTime).toMatch(MICRO_TIME);
    const kubelet = {
      type: 'Normal' as const,
      reason: 'Pulling',
      message: 'Pulling image "x"',
      component: 'kubelet',
      host: 'node',
      fieldPath: 'spec.containers{base}',
    };
    w.kube.recordEvent('crawler-one', pod, kubelet);
    const counted = w.kube.recordEvent('crawler-one', pod, kubelet);
    expect(counted).toMatchObject({
      count: 2,
      eventTime: null,
      source: { component: 'kubelet', host: 'node' },
      involvedObject: { fieldPath: 'spec.containers{base}' },
    });
  });
});
