/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import YAML from 'yaml';
import { kubeErrorStatus, KubeObject } from '../kube';
import { AirflowKube } from './kubeAccess';

/** The namespace of the Airflow pods and the KubernetesExecutor's worker pods. */
export const AIRFLOW_NAMESPACE = 'airflow';

/** The key of the pod template in its ConfigMap, and where the scheduler reads it (`[kubernetes_executor] pod_template_file`). */
export const POD_TEMPLATE_KEY = 'pod_template_file.yaml';
export const POD_TEMPLATE_PATH =
  '/opt/airflow/pod_templates/pod_template_file.yaml';

/** The service account of the worker pods (the KubernetesPodOperator runs as it). */
export const WORKER_SERVICE_ACCOUNT = 'airflow-worker';

const GIT_SYNC_IMAGE = 'registry.k8s.io/git-sync/git-sync:v4.7.1';

/** The ConfigMap holding a release's worker pod template. */
export function podTemplateConfigMap(release: string): string {
  return `${release}-pod-template`;
}

/**
 * The chart's worker pod template (files/pod-template-file.kubernetes-helm-yaml with gitSync on and dags.persistence
 * off): labels `tier/component/release`, init container `git-sync-init` (the release's git-sync env, one-time) with
 * the `dags` emptyDir at /git, container `base` with the Airflow image mounting `dags` read-only at
 * /opt/airflow/dags, `restartPolicy: Never`, the worker service account.
 */
export function defaultPodTemplate(options: {
  release: string;
  image: string;
  gitSync?: { image?: string; env?: unknown[] };
}): KubeObject {
  const env = [
    ...(options.gitSync?.env ?? []),
    { name: 'GIT_SYNC_ONE_TIME', value: 'true' },
    { name: 'GITSYNC_ONE_TIME', value: 'true' },
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'placeholder-name',
      labels: {
        tier: 'airflow',
        component: 'worker',
        release: options.release,
      },
    },
    spec: {
      initContainers: [
        {
          name: 'git-sync-init',
          image: options.gitSync?.image ?? GIT_SYNC_IMAGE,
          securityContext: { runAsUser: 65533 },
          env,
          volumeMounts: [{ name: 'dags', mountPath: '/git' }],
        },
      ],
      containers: [
        {
          name: 'base',
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          env: [{ name: 'AIRFLOW__CORE__EXECUTOR', value: 'LocalExecutor' }],
          volumeMounts: [
            { name: 'dags', mountPath: '/opt/airflow/dags', readOnly: true },
          ],
        },
      ],
      restartPolicy: 'Never',
      serviceAccountName: WORKER_SERVICE_ACCOUNT,
      volumes: [{ name: 'dags', emptyDir: {} }],
    },
  } as KubeObject;
}

/** The image and env of the release's `git-sync` container (scheduler pod on Airflow 2, dag-processor on 3). */
function releaseGitSync(
  kube: AirflowKube,
  release: string,
): { image?: string; env?: unknown[] } | undefined {
  for (const pod of kube.list('pods', AIRFLOW_NAMESPACE, {
    labelSelector: `release=${release}`,
  })) {
    const sidecar = ((pod.spec as any)?.containers ?? []).find(
      (c: any) => c?.name === 'git-sync',
    );
    if (sidecar) return { image: sidecar.image, env: sidecar.env ?? [] };
  }
  return undefined;
}

/**
 * Creates the ConfigMap `<release>-pod-template` with the chart's template unless it exists (the break/heal
 * scenarios edit it through the API). Returns whether it was created; throws the API's error.
 */
export function ensurePodTemplate(
  kube: AirflowKube,
  release: string,
  image: string,
): boolean {
  const name = podTemplateConfigMap(release);
  try {
    kube.get('configmaps', AIRFLOW_NAMESPACE, name);
    return false;
  } catch (e) {
    if (kubeErrorStatus(e)?.code !== 404) throw e;
  }
  const template = defaultPodTemplate({
    release,
    image,
    gitSync: releaseGitSync(kube, release),
  });
  kube.create('configmaps', AIRFLOW_NAMESPACE, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      labels: { tier: 'airflow', component: 'config', release },
    },
    data: { [POD_TEMPLATE_KEY]: YAML.stringify(template) },
  } as KubeObject);
  return true;
}

/** The pod template as the scheduler reads it now: the pod, none (file missing), or the YAML error. */
export type PodTemplateRead =
  | { pod: KubeObject }
  | { missing: true }
  | { error: string };

/** Reads and parses the template from its ConfigMap (a missing ConfigMap or key is a missing file). */
export function readPodTemplate(
  kube: AirflowKube,
  release: string,
): PodTemplateRead {
  let text: unknown;
  try {
    const cm = kube.get(
      'configmaps',
      AIRFLOW_NAMESPACE,
      podTemplateConfigMap(release),
    );
    text = (cm.data as Record<string, unknown> | undefined)?.[POD_TEMPLATE_KEY];
  } catch (e) {
    if (kubeErrorStatus(e)?.code !== 404) throw e;
  }
  if (typeof text !== 'string') return { missing: true };
  try {
    const pod = YAML.parse(text);
    if (!pod || typeof pod !== 'object' || Array.isArray(pod)) {
      return {
        error: `yaml.constructor.ConstructorError: the pod template file ${POD_TEMPLATE_PATH} is not a mapping`,
      };
    }
    return { pod: pod as KubeObject };
  } catch (e) {
    return {
      error: `yaml.scanner.ScannerError: ${
        (e as Error).message
      } in "${POD_TEMPLATE_PATH}"`,
    };
  }
}
