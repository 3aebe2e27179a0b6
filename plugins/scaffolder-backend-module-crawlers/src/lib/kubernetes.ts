/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { InputError } from '@backstage/errors';
import type { CrawlersClusterService } from '@crawler-platform/plugin-crawlers-node';

/** The HTTP status of a failed `@kubernetes/client-node` request (its `ApiException.code`). */
export const statusOf = (e: unknown) => (e as { code?: number })?.code;

/** The API server's message of a failed request (its Status body), without credentials. */
export function apiMessage(e: unknown): string {
  const body = (e as { body?: unknown })?.body;
  try {
    const status = typeof body === 'string' ? JSON.parse(body) : body;
    if (status && typeof status === 'object' && 'message' in status) {
      return String((status as { message: unknown }).message);
    }
  } catch {
    // not JSON
  }
  return (e as Error)?.message ?? String(e);
}

/** The cluster to use: the named one, else the only configured one. */
export function pickCluster(
  clusters: CrawlersClusterService,
  name: string | undefined,
): string {
  const names = clusters.listClusterNames();
  if (name) {
    if (!names.includes(name)) {
      throw new InputError(
        `cluster "${name}" is not configured; configured clusters: ${
          names.join(', ') || 'none (set crawlers.clusters)'
        }`,
      );
    }
    return name;
  }
  if (names.length !== 1) {
    throw new InputError(
      `cluster is required when ${names.length} clusters are configured (${
        names.join(', ') || 'none: set crawlers.clusters'
      })`,
    );
  }
  return names[0];
}
