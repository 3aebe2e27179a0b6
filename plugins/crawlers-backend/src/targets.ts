/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ANNOTATION_CRAWLERS_DAG_IDS,
  isCrawlersAvailable,
  parseCrawlersAnnotations,
} from '@crawler-platform/plugin-crawlers-common';
import type { CrawlerTarget } from './services/CrawlerAirflowService';

/** Entity names and namespaces as the catalog allows them. */
export const ENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Entity kinds. */
export const ENTITY_KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;

/**
 * Resolves a crawler entity for a caller: the one place where the HTTP routes and the AI tools decide who may see
 * what. The catalog lookup (with the caller's credentials) and the permission check run in parallel; both must pass
 * before any upstream is called, and an unknown or unreadable entity is "not found" whatever the decision.
 */
export type CrawlerTargetResolver = (
  credentials: BackstageCredentials,
  ref: CompoundEntityRef,
  permission: ResourcePermission<'catalog-entity'>,
) => Promise<CrawlerTarget>;

/** Reads an entity ref given as text (`component:default/x`, `default/x` or `x`; kind component, namespace default). */
export function parseCrawlerRef(text: string): CompoundEntityRef {
  let ref: CompoundEntityRef;
  try {
    ref = parseEntityRef(text.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `"${text.slice(
        0,
        200,
      )}" is not an entity ref: write it as component:default/<name>`,
    );
  }
  if (
    !ENTITY_KIND.test(ref.kind) ||
    !ENTITY_NAME.test(ref.namespace) ||
    !ENTITY_NAME.test(ref.name)
  ) {
    throw new InputError(
      `"${text.slice(
        0,
        200,
      )}" is not an entity ref: write it as component:default/<name>`,
    );
  }
  return ref;
}

/** Creates the {@link CrawlerTargetResolver} of the plugin. */
export function createCrawlerTargetResolver(options: {
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  maxDagIdsPerEntity: number;
}): CrawlerTargetResolver {
  const { auth, permissions, catalog, maxDagIdsPerEntity: max } = options;
  return async (credentials, ref, permission) => {
    const requestedRef = stringifyEntityRef(ref);
    // Backstage's permission client allows every request of a service principal (backend-to-backend calls are
    // trusted), so the portal's policy never sees them. Changing a DAG or deleting pods needs a signed-in user whose
    // ownership the policy can check; services (other plugins, external static tokens) may only read.
    if (
      permission.attributes.action !== 'read' &&
      !auth.isPrincipal(credentials, 'user')
    ) {
      throw new NotAllowedError(
        `Only signed-in users may ${permission.attributes.action} a crawler's DAG runs, DAG state or pods (${permission.name}); service credentials may only read`,
      );
    }
    const [entity, [decision]] = await Promise.all([
      catalog.getEntityByRef(requestedRef, { credentials }),
      permissions.authorize([{ permission, resourceRef: requestedRef }], {
        credentials,
      }),
    ]);
    if (!entity) {
      throw new NotFoundError(`Entity ${requestedRef} was not found`);
    }
    const entityRef = stringifyEntityRef(entity);
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to ${permission.attributes.action} the Airflow or Kubernetes data of ${entityRef} (${permission.name})`,
      );
    }
    if (!isCrawlersAvailable(entity)) {
      throw new NotFoundError(
        `Entity ${entityRef} is not a crawler: it must be a Component of spec.type crawler with the ${ANNOTATION_CRAWLERS_DAG_IDS} annotation`,
      );
    }
    const link = parseCrawlersAnnotations(entity);
    if (link.dagIds.length > max || link.dagFiles.length > max) {
      throw new InputError(
        `Entity ${entityRef} names ${link.dagIds.length} DAG ids and ${link.dagFiles.length} DAG files; at most ${max} of each are allowed (crawlers.limits.maxDagIdsPerEntity): split the crawler into several entities`,
      );
    }
    return {
      entityRef,
      instance: link.airflowInstance,
      dagIds: link.dagIds,
      dagFiles: link.dagFiles,
      kubernetesNamespace: link.kubernetesNamespace,
    };
  };
}
