/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject, JsonValue } from '@backstage/types';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { CrawlersClusterService } from '@crawler-platform/plugin-crawlers-node';
import {
  createCrawlersScaffolderDeps,
  CrawlersScaffolderDeps,
} from '../lib/deps';

/** The static AWS credentials the tests sign with (not a real key). */
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIATESTEXAMPLE00000',
  secretAccessKey: 'test/secret/access/key/not-a-real-one',
};

/** Shared deps over a config object, with fixed AWS credentials and no clusters. */
export function testDeps(
  data: JsonObject = {},
  credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  } = TEST_CREDENTIALS,
): CrawlersScaffolderDeps {
  const clusters: CrawlersClusterService = {
    listClusterNames: () => [],
    getCluster: name => {
      throw new Error(`no cluster ${name} in tests`);
    },
  };
  return createCrawlersScaffolderDeps({
    config: new ConfigReader(data),
    logger: mockServices.logger.mock(),
    clusters,
    credentialsManager: {
      getCredentialProvider: async () => ({
        sdkCredentialProvider: async () => credentials,
      }),
    },
  });
}

/**
 * Checkpoints as the scaffolder's task runner keeps them: a key that succeeded once returns its stored value on a
 * rerun without calling `fn` again; a failed one runs again.
 */
export class CheckpointStore {
  readonly values = new Map<string, JsonValue>();
  /** Keys whose `fn` ran, in order. */
  readonly ran: string[] = [];

  checkpoint = async <T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T> => {
    if (this.values.has(opts.key)) {
      return this.values.get(opts.key) as T;
    }
    this.ran.push(opts.key);
    const value = await opts.fn();
    this.values.set(opts.key, (value ?? {}) as JsonValue);
    return value;
  };
}

/** A mock action context with a real temporary directory, optional dry run and a shared checkpoint store. */
export function actionContext<TInput extends JsonObject>(options: {
  input: TInput;
  workspacePath: string;
  dryRun?: boolean;
  checkpoints?: CheckpointStore;
}): ActionContext<TInput, any> & { tempDirs: string[] } {
  const base = createMockActionContext<TInput, any>({
    input: options.input,
    workspacePath: options.workspacePath,
    logger: mockServices.logger.mock(),
  }) as unknown as ActionContext<TInput, any>;
  const tempDirs: string[] = [];
  const store = options.checkpoints ?? new CheckpointStore();
  return {
    ...base,
    isDryRun: options.dryRun ?? false,
    checkpoint: store.checkpoint,
    createTemporaryDirectory: jest.fn(async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crawlers-action-'));
      tempDirs.push(dir);
      return dir;
    }),
    tempDirs,
  };
}

/** The outputs an action set, by name. */
export function outputsOf(
  ctx: ActionContext<any, any>,
): Record<string, unknown> {
  return Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [name, value]),
  );
}

/** Everything the action logged (message and metadata), for checks that no secret leaks. */
export function loggedText(ctx: ActionContext<any, any>): string {
  const logger = ctx.logger as unknown as Record<string, jest.Mock>;
  return ['info', 'warn', 'error', 'debug']
    .flatMap(level => logger[level]?.mock.calls ?? [])
    .map(args => JSON.stringify(args))
    .join('\n');
}
