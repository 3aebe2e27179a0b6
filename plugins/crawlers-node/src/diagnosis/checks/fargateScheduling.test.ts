/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  event,
  healthyInput,
  NS,
  pod,
  profile,
  taskLog,
} from '../__testUtils__/fixtures';
import { checkNoFargateProfile } from './fargateScheduling';

/** A pod no profile matched (§5.4, §9 row 5), with the scheduler's event in the events.k8s.io shape. */
function stuckPod(message: string) {
  return pod({
    phase: 'Pending',
    status: 'Pending',
    nodeName: null,
    capacityProvisioned: null,
    fargateProfile: null,
    schedulerName: 'default-scheduler',
    scheduled: {
      status: 'False',
      reason: 'Unschedulable',
      message,
    },
    containers: [],
    events: [
      // reportingComponent only: the origin reads `source.component || reportingComponent`
      event({
        type: 'Warning',
        reason: 'FailedScheduling',
        origin: 'default-scheduler',
        message,
      }),
    ],
  });
}

const TAINT_WITH_KEY =
  '0/2 nodes are available: 2 node(s) had untolerated taint {eks.amazonaws.com/compute-type: fargate}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
const TAINT_WITHOUT_KEY =
  '0/2 nodes are available: 2 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
const NO_NODES = 'no nodes available to schedule pods';

describe('no-fargate-profile', () => {
  it.each([
    ['with the taint key and value', TAINT_WITH_KEY],
    ['without them (newer schedulers)', TAINT_WITHOUT_KEY],
    ['without any node', NO_NODES],
  ])(
    'should report no profile for the namespace and the stuck pod (FailedScheduling %s)',
    (_, message) => {
      const result = checkNoFargateProfile(
        healthyInput({
          fargateProfiles: [
            profile({ name: 'other', selectors: [{ namespace: 'other' }] }),
          ],
          pods: [stuckPod(message)],
        }),
      );
      const [finding] = result.findings;
      expect(finding).toMatchObject({
        id: 'no-fargate-profile',
        severity: 'error',
        variant: 'no-profile',
        title: `No Fargate profile selects namespace ${NS}: its pods stay Pending`,
        dagIds: ['shop_products'],
      });
      expect(finding.evidence).toContainEqual({
        object: `Pod ${NS}/shop-crawler-x7k2p`,
        where: 'event FailedScheduling from default-scheduler',
        text: message,
      });
      expect(finding.fix.snippet.code).toContain(`--selectors namespace=${NS}`);
    },
  );

  it('should report it from the profiles alone, before any pod exists', () => {
    const result = checkNoFargateProfile(
      healthyInput({ fargateProfiles: [], pods: [] }),
    );
    expect(result.findings[0].variant).toBe('no-profile');
  });

  it("should quote provider 10.5+'s schedule timeout from the task log", () => {
    const line =
      'airflow.providers.cncf.kubernetes.utils.pod_manager.PodLaunchTimeoutException: Pod took too long to be scheduled on the cluster, giving up. More than 120s. Check the pod events in kubernetes.';
    const result = checkNoFargateProfile(
      healthyInput({
        fargateProfiles: [],
        pods: [],
        taskLogs: [taskLog([line])],
      }),
    );
    expect(result.findings[0].evidence).toContainEqual({
      object:
        'Task log shop_products manual__2026-06-01T12:00:00+00:00 crawl try 1',
      where: 'task log',
      text: line,
    });
  });

  it('should match wildcard selectors and ignore profiles that are not ACTIVE', () => {
    expect(
      checkNoFargateProfile(
        healthyInput({
          fargateProfiles: [profile({ selectors: [{ namespace: 'sh?p*' }] })],
        }),
      ).check.status,
    ).toBe('ok');
    expect(
      checkNoFargateProfile(
        healthyInput({ fargateProfiles: [profile({ status: 'DELETING' })] }),
      ).findings[0].evidence[0].text,
    ).toContain('shop is DELETING');
  });

  it('should name pods created before the profile, which a new profile does not reschedule', () => {
    const result = checkNoFargateProfile(
      healthyInput({ pods: [stuckPod(TAINT_WITH_KEY)] }),
    );
    expect(result.findings[0]).toMatchObject({
      variant: 'pods-predate-profile',
    });
    expect(result.findings[0].fix.snippet.code).toBe(
      `kubectl delete pod --namespace ${NS} shop-crawler-x7k2p`,
    );
  });

  it('should treat an old schedule timeout as history once a profile selects the namespace', () => {
    const result = checkNoFargateProfile(
      healthyInput({
        taskLogs: [
          taskLog([
            'PodLaunchTimeoutException: Pod took too long to be scheduled on the cluster, giving up. More than 120s.',
          ]),
        ],
      }),
    );
    expect(result.check.status).toBe('ok');
  });

  it('should stay unknown without profiles or a stuck pod', () => {
    const result = checkNoFargateProfile(
      healthyInput({
        fargateProfiles: null,
        unavailable: { fargateProfiles: 'AccessDeniedException' },
      }),
    );
    expect(result.check).toMatchObject({
      status: 'unknown',
      reason: 'AccessDeniedException',
    });
  });
});
