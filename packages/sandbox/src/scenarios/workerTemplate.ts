/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { V1ConfigMap } from '@kubernetes/client-node';
import YAML from 'yaml';
import {
  AIRFLOW_NAMESPACE,
  POD_TEMPLATE_KEY,
  podTemplateConfigMap,
} from '../airflow/podTemplate';
import { ScenarioContext } from './context';
import { ScenarioError } from './types';

/** The scenarios that edit the KubernetesExecutor's worker pod template. */
export type TemplateScenario = 'worker-image-missing' | 'worker-without-dags';

/** The template as it was before the first break (restored by the last heal). */
export const HEALTHY_TEMPLATE_ANNOTATION =
  'sandbox.crawler-platform.dev/healthy-pod-template';
/** The template scenarios in effect, comma-separated. */
export const BROKEN_BY_ANNOTATION = 'sandbox.crawler-platform.dev/broken-by';

/**
 * Each scenario's edit of the parsed template (domain-facts §8): the `base` container without `image` (and no
 * `worker_container_*` default: the API answers 422), or a custom template without git-sync (no `git-sync-init`, no
 * `dags` volume or mount: the worker has no DAG files).
 */
const EDITS: Record<TemplateScenario, (pod: any) => void> = {
  'worker-image-missing': pod => {
    const base = (pod?.spec?.containers ?? []).find(
      (c: any) => c?.name === 'base',
    );
    if (base) delete base.image;
  },
  'worker-without-dags': pod => {
    const spec = pod?.spec ?? {};
    spec.initContainers = (spec.initContainers ?? []).filter(
      (c: any) => c?.name !== 'git-sync-init',
    );
    if (spec.initContainers.length === 0) delete spec.initContainers;
    spec.volumes = (spec.volumes ?? []).filter((v: any) => v?.name !== 'dags');
    if (spec.volumes.length === 0) delete spec.volumes;
    for (const c of spec.containers ?? []) {
      c.volumeMounts = (c.volumeMounts ?? []).filter(
        (m: any) => m?.name !== 'dags',
      );
      if (c.volumeMounts.length === 0) delete c.volumeMounts;
    }
  },
};

function brokenBy(cm: V1ConfigMap): TemplateScenario[] {
  return String(cm.metadata?.annotations?.[BROKEN_BY_ANNOTATION] ?? '')
    .split(',')
    .filter((s): s is TemplateScenario => s in EDITS);
}

/** The healthy template text with the edits of `scenarios` applied (in a fixed order). */
function render(healthy: string, scenarios: TemplateScenario[]): string {
  if (scenarios.length === 0) return healthy;
  const pod = YAML.parse(healthy);
  for (const id of Object.keys(EDITS) as TemplateScenario[]) {
    if (scenarios.includes(id)) EDITS[id](pod);
  }
  return YAML.stringify(pod);
}

async function readTemplate(
  ctx: ScenarioContext,
  release: string,
): Promise<V1ConfigMap> {
  try {
    return await ctx.clients.core.readNamespacedConfigMap({
      namespace: AIRFLOW_NAMESPACE,
      name: podTemplateConfigMap(release),
    });
  } catch (e) {
    throw new ScenarioError(
      `cannot read ConfigMap ${AIRFLOW_NAMESPACE}/${podTemplateConfigMap(
        release,
      )} (the ${release} worker pod template; it is created when that Airflow starts): ${
        (e as Error).message
      }`,
    );
  }
}

/**
 * Switches a template scenario on or off in the release's ConfigMap `<release>-pod-template` (key
 * `pod_template_file.yaml`) with a replace through the Kubernetes API. The first break keeps the template as it was
 * in the annotation {@link HEALTHY_TEMPLATE_ANNOTATION}; the scenarios in effect are listed in
 * {@link BROKEN_BY_ANNOTATION}; the last heal writes the kept text back and drops both annotations. Returns whether
 * the ConfigMap changed.
 */
export async function setTemplateScenario(
  ctx: ScenarioContext,
  release: string,
  scenario: TemplateScenario,
  on: boolean,
): Promise<boolean> {
  const cm = await readTemplate(ctx, release);
  const active = brokenBy(cm);
  if (active.includes(scenario) === on) return false;
  const annotations = { ...(cm.metadata?.annotations ?? {}) };
  const current = String(cm.data?.[POD_TEMPLATE_KEY] ?? '');
  const healthy = annotations[HEALTHY_TEMPLATE_ANNOTATION] ?? current;
  const next = on
    ? [...active, scenario]
    : active.filter(id => id !== scenario);
  if (next.length) {
    annotations[HEALTHY_TEMPLATE_ANNOTATION] = healthy;
    annotations[BROKEN_BY_ANNOTATION] = next.join(',');
  } else {
    delete annotations[HEALTHY_TEMPLATE_ANNOTATION];
    delete annotations[BROKEN_BY_ANNOTATION];
  }
  await ctx.clients.core.replaceNamespacedConfigMap({
    namespace: AIRFLOW_NAMESPACE,
    name: cm.metadata!.name!,
    body: {
      ...cm,
      metadata: { ...cm.metadata, annotations },
      data: { ...cm.data, [POD_TEMPLATE_KEY]: render(healthy, next) },
    },
  });
  ctx.note(
    `Kubernetes: replaced ConfigMap ${AIRFLOW_NAMESPACE}/${cm.metadata!
      .name!} (${POD_TEMPLATE_KEY}): ${
      next.length
        ? `template edited for ${next.join(', ')}`
        : 'the template as it was before the break'
    }`,
  );
  return true;
}
