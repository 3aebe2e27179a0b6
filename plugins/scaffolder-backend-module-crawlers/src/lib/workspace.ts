/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs/promises';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/** A path inside the workspace (never outside it), checked to exist as a file or directory. */
export async function workspacePath(
  workspace: string,
  relative: string | undefined,
  options: { field: string; kind: 'file' | 'directory' },
): Promise<string> {
  let resolved: string;
  try {
    resolved = resolveSafeChildPath(workspace, relative ?? '.');
  } catch {
    throw new InputError(
      `${options.field} "${relative}" points outside the workspace; use a path relative to it`,
    );
  }
  const stat = await fs.stat(resolved).catch(() => undefined);
  const ok = options.kind === 'file' ? stat?.isFile() : stat?.isDirectory();
  if (!ok) {
    throw new InputError(
      `${options.field} "${relative ?? '.'}" is not a ${
        options.kind
      } in the workspace; check the path and the step that writes it (fetch:template)`,
    );
  }
  return resolved;
}

/** The region an AWS SDK client resolved (input, config or the SDK's default chain), or an InputError. */
export async function resolvedRegion(client: {
  config: { region: () => Promise<string> };
}): Promise<string> {
  try {
    const region = await client.config.region();
    if (region) {
      return region;
    }
  } catch {
    // reported below
  }
  throw new InputError(
    'No AWS region: give the action a region, or set crawlers.aws.region (or AWS_REGION on the backend)',
  );
}
