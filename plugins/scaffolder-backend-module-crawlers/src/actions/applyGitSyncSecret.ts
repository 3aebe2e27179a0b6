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
import { FIELD_MANAGER } from './applyCrawlerNamespace.manifests';
import { examples } from './applyGitSyncSecret.examples';
import { apiMessage, pickCluster, statusOf } from '../lib/kubernetes';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * The keys of the git-sync credentials Secret: the Airflow chart reads `GIT_SYNC_*` for git-sync v3 images and
 * `GITSYNC_*` for v4 (chart ≥ PR apache/airflow#56245; older charts required all four), so the Secret carries both.
 *
 * @public
 */
export const GIT_SYNC_SECRET_KEYS = {
  username: ['GIT_SYNC_USERNAME', 'GITSYNC_USERNAME'],
  password: ['GIT_SYNC_PASSWORD', 'GITSYNC_PASSWORD'],
} as const;

/** Defaults of `kubernetes:git-sync-secret:apply`. */
export const gitSyncSecretDefaults = {
  namespace: 'airflow',
  secretName: 'git-credentials',
};

/** The Secret manifest (data base64-encoded). */
export function gitSyncSecretManifest(spec: {
  namespace: string;
  secretName: string;
  entityRef: string;
  username: string;
  password: string;
}): KubernetesObject & { type: string; data: Record<string, string> } {
  const b64 = (v: string) => Buffer.from(v, 'utf8').toString('base64');
  const data: Record<string, string> = {};
  for (const key of GIT_SYNC_SECRET_KEYS.username)
    data[key] = b64(spec.username);
  for (const key of GIT_SYNC_SECRET_KEYS.password)
    data[key] = b64(spec.password);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: spec.secretName,
      namespace: spec.namespace,
      labels: {
        'app.kubernetes.io/part-of': 'crawler-platform',
        'app.kubernetes.io/component': 'git-sync-credentials',
      },
      annotations: { [ENTITY_TAG_KEY]: spec.entityRef },
    },
    type: 'Opaque',
    data,
  };
}




/**
 * `kubernetes:git-sync-secret:apply`: the Secret the Airflow chart's `dags.gitSync.credentialsSecret` names, in
 * Airflow's namespace, with the git user and password under both the git-sync v3 and v4 key names. Server-side
 * apply; an existing Secret is updated only when it carries this entity's `crawler-platform.io/entity` annotation.
 * Narrow on purpose (it writes nothing but this Secret), so platform credentials cannot be used to overwrite
 * arbitrary Secrets. The password is never logged or output. Dry run applies with `dryRun=All`.
 *
 * @public
 */
export function createKubernetesGitSyncSecretApplyAction(options: {
  clusters: CrawlersClusterService;
}) {
  const { clusters } = options;
  return createTemplateAction({
    id: 'kubernetes:git-sync-secret:apply',
    description:
      'Creates or updates the git-sync credentials Secret in Airflow’s namespace with both the v3 (GIT_SYNC_USERNAME/' +
      'GIT_SYNC_PASSWORD) and v4 (GITSYNC_USERNAME/GITSYNC_PASSWORD) key names, annotated with the entity; adopts ' +
      'only a Secret already annotated with it. The password is never logged or output.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The entity the Secret belongs to (its crawler-platform.io/entity annotation), e.g. resource:default/airflow-dags.',
            ),
        username: z =>
          z
            .string()
            .min(1)
            .describe('Git user (CodeCommit HTTPS Git credentials user).'),
        password: z =>
          z
            .string()
            .describe(
              'Git password: pass it from the template’s secrets (${{ secrets.… }}); it is never logged or output.',
            ),
        cluster: z =>
          z
            .string()
            .optional()
            .describe(
              'Cluster name in crawlers.clusters. Default: the only configured cluster.',
            ),
        namespace: z =>
          z
            .string()
            .optional()
            .describe('Airflow’s namespace. Default: airflow.'),
        secretName: z =>
          z
            .string()
            .optional()
            .describe(
              'Secret name (dags.gitSync.credentialsSecret). Default: git-credentials.',
            ),
      },
      output: {
        secretName: z => z.string().describe('The Secret’s name.'),
        namespace: z => z.string().describe('The Secret’s namespace.'),
        cluster: z => z.string().describe('The cluster it was applied to.'),
        keys: z =>
          z
            .array(z.string())
            .describe('The keys the Secret holds (values are never output).'),
        state: z =>
          z
            .enum(['created', 'adopted', 'planned'])
            .describe(
              'created, adopted (it existed with this entity’s annotation) or planned (dry run).',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const entityRef = normalizeEntityRef(input.entityRef);
      const namespace = (
        input.namespace ?? gitSyncSecretDefaults.namespace
      ).trim();
      const secretName = (
        input.secretName ?? gitSyncSecretDefaults.secretName
      ).trim();
      if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
        throw new InputError(
          `namespace "${namespace}" is not a valid Kubernetes namespace name`,
        );
      }
      if (secretName.length > 253 || !DNS_SUBDOMAIN.test(secretName)) {
        throw new InputError(
          `secretName "${secretName}" is not a valid Kubernetes Secret name`,
        );
      }
      if (!input.password) {
        throw new InputError(
          'password is empty: pass the git password from the template secrets',
        );
      }
      const clusterName = pickCluster(clusters, input.cluster);
      const kc = await clusters.getCluster(clusterName).kubeConfig();
      const api = KubernetesObjectApi.makeApiClient(kc);
      const manifest = gitSyncSecretManifest({
        namespace,
        secretName,
        entityRef,
        username: input.username,
        password: input.password,
      });
      const hidden = [input.password, ...Object.values(manifest.data)];
      const mask = (text: string) =>
        hidden.reduce((t, s) => t.split(s).join('***'), text);
      const id = `Secret/${secretName} in namespace ${namespace} of cluster ${clusterName}`;

      let existing: KubernetesObject | undefined;
      try {
        existing = await api.read({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: secretName, namespace },
        });
      } catch (e) {
        if (statusOf(e) !== 404) {
          throw new Error(mask(`Reading ${id} failed: ${apiMessage(e)}`));
        }
      }
      if (existing) {
        assertOwnedBy({
          resource: id,
          marker: `annotation ${ENTITY_TAG_KEY}`,
          owner: existing.metadata?.annotations?.[ENTITY_TAG_KEY],
          entityRef,
        });
      }
      ctx.logger.info(
        `${existing ? 'Updating' : 'Creating'} ${id} with keys ${Object.keys(
          manifest.data,
        ).join(', ')} (values not shown)`,
      );
      const apply = async () => {
        try {
          await api.patch(
            manifest,
            undefined,
            ctx.isDryRun ? 'All' : undefined,
            FIELD_MANAGER,
            true,
            PatchStrategy.ServerSideApply,
          );
        } catch (e) {
          const message = mask(`${id}: ${apiMessage(e)}`);
          const code = statusOf(e);
          if (code === 400 || code === 422) throw new InputError(message);
          if (code === 409) throw new ConflictError(message);
          throw new Error(`Applying ${message}`);
        }
      };
      if (ctx.isDryRun) {
        await apply();
        ctx.logger.info(`Dry run: the API server accepted ${id}`);
      } else {
        await ctx.checkpoint({
          key: `k8s.${clusterName}.${namespace}.Secret/${secretName}`,
          fn: async () => {
            await apply();
            ctx.logger.info(`Applied ${id}`);
          },
        });
      }
      ctx.output('secretName', secretName);
      ctx.output('namespace', namespace);
      ctx.output('cluster', clusterName);
      ctx.output('keys', Object.keys(manifest.data));
      let state: 'created' | 'adopted' | 'planned' = existing
        ? 'adopted'
        : 'created';
      if (ctx.isDryRun) state = 'planned';
      ctx.output('state', state);
    },
  });
}
