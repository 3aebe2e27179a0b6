/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsWorld } from '../aws/AwsWorld';
import { SandboxLogger } from '../util/logger';
import { gitText } from './gitExec';

/** The branch heads of a bare repository: ref name to commit. */
export async function refSnapshot(
  gitDir: string,
): Promise<Map<string, string>> {
  const out = await gitText(
    ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'],
    { gitDir },
  );
  const map = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [sha, ref] = line.split(' ');
    map.set(ref, sha);
  }
  return map;
}

/**
 * Records in the world each branch a push changed (compared with the snapshot taken before it). A failure is
 * logged, not thrown: the push itself succeeded.
 */
export async function recordRefUpdates(options: {
  world: AwsWorld;
  logger: SandboxLogger;
  repository: string;
  gitDir: string;
  before: Map<string, string>;
}): Promise<void> {
  const { world, repository, before } = options;
  try {
    const after = await refSnapshot(options.gitDir);
    for (const [ref, sha] of after) {
      if (before.get(ref) !== sha) {
        await world.codecommit.recordPush({
          repositoryName: repository,
          branch: ref.replace(/^refs\/heads\//, ''),
          before: before.get(ref),
          after: sha,
        });
      }
    }
  } catch (e) {
    options.logger.error('recording git push failed', {
      repository,
      error: (e as Error).message,
    });
  }
}
