/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeObject, kubeErrorStatus } from '../kube';
import { TaskSpec } from './dagFile';
import { forbiddenStatus } from './kpoCleanup';
import { apiExceptionText, podManifest } from './kpoText';
import { createPodFrames, PyException } from './kpoTracebacks';
import { AirflowKube, allowed } from './kubeAccess';

/**
 * The operator's `get_or_create_pod` as `user`: `find_pod` lists the task's pods (403 without `list pods`), then
 * `create_pod` (403 without `create pods`, or the API's validation error). The pod as stored, or the exception.
 */
export function createTaskPod(
  ctx: { kube: AirflowKube; user: string; airflowMajor: 2 | 3; now: Date },
  task: TaskSpec,
  namespace: string,
  name: string,
  labels: Record<string, string>,
): { pod: KubeObject } | { error: PyException } {
  const { kube, user, airflowMajor, now } = ctx;
  for (const verb of ['list', 'create'] as const) {
    if (!allowed(kube, user, { verb, resource: 'pods', namespace })) {
      const status = forbiddenStatus(
        user,
        { verb, resource: 'pods', namespace },
        { kind: 'pods' },
      );
      return {
        error: {
          frames: createPodFrames(airflowMajor, verb),
          error: apiExceptionText(status, now),
        },
      };
    }
  }
  try {
    kube.create('pods', namespace, podManifest(task, name, namespace, labels));
    return { pod: kube.get('pods', namespace, name) };
  } catch (e) {
    const status = kubeErrorStatus(e) ?? {
      code: 500,
      reason: 'InternalError',
      message: String(e),
    };
    return {
      error: {
        frames: createPodFrames(airflowMajor, 'create'),
        error: apiExceptionText(status, now),
      },
    };
  }
}
