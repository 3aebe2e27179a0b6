/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { JsonValue } from '@backstage/types';
import type {
  DiagnosisPodTemplate,
  DiagnosisRbac,
  DiagnosisSchedulerLog,
} from '@crawler-platform/plugin-crawlers-node';
import { RbacAuthorizationV1Api, V1PolicyRule } from '@kubernetes/client-node';
import YAML from 'yaml';
import type { CachedResult } from '../AirflowCache';
import {
  kubeStatusCode,
  KubeContext,
  KubeReads,
} from '../CrawlerKubernetesService';

type Ready = Extract<KubeContext, { access: unknown }> & {
  access: NonNullable<KubeContext['access']>;
  scope: NonNullable<KubeContext['scope']>;
};

/** The ConfigMap key of the worker pod template (`[kubernetes_executor] pod_template_file`). */
export const POD_TEMPLATE_KEY = 'pod_template_file.yaml';
/** ClusterRoles read at most per namespace (those its RoleBindings name). */
const MAX_CLUSTER_ROLES = 10;

/** Scheduler log lines the checks read (the 422 of worker pods); the rest is not kept. */
const SCHEDULER_LINES =
  /Creating kubernetes pod for job is|is invalid: |Pod creation failed with reason|Model file .* does not exist|FieldValueRequired/;

const asJson = <T>(value: T) => value as unknown as JsonValue;

const rule = (r: V1PolicyRule) => ({
  apiGroups: r.apiGroups ?? [],
  resources: r.resources ?? [],
  verbs: r.verbs ?? [],
  ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
});

/** The Kubernetes reads of the diagnosis beyond pods and git-sync, each cached and shared within a request. */
export function createDiagnosisKubeReads(
  reads: KubeReads,
  limits: { maxSchedulerLogLines: number; maxDiagnosisLogLines: number },
) {
  function cached<T>(
    ctx: Ready,
    kind: 'clusterConfig' | 'logs',
    key: string,
    fetch: () => Promise<T>,
  ): Promise<CachedResult<T>> {
    return reads.cached(
      ctx as any,
      { instance: ctx.client.name },
      kind,
      `${ctx.access.cluster}:${key}`,
      async () => asJson(await fetch()),
    ) as unknown as Promise<CachedResult<T>>;
  }

  return {
    /** Roles and RoleBindings of a namespace, and the ClusterRoles its bindings name (unreadable ones listed). */
    rbac(ctx: Ready, namespace: string) {
      return cached(
        ctx,
        'clusterConfig',
        `rbac:${namespace}`,
        async (): Promise<DiagnosisRbac> => {
          const [roles, bindings] = await Promise.all([
            ctx.access.callApi(RbacAuthorizationV1Api, api =>
              api.listNamespacedRole({ namespace }),
            ),
            ctx.access.callApi(RbacAuthorizationV1Api, api =>
              api.listNamespacedRoleBinding({ namespace }),
            ),
          ]);
          const clusterRoleNames = [
            ...new Set(
              bindings.items
                .filter(b => b.roleRef.kind === 'ClusterRole')
                .map(b => b.roleRef.name),
            ),
          ].slice(0, MAX_CLUSTER_ROLES);
          const clusterRoles = await Promise.all(
            clusterRoleNames.map(name =>
              ctx.access
                .callApi(RbacAuthorizationV1Api, api =>
                  api.readClusterRole({ name }),
                )
                .then(
                  r => ({ name, rules: (r.rules ?? []).map(rule) }),
                  () => ({ name, rules: null }),
                ),
            ),
          );
          return {
            namespace,
            roles: [
              ...roles.items.map(r => ({
                kind: 'Role' as const,
                name: r.metadata?.name ?? '',
                rules: (r.rules ?? []).map(rule),
              })),
              ...clusterRoles
                .filter(r => r.rules !== null)
                .map(r => ({
                  kind: 'ClusterRole' as const,
                  name: r.name,
                  rules: r.rules!,
                })),
            ],
            bindings: bindings.items.map(b => ({
              name: b.metadata?.name ?? '',
              roleRef: { kind: b.roleRef.kind, name: b.roleRef.name },
              subjects: (b.subjects ?? []).map(s => ({
                kind: s.kind,
                name: s.name,
                ...(s.namespace ? { namespace: s.namespace } : {}),
              })),
            })),
            unreadableClusterRoles: clusterRoles
              .filter(r => r.rules === null)
              .map(r => r.name),
          };
        },
      );
    },

    /**
     * The KubernetesExecutor's worker pod template: ConfigMap `<release>-pod-template` (key `pod_template_file.yaml`),
     * else the chart's `<release>-config` with the same key; `pod: null` when neither has it.
     */
    podTemplate(ctx: Ready) {
      const { namespace, release } = ctx.kube;
      return cached(
        ctx,
        'clusterConfig',
        `podTemplate:${namespace}/${release}`,
        async (): Promise<DiagnosisPodTemplate> => {
          const names = [`${release}-pod-template`, `${release}-config`];
          for (const name of names) {
            let data: Record<string, string> | undefined;
            try {
              const cm = await ctx.access.call(core =>
                core.readNamespacedConfigMap({ name, namespace }),
              );
              data = cm.data;
            } catch (error) {
              if (kubeStatusCode(error) === 404) continue;
              throw error;
            }
            const text = data?.[POD_TEMPLATE_KEY];
            if (typeof text !== 'string') continue;
            const object = `ConfigMap ${namespace}/${name}`;
            try {
              const pod = YAML.parse(text);
              if (!pod || typeof pod !== 'object' || Array.isArray(pod)) {
                return {
                  object,
                  key: POD_TEMPLATE_KEY,
                  pod: null,
                  error: `${object} key ${POD_TEMPLATE_KEY} is not a Pod manifest`,
                };
              }
              return { object, key: POD_TEMPLATE_KEY, pod };
            } catch (error) {
              return {
                object,
                key: POD_TEMPLATE_KEY,
                pod: null,
                error: `${object} key ${POD_TEMPLATE_KEY} is not valid YAML: ${
                  (error as Error).message
                }`,
              };
            }
          }
          return {
            object: `ConfigMap ${namespace}/${names[0]}`,
            key: POD_TEMPLATE_KEY,
            pod: null,
          };
        },
      );
    },

    /**
     * The end of the scheduler's log (container `scheduler` of the release's `component=scheduler` pod, the running
     * and newest one), only the lines about creating worker pods and their rejection.
     */
    schedulerLog(ctx: Ready) {
      const { namespace, release } = ctx.kube;
      return cached(
        ctx,
        'logs',
        `scheduler:${namespace}/${release}`,
        async (): Promise<DiagnosisSchedulerLog | null> => {
          const pods = await ctx.access.call(core =>
            core.listNamespacedPod({
              namespace,
              labelSelector: `release=${release},component=scheduler`,
              limit: 20,
            }),
          );
          const pod = [...pods.items]
            .filter(p =>
              (p.spec?.containers ?? []).some(c => c.name === 'scheduler'),
            )
            .sort(
              (a, b) =>
                Number(b.status?.phase === 'Running') -
                  Number(a.status?.phase === 'Running') ||
                String(b.metadata?.creationTimestamp ?? '').localeCompare(
                  String(a.metadata?.creationTimestamp ?? ''),
                ),
            )[0];
          if (!pod?.metadata?.name) {
            return null;
          }
          const name = pod.metadata.name;
          const text = String(
            (await ctx.access.call(core =>
              core.readNamespacedPodLog({
                name,
                namespace,
                container: 'scheduler',
                tailLines: limits.maxSchedulerLogLines,
              }),
            )) ?? '',
          );
          return {
            pod: `${namespace}/${name}`,
            container: 'scheduler',
            lines: text.split('\n').filter(l => SCHEDULER_LINES.test(l)),
          };
        },
      );
    },

    /** The end of a failed worker pod's `base` log. */
    workerLog(
      ctx: Ready,
      pod: { namespace: string; name: string; uid: string },
    ) {
      return cached(
        ctx,
        'logs',
        `worker:${pod.namespace}/${pod.name}/${pod.uid}`,
        async () => {
          const text = String(
            (await ctx.access.call(core =>
              core.readNamespacedPodLog({
                name: pod.name,
                namespace: pod.namespace,
                container: 'base',
                tailLines: limits.maxDiagnosisLogLines,
              }),
            )) ?? '',
          );
          return text.split('\n').filter(l => l.trim());
        },
      );
    },
  };
}

/** The Kubernetes reads of the diagnosis. */
export type DiagnosisKubeReads = ReturnType<typeof createDiagnosisKubeReads>;
