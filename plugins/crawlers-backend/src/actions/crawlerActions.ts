/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  CRAWLERS_FINDING_IDS,
  crawlersAirflowReadPermission,
} from '@crawler-platform/plugin-crawlers-common';
import type { CrawlerDiagnosisService } from '../services/CrawlerDiagnosisService';
import type { CrawlerOverviewService } from '../services/CrawlerOverviewService';
import { CrawlerTargetResolver, parseCrawlerRef } from '../targets';

/** The zod the actions registry hands to schema functions. */
type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

const entityRefInput = (z: Zod) =>
  z.object({
    entityRef: z
      .string()
      .min(1)
      .max(300)
      .describe(
        'The crawler\'s catalog entity ref, e.g. "component:default/news-crawler" (kind defaults to component and namespace to default, so "news-crawler" works too).',
      ),
  });

const upstreamError = (z: Zod) =>
  z
    .object({
      source: z
        .string()
        .describe(
          'What could not be read, e.g. "dag:<id>", "aws:fargateProfiles", "rbac:<namespace>"',
        ),
      status: z.number().describe('HTTP-like status of the failure'),
      message: z.string(),
      severity: z.enum(['error', 'warning']).optional(),
    })
    .describe(
      'A part of the state that could not be read (the rest is still answered)',
    );

const finding = (z: Zod) =>
  z.object({
    id: z
      .enum(CRAWLERS_FINDING_IDS)
      .describe('Which of the nine field failures this is'),
    severity: z.enum(['error', 'warning', 'info']),
    title: z.string().describe('The problem, naming the object'),
    variant: z
      .string()
      .optional()
      .describe(
        'Which cause, when the failure has several (e.g. ecr-repository-policy, ref-trap)',
      ),
    summary: z.string(),
    dagIds: z.array(z.string()),
    evidence: z
      .array(
        z.object({
          object: z
            .string()
            .describe(
              'The exact object, e.g. "Pod crawler-news/news-crawler-abc"',
            ),
          where: z.string().describe('Field, event or log in the object'),
          text: z.string().describe('What it says, quoted'),
        }),
      )
      .describe('What the live state shows'),
    fix: z.object({
      text: z.string(),
      snippet: z.object({
        language: z.enum(['yaml', 'shell', 'json', 'python']),
        code: z.string().describe('YAML to apply or a command to run'),
      }),
    }),
  });

const section = (z: Zod, description: string) =>
  z
    .object({
      data: z
        .unknown()
        .describe(`${description}; null when the section could not be read`),
      fetchedAt: z.string().nullable(),
      stale: z.boolean(),
      errors: z.array(upstreamError(z)),
    })
    .describe(description);

/** Registers the crawlers plugin's read-only AI tools: `get-crawler-status` and `diagnose-crawler`. */
export function registerCrawlerActions(options: {
  actionsRegistry: ActionsRegistryService;
  resolveCrawlerTarget: CrawlerTargetResolver;
  crawlerOverview: CrawlerOverviewService;
  crawlerDiagnosis: CrawlerDiagnosisService;
}) {
  const { actionsRegistry, resolveCrawlerTarget } = options;

  actionsRegistry.register({
    name: 'get-crawler-status',
    title: 'Get crawler status',
    description: [
      'Current status of one crawler: a Backstage catalog Component of spec.type crawler whose Airflow DAGs run as',
      "pods on EKS Fargate. Returns, read live: each DAG's latest run (state, start, end), next run and paused state;",
      'whether git-sync has synced the head of the DAG repository (or is behind or failing, and since when); the',
      "crawler's pods by phase with their problems; and the diagnosis summary (findings by severity and the top three).",
      'Call it first when someone asks how a crawler is doing, whether its last run worked, when it runs next, or',
      'whether a DAG change has arrived. When it reports findings or failing runs, call diagnose-crawler for the',
      'evidence and fixes. Read-only; answers only for crawlers the caller may read (otherwise an error, no data).',
    ].join(' '),
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: entityRefInput,
      output: z =>
        z.object({
          entityRef: z.string(),
          instance: z
            .string()
            .describe('The Airflow instance the crawler runs on'),
          dags: section(
            z,
            'Per DAG: claimHolds, isPaused, latestRun, nextRunAfter, nextRunLogicalDate',
          ),
          gitSync: section(
            z,
            'git-sync state (in-sync, behind, failing, unknown), reason, synced and head commit, traps',
          ),
          pods: section(
            z,
            'Pods: total, byPhase, problems (name, reason), finishedOperatorPods',
          ),
          diagnosis: section(
            z,
            'Findings: counts by severity, top three findings, checks that could not run',
          ).optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const target = await resolveCrawlerTarget(
        credentials,
        parseCrawlerRef(input.entityRef),
        crawlersAirflowReadPermission,
      );
      const overview = await options.crawlerOverview.getOverview(target);
      return { output: overview };
    },
  });

  actionsRegistry.register({
    name: 'diagnose-crawler',
    title: 'Diagnose a crawler',
    description: [
      'Explains why a crawler (a catalog Component of spec.type crawler: Airflow DAGs running on EKS Fargate, DAGs',
      'synced by git-sync) fails, from live Airflow, Kubernetes and AWS state. Nine checks: image pull 403 (ECR pod',
      'execution role or repository policy, or a missing pull secret) or image not found; pods/log forbidden (RBAC of',
      'Airflow\'s worker service account); worker pod template without image (422) or without DAG files ("DAG not',
      'found" on workers); pods Pending because no Fargate profile matches; private subnets without NAT egress;',
      'git-sync credentials or the branch/ref trap; finished pods piling up; DAG import errors. Each finding names the',
      'exact object, quotes the evidence (object, field, text) and gives the fix as a YAML snippet or a command;',
      'checks that could not read their state are listed as unknown with the reason. Call it when runs fail, pods',
      'are stuck, a DAG is missing or get-crawler-status reports findings, before suggesting changes. Read-only;',
      'answers only for crawlers the caller may read (otherwise an error, no data).',
    ].join(' '),
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: entityRefInput,
      output: z =>
        z.object({
          entityRef: z.string(),
          instance: z.string(),
          cluster: z.string().nullable(),
          findings: z.array(finding(z)).describe('The most severe first'),
          checks: z
            .array(
              z.object({
                id: z.enum(CRAWLERS_FINDING_IDS),
                status: z.enum(['ok', 'finding', 'unknown']),
                reason: z.string().optional(),
              }),
            )
            .describe(
              'One per check: ok, finding, or unknown (with what could not be read)',
            ),
          fetchedAt: z.string().nullable(),
          stale: z.boolean(),
          errors: z.array(upstreamError(z)),
        }),
    },
    action: async ({ input, credentials }) => {
      const target = await resolveCrawlerTarget(
        credentials,
        parseCrawlerRef(input.entityRef),
        crawlersAirflowReadPermission,
      );
      return { output: await options.crawlerDiagnosis.diagnose(target) };
    },
  });
}
