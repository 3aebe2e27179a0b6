/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsWorld } from '../aws/AwsWorld';
import { KubeStore } from '../kube/KubeStore';
import { RunningServer } from '../util/http';
import { SandboxLogger } from '../util/logger';

/** What a sandbox holds while it runs: its stores, started servers and stop steps (both in start order). */
export type SandboxResources = {
  world: AwsWorld;
  kube: KubeStore;
  logger: SandboxLogger;
  servers: RunningServer[];
  stops: Array<() => void | Promise<void>>;
};

/**
 * The stop sequence: the stop steps, then the servers, both in reverse start order, then the stores are closed and
 * flushed. A failing server close is logged and the sequence goes on; a failing stop step is too when
 * `tolerateStopFailures` (cleaning up after a failed start), and ends the sequence otherwise.
 */
export async function releaseResources(
  resources: SandboxResources,
  tolerateStopFailures: boolean,
): Promise<void> {
  const { logger } = resources;
  for (const stop of resources.stops.reverse()) {
    if (tolerateStopFailures) {
      await Promise.resolve(stop()).catch(error =>
        logger.warn('sandbox cleanup: a stop step failed', {
          error: (error as Error).message,
        }),
      );
    } else {
      await stop();
    }
  }
  for (const server of resources.servers.reverse()) {
    await server.close().catch(error =>
      logger.warn('closing a sandbox server failed', {
        url: server.url,
        error: (error as Error).message,
      }),
    );
  }
  resources.world.close();
  resources.kube.flush();
}
