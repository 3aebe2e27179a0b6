/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { forbiddenMessage, KubeObject, kubeErrorStatus } from '../kube';
import { KpoSpec } from './dagFile';
import { AirflowKube } from './kubeAccess';
import { apiExceptionText, KPO_LOGGER } from './kpoText';
import { PyException, suppressedFrames } from './kpoTracebacks';
import { remotePodDump } from './pyPod';
import { LogEntry } from './types';

/** The logger `_optionally_suppress` logs suppressed cleanup errors with (pod.py's module logger). */
const POD_MODULE_LOGGER = 'airflow.providers.cncf.kubernetes.operators.pod';

/** What the operator's cleanup needs: the API as the task's user, a clock, and the task log. */
export type CleanupContext = {
  kube: AirflowKube;
  user: string;
  now(): Date;
  log(
    level: LogEntry['level'],
    event: string,
    logger: string,
    source: string,
  ): void;
};

const POD_CHECKED_KEY = 'already_checked';

/**
 * The operator's `cleanup(pod, remote_pod)` for `remote_pod` (the pod as the operator last read it): unless it
 * succeeded (or `keep_pod`), the label `already_checked=True` is patched on; the pod is deleted or kept per
 * `on_finish_action`. Both calls are suppressed on error (logged with their traceback). Returns the
 * `AirflowException` to raise when the pod did not succeed, else undefined.
 */
export function cleanupPod(
  ctx: CleanupContext,
  kpo: KpoSpec,
  remotePod: KubeObject | undefined,
): PyException | undefined {
  if (!remotePod) return undefined;
  const name = remotePod.metadata.name;
  const phase = (remotePod.status as any)?.phase;
  if (phase !== 'Succeeded' || kpo.on_finish_action === 'keep_pod') {
    patchAlreadyChecked(ctx, remotePod);
  }
  processPodDeletion(ctx, kpo, remotePod);
  if (phase === 'Succeeded') return undefined;
  const message = terminationMessage(remotePod);
  return {
    frames: [],
    error: [
      `airflow.exceptions.AirflowException: Pod ${name} returned a failure.`,
      ...(message !== undefined ? [message] : []),
      remotePodDump(remotePod),
    ].join('\n'),
  };
}

/** The base container's `terminated.message`, when it has one (the operator adds it to the failure). */
function terminationMessage(pod: KubeObject): string | undefined {
  const base = ((pod.status as any)?.containerStatuses ?? []).find(
    (c: any) => c?.name === 'base',
  );
  const message = base?.state?.terminated?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

function baseSucceeded(pod: KubeObject): boolean {
  const base = ((pod.status as any)?.containerStatuses ?? []).find(
    (c: any) => c?.name === 'base',
  );
  return base?.state?.terminated?.exitCode === 0;
}

/** `patch_already_checked(remote_pod, reraise=False)`. */
function patchAlreadyChecked(ctx: CleanupContext, pod: KubeObject): void {
  const { namespace, name } = pod.metadata;
  const attributes = {
    verb: 'patch',
    resource: 'pods',
    namespace,
    name,
    apiGroup: '',
  };
  if (!ctx.kube.authorize(ctx.user, attributes).allowed) {
    logSuppressed(
      ctx,
      'patch',
      forbiddenStatus(ctx.user, attributes, { name, kind: 'pods' }),
    );
    return;
  }
  try {
    ctx.kube.mergePatch('pods', namespace, name, {
      metadata: { labels: { [POD_CHECKED_KEY]: 'True' } },
    });
  } catch (e) {
    logSuppressed(ctx, 'patch', statusOf(e, name));
  }
}

/** `process_pod_deletion(remote_pod, reraise=False)`: delete per `on_finish_action`, or log that the pod stays. */
function processPodDeletion(
  ctx: CleanupContext,
  kpo: KpoSpec,
  pod: KubeObject,
): void {
  const { namespace, name } = pod.metadata;
  const phase = (pod.status as any)?.phase;
  const remove =
    kpo.on_finish_action === 'delete_pod' ||
    (kpo.on_finish_action === 'delete_succeeded_pod' &&
      (phase === 'Succeeded' || baseSucceeded(pod)));
  if (!remove) {
    ctx.log(
      'info',
      `Skipping deleting pod: ${name}`,
      KPO_LOGGER,
      'pod.py:1133',
    );
    return;
  }
  ctx.log('info', `Deleting pod: ${name}`, KPO_LOGGER, 'pod.py:1129');
  const attributes = {
    verb: 'delete',
    resource: 'pods',
    namespace,
    name,
    apiGroup: '',
  };
  if (!ctx.kube.authorize(ctx.user, attributes).allowed) {
    logSuppressed(
      ctx,
      'delete',
      forbiddenStatus(ctx.user, attributes, { name, kind: 'pods' }),
    );
    return;
  }
  try {
    ctx.kube.delete('pods', namespace, name);
  } catch (e) {
    // PodManager.delete_pod ignores a 404 (already deleted).
    if (kubeErrorStatus(e)?.code !== 404) {
      logSuppressed(ctx, 'delete', statusOf(e, name));
    }
  }
}

export type StatusBody = Parameters<typeof apiExceptionText>[0];

/** The 403 Status the API server answers `user` for a denied request. */
export function forbiddenStatus(
  user: string,
  attributes: Parameters<typeof forbiddenMessage>[1],
  details: Record<string, unknown>,
): StatusBody {
  return {
    code: 403,
    reason: 'Forbidden',
    message: forbiddenMessage(user, attributes),
    details,
  };
}

function statusOf(e: unknown, name: string): StatusBody {
  return (
    kubeErrorStatus(e) ?? {
      code: 500,
      reason: 'InternalError',
      message: String(e),
      details: { name, kind: 'pods' },
    }
  );
}

/** `_optionally_suppress`: `logging.getLogger(pod.py).exception(exc)` — the exception's str, then its traceback. */
function logSuppressed(
  ctx: CleanupContext,
  call: 'patch' | 'delete',
  status: StatusBody,
): void {
  const text = apiExceptionText(status, ctx.now());
  const str = text.replace(
    /^kubernetes\.client\.exceptions\.ApiException: /,
    '',
  );
  ctx.log(
    'error',
    `${str}\nTraceback (most recent call last):\n${suppressedFrames(call).join(
      '\n',
    )}\n${text}`,
    POD_MODULE_LOGGER,
    'pod.py:1305',
  );
}
