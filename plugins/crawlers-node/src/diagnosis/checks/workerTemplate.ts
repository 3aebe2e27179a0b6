/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { CrawlersFindingEvidence } from '@crawler-platform/plugin-crawlers-common';
import { container, evidence, found, ok, podObject, unknown } from '../common';
import { dagNotFoundIn, unescape } from '../text';
import type { DiagnosisCheck, DiagnosisInput } from '../types';

type Manifest = Record<string, any>;

/** The chart's names (§3.3): the init container, the emptyDir volume and the worker's main container. */
export const GIT_SYNC_INIT = 'git-sync-init';
export const DAGS_VOLUME = 'dags';
export const BASE_CONTAINER = 'base';

/** The template's `base` container (else its first container, as the executor reconciles them). */
export function templateBase(pod: Manifest | null): Manifest | undefined {
  const containers: Manifest[] = Array.isArray(pod?.spec?.containers)
    ? pod!.spec.containers
    : [];
  return containers.find(c => c?.name === BASE_CONTAINER) ?? containers[0];
}

/** What the template lacks for DAG files on the worker (`no git-sync-init init container`, `no dags volume`, …). */
export function templateDagGaps(pod: Manifest): string[] {
  const spec = pod.spec ?? {};
  const gaps: string[] = [];
  const inits: Manifest[] = Array.isArray(spec.initContainers)
    ? spec.initContainers
    : [];
  if (!inits.some(c => c?.name === GIT_SYNC_INIT)) {
    gaps.push(`no ${GIT_SYNC_INIT} init container`);
  }
  const volumes: Manifest[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  if (!volumes.some(v => v?.name === DAGS_VOLUME)) {
    gaps.push(`no ${DAGS_VOLUME} volume`);
  }
  const mounts: Manifest[] = templateBase(pod)?.volumeMounts ?? [];
  if (!mounts.some(m => m?.name === DAGS_VOLUME)) {
    gaps.push(`no ${DAGS_VOLUME} mount in ${BASE_CONTAINER}`);
  }
  return gaps;
}

/** The 422 of worker pods of the crawler's DAGs in the scheduler log, by pod name (§9 row 3). */
export function schedulerImageRejections(input: DiagnosisInput): {
  lines: string[];
  pods: string[];
} {
  const lines = (input.schedulerLog?.lines ?? []).flatMap(l => l.split('\n'));
  const ours = new Set<string>();
  for (const line of lines) {
    const m =
      /Creating kubernetes pod for job is TaskInstanceKey\(dag_id='([^']+)'.*with pod name ([^\s,]+)/.exec(
        line,
      );
    if (m && input.dagIds.includes(m[1])) {
      ours.add(m[2]);
    }
  }
  const quoted: string[] = [];
  const pods: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = unescape(lines[i]);
    const invalid =
      /Pod "([^"]+)" is invalid: ([^"]*spec\.containers\[0\]\.image: Required value)/.exec(
        text,
      );
    if (invalid && ours.has(invalid[1]) && !pods.includes(invalid[1])) {
      pods.push(invalid[1]);
      quoted.push(`Pod "${invalid[1]}" is invalid: ${invalid[2]}`);
      const failed = lines
        .slice(i + 1, i + 40)
        .find(l => /Pod creation failed with reason '[^']+'/.test(l));
      if (failed && quoted.length === 1) {
        quoted.push(
          /Pod creation failed with reason '[^']+'\. Failing task/.exec(
            failed,
          )?.[0] ?? failed.trim(),
        );
      }
    }
  }
  return { lines: quoted, pods };
}

const templateWhere = (input: DiagnosisInput) =>
  `data["${input.podTemplate?.key ?? 'pod_template_file.yaml'}"]`;

/**
 * `worker-image-missing` (§8, §9 row 3): the KubernetesExecutor pod template's `base` container has no image, so the
 * API rejects every worker pod with 422 `spec.containers[0].image: Required value` and the scheduler fails the task
 * (no worker pod, no task log). Evidence: the template, and the scheduler log's 422 for this crawler's pods. A
 * template that has an image now makes older 422 lines history.
 */
export const checkWorkerImageMissing: DiagnosisCheck = input => {
  const id = 'worker-image-missing';
  const template = input.podTemplate;
  const rejected = schedulerImageRejections(input);
  if (template?.pod) {
    const base = templateBase(template.pod);
    if (base && typeof base.image === 'string' && base.image.trim()) {
      return ok(id);
    }
  } else if (!rejected.pods.length) {
    return template && !template.error
      ? unknown(
          id,
          `${template.object} has no ${template.key}: the pod template is mounted from elsewhere`,
        )
      : unknown(
          id,
          template?.error ??
            input.unavailable.podTemplate ??
            'the worker pod template could not be read',
        );
  }
  const evidenceList: CrawlersFindingEvidence[] = [];
  if (template?.pod) {
    evidenceList.push(
      evidence(
        template.object,
        `${templateWhere(input)} spec.containers[${BASE_CONTAINER}].image`,
        'not set',
      ),
    );
  }
  if (rejected.lines.length && input.schedulerLog) {
    evidenceList.push(
      ...rejected.lines.map(line =>
        evidence(
          `Pod ${input.schedulerLog!.pod}`,
          `log of container ${input.schedulerLog!.container}`,
          line,
        ),
      ),
    );
  }
  const where = template?.object ?? 'the worker pod template';
  return found(id, [
    {
      id,
      severity: rejected.pods.length ? 'error' : 'warning',
      title: `The worker pod template ${where} has no image for its base container`,
      summary: `Every KubernetesExecutor worker pod is rejected with 422 (spec.containers[0].image: Required value) unless [kubernetes_executor] worker_container_repository and worker_container_tag are both set; the task fails without a worker pod or a task log.${
        rejected.pods.length
          ? ` The scheduler rejected ${rejected.pods.length} worker pod(s) of this crawler.`
          : ''
      }`,
      dagIds: rejected.pods.length ? input.dagIds : [],
      evidence: evidenceList,
      fix: {
        text: `Set image on the ${BASE_CONTAINER} container of the pod template (chart value podTemplate, here ${where} key ${
          template?.key ?? 'pod_template_file.yaml'
        }), or set both worker_container_repository and worker_container_tag.`,
        snippet: {
          language: 'yaml',
          code: [
            `# ${where}, key ${template?.key ?? 'pod_template_file.yaml'}`,
            'spec:',
            '  containers:',
            `    - name: ${BASE_CONTAINER}`,
            `      image: apache/airflow:${
              input.airflow.apiVersion === 'v1' ? '2' : '3'
            }.x.y  # the image your scheduler runs`,
          ].join('\n'),
        },
      },
    },
  ]);
};

/**
 * `worker-without-dags` (§8, §9 row 4): worker pods have no copy of the DAG files — no `git-sync-init` init container,
 * no `dags` volume, or no mount of it in `base` — so they fail with Airflow 2's `Dag '<id>' could not be found` or
 * Airflow 3's `Dag not found during start up` while the scheduler shows the DAG. Evidence: the template (when git-sync
 * is in use) and the crawler's failed worker pods with their log. A complete template makes older failed workers
 * history.
 */
export const checkWorkerWithoutDags: DiagnosisCheck = input => {
  const id = 'worker-without-dags';
  const template = input.podTemplate;
  const usesGitSync = input.gitSync ? input.gitSync.pods.length > 0 : true;
  const gaps = template?.pod ? templateDagGaps(template.pod) : null;
  if (gaps && (!gaps.length || !usesGitSync)) {
    return ok(id);
  }
  const failedWorkers = (input.pods ?? []).filter(
    p =>
      p.kind === 'worker' &&
      p.phase === 'Failed' &&
      (!p.containers.some(c => c.init && c.name === GIT_SYNC_INIT) ||
        !p.volumes.includes(DAGS_VOLUME) ||
        !(p.volumeMounts[BASE_CONTAINER] ?? []).includes(DAGS_VOLUME)) &&
      // Without git-sync (a shared DAGs volume) such a worker is normal unless its log says the DAG is missing.
      (usesGitSync || dagNotFoundIn(p.baseLog ?? []) !== null),
  );
  if (!gaps && !failedWorkers.length) {
    return template || input.pods
      ? ok(id)
      : unknown(
          id,
          input.unavailable.podTemplate ??
            'the worker pod template could not be read',
        );
  }
  const evidenceList: CrawlersFindingEvidence[] = [];
  if (gaps && template) {
    evidenceList.push(
      evidence(
        template.object,
        `${templateWhere(
          input,
        )} spec.initContainers, spec.volumes, spec.containers[${BASE_CONTAINER}].volumeMounts`,
        gaps.join('; '),
      ),
    );
  }
  for (const pod of failedWorkers.slice(0, 3)) {
    const base = container(pod, BASE_CONTAINER);
    evidenceList.push(
      evidence(
        podObject(pod),
        'spec',
        `phase Failed, ${BASE_CONTAINER} exit code ${
          base?.exitCode ?? '?'
        }; init containers: ${
          pod.containers
            .filter(c => c.init)
            .map(c => c.name)
            .join(', ') || 'none'
        }; volumes: ${pod.volumes.join(', ') || 'none'}`,
      ),
    );
    const notFound = dagNotFoundIn(pod.baseLog ?? []);
    if (notFound) {
      evidenceList.push(
        evidence(
          podObject(pod),
          `log of container ${BASE_CONTAINER}`,
          notFound.text,
        ),
      );
    }
  }
  const gitSyncImage =
    input.gitSync?.pods
      .flatMap(p => p.containers)
      .find(c => c.name === 'git-sync' || c.name === GIT_SYNC_INIT)?.image ??
    'registry.k8s.io/git-sync/git-sync:v4.4.2';
  const where = template?.object ?? 'the worker pod template';
  return found(id, [
    {
      id,
      severity: failedWorkers.length ? 'error' : 'warning',
      title: gaps?.length
        ? `Worker pods get no DAG files: ${where} has ${gaps.join(', ')}`
        : `Worker pods of this crawler failed without DAG files (no ${GIT_SYNC_INIT} or ${DAGS_VOLUME} volume)`,
      summary: `Only the scheduler and dag-processor sync the DAGs with git-sync; a KubernetesExecutor worker needs the git-sync-init init container and the dags emptyDir mounted in base, or it fails with "DAG not found".${
        failedWorkers.length
          ? ` ${failedWorkers.length} worker pod(s) of this crawler failed that way.`
          : ''
      }`,
      dagIds: [...new Set(failedWorkers.map(p => p.dagId))],
      evidence: evidenceList,
      fix: {
        text: `Give the worker pod template (chart value podTemplate, here ${where}) the git-sync-init init container and the dags volume, mounted in base at the same path as in the scheduler.`,
        snippet: {
          language: 'yaml',
          code: [
            `# ${where}, key ${template?.key ?? 'pod_template_file.yaml'}`,
            'spec:',
            '  initContainers:',
            `    - name: ${GIT_SYNC_INIT}`,
            `      image: ${gitSyncImage}`,
            '      env:  # the env of the scheduler’s git-sync container, plus:',
            '        - name: GITSYNC_ONE_TIME',
            '          value: "true"',
            '      volumeMounts:',
            `        - name: ${DAGS_VOLUME}`,
            '          mountPath: /git',
            '  containers:',
            `    - name: ${BASE_CONTAINER}`,
            '      volumeMounts:',
            `        - name: ${DAGS_VOLUME}`,
            '          mountPath: /opt/airflow/dags',
            '          readOnly: true',
            '  volumes:',
            `    - name: ${DAGS_VOLUME}`,
            '      emptyDir: {}',
          ].join('\n'),
        },
      },
    },
  ]);
};
