/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AIRFLOW_NAMESPACE } from '../airflow/podTemplate';
import { deletePod, listPods } from './kube';
import { Scenario } from './types';
import { setTemplateScenario } from './workerTemplate';

/**
 * §9 row 4: a custom worker pod template without git-sync (no `git-sync-init`, no `dags` volume or mount): the
 * worker pod has no DAG files and fails with "Dag not found" (Airflow 2's AirflowException, Airflow 3's structured
 * `Dag not found during start up`) while the scheduler and UI show the DAG.
 */
export const workerWithoutDags: Scenario = {
  id: 'worker-without-dags',
  summary:
    "the crawler's Airflow worker pod template has no git-sync-init / dags volume → the worker fails with Dag not found",
  scope:
    "the pod template of the crawler's Airflow: every DAG of that Airflow (news-crawler: Airflow 2, price-crawler: Airflow 3)",
  async break(ctx, crawler) {
    const changed = await setTemplateScenario(
      ctx,
      crawler.airflow,
      'worker-without-dags',
      true,
    );
    ctx.note(
      `scope: every DAG of ${crawler.airflow} (one pod template per Airflow)`,
    );
    return { changed, runId: await ctx.triggerRun(crawler) };
  },
  async heal(ctx, crawler) {
    const changed = await setTemplateScenario(
      ctx,
      crawler.airflow,
      'worker-without-dags',
      false,
    );
    // The failed workers are kept (delete_worker_pods_on_failure=False): delete those that had no DAG files.
    const failed = (
      await listPods(
        ctx,
        AIRFLOW_NAMESPACE,
        `component=worker,release=${crawler.airflow}`,
      )
    ).filter(
      p =>
        p.status?.phase === 'Failed' &&
        !(p.spec?.initContainers ?? []).some(c => c.name === 'git-sync-init'),
    );
    for (const pod of failed) {
      await deletePod(ctx, AIRFLOW_NAMESPACE, pod.metadata!.name!);
    }
    if (failed.length) {
      ctx.note(
        `Kubernetes: deleted ${
          failed.length
        } failed worker pod(s) without DAG files (${failed
          .map(p => p.metadata!.name)
          .join(', ')})`,
      );
    }
    return { changed: changed || failed.length > 0 };
  },
};
