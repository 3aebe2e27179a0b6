/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsWorld } from '../aws/AwsWorld';
import { SANDBOX_CLUSTER_NAME } from '../constants';
import { startImageBuilds } from '../git/imageBuilds';
import { eventually, tempDataDir } from '../testing/helpers';
import { KubeObject, KubeStore } from './KubeStore';
import {
  CAPACITY_ANNOTATION,
  FARGATE_PROFILE_LABEL,
  startPodLifecycle,
} from './podLifecycle';

const TRUST = JSON.stringify({
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
});

describe('startPodLifecycle', () => {
  let data: ReturnType<typeof tempDataDir>;
  let world: AwsWorld;
  let kube: KubeStore;
  let stops: Array<() => void>;
  let imageBase: string;

  beforeEach(() => {
    data = tempDataDir();
    world = new AwsWorld({
      dataDir: data.dir,
      delays: { fargateProfileMs: 5 },
    });
    kube = new KubeStore({ dataDir: data.dir });
    stops = [];
    kube.create('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'crawler-one' },
    });
    world.iam.createRole({ RoleName: 'pods', AssumeRolePolicyDocument: TRUST });
    world.ecr.createRepository('crawler-one');
    imageBase = world.ecr.repositoryUri('crawler-one');
  });

  afterEach(() => {
    stops.forEach(s => s());
    world.close();
    data.remove();
  });

  function lifecycle(runMs = 10) {
    const l = startPodLifecycle({
      kube,
      world,
      delays: { scheduleMs: 2, pullMs: 2, backoffMs: 10, runMs },
    });
    stops.push(() => l.stop());
  }

  async function activeProfile(
    name: string,
    selector: { namespace: string; labels?: Record<string, string> },
  ) {
    world.eks.createProfile(SANDBOX_CLUSTER_NAME, {
      fargateProfileName: name,
      podExecutionRoleArn: world.iam.getRole('pods').Arn,
      selectors: [selector],
    });
    await eventually(
      () =>
        world.eks
          .profiles(SANDBOX_CLUSTER_NAME)
          .find(p => p.fargateProfileName === name)?.status === 'ACTIVE',
      'ACTIVE',
    );
  }

  function createPod(
    name: string,
    image: string,
    extra: Record<string, unknown> = {},
  ) {
    return kube.create('pods', 'crawler-one', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: 'crawler' } },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'base', image, ...extra }],
      },
    });
  }

  const phase = (name: string) =>
    (kube.get('pods', 'crawler-one', name).status as any)?.phase;
  const events = (name: string) =>
    kube.list('events', 'crawler-one', {
      fieldSelector: `involvedObject.name=${name}`,
    }) as Array<KubeObject & Record<string, any>>;

  it('should keep a pod Pending with a fargate-scheduler FailedScheduling event when no profile matches', async () => {
    lifecycle();
    await activeProfile('other', { namespace: 'other-*' });
    createPod('p', `${imageBase}:latest`);
    const event = await eventually(
      () => events('p').find(e => e.reason === 'FailedScheduling'),
      'event',
    );
    expect(event).toMatchObject({
      type: 'Warning',
      source: { component: 'fargate-scheduler' },
    });
    expect(event.message).toContain('crawler-one');
    const pod = kube.get('pods', 'crawler-one', 'p');
    expect(pod.status).toMatchObject({
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' },
      ],
    });
    expect(pod.metadata.labels?.[FARGATE_PROFILE_LABEL]).toBeUndefined();
  });

  it('should bind a matching pod to a Fargate node and report ErrImagePull then ImagePullBackOff for a missing image', async () => {
    lifecycle();
    await activeProfile('b-crawlers', {
      namespace: 'crawler-*',
      labels: { app: 'crawler' },
    });
    await activeProfile('a-crawlers', { namespace: 'crawler-one' });
    createPod('p', `${imageBase}:missing`, {
      resources: {
        requests: { cpu: '1', memory: '8Gi' },
        limits: { cpu: '1', memory: '8Gi' },
      },
    });
    await eventually(
      () =>
        (kube.get('pods', 'crawler-one', 'p').status as any)
          ?.containerStatuses?.[0]?.state?.waiting?.reason ===
        'ImagePullBackOff',
      'ImagePullBackOff',
    );
    const pod = kube.get('pods', 'crawler-one', 'p');
    expect(pod.metadata.labels?.[FARGATE_PROFILE_LABEL]).toBe('a-crawlers');
    expect(pod.metadata.annotations?.[CAPACITY_ANNOTATION]).toBe('2vCPU 9GB');
    expect((pod.spec as any).nodeName).toMatch(
      /^fargate-ip-10-0-\d+-\d+\.eu-west-1\.compute\.internal$/,
    );
    expect(phase('p')).toBe('Pending');
    const reasons = events('p').map(e => `${e.reason}:${e.message}`);
    expect(
      reasons.some(
        r =>
          r.startsWith('Failed:Failed to pull image') && r.includes(':missing'),
      ),
    ).toBe(true);
    expect(reasons).toContain('Failed:Error: ErrImagePull');
    expect(reasons).toContain('Failed:Error: ImagePullBackOff');
    await expect(
      Promise.resolve().then(() => kube.readLog('crawler-one', 'p', 'base')),
    ).rejects.toThrow(
      'container "base" in pod "p" is waiting to start: trying and failing to pull image',
    );
  });

  it("should start the pod once the image appears and run it to Succeeded with the image rule's log", async () => {
    lifecycle();
    await activeProfile('crawlers', { namespace: 'crawler-one' });
    createPod('p', `${imageBase}:v1`);
    await eventually(
      () =>
        (kube.get('pods', 'crawler-one', 'p').status as any)
          ?.containerStatuses?.[0]?.state?.waiting?.reason ===
        'ImagePullBackOff',
      'backoff',
    );
    world.ecr.putImage('crawler-one', 'v1', {
      run: { exitCode: 0, log: ['crawl started', 'crawl done'] },
    });
    await eventually(() => phase('p') === 'Succeeded', 'Succeeded');
    const status = kube.get('pods', 'crawler-one', 'p').status as any;
    expect(status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(kube.readLog('crawler-one', 'p', 'base')).toBe(
      'crawl started\ncrawl done\n',
    );
    expect(
      kube.get('pods', 'crawler-one', 'p').metadata.annotations?.[
        CAPACITY_ANNOTATION
      ],
    ).toBe('0.25vCPU 0.5GB');
  });

  it('should fail the pod with the exit code and compiler message of an image whose entrypoint does not compile', async () => {
    lifecycle();
    const stopBuilds = startImageBuilds({ world, buildMs: 1 });
    stops.push(stopBuilds);
    await activeProfile('crawlers', { namespace: 'crawler-one' });
    await world.codecommit.createRepository('crawler-one');
    const { commitId } = await world.codecommit.createCommit({
      repositoryName: 'crawler-one',
      branchName: 'main',
      putFiles: [
        {
          filePath: 'Dockerfile',
          fileContent: Buffer.from(
            'FROM python:3.12\nCMD ["python", "crawler.py"]\n',
          ),
        },
        {
          filePath: 'buildspec.yml',
          fileContent: Buffer.from('version: 0.2\n'),
        },
        {
          filePath: 'crawler.py',
          fileContent: Buffer.from('import os\nif True\n    pass\n'),
        },
      ],
    });
    await eventually(
      () => world.ecr.getImage('crawler-one', commitId.slice(0, 7)),
      'image',
    );
    createPod('p', `${imageBase}:${commitId.slice(0, 7)}`);
    await eventually(() => phase('p') === 'Failed', 'Failed');
    const status = kube.get('pods', 'crawler-one', 'p').status as any;
    expect(status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    const log = kube.readLog('crawler-one', 'p', 'base');
    expect(log).toContain('SyntaxError');
    expect(log).toContain('File "crawler.py", line 2');
  });

  it('should send running pods back to Pending when their Fargate profile is deleted', async () => {
    lifecycle(60_000);
    await activeProfile('crawlers', { namespace: 'crawler-one' });
    world.ecr.putImage('crawler-one', 'v1', {});
    createPod('p', `${imageBase}:v1`);
    await eventually(() => phase('p') === 'Running', 'Running');
    world.eks.deleteProfile(SANDBOX_CLUSTER_NAME, 'crawlers');
    await eventually(() => phase('p') === 'Pending', 'Pending again');
    const pod = kube.get('pods', 'crawler-one', 'p');
    expect(pod.metadata.labels?.[FARGATE_PROFILE_LABEL]).toBeUndefined();
    expect(
      events('p').some(
        e =>
          e.reason === 'FailedScheduling' &&
          String(e.message).includes('crawlers was deleted'),
      ),
    ).toBe(true);
  });

  it('should leave pods created with a nodeName to their creator', async () => {
    lifecycle();
    await activeProfile('crawlers', { namespace: 'crawler-one' });
    kube.create('pods', 'crawler-one', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bound' },
      spec: {
        nodeName: 'ip-10-0-1-10.eu-west-1.compute.internal',
        containers: [{ name: 'base', image: 'apache/airflow:2.10.5' }],
      },
    });
    createPod('marker', `${imageBase}:nope`);
    await eventually(
      () => events('marker').some(e => e.reason === 'Scheduled'),
      'marker scheduled',
    );
    expect(events('bound')).toEqual([]);
    expect(phase('bound')).toBe('Pending');
  });
});
