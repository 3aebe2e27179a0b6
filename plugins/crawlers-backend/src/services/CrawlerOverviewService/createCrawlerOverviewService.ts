/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import type {
  CrawlersAirflowResponse,
  CrawlersFindingSeverity,
  CrawlersOverviewDag,
  CrawlersOverviewDiagnosis,
  CrawlersOverviewGitSync,
  CrawlersOverviewPods,
  CrawlersOverviewResponse,
  CrawlersOverviewSection,
} from '@crawler-platform/plugin-crawlers-common';
import type { AirflowService } from '@crawler-platform/plugin-crawlers-node';
import type {
  CrawlerAirflowService,
  CrawlerTarget,
} from '../CrawlerAirflowService';
import {
  createKubeReadScope,
  CrawlerKubernetesService,
} from '../CrawlerKubernetesService';
import type { CrawlerDiagnosisService } from '../CrawlerDiagnosisService';

/** Findings the overview shows. */
export const TOP_FINDINGS = 3;

/** The overview of a crawler: what its owners look at first. */
export interface CrawlerOverviewService {
  getOverview(target: CrawlerTarget): Promise<CrawlersOverviewResponse>;
}

/**
 * Runs one section; a section that throws (an unknown instance, a bug) becomes that section's error, so one failing
 * source never hides the others.
 */
async function section<S, T>(
  source: string,
  logger: LoggerService,
  read: () => Promise<S>,
  map: (value: S) => CrawlersOverviewSection<T>,
): Promise<CrawlersOverviewSection<T>> {
  let value: S;
  try {
    value = await read();
  } catch (error) {
    const statusCode = (error as { statusCode?: unknown })?.statusCode;
    const known = isError(error) && error.name === 'NotFoundError';
    let status = 500;
    let message = `The ${source} section could not be read`;
    if (known) {
      status = 404;
      message = (error as Error).message;
    } else if (typeof statusCode === 'number') {
      status = statusCode;
      message = (error as Error).message;
    } else {
      logger.warn('An overview section failed', {
        source,
        error: String(error),
      });
    }
    return {
      data: null,
      fetchedAt: null,
      stale: false,
      errors: [{ source, status, message }],
    };
  }
  return map(value);
}

/** Creates the overview service over the Airflow and Kubernetes services. */
export function createCrawlerOverviewService(options: {
  airflow: AirflowService;
  crawlerAirflow: CrawlerAirflowService;
  crawlerKubernetes: CrawlerKubernetesService;
  crawlerDiagnosis: CrawlerDiagnosisService;
  logger: LoggerService;
}): CrawlerOverviewService {
  const {
    airflow,
    crawlerAirflow,
    crawlerKubernetes,
    crawlerDiagnosis,
    logger,
  } = options;
  return {
    async getOverview(target) {
      const instance = airflow.getInstance(target.instance).name;
      // The git-sync, pods and diagnosis sections share their identical reads (the Airflow namespace's events, the DAG
      // claims, git-sync, the pods), and the diagnosis reads the Airflow section's answer.
      const kubeReads = createKubeReadScope();
      const airflowOverview: Promise<CrawlersAirflowResponse> =
        crawlerAirflow.getOverview(target);
      // Handled by both sections; never an unhandled rejection when one of them has not awaited it yet.
      airflowOverview.catch(() => undefined);
      const [dags, gitSync, pods, diagnosis] = await Promise.all([
        section(
          'airflow',
          logger,
          () => airflowOverview,
          (a): CrawlersOverviewSection<CrawlersOverviewDag[]> => {
            const times = a.dags
              .map(d => d.fetchedAt)
              .filter((t): t is string => !!t)
              .sort();
            return {
              data: a.dags.map(d => ({
                dagId: d.dagId,
                claimHolds: d.claim?.holds ?? false,
                isPaused: d.dag?.isPaused ?? null,
                latestRun: d.recentRuns[0] ?? null,
                nextRunAfter: d.dag?.nextRunAfter ?? null,
                nextRunLogicalDate: d.dag?.nextRunLogicalDate ?? null,
              })),
              fetchedAt: times[0] ?? null,
              stale: a.dags.some(d => d.stale),
              errors: [
                ...a.dags.flatMap(d => d.errors),
                ...a.errors.filter(e => e.source === 'apiVersion'),
              ],
            };
          },
        ),
        section(
          'gitSync',
          logger,
          () => crawlerKubernetes.getGitSync(target, kubeReads),
          (g): CrawlersOverviewSection<CrawlersOverviewGitSync> => ({
            data: {
              state: g.state,
              reason: g.reason,
              syncedCommit: g.syncedCommit,
              headCommit: g.head?.commit ?? null,
              behind: g.behind,
              failCount: g.failCount,
              traps: g.traps,
            },
            fetchedAt: g.fetchedAt,
            stale: g.stale,
            errors: g.errors,
          }),
        ),
        section(
          'pods',
          logger,
          () => crawlerKubernetes.listPods(target, kubeReads),
          (p): CrawlersOverviewSection<CrawlersOverviewPods> => {
            const byPhase: Record<string, number> = {};
            for (const pod of p.pods) {
              byPhase[pod.phase] = (byPhase[pod.phase] ?? 0) + 1;
            }
            const configured = !p.errors.some(
              e => e.source === 'kubernetes:config',
            );
            return {
              data: configured
                ? {
                    total: p.pods.length,
                    byPhase,
                    problems: p.pods
                      .filter(pod => pod.problem)
                      .map(pod => ({
                        name: pod.name,
                        namespace: pod.namespace,
                        kind: pod.kind,
                        dagId: pod.dagId,
                        reason: pod.problemReason ?? '',
                      })),
                    finishedOperatorPods: p.pods.filter(
                      pod =>
                        pod.kind === 'operator' &&
                        (pod.phase === 'Succeeded' || pod.phase === 'Failed'),
                    ).length,
                  }
                : null,
              fetchedAt: p.fetchedAt,
              stale: p.stale,
              errors: p.errors,
            };
          },
        ),
        section(
          'diagnosis',
          logger,
          () =>
            crawlerDiagnosis.diagnose(target, {
              scope: kubeReads,
              airflow: airflowOverview,
            }),
          (d): CrawlersOverviewSection<CrawlersOverviewDiagnosis> => {
            const counts: Record<CrawlersFindingSeverity, number> = {
              error: 0,
              warning: 0,
              info: 0,
            };
            for (const f of d.findings) {
              counts[f.severity]++;
            }
            return {
              data: {
                counts,
                top: d.findings.slice(0, TOP_FINDINGS),
                unknownChecks: d.checks
                  .filter(c => c.status === 'unknown')
                  .map(c => c.id),
              },
              fetchedAt: d.fetchedAt,
              stale: d.stale,
              errors: d.errors,
            };
          },
        ),
      ]);
      return {
        entityRef: target.entityRef,
        instance,
        dags,
        gitSync,
        pods,
        diagnosis,
      };
    },
  };
}
