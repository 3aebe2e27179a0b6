/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { ANNOTATION_CRAWLERS_NAMESPACE_ENTITY } from '@crawler-platform/plugin-crawlers-common';

/**
 * The AWS tag key (and Kubernetes annotation) that names the catalog entity owning a resource:
 * `crawler-platform.io/entity: component:default/news-crawler`.
 *
 * @public
 */
export const ENTITY_TAG_KEY = ANNOTATION_CRAWLERS_NAMESPACE_ENTITY;

/**
 * An entity ref in the form the actions store and compare: `kind:namespace/name`, lower-cased (the catalog compares
 * refs case-insensitively). A bare name is a Component in the default namespace. Bad refs are an `InputError`.
 *
 * @public
 */
export function normalizeEntityRef(ref: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref.trim(), {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch (e) {
    throw new InputError(
      `entityRef "${ref}" is not an entity ref: use kind:namespace/name, e.g. component:default/news-crawler`,
    );
  }
}

/** Whether a stored owner value names the entity (case-insensitive). */
export function isSameEntity(
  owner: string | undefined,
  entityRef: string,
): boolean {
  return (
    owner !== undefined &&
    owner.trim().toLocaleLowerCase('en-US') ===
      entityRef.toLocaleLowerCase('en-US')
  );
}

/**
 * Checks that an existing resource belongs to the entity: its owner value (tag or annotation) must name it.
 * Otherwise a `ConflictError` naming the resource, the owner it has (or that it has none) and the entity.
 *
 * @public
 */
export function assertOwnedBy(options: {
  /** What the resource is, e.g. `CodeCommit repository "news-crawler"`. */
  resource: string;
  /** Where the owner is recorded, e.g. `tag crawler-platform.io/entity`. */
  marker: string;
  owner: string | undefined;
  entityRef: string;
}): void {
  const { resource, marker, owner, entityRef } = options;
  if (isSameEntity(owner, entityRef)) {
    return;
  }
  if (owner === undefined || owner.trim() === '') {
    throw new ConflictError(
      `${resource} already exists and has no ${marker}, so it is not ${entityRef}'s; it was left unchanged. ` +
        `Choose another name, or have its owners add ${marker}=${entityRef} if it really is this entity's.`,
    );
  }
  throw new ConflictError(
    `${resource} already exists and belongs to ${owner} (${marker}), not to ${entityRef}; it was left unchanged. ` +
      'Choose another name.',
  );
}
