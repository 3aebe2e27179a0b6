/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Read a crawler's Airflow data (DAGs, runs, task instances, logs, import errors).
 *
 * @public
 */
export const crawlersAirflowReadPermission = createPermission({
  name: 'crawlers.airflow.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Trigger a run of one of a crawler's DAGs.
 *
 * @public
 */
export const crawlersDagTriggerPermission = createPermission({
  name: 'crawlers.dag.trigger',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Pause or unpause one of a crawler's DAGs.
 *
 * @public
 */
export const crawlersDagPausePermission = createPermission({
  name: 'crawlers.dag.pause',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Delete a crawler's leftover Kubernetes pods.
 *
 * @public
 */
export const crawlersPodDeletePermission = createPermission({
  name: 'crawlers.pod.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * See Airflow DAGs that no catalog entity claims, e.g. in the portal's search (document type `crawler-unclaimed`).
 *
 * @remarks
 * A basic permission, not tied to an entity: such a DAG has none. Policies should grant it only to the people who
 * run the platform (the example portal grants it to the groups in `crawlers.platformAdmins`), since an unclaimed DAG
 * may belong to any team.
 *
 * @public
 */
export const crawlersUnclaimedReadPermission = createPermission({
  name: 'crawlers.unclaimed.read',
  attributes: { action: 'read' },
});

/**
 * Every permission of the crawlers plugin.
 *
 * @public
 */
export const crawlersPermissions = [
  crawlersAirflowReadPermission,
  crawlersDagTriggerPermission,
  crawlersDagPausePermission,
  crawlersPodDeletePermission,
];
