/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { createImagePipeline } from '../aws/codebuild/pipeline';
import { SANDBOX_CLUSTER_NAME } from '../constants';
import { startImageBuilds } from '../git/imageBuilds';
import { eventually } from '../testing/helpers';
import { CAPACITY_ANNOTATION, FARGATE_PROFILE_LABEL } from './podLifecycle';
import { podWorld, PodWorld } from './pods/testFixture';

describe('startPodLifecycle', () => {
  let w: PodWorld;

  beforeEach(() => {
    w = podWorld();
  });

  afterEach(() => w.cleanup());

  it("should start the pod once the image appears and run it to Succeeded with the image rule's log", async () => {
    w.lifecycle();
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
    w.createPod('p', `${w.imageBase}:v1`);
    await eventually(
      () => w.waitingOf('p')?.reason === 'ImagePullBackOff',
      'backoff',
    );
    w.world.ecr.putImage('crawler-one', 'v1', {
      run: { exitCode: 0, log: ['crawl started', 'crawl done'] },
    });
    await eventually(() => w.phase('p') === 'Succeeded', 'Succeeded');
    const status = w.status('p');
    expect(status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(status.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=False',
      'Initialized=True',
      'Ready=False',
      'ContainersReady=False',
      'PodScheduled=True',
    ]);
    expect(w.kube.readLog('crawler-one', 'p', 'base')).toBe(
      'crawl started\ncrawl done\n',
    );
    expect(w.pod('p').metadata.annotations?.[CAPACITY_ANNOTATION]).toBe(
      '0.25vCPU 0.5GB',
    );
  });

  it('should fail the pod with the exit code and compiler message of an image whose entrypoint does not compile', async () => {
    w.lifecycle();
    w.stops.push(startImageBuilds({ world: w.world, buildMs: 1 }));
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
    await w.world.codecommit.createRepository('crawler-one');
    createImagePipeline(w.world, { repository: 'crawler-one' });
    const { commitId } = await w.world.codecommit.createCommit({
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
      () => w.world.ecr.getImage('crawler-one', commitId.slice(0, 7)),
      'image',
    );
    w.createPod('p', `${w.imageBase}:${commitId.slice(0, 7)}`);
    await eventually(() => w.phase('p') === 'Failed', 'Failed');
    expect(w.status('p').containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    const log = w.kube.readLog('crawler-one', 'p', 'base');
    expect(log).toContain('SyntaxError');
    expect(log).toContain('File "crawler.py", line 2');
  });

  it('should restart a failing container under restartPolicy Always with the CrashLoopBackOff evidence', async () => {
    w.lifecycle(5, 20);
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
    w.world.ecr.putImage('crawler-one', 'v1', {
      run: { exitCode: 1, log: ['starting', 'boom'] },
    });
    const created = w.createPod(
      'p',
      `${w.imageBase}:v1`,
      {},
      {
        restartPolicy: 'Always',
      },
    );
    const uid = created.metadata.uid;
    const waiting = await eventually(
      () => w.waitingOf('p')?.reason === 'CrashLoopBackOff' && w.waitingOf('p'),
      'CrashLoopBackOff',
    );
    expect(waiting.message).toBe(
      `back-off 10s restarting failed container=base pod=p_crawler-one(${uid})`,
    );
    const base = w.status('p').containerStatuses[0];
    expect(base).toMatchObject({
      restartCount: 1,
      ready: false,
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    expect(w.phase('p')).toBe('Running');
    const backOff = w.events('p').find(e => e.reason === 'BackOff');
    expect(backOff).toMatchObject({
      type: 'Warning',
      message: `Back-off restarting failed container base in pod p_crawler-one(${uid})`,
      source: { component: 'kubelet', host: (w.pod('p').spec as any).nodeName },
      involvedObject: { fieldPath: 'spec.containers{base}' },
    });
    await eventually(
      () => w.status('p').containerStatuses[0].restartCount >= 2,
      'a second restart',
    );
    expect(
      w.kube.readLog('crawler-one', 'p', 'base', { previous: true }),
    ).toContain('boom');
    expect(
      w
        .events('p')
        .some(
          e =>
            e.reason === 'Pulled' &&
            e.message ===
              `Container image "${w.imageBase}:v1" already present on machine`,
        ),
    ).toBe(true);
  });

  it('should send running pods back to Pending when their Fargate profile is deleted', async () => {
    w.lifecycle(60_000);
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
    w.world.ecr.putImage('crawler-one', 'v1', {});
    w.createPod('p', `${w.imageBase}:v1`);
    await eventually(() => w.phase('p') === 'Running', 'Running');
    const node = (w.pod('p').spec as any).nodeName;
    expect(w.kube.exists('nodes', undefined, node)).toBe(true);
    w.world.eks.deleteProfile(SANDBOX_CLUSTER_NAME, 'crawlers');
    await eventually(() => w.phase('p') === 'Pending', 'Pending again');
    expect(w.pod('p').metadata.labels?.[FARGATE_PROFILE_LABEL]).toBeUndefined();
    expect(w.kube.exists('nodes', undefined, node)).toBe(false);
    expect(
      w
        .events('p')
        .some(
          e =>
            e.reason === 'FailedScheduling' &&
            String(e.message).includes('crawlers was deleted'),
        ),
    ).toBe(true);
  });

  it('should leave pods created with a nodeName to their creator', async () => {
    w.lifecycle();
    await w.activeProfile('crawlers', { namespace: 'crawler-one' });
    w.kube.create('pods', 'crawler-one', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bound' },
      spec: {
        nodeName: 'ip-10-0-1-10.eu-west-1.compute.internal',
        containers: [{ name: 'base', image: 'apache/airflow:2.10.5' }],
      },
    });
    w.createPod('marker', `${w.imageBase}:nope`);
    await eventually(
      () => w.events('marker').some(e => e.reason === 'Scheduled'),
      'marker scheduled',
    );
    expect(w.events('bound')).toEqual([]);
    expect(w.phase('bound')).toBe('Pending');
    expect((w.pod('bound').spec as any).schedulerName).toBe(
      'default-scheduler',
    );
  });
});
