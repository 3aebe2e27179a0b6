/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { JsonValue } from '@backstage/types';
import type {
  CrawlersAirflowResponse,
  CrawlersUpstreamError,
} from '@crawler-platform/plugin-crawlers-common';
import type { DiagnosisTaskLog } from '@crawler-platform/plugin-crawlers-node';
import type { AirflowCache } from '../AirflowCache';
import type {
  CrawlerAirflowService,
  CrawlerTarget,
} from '../CrawlerAirflowService';
import { describeUpstreamError } from '../CrawlerAirflowService/upstreamErrors';

/** Describes an Airflow failure, including the route errors of the Airflow service (which carry their status). */
function describe(error: unknown): { status: number; message: string } {
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && error instanceof Error) {
    return { status: statusCode, message: error.message.slice(0, 500) };
  }
  if (error instanceof Error && error.name === 'NotAllowedError') {
    return { status: 403, message: error.message.slice(0, 500) };
  }
  return describeUpstreamError(error);
}

/** Failed tries read per run at most (a crawler DAG has few tasks). */
const MAX_FAILED_TRIES = 3;
/** Log chunks read per try at most (the failure is at the end of the log). */
const MAX_LOG_CHUNKS = 3;
const FINISHED = new Set(['success', 'failed']);
const FAILED_TRY = new Set(['failed', 'up_for_retry']);

/**
 * The failure lines of the latest finished run of each claimed DAG, when that run failed: its failed tries' task logs
 * (through the entity-scoped Airflow service, so claims hold), flattened to lines and cut to the last `maxLines`.
 * A finished try's log never changes; it is cached under `crawlers.cache.logsTtlMs` all the same.
 */
export async function readFailedTaskLogs(options: {
  target: CrawlerTarget;
  overview: CrawlersAirflowResponse;
  crawlerAirflow: CrawlerAirflowService;
  cache: AirflowCache;
  maxLines: number;
}): Promise<{
  logs: DiagnosisTaskLog[];
  errors: CrawlersUpstreamError[];
}> {
  const { target, overview, crawlerAirflow, cache, maxLines } = options;
  const errors: CrawlersUpstreamError[] = [];
  const perDag = await Promise.all(
    overview.dags
      .filter(d => d.claim?.holds)
      .map(async (dag): Promise<DiagnosisTaskLog[]> => {
        const latest = dag.recentRuns.find(r => FINISHED.has(r.state));
        if (latest?.state !== 'failed') {
          return [];
        }
        let tries;
        try {
          const tis = await crawlerAirflow.listTaskInstances(
            target,
            dag.dagId,
            latest.runId,
          );
          errors.push(...tis.errors);
          tries = tis.taskInstances
            .filter(t => FAILED_TRY.has(t.state ?? ''))
            .slice(0, MAX_FAILED_TRIES);
        } catch (error) {
          errors.push({
            source: `taskInstances:${dag.dagId}/${latest.runId}`,
            ...describe(error),
          });
          return [];
        }
        const logs = await Promise.all(
          tries.map(async ti => {
            const key = `task:${latest.runId}/${ti.taskId}/${ti.mapIndex}/${ti.tryNumber}`;
            const result = await cache.read(
              { instance: overview.instance.name, dagId: dag.dagId },
              'logs',
              key,
              async () => {
                const lines: string[] = [];
                let token: string | undefined;
                for (let chunk = 0; chunk < MAX_LOG_CHUNKS; chunk++) {
                  const res = await crawlerAirflow.getTaskLog(
                    target,
                    dag.dagId,
                    latest.runId,
                    ti.taskId,
                    ti.tryNumber,
                    {
                      token,
                      mapIndex: ti.mapIndex >= 0 ? ti.mapIndex : undefined,
                    },
                  );
                  const before = lines.length;
                  lines.push(
                    ...res.log.lines.flatMap(l => l.message.split('\n')),
                  );
                  token = res.log.continuationToken ?? undefined;
                  if (!token || lines.length === before) break;
                }
                return lines.slice(-maxLines) as unknown as JsonValue;
              },
            );
            if (!result.value) {
              errors.push({
                source: `taskLog:${dag.dagId}/${latest.runId}/${ti.taskId}/${ti.tryNumber}`,
                ...describe(result.error),
              });
              return undefined;
            }
            return {
              dagId: dag.dagId,
              runId: latest.runId,
              taskId: ti.taskId,
              tryNumber: ti.tryNumber,
              lines: result.value as unknown as string[],
            };
          }),
        );
        return logs.filter((l): l is DiagnosisTaskLog => !!l);
      }),
  );
  return { logs: perDag.flat(), errors };
}
