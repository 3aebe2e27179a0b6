/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  fargateChoices,
  isFargatePair,
  parseCpuQuantity,
  parseMemoryQuantityGiB,
} from './fargate';
import { literalOf, PyCall, PyValue } from './python/parse';
import { DagFileReading } from './python/dagFile';

/** What the form says the DAG file must contain. */
export type DagExpectations = {
  dagId: string;
  namespace: string;
  image: string;
  serviceAccountName: string;
  /** Labels every pod of the crawler must carry (the file may add more). */
  labels: Record<string, string>;
  onFinishAction: string;
  /** Fargate size: requests = limits = these. */
  vcpu: number;
  memoryGiB: number;
  claimTag: string;
};

/** The outcome of the static checks. */
export type DagCheckResult = { errors: string[]; warnings: string[] };

const POD_MODULE = 'airflow.providers.cncf.kubernetes.operators.pod';
const show = (v: unknown) =>
  v === undefined ? 'not a literal' : JSON.stringify(v);

function taskName(
  call: PyCall,
  constants: DagFileReading['constants'],
): string {
  const id = call.kwargs.task_id
    ? literalOf(call.kwargs.task_id, constants)
    : undefined;
  return `KubernetesPodOperator ${
    typeof id === 'string' ? `task "${id}"` : 'call'
  } (line ${call.line})`;
}

function checkResources(
  where: string,
  value: PyValue | undefined,
  expected: DagExpectations,
  constants: DagFileReading['constants'],
  errors: string[],
) {
  if (!value) {
    errors.push(
      `${where}: container_resources is missing; set k8s.V1ResourceRequirements(requests=…, limits=…) with cpu ` +
        `${expected.vcpu} and memory ${expected.memoryGiB * 1024}Mi in both`,
    );
    return;
  }
  if (
    value.kind !== 'call' ||
    !/(^|\.)V1ResourceRequirements$/.test(value.call.callee)
  ) {
    errors.push(
      `${where}: container_resources must be a k8s.V1ResourceRequirements(...) call (line ${value.line})`,
    );
    return;
  }
  const requests = literalOf(
    value.call.kwargs.requests ?? { kind: 'none', line: 0 },
    constants,
  ) as Record<string, unknown> | null | undefined;
  const limits = literalOf(
    value.call.kwargs.limits ?? { kind: 'none', line: 0 },
    constants,
  ) as Record<string, unknown> | null | undefined;
  for (const [name, part] of [
    ['requests', requests],
    ['limits', limits],
  ] as const) {
    if (!part || typeof part !== 'object') {
      errors.push(
        `${where}: container_resources.${name} must be a literal dict with "cpu" and "memory"`,
      );
      continue;
    }
    const cpu =
      typeof part.cpu === 'string' || typeof part.cpu === 'number'
        ? parseCpuQuantity(String(part.cpu))
        : undefined;
    const mem =
      typeof part.memory === 'string'
        ? parseMemoryQuantityGiB(part.memory)
        : undefined;
    if (cpu === undefined || mem === undefined) {
      errors.push(
        `${where}: container_resources.${name} needs "cpu" and "memory" quantities, got cpu ${show(
          part.cpu,
        )}, memory ${show(part.memory)}`,
      );
      continue;
    }
    if (
      Math.abs(cpu - expected.vcpu) > 1e-9 ||
      Math.abs(mem - expected.memoryGiB) > 1e-9
    ) {
      errors.push(
        `${where}: container_resources.${name} is ${cpu} vCPU / ${mem} GiB, the form says ${expected.vcpu} vCPU / ${expected.memoryGiB} GiB`,
      );
    } else if (!isFargatePair(cpu, mem)) {
      errors.push(
        `${where}: ${cpu} vCPU / ${mem} GiB is not a Fargate size; ${fargateChoices(
          cpu,
        )}`,
      );
    }
  }
  if (
    requests &&
    limits &&
    JSON.stringify(requests) !== JSON.stringify(limits)
  ) {
    const same =
      parseCpuQuantity(String(requests.cpu)) ===
        parseCpuQuantity(String(limits.cpu)) &&
      parseMemoryQuantityGiB(String(requests.memory)) ===
        parseMemoryQuantityGiB(String(limits.memory));
    if (!same) {
      errors.push(
        `${where}: container_resources requests and limits differ; Fargate needs them equal (guaranteed QoS)`,
      );
    }
  }
}

function checkPodOperator(
  call: PyCall,
  reading: DagFileReading,
  expected: DagExpectations,
  result: DagCheckResult,
) {
  const { constants } = reading;
  const { errors, warnings } = result;
  const where = taskName(call, constants);
  const kw = call.kwargs;
  if (call.starred) {
    warnings.push(
      `${where}: *args/**kwargs are passed; their content was not checked`,
    );
  }
  const equal = (key: string, want: string) => {
    const got = kw[key] ? literalOf(kw[key], constants) : undefined;
    if (!kw[key]) {
      errors.push(
        `${where}: ${key} is not set; the form says ${JSON.stringify(want)}`,
      );
    } else if (got !== want) {
      errors.push(
        `${where}: ${key} is ${show(got)} (line ${
          kw[key].line
        }), the form says ${JSON.stringify(want)}`,
      );
    }
  };
  equal('namespace', expected.namespace);
  equal('image', expected.image);
  equal('service_account_name', expected.serviceAccountName);
  equal('on_finish_action', expected.onFinishAction);
  if (Object.keys(expected.labels).length) {
    const labels = kw.labels ? literalOf(kw.labels, constants) : undefined;
    if (!labels || typeof labels !== 'object' || Array.isArray(labels)) {
      errors.push(
        `${where}: labels must be a literal dict containing ${JSON.stringify(
          expected.labels,
        )}`,
      );
    } else {
      for (const [key, want] of Object.entries(expected.labels)) {
        const got = (labels as Record<string, unknown>)[key];
        if (got !== want) {
          errors.push(
            `${where}: label ${key} is ${
              got === undefined ? 'missing' : show(got)
            }, the form says ${JSON.stringify(want)}`,
          );
        }
      }
    }
  }
  checkResources(where, kw.container_resources, expected, constants, errors);
  if (kw.is_delete_operator_pod) {
    warnings.push(
      `${where}: is_delete_operator_pod is ignored by the provider (on_finish_action decides); remove it`,
    );
  }
  if (!kw.get_logs || literalOf(kw.get_logs, constants) !== true) {
    warnings.push(
      `${where}: get_logs is not True, so the task log will not show the crawler's output`,
    );
  }
  if (expected.onFinishAction === 'keep_pod') {
    warnings.push(
      `${where}: on_finish_action="keep_pod" keeps finished pods, and Fargate bills them until they are deleted`,
    );
  }
}

/** Compares a static reading of a DAG file with the form's values. */
export function checkDagFile(
  reading: DagFileReading,
  expected: DagExpectations,
): DagCheckResult {
  const result: DagCheckResult = { errors: [], warnings: [] };
  const { errors } = result;
  if (reading.podOperatorImports.some(m => m.endsWith('.kubernetes_pod'))) {
    errors.push(
      `KubernetesPodOperator is imported from operators.kubernetes_pod, which the provider removed; import it from ${POD_MODULE}`,
    );
  } else if (!reading.podOperatorImports.includes(POD_MODULE)) {
    errors.push(
      `KubernetesPodOperator must be imported with "from ${POD_MODULE} import KubernetesPodOperator"`,
    );
  }
  const dag = reading.dags.find(d => d.dagId === expected.dagId);
  if (!dag) {
    const found = reading.dags.map(d =>
      d.dagId
        ? JSON.stringify(d.dagId)
        : `a non-literal dag_id (line ${d.call.line})`,
    );
    errors.push(
      found.length
        ? `No DAG has dag_id ${JSON.stringify(
            expected.dagId,
          )}; the file defines ${found.join(', ')}`
        : 'The file defines no DAG (no DAG(...) or @dag(...) call)',
    );
  } else {
    const tags = dag.call.kwargs.tags
      ? literalOf(dag.call.kwargs.tags, reading.constants)
      : undefined;
    const tagList =
      Array.isArray(tags) && tags.every(t => typeof t === 'string')
        ? (tags as string[])
        : undefined;
    if (!tagList) {
      errors.push(
        `DAG ${
          expected.dagId
        }: tags must be a literal list of strings containing ${JSON.stringify(
          expected.claimTag,
        )}`,
      );
    } else {
      if (
        !tagList.some(t => t.toLowerCase() === expected.claimTag.toLowerCase())
      ) {
        errors.push(
          `DAG ${expected.dagId}: tags lack the claim tag ${JSON.stringify(
            expected.claimTag,
          )} (they are ${JSON.stringify(tagList)})`,
        );
      }
      for (const t of tagList.filter(x => x.length > 100)) {
        errors.push(
          `DAG ${expected.dagId}: tag ${JSON.stringify(
            t,
          )} is longer than Airflow's 100 characters`,
        );
      }
    }
  }
  if (!reading.podOperators.length) {
    errors.push('The file calls no KubernetesPodOperator(...)');
  }
  for (const call of reading.podOperators) {
    checkPodOperator(call, reading, expected, result);
  }
  return result;
}
