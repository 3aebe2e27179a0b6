/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { dagClaimTag } from '@crawler-platform/plugin-crawlers-node';
import { checkDagFile } from '../lib/dagChecks';
import type { CrawlersScaffolderDeps } from '../lib/deps';
import {
  fargateCapacity,
  fargateChoices,
  isFargatePair,
  parseCpuQuantity,
  parseMemoryQuantityGiB,
} from '../lib/fargate';
import { normalizeEntityRef } from '../lib/ownership';
import { pyCompile } from '../lib/pyCompile';
import { readDagFile } from '../lib/python/dagFile';
import { PySyntaxError } from '../lib/python/tokenize';
import { workspacePath } from '../lib/workspace';
import { examples } from './crawlersDagValidate.examples';

const ON_FINISH_ACTIONS = [
  'delete_pod',
  'delete_succeeded_pod',
  'keep_pod',
] as const;

/** The form's Fargate size, checked to be one of Fargate's combinations. */
function formSize(cpu: string, memory: string) {
  const vcpu = parseCpuQuantity(cpu);
  const memoryGiB = parseMemoryQuantityGiB(memory);
  if (vcpu === undefined) {
    throw new InputError(
      `cpu "${cpu}" is not a Kubernetes CPU quantity; use e.g. "250m", "0.5" or "1"`,
    );
  }
  if (memoryGiB === undefined) {
    throw new InputError(
      `memory "${memory}" is not a Kubernetes memory quantity; use e.g. "512Mi" or "2Gi"`,
    );
  }
  if (!isFargatePair(vcpu, memoryGiB)) {
    throw new InputError(
      `cpu ${cpu} / memory ${memory} (${vcpu} vCPU / ${memoryGiB} GiB) is not a Fargate size; ${fargateChoices(
        vcpu,
      )}`,
    );
  }
  const capacity = fargateCapacity(vcpu, memoryGiB);
  if (!capacity) {
    throw new InputError(
      `cpu ${cpu} / memory ${memory} leaves no room for the 256 MB Fargate adds to every pod; choose a smaller memory`,
    );
  }
  return { vcpu, memoryGiB, capacity };
}

/**
 * `crawlers:dag:validate`: compiles a crawler's DAG file with `python3 -m py_compile` (a warning output says so when
 * no interpreter is available) and checks statically that its DAG and KubernetesPodOperator arguments match the
 * form: dag_id, namespace, image, service account, labels, on_finish_action, container_resources (requests = limits
 * on a Fargate size) and the entity's claim tag.
 *
 * @public
 */
export function createCrawlersDagValidateAction(
  options: Pick<CrawlersScaffolderDeps, 'settings'>,
) {
  const { python, timeoutMs } = options.settings.dagValidation;
  return createTemplateAction({
    id: 'crawlers:dag:validate',
    description:
      'Checks a crawler’s DAG file before it is published: compiles it with python3 -m py_compile (a warning says so ' +
      'when python3 is missing) and reads its DAG and KubernetesPodOperator arguments statically — dag_id, namespace, ' +
      'image, service account, labels, on_finish_action, container_resources (requests = limits on a Fargate size) ' +
      'and the claim tag must match the form. Fails with every mismatch listed.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .describe(
              'The DAG file in the workspace, relative to it (rendered by fetch:template), e.g. dag/news_crawler.py.',
            ),
        entityRef: z =>
          z
            .string()
            .describe(
              'The crawler entity, e.g. component:default/news-crawler; the DAG’s tags must carry its claim tag.',
            ),
        dagId: z => z.string().describe('The dag_id the file must define.'),
        namespace: z =>
          z
            .string()
            .describe(
              'Kubernetes namespace the KubernetesPodOperator must use.',
            ),
        image: z =>
          z
            .string()
            .describe(
              'Worker image the KubernetesPodOperator must run (the ECR image URI).',
            ),
        serviceAccountName: z =>
          z
            .string()
            .describe(
              'service_account_name the KubernetesPodOperator must use.',
            ),
        labels: z =>
          z
            .record(z.string())
            .optional()
            .describe(
              'Labels the pods must carry; the file may add more. Default: none checked.',
            ),
        onFinishAction: z =>
          z
            .enum(ON_FINISH_ACTIONS)
            .optional()
            .describe(
              'on_finish_action the file must set explicitly. Default: delete_pod.',
            ),
        cpu: z =>
          z
            .string()
            .describe(
              'CPU of the crawler container (requests = limits), e.g. "250m" or "1"; with memory a Fargate size.',
            ),
        memory: z =>
          z
            .string()
            .describe(
              'Memory of the crawler container (requests = limits), e.g. "512Mi" or "2Gi"; with cpu a Fargate size.',
            ),
      },
      output: {
        dagId: z => z.string().describe('The validated dag_id.'),
        compiled: z =>
          z
            .boolean()
            .describe(
              'Whether python3 -m py_compile ran and passed (false when no interpreter was available).',
            ),
        warnings: z =>
          z
            .array(z.string())
            .describe(
              'Things that passed but deserve a look, including "python3 was not found … not compiled".',
            ),
        capacityProvisioned: z =>
          z
            .string()
            .describe(
              'The size Fargate will provision for the pod (requests + 256 MB, rounded up), e.g. "0.25vCPU 1GB".',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const file = await workspacePath(ctx.workspacePath, input.path, {
        field: 'path',
        kind: 'file',
      });
      const entityRef = normalizeEntityRef(input.entityRef);
      const size = formSize(input.cpu, input.memory);
      const source = await fs.readFile(file, 'utf8');
      ctx.logger.info(
        `Validating ${input.path} for ${entityRef} (DAG ${input.dagId})`,
      );

      const warnings: string[] = [];
      const compiled = await pyCompile({
        python,
        file,
        timeoutMs,
        signal: ctx.signal,
      });
      if (compiled.status === 'failed') {
        throw new InputError(
          `${input.path} does not compile:\n${compiled.message}`,
        );
      }
      if (compiled.status === 'unavailable') {
        const warning = `${compiled.message}: ${input.path} was NOT compiled; only the static checks ran`;
        warnings.push(warning);
        ctx.logger.warn(warning);
      } else {
        ctx.logger.info(`${input.path} compiles (${python} -m py_compile)`);
      }

      let reading;
      try {
        reading = readDagFile(source);
      } catch (e) {
        if (e instanceof PySyntaxError) {
          throw new InputError(`${input.path} cannot be read: ${e.message}`);
        }
        throw e;
      }
      const result = checkDagFile(reading, {
        dagId: input.dagId,
        namespace: input.namespace,
        image: input.image,
        serviceAccountName: input.serviceAccountName,
        labels: input.labels ?? {},
        onFinishAction: input.onFinishAction ?? 'delete_pod',
        vcpu: size.vcpu,
        memoryGiB: size.memoryGiB,
        claimTag: dagClaimTag(entityRef),
      });
      for (const w of result.warnings) {
        ctx.logger.warn(w);
      }
      warnings.push(...result.warnings);
      if (result.errors.length) {
        throw new InputError(
          `${input.path} does not match the form (${
            result.errors.length
          } problem${
            result.errors.length > 1 ? 's' : ''
          }):\n- ${result.errors.join('\n- ')}`,
        );
      }
      ctx.logger.info(
        `${input.path} defines ${input.dagId} as the form says (${reading.podOperators.length} KubernetesPodOperator task(s))`,
      );
      ctx.output('dagId', input.dagId);
      ctx.output('compiled', compiled.status === 'compiled');
      ctx.output('warnings', warnings);
      ctx.output('capacityProvisioned', size.capacity);
    },
  });
}
