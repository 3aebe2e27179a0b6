/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { CrawlersClusterService } from '@crawler-platform/plugin-crawlers-node';
import {
  assertOwnedBy,
  ENTITY_TAG_KEY,
  normalizeEntityRef,
} from '../lib/ownership';
import { examples } from './applyCrawlerNamespace.examples';
import {
  crawlerNamespaceManifests,
  CrawlerNamespaceSpec,
  FIELD_MANAGER,
} from './applyCrawlerNamespace.manifests';
import { apiMessage, pickCluster, statusOf } from '../lib/kubernetes';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const ECR_REGISTRY = /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** Defaults of `kubernetes:crawler-namespace:apply`. */
export const crawlerNamespaceDefaults = {
  serviceAccountName: 'crawler',
  airflowServiceAccount: 'system:serviceaccount:airflow:airflow-worker',
  roleName: 'airflow-pod-runner',
};

function checkName(value: string, field: string, max = 63, re = DNS_LABEL) {
  if (value.length > max || !re.test(value)) {
    throw new InputError(
      `${field} "${value}" is not a valid Kubernetes name: lower-case letters, digits and "-", starting and ending with a letter or digit, at most ${max} characters`,
    );
  }
}

/** The API error's HTTP status (client-node 1.x ApiException `code`). */


/**
 * `kubernetes:crawler-namespace:apply`: the crawler's namespace on the cluster, by server-side apply: the Namespace
 * annotated `crawler-platform.io/entity: <entity ref>` (the claim the backend checks), the crawler's
 * ServiceAccount (IRSA role annotation when given), a Role letting Airflow's worker service account run pods there
 * and read their logs and events, its RoleBinding, and an optional pull secret for a non-ECR registry. An existing
 * namespace is adopted only when annotated with this entity. Dry run applies with `dryRun=All`.
 *
 * @public
 */
export function createKubernetesCrawlerNamespaceApplyAction(options: {
  clusters: CrawlersClusterService;
}) {
  const { clusters } = options;
  return createTemplateAction({
    id: 'kubernetes:crawler-namespace:apply',
    description:
      'Applies (server-side apply) the crawler’s namespace annotated crawler-platform.io/entity with the entity, its ' +
      'ServiceAccount (with the IRSA role), the Role and RoleBinding that let Airflow’s worker run pods there ' +
      '(pods create/get/list/watch/patch/delete, pods/log get, events list/watch) and an optional registry pull ' +
      'secret. A namespace of another entity, or an unannotated one, is refused. Dry run uses the API server’s dryRun=All.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        namespace: z =>
          z
            .string()
            .describe(
              'The crawler’s namespace (DNS-1123 label, at most 63 characters), e.g. crawler-news-crawler.',
            ),
        entityRef: z =>
          z
            .string()
            .describe(
              'The catalog entity that owns the namespace, e.g. component:default/news-crawler (annotation crawler-platform.io/entity).',
            ),
        cluster: z =>
          z
            .string()
            .optional()
            .describe(
              'Name of the cluster in crawlers.clusters (or the Kubernetes plugin config). Default: the only configured cluster.',
            ),
        serviceAccountName: z =>
          z
            .string()
            .optional()
            .describe('The crawler pods’ ServiceAccount. Default: crawler.'),
        roleArn: z =>
          z
            .string()
            .optional()
            .describe(
              'IAM role for the crawler pods (IRSA): annotation eks.amazonaws.com/role-arn on the ServiceAccount.',
            ),
        airflowServiceAccount: z =>
          z
            .string()
            .optional()
            .describe(
              'The service account Airflow’s KubernetesPodOperator runs as. Default: system:serviceaccount:airflow:airflow-worker.',
            ),
        roleName: z =>
          z
            .string()
            .optional()
            .describe(
              'Name of the Role and RoleBinding. Default: airflow-pod-runner.',
            ),
        labels: z =>
          z
            .record(z.string())
            .optional()
            .describe(
              'Extra labels of the Namespace. Fargate selects by namespace name and pod labels, so these only identify the namespace; app.kubernetes.io/part-of=crawler-platform is always set.',
            ),
        imagePullSecret: z =>
          z
            .object({
              name: z
                .string()
                .describe('Secret name, e.g. registry-credentials.'),
              registry: z
                .string()
                .describe(
                  'Registry host, e.g. ghcr.io (not ECR: Fargate pulls ECR with the pod execution role).',
                ),
              username: z.string().describe('Registry user.'),
              password: z
                .string()
                .describe(
                  'Registry password or token: pass it from the template’s secrets; it is never logged or output.',
                ),
            })
            .optional()
            .describe(
              'A dockerconfigjson pull secret for a registry other than ECR; attached to the ServiceAccount as imagePullSecrets.',
            ),
      },
      output: {
        namespace: z => z.string().describe('The namespace.'),
        serviceAccountName: z =>
          z.string().describe('The crawler pods’ ServiceAccount.'),
        cluster: z =>
          z.string().describe('The cluster the objects were applied to.'),
        applied: z =>
          z
            .array(z.string())
            .describe(
              'The objects applied (Kind/name), or checked by the API server in a dry run.',
            ),
        state: z =>
          z
            .enum(['created', 'adopted', 'planned'])
            .describe(
              'created (new namespace), adopted (it existed with this entity’s annotation) or planned (dry run).',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const entityRef = normalizeEntityRef(input.entityRef);
      const spec = specOf(input, entityRef);
      const clusterName = pickCluster(clusters, input.cluster);
      const kc = await clusters.getCluster(clusterName).kubeConfig();
      const api = KubernetesObjectApi.makeApiClient(kc);
      const manifests = crawlerNamespaceManifests(spec);

      const existing = await readNamespace(api, spec.namespace);
      const checkOwner = (ns: KubernetesObject) =>
        assertOwnedBy({
          resource: `Namespace "${spec.namespace}" in cluster ${clusterName}`,
          marker: `annotation ${ENTITY_TAG_KEY}`,
          owner: ns.metadata?.annotations?.[ENTITY_TAG_KEY],
          entityRef,
        });
      if (existing) checkOwner(existing);
      ctx.logger.info(
        `${existing ? 'Adopting' : 'Creating'} namespace ${
          spec.namespace
        } in ${clusterName} for ${entityRef}: ${manifests
          .map(m => `${m.kind}/${m.metadata!.name}`)
          .join(', ')}`,
      );
      const applied: string[] = [];
      for (const manifest of manifests) {
        const id = `${manifest.kind}/${manifest.metadata!.name}`;
        if (ctx.isDryRun && !existing && manifest.kind !== 'Namespace') {
          ctx.logger.info(
            `Dry run: ${id} not sent (its namespace does not exist yet, so the API server cannot check it)`,
          );
          continue;
        }
        const apply = async () => {
          if (manifest.kind === 'Namespace' && !existing) {
            // Create, not apply: a namespace someone else created meanwhile must not be taken over.
            const raced = await createNamespace(api, manifest, !!ctx.isDryRun);
            if (!raced) return;
            checkOwner(raced);
          }
          await applyObject(api, manifest, !!ctx.isDryRun, id, secretsOf(spec));
        };
        if (ctx.isDryRun) {
          await apply();
          ctx.logger.info(`Dry run: the API server accepted ${id}`);
        } else {
          await ctx.checkpoint({
            key: `k8s.${clusterName}.${spec.namespace}.${id}`,
            fn: async () => {
              await apply();
              ctx.logger.info(`Applied ${id}`);
            },
          });
        }
        applied.push(id);
      }
      ctx.output('namespace', spec.namespace);
      ctx.output('serviceAccountName', spec.serviceAccountName);
      ctx.output('cluster', clusterName);
      ctx.output('applied', applied);
      let state: 'created' | 'adopted' | 'planned' = existing
        ? 'adopted'
        : 'created';
      if (ctx.isDryRun) state = 'planned';
      ctx.output('state', state);
    },
  });
}

function specOf(
  input: {
    namespace: string;
    serviceAccountName?: string;
    roleArn?: string;
    airflowServiceAccount?: string;
    roleName?: string;
    labels?: Record<string, string>;
    imagePullSecret?: {
      name: string;
      registry: string;
      username: string;
      password: string;
    };
  },
  entityRef: string,
): CrawlerNamespaceSpec {
  const d = crawlerNamespaceDefaults;
  const namespace = input.namespace.trim();
  checkName(namespace, 'namespace');
  const serviceAccountName = (
    input.serviceAccountName ?? d.serviceAccountName
  ).trim();
  checkName(serviceAccountName, 'serviceAccountName', 253, DNS_SUBDOMAIN);
  const roleName = (input.roleName ?? d.roleName).trim();
  checkName(roleName, 'roleName', 253, DNS_SUBDOMAIN);
  const sa = SA_USER.exec(
    (input.airflowServiceAccount ?? d.airflowServiceAccount).trim(),
  );
  if (!sa) {
    throw new InputError(
      `airflowServiceAccount "${input.airflowServiceAccount}" is not a service account user: use system:serviceaccount:<namespace>:<name>`,
    );
  }
  if (input.roleArn && !ROLE_ARN.test(input.roleArn)) {
    throw new InputError(
      `roleArn "${input.roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  }
  const secret = input.imagePullSecret;
  if (secret) {
    checkName(secret.name, 'imagePullSecret.name', 253, DNS_SUBDOMAIN);
    if (
      ECR_REGISTRY.test(
        secret.registry.replace(/^https?:\/\//, '').split('/')[0],
      )
    ) {
      throw new InputError(
        `imagePullSecret.registry ${secret.registry} is ECR: Fargate pulls ECR images with the profile's pod execution role, so leave imagePullSecret out (give the role ECR read instead)`,
      );
    }
    if (!secret.password) {
      throw new InputError(
        'imagePullSecret.password is empty: pass the registry token from the template secrets',
      );
    }
  }
  const labels = {
    ...input.labels,
    'app.kubernetes.io/part-of': 'crawler-platform',
  };
  for (const [k, v] of Object.entries(labels)) {
    if (
      !/^([a-z0-9.-]{1,253}\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(
        k,
      ) ||
      !/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/.test(v)
    ) {
      throw new InputError(
        `labels: "${k}: ${v}" is not a valid Kubernetes label`,
      );
    }
  }
  return {
    namespace,
    entityRef,
    labels,
    serviceAccountName,
    roleArn: input.roleArn,
    airflowServiceAccount: { namespace: sa[1], name: sa[2] },
    roleName,
    pullSecret: secret,
  };
}


async function readNamespace(
  api: KubernetesObjectApi,
  name: string,
): Promise<KubernetesObject | undefined> {
  try {
    return await api.read({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw new Error(`Reading namespace ${name} failed: ${apiMessage(e)}`);
  }
}

/** Creates the Namespace; returns the existing one when it was created by someone else in the meantime (409). */
async function createNamespace(
  api: KubernetesObjectApi,
  manifest: KubernetesObject,
  dryRun: boolean,
): Promise<KubernetesObject | undefined> {
  try {
    await api.create(
      manifest,
      undefined,
      dryRun ? 'All' : undefined,
      FIELD_MANAGER,
    );
    return undefined;
  } catch (e) {
    if (statusOf(e) !== 409) {
      throw new Error(
        `Creating Namespace/${manifest.metadata!.name}: ${apiMessage(e)}`,
      );
    }
    return (await readNamespace(api, manifest.metadata!.name!))!;
  }
}

/** Values that must never reach a log or an error: the registry password and the encoded secret. */
function secretsOf(spec: CrawlerNamespaceSpec): string[] {
  const s = spec.pullSecret;
  if (!s) return [];
  const secret = crawlerNamespaceManifests(spec).find(
    m => m.kind === 'Secret',
  ) as { data?: Record<string, string> } | undefined;
  return [
    s.password,
    Buffer.from(`${s.username}:${s.password}`).toString('base64'),
    ...Object.values(secret?.data ?? {}),
  ].filter(Boolean);
}

async function applyObject(
  api: KubernetesObjectApi,
  manifest: KubernetesObject,
  dryRun: boolean,
  id: string,
  secrets: string[],
): Promise<void> {
  try {
    await api.patch(
      manifest,
      undefined,
      dryRun ? 'All' : undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  } catch (e) {
    const code = statusOf(e);
    const message = secrets.reduce(
      (text, secret) => text.split(secret).join('***'),
      `${id}: ${apiMessage(e)}`,
    );
    if (code === 422 || code === 400) throw new InputError(message);
    if (code === 409) throw new ConflictError(message);
    throw new Error(`Applying ${message}`);
  }
}
