/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Scenario } from './types';
import { setTemplateScenario } from './workerTemplate';

/**
 * §9 row 3: the KubernetesExecutor's worker pod template loses the `base` container's `image`; with no
 * `worker_container_repository`/`worker_container_tag` default the API rejects each worker pod with 422 and the
 * scheduler fails the task (`Pod creation failed with reason 'Unprocessable Entity'. Failing task`).
 */
export const workerImageMissing: Scenario = {
  id: 'worker-image-missing',
  summary:
    "the crawler's Airflow worker pod template has no base image → 422, the scheduler fails the task",
  scope:
    "the pod template of the crawler's Airflow: every DAG of that Airflow (news-crawler: Airflow 2, price-crawler: Airflow 3)",
  async break(ctx, crawler) {
    const changed = await setTemplateScenario(
      ctx,
      crawler.airflow,
      'worker-image-missing',
      true,
    );
    ctx.note(
      `scope: every DAG of ${crawler.airflow} (one pod template per Airflow)`,
    );
    return { changed, runId: await ctx.triggerRun(crawler) };
  },
  async heal(ctx, crawler) {
    // Nothing to clear: the API never created a worker pod.
    return {
      changed: await setTemplateScenario(
        ctx,
        crawler.airflow,
        'worker-image-missing',
        false,
      ),
    };
  },
};
