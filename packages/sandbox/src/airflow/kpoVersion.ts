/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** The provider version modelled unless one is chosen (a current 10.x). */
export const DEFAULT_KPO_PROVIDER_VERSION = '10.8.0';

const POD_MANAGER = 'airflow.providers.cncf.kubernetes.utils.pod_manager';

/**
 * What differs between versions of apache-airflow-providers-cncf-kubernetes in the KubernetesPodOperator's start-up
 * (README, "KubernetesPodOperator"): the start-up timeouts and their exception, the fast fail on image errors and
 * the pod events in the task log.
 */
export type KpoProvider = {
  version: string;
  /** ≥ 10.5.0 (#49784): `schedule_timeout_seconds` until PodScheduled, then `startup_timeout_seconds`. */
  separateTimeouts: boolean;
  /** Container waiting reasons that fail the start-up at once (≥ 10.5.0, #49867); none before. */
  fastFailReasons: string[];
  /** ≥ 10.6.0 (#50192): `The Pod has an Event: …` lines during start-up (needs `list events`). */
  logsPodEvents: boolean;
};

/** The provider of `version` (`10.x.y`); throws for anything else. */
export function kpoProvider(
  version: string = DEFAULT_KPO_PROVIDER_VERSION,
): KpoProvider {
  const m = /^10\.(\d+)\.(\d+)$/.exec(version);
  if (!m) {
    throw new Error(
      `kpoProviderVersion must be a 10.x.y version of apache-airflow-providers-cncf-kubernetes (e.g. ${DEFAULT_KPO_PROVIDER_VERSION} or 10.4.3), got ${JSON.stringify(
        version,
      )}`,
    );
  }
  const minor = Number(m[1]);
  return {
    version,
    separateTimeouts: minor >= 5,
    fastFailReasons:
      minor >= 5
        ? ['ErrImagePull', 'InvalidImageName', 'ImagePullBackOff']
        : [],
    logsPodEvents: minor >= 6,
  };
}

/** The exception line of a pod that did not start in time, by version and by whether it was scheduled. */
export function startTimeoutError(
  provider: KpoProvider,
  scheduled: boolean,
  timeouts: { schedule: number; startup: number },
): string {
  if (!provider.separateTimeouts) {
    return `${POD_MANAGER}.PodLaunchFailedException: Pod took longer than ${timeouts.startup} seconds to start. Check the pod events in kubernetes to determine why.`;
  }
  return scheduled
    ? `${POD_MANAGER}.PodLaunchTimeoutException: Pod took too long to start. More than ${timeouts.startup}s. Check the pod events in kubernetes.`
    : `${POD_MANAGER}.PodLaunchTimeoutException: Pod took too long to be scheduled on the cluster, giving up. More than ${timeouts.schedule}s. Check the pod events in kubernetes.`;
}

/** The exception line of the fast fail on an image error (≥ 10.5.0). */
export function imagePullError(waiting: {
  reason: string;
  message?: string;
}): string {
  return `${POD_MANAGER}.PodLaunchFailedException: Pod docker image cannot be pulled, unable to start: ${
    waiting.reason
  }\n${waiting.message ?? 'None'}`;
}
