/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  ANNOTATION_CRAWLERS_NAMESPACE_ENTITY,
  CrawlersNamespaceClaim,
} from '@crawler-platform/plugin-crawlers-common';

/**
 * The part of a Kubernetes Namespace object the claim check reads.
 *
 * @public
 */
export interface NamespaceClaimObject {
  metadata?: { name?: string; annotations?: Record<string, string> };
}

const normalise = (ref: string) => ref.trim().toLocaleLowerCase('en-US');

function snippet(name: string, entityRef: string): string {
  return [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    `    ${ANNOTATION_CRAWLERS_NAMESPACE_ENTITY}: ${entityRef}`,
  ].join('\n');
}

/**
 * Decides whether an entity's claim on a Kubernetes namespace holds: the Namespace must carry the annotation
 * `crawler-platform.io/entity: <entity ref>` (refs compare case-insensitively). A namespace that does not exist
 * (`undefined`) or names another entity refuses the claim, with a reason that gives the YAML to apply.
 *
 * @param namespace - the Namespace as read from the cluster, or undefined when it does not exist
 * @param entityRef - the full ref of the entity that names the namespace
 * @param name - the namespace name the entity names
 *
 * @public
 */
export function checkNamespaceClaim(
  namespace: NamespaceClaimObject | undefined,
  entityRef: string,
  name: string,
): CrawlersNamespaceClaim {
  const yaml = snippet(name, entityRef);
  if (!namespace) {
    return {
      namespace: name,
      holds: false,
      reason: `Namespace "${name}" does not exist in the cluster: create it with the annotation that names ${entityRef}:\n\n${yaml}`,
    };
  }
  const value =
    namespace.metadata?.annotations?.[
      ANNOTATION_CRAWLERS_NAMESPACE_ENTITY
    ]?.trim();
  if (value && normalise(value) === normalise(entityRef)) {
    return { namespace: name, holds: true };
  }
  const names = value ? ` It names "${value}".` : '';
  return {
    namespace: name,
    holds: false,
    reason: `Namespace "${name}" does not confirm that it belongs to ${entityRef}: add the annotation ${ANNOTATION_CRAWLERS_NAMESPACE_ENTITY}: ${entityRef} to the Namespace.${names}\n\n${yaml}\n\n(or: kubectl annotate namespace ${name} ${ANNOTATION_CRAWLERS_NAMESPACE_ENTITY}=${entityRef})`,
  };
}
