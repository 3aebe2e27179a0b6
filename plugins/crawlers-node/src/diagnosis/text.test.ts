/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  ECR_403_NEWER,
  ECR_403_OLDER,
  IMAGE,
  NOT_FOUND,
  PODS_LOG_403_BODY,
  PULL_TIMEOUT,
} from './__testUtils__/fixtures';
import {
  classifyPullError,
  clip,
  imageInMessage,
  parseEcrHost,
  parseImage,
  parseRbacRefusal,
  startFailureIn,
} from './text';

describe('diagnosis text readers', () => {
  it.each([
    [ECR_403_NEWER, 'forbidden'],
    [ECR_403_OLDER, 'forbidden'],
    [
      'failed to copy: httpReadSeeker: failed open: unexpected status code https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/shop-crawler/blobs/sha256:abc: 403 Forbidden',
      'forbidden',
    ],
    [NOT_FOUND, 'not-found'],
    [PULL_TIMEOUT, 'timeout'],
    ['Back-off pulling image "x"', 'other'],
  ])('should classify a pull error (%#)', (message, kind) => {
    expect(classifyPullError(message)).toBe(kind);
  });

  it('should read the image of kubelet messages and split ECR references', () => {
    expect(imageInMessage(ECR_403_OLDER)).toBe(IMAGE);
    expect(imageInMessage(`Back-off pulling image "${IMAGE}"`)).toBe(IMAGE);
    expect(parseImage(IMAGE)).toEqual({
      host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      repository: 'shop-crawler',
      tag: '1.4',
    });
    expect(parseImage('python:3.12')).toEqual({
      host: 'docker.io',
      repository: 'library/python',
      tag: '3.12',
    });
    expect(
      parseEcrHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com'),
    ).toEqual({ registryId: '123456789012', region: 'eu-west-1' });
    expect(parseEcrHost('registry.example.com')).toBeNull();
  });

  it("should read the API server's refusal with escaped quotes", () => {
    expect(parseRbacRefusal(PODS_LOG_403_BODY)).toMatchObject({
      name: 'shop-crawler-x7k2p',
      user: 'system:serviceaccount:airflow:airflow-worker',
      verb: 'get',
      resource: 'pods/log',
      apiGroup: '',
      namespace: 'shop',
    });
    expect(
      parseRbacRefusal(
        'events is forbidden: User "system:serviceaccount:airflow:airflow-worker" cannot list resource "events" in API group "" in the namespace "shop"',
      ),
    ).toMatchObject({ name: null, verb: 'list', resource: 'events' });
  });

  it.each([
    [
      'PodLaunchTimeoutException: Pod took too long to be scheduled on the cluster, giving up. More than 120s. Check the pod events in kubernetes.',
      'unscheduled',
    ],
    [
      'PodLaunchTimeoutException: Pod took too long to start. More than 120s. Check the pod events in kubernetes.',
      'start-timeout',
    ],
    [
      'PodLaunchFailedException: Pod took longer than 120 seconds to start. Check the pod events in kubernetes to determine why.',
      'start-timeout',
    ],
  ])(
    'should read the start-up failures of every provider version (%#)',
    (line, kind) => {
      expect(startFailureIn(['x', line])?.kind).toBe(kind);
    },
  );

  it('should keep the start and the end of a long quote', () => {
    const text = clip(ECR_403_NEWER, 120);
    expect(text.length).toBeLessThanOrEqual(121);
    expect(text).toMatch(/^Failed to pull image/);
    expect(text).toMatch(/403 Forbidden$/);
  });
});
