/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { CrawlersFindingEvidence } from '@crawler-platform/plugin-crawlers-common';
import {
  evidence,
  found,
  logLines,
  ok,
  podObject,
  taskLogObject,
  unknown,
} from '../common';
import { isNoNodeFits, startFailureIn } from '../text';
import type { DiagnosisCheck, DiagnosisPod } from '../types';
import { crawlerProfiles } from './fargate';

/**
 * An operator pod no Fargate profile took (§5.4, §9 row 5): Pending, still `default-scheduler`, no profile label, no
 * `CapacityProvisioned`, no node, `PodScheduled=False`.
 */
export function isUnmatchedPending(pod: DiagnosisPod): boolean {
  return (
    pod.kind === 'operator' &&
    pod.phase === 'Pending' &&
    pod.schedulerName !== 'fargate-scheduler' &&
    !pod.fargateProfile &&
    !pod.capacityProvisioned &&
    !pod.nodeName &&
    pod.scheduled?.status !== 'True'
  );
}

/** The default-scheduler's FailedScheduling of a pod (origin read as `source.component || reportingComponent`). */
function failedScheduling(pod: DiagnosisPod) {
  return pod.events.find(
    e =>
      e.reason === 'FailedScheduling' &&
      e.origin === 'default-scheduler' &&
      isNoNodeFits(e.message ?? ''),
  );
}

function podEvidence(pod: DiagnosisPod): CrawlersFindingEvidence[] {
  const list = [
    evidence(
      podObject(pod),
      'spec.schedulerName, metadata.labels, status.conditions[PodScheduled]',
      `Pending; schedulerName ${
        pod.schedulerName ?? 'unset'
      }; no eks.amazonaws.com/fargate-profile label; no nodeName; PodScheduled=${
        pod.scheduled?.status ?? 'unset'
      }${pod.scheduled?.reason ? `/${pod.scheduled.reason}` : ''}`,
    ),
  ];
  const event = failedScheduling(pod);
  if (event) {
    list.push(
      evidence(
        podObject(pod),
        `event FailedScheduling from ${event.origin}`,
        event.message ?? '',
      ),
    );
  }
  return list;
}

/**
 * `no-fargate-profile` (§8, §9 row 5): no ACTIVE Fargate profile selects the crawler's namespace, so its pods keep
 * `default-scheduler` and stay Pending (FailedScheduling: `no nodes available to schedule pods`, or `0/N nodes are
 * available: … untolerated taint …` with or without the taint's key). Pods created before a matching profile existed
 * stay Pending too: a new profile does not reschedule them. A task log's schedule timeout (provider ≥ 10.5) counts
 * only while no profile matches.
 */
export const checkNoFargateProfile: DiagnosisCheck = input => {
  const id = 'no-fargate-profile';
  const ns = input.crawlerNamespace;
  if (!ns) {
    return unknown(
      id,
      input.unavailable.pods ??
        "the crawler's namespace is not known or does not confirm its claim",
    );
  }
  const stuck = (input.pods ?? []).filter(
    p => isUnmatchedPending(p) && p.namespace === ns,
  );
  const timeouts = (input.taskLogs ?? []).flatMap(log => {
    const failure = startFailureIn(logLines(log.lines));
    return failure?.kind === 'unscheduled' ? [{ log, line: failure.line }] : [];
  });
  const profiles = input.fargateProfiles;
  const matching = crawlerProfiles(input);
  if (!profiles) {
    if (!stuck.some(failedScheduling)) {
      return unknown(
        id,
        input.unavailable.fargateProfiles ??
          'the Fargate profiles could not be read',
      );
    }
  } else if (matching.length && !stuck.length) {
    return ok(id);
  }
  const evidenceList: CrawlersFindingEvidence[] = [];
  if (profiles && !matching.length) {
    evidenceList.push(
      evidence(
        `EKS cluster ${input.cluster?.name ?? ''} Fargate profiles`,
        'selectors',
        `none of the ${
          profiles.length
        } profile(s) is ACTIVE with a selector for namespace ${ns}${
          profiles.some(
            p =>
              p.status !== 'ACTIVE' &&
              p.selectors.some(s => s.namespace === ns),
          )
            ? ` (${profiles
                .filter(p => p.selectors.some(s => s.namespace === ns))
                .map(p => `${p.name} is ${p.status}`)
                .join(', ')})`
            : ''
        }`,
      ),
    );
  }
  for (const pod of stuck.slice(0, 3)) {
    evidenceList.push(...podEvidence(pod));
  }
  for (const { log, line } of timeouts.slice(0, 1)) {
    if (!matching.length) {
      evidenceList.push(evidence(taskLogObject(log), 'task log', line));
    }
  }
  const dagIds = [
    ...new Set([
      ...stuck.map(p => p.dagId),
      ...(matching.length ? [] : timeouts.map(t => t.log.dagId)),
    ]),
  ];
  if (matching.length) {
    const names = stuck.map(p => p.name);
    return found(id, [
      {
        id,
        severity: 'error',
        variant: 'pods-predate-profile',
        title: `${stuck.length} pod(s) in ${ns} stay Pending: they were created before Fargate profile ${matching[0].name} selected the namespace`,
        summary:
          'A pod that matched no profile when it was created keeps default-scheduler; a profile created later does not reschedule it.',
        dagIds,
        evidence: evidenceList,
        fix: {
          text: `Delete the Pending pods in ${ns}; the next try creates them again and Fargate takes them.`,
          snippet: {
            language: 'shell',
            code: `kubectl delete pod --namespace ${ns} ${names.join(' ')}`,
          },
        },
      },
    ]);
  }
  const example = (profiles ?? []).find(p => p.status === 'ACTIVE');
  return found(id, [
    {
      id,
      severity: 'error',
      variant: 'no-profile',
      title: `No Fargate profile selects namespace ${ns}: its pods stay Pending`,
      summary: `Without a matching profile selector (namespace, and every label it lists) a pod is not a Fargate pod: it keeps default-scheduler, which finds no node for it.${
        stuck.length ? ` ${stuck.length} pod(s) are stuck now.` : ''
      } Profiles are immutable and limited to 10 per cluster.`,
      dagIds,
      evidence: evidenceList,
      fix: {
        text: `Create a Fargate profile whose selector names namespace ${ns} (labels optional), then delete the Pending pods.`,
        snippet: {
          language: 'shell',
          code: [
            `aws eks create-fargate-profile --cluster-name ${
              input.cluster?.name ?? '<cluster>'
            }${
              input.cluster?.region ? ` --region ${input.cluster.region}` : ''
            } \\`,
            `  --fargate-profile-name ${ns} \\`,
            `  --pod-execution-role-arn ${
              example?.podExecutionRoleArn ?? '<pod execution role ARN>'
            } \\`,
            `  --subnets ${
              example?.subnets.join(' ') ?? '<private subnet ids>'
            } \\`,
            `  --selectors namespace=${ns}`,
          ].join('\n'),
        },
      },
    },
  ]);
};
