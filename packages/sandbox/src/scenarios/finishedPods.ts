/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { makeSafeLabelValue } from '../airflow/labels';
import { DagFileEdit, editDagFileAndSync } from './dagFiles';
import { deletePod, listPods } from './kube';
import { Scenario } from './types';

/** The DAG file edit: the operator keeps its pod after the task (domain-facts §4 `on_finish_action`). */
export const KEEP_POD_EDIT: DagFileEdit = {
  healthy: 'on_finish_action="delete_pod"',
  broken: 'on_finish_action="keep_pod"',
  what: 'on_finish_action="keep_pod" (the operator keeps its pods)',
  undo: 'on_finish_action="delete_pod" again',
};

/**
 * §9 row 8: the crawler's DAG sets `on_finish_action="keep_pod"` (a commit to the DAG repository): every finished
 * operator pod stays (`Completed`/`Error`, each on its own Fargate node) and the task log says `Skipping deleting
 * pod: <name>`. Heal commits `delete_pod` back and deletes the kept pods by label, as an operator cleans up
 * (`kubernetes_pod_operator=True,dag_id=<make_safe_label_value(dag_id)>`).
 */
export const finishedPods: Scenario = {
  id: 'finished-pods',
  summary:
    "the crawler's DAG keeps its operator pods (on_finish_action=keep_pod) → finished pods pile up",
  scope: "the crawler's DAG file only",
  async break(ctx, crawler) {
    const changed = await editDagFileAndSync(
      ctx,
      crawler,
      KEEP_POD_EDIT,
      'break',
    );
    return { changed, runId: await ctx.triggerRun(crawler) };
  },
  async heal(ctx, crawler) {
    const changed = await editDagFileAndSync(
      ctx,
      crawler,
      KEEP_POD_EDIT,
      'heal',
    );
    const kept = (
      await listPods(
        ctx,
        crawler.namespace,
        `kubernetes_pod_operator=True,dag_id=${makeSafeLabelValue(
          crawler.dagId,
        )}`,
      )
    ).filter(p => ['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
    for (const pod of kept) {
      await deletePod(ctx, crawler.namespace, pod.metadata!.name!);
    }
    if (kept.length) {
      ctx.note(
        `Kubernetes: deleted ${kept.length} finished operator pod(s) of ${
          crawler.dagId
        } in ${crawler.namespace} (${kept
          .map(p => p.metadata!.name)
          .join(', ')})`,
      );
    }
    return { changed: changed || kept.length > 0 };
  },
};
