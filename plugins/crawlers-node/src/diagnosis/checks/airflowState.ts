/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { CrawlersFindingEvidence } from '@crawler-platform/plugin-crawlers-common';
import { makeSafeLabelValue } from '../../kubernetes/labels';
import {
  evidence,
  found,
  logLines,
  podObject,
  taskLogObject,
  unknown,
} from '../common';
import type { DiagnosisCheck } from '../types';

/**
 * `finished-pods` (§8, §9 row 8): finished KubernetesPodOperator pods of the crawler (label
 * `kubernetes_pod_operator=True`, phase Succeeded or Failed) are left in its namespace — `on_finish_action="keep_pod"`
 * (task log `Skipping deleting pod: <name>`), `"delete_succeeded_pod"` for failed pods, or a worker that died before
 * its cleanup. On Fargate each keeps its own node. Worker pods are not counted.
 */
export const checkFinishedPods: DiagnosisCheck = input => {
  const id = 'finished-pods';
  if (!input.pods) {
    return unknown(id, input.unavailable.pods ?? 'pods could not be read');
  }
  const finished = input.pods.filter(
    p =>
      p.kind === 'operator' &&
      (p.phase === 'Succeeded' || p.phase === 'Failed') &&
      p.status !== 'Terminating',
  );
  if (!finished.length) {
    return found(id, []);
  }
  const ns = finished[0].namespace;
  const dagIds = [...new Set(finished.map(p => p.dagId))];
  const evidenceList: CrawlersFindingEvidence[] = finished
    .slice(0, 5)
    .map(p =>
      evidence(
        podObject(p),
        'status.phase, spec.nodeName',
        `${p.phase}${p.nodeName ? ` on node ${p.nodeName}` : ''}${
          p.ageSeconds !== null ? `, created ${p.ageSeconds} s ago` : ''
        }`,
      ),
    );
  for (const log of input.taskLogs ?? []) {
    const line = logLines(log.lines).find(l =>
      /Skipping deleting pod: \S+/.test(l),
    );
    if (line) {
      evidenceList.push(evidence(taskLogObject(log), 'task log', line));
      break;
    }
  }
  const selector = `kubernetes_pod_operator=True,dag_id in (${dagIds
    .map(makeSafeLabelValue)
    .join(',')})`;
  return found(id, [
    {
      id,
      severity: 'warning',
      title: `${finished.length} finished KubernetesPodOperator pod(s) of this crawler are left in ${ns}`,
      summary:
        'Finished pods are kept when on_finish_action is "keep_pod" (or "delete_succeeded_pod" for failed ones), or when a worker died before its cleanup; on Fargate each keeps its node and costs. is_delete_operator_pod is ignored.',
      dagIds,
      evidence: evidenceList,
      fix: {
        text: `Use on_finish_action="delete_pod" in the DAG, and delete the leftovers by label (or with the Pods section's cleanup).`,
        snippet: {
          language: 'shell',
          code: [
            `kubectl delete pods --namespace ${ns} -l '${selector}' \\`,
            '  --field-selector=status.phase!=Running,status.phase!=Pending',
            '# in the DAG: KubernetesPodOperator(..., on_finish_action="delete_pod")',
          ].join('\n'),
        },
      },
    },
  ]);
};

/**
 * `import-error` (§8, §9 row 9): a DAG file of the crawler does not import — the importErrors API (`filename`,
 * `stack_trace` starting `Traceback (most recent call last):`, `timestamp`, `bundle_name` on v2), and DAGs with
 * `has_import_errors`. Only the crawler's files (its claims) are shown.
 */
export const checkImportError: DiagnosisCheck = input => {
  const id = 'import-error';
  if (!input.importErrors) {
    return unknown(
      id,
      input.unavailable.importErrors ?? 'import errors could not be read',
    );
  }
  const flagged = input.dags.filter(d => d.hasImportErrors);
  if (!input.importErrors.length && !flagged.length) {
    return found(id, []);
  }
  const evidenceList: CrawlersFindingEvidence[] = input.importErrors
    .slice(0, 5)
    .map(e => {
      const lines = e.stackTrace.trim().split('\n');
      return evidence(
        `Import error ${e.filename}${
          e.bundleName ? ` (bundle ${e.bundleName})` : ''
        }`,
        `stack_trace${e.timestamp ? `, ${e.timestamp}` : ''}`,
        `${lines[0]} … ${lines.slice(-3).join(' | ')}`,
      );
    });
  for (const dag of flagged) {
    evidenceList.push(
      evidence(`DAG ${dag.dagId}`, 'has_import_errors', 'true'),
    );
  }
  const files = input.importErrors.map(e => e.filename);
  const last = input.importErrors[0]?.stackTrace.trim().split('\n').pop();
  return found(id, [
    {
      id,
      severity: 'error',
      title: `${
        files.length || flagged.length
      } DAG file(s) of this crawler do not import${
        files.length ? `: ${files.join(', ')}` : ''
      }`,
      summary: `Airflow cannot load the file, so its DAG is missing from the UI and the API${
        last ? ` (${last.trim()})` : ''
      }.`,
      dagIds: flagged.map(d => d.dagId),
      evidence: evidenceList,
      fix: {
        text: 'Fix the error the stack trace names, check the file locally, and push; git-sync brings it to Airflow.',
        snippet: {
          language: 'shell',
          code: [
            ...files.map(
              f =>
                `python -m py_compile ${f.replace(
                  /^\/opt\/airflow\/dags\/repo\//,
                  '',
                )}`,
            ),
            'airflow dags list-import-errors',
          ].join('\n'),
        },
      },
    },
  ]);
};
