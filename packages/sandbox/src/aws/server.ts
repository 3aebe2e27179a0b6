/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import http from 'node:http';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../constants';
import { listen, readBody, RunningServer } from '../util/http';
import { SandboxLogger, silentLogger } from '../util/logger';
import { SigV4Credentials } from '../util/sigv4';
import type { AwsWorld } from './AwsWorld';
import { awsDispatchTable } from './dispatch';
import { AwsServiceError } from './errors';
import {
  errorReply,
  internalError,
  successReply,
  writeReply,
} from './protocol/reply';
import { checkSignature } from './protocol/signature';
import { RequestContext } from './protocol/types';

/** Options of {@link startAwsServer}. */
export interface AwsServerOptions {
  world: AwsWorld;
  port: number;
  /** Not used by the AWS stand-in itself (pods react to profile changes through startPodLifecycle); accepted so callers can pass the whole sandbox. */
  kube?: unknown;
  logger?: SandboxLogger;
  /** Credentials requests must be signed with (default: the sandbox's dummy credentials). */
  credentials?: SigV4Credentials;
}

/**
 * One HTTP endpoint for the AWS SDK v3 (`endpoint` / `AWS_ENDPOINT_URL`): CodeCommit and ECR (awsJson1_1), EKS
 * (restJson1), STS and IAM (awsQuery), EC2 (ec2 query). Every request must carry a SigV4 signature made with the dummy
 * credentials or temporary credentials from STS AssumeRole (with their session token); it is then dispatched to its
 * service's handler through the dispatch table.
 */
export async function startAwsServer(
  options: AwsServerOptions,
): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger;
  const credentials = options.credentials ?? {
    accessKeyId: SANDBOX_ACCESS_KEY_ID,
    secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
  };
  const table = awsDispatchTable(options.world);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const ctx: RequestContext = {
      protocol: 'awsJson1_1',
      service: 'unknown',
      operation: 'Unknown',
      requestId: crypto.randomUUID(),
    };
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://localhost');
    try {
      const body = await readBody(req);
      const request = table.recognise(req, url, body, ctx);
      checkSignature(
        req,
        rawUrl,
        body,
        { credentials, sts: options.world.sts },
        ctx,
      );
      const result = await table.call(
        request,
        req.method ?? 'GET',
        url,
        body,
        ctx,
      );
      const namespace = table.xmlNamespace(ctx.service);
      writeReply(res, ctx, successReply(ctx, result, namespace));
    } catch (e) {
      if (!(e instanceof AwsServiceError)) {
        logger.error('aws request failed', {
          service: ctx.service,
          operation: ctx.operation,
          error: (e as Error).message,
        });
      }
      const err = e instanceof AwsServiceError ? e : internalError(ctx, e);
      writeReply(
        res,
        ctx,
        errorReply(ctx, err, table.xmlNamespace(ctx.service)),
      );
    } finally {
      logger.info('aws request', {
        method: req.method,
        service: ctx.service,
        operation: ctx.operation,
        status: res.statusCode,
        requestId: ctx.requestId,
      });
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(e => {
      logger.error('aws request could not be answered', {
        error: (e as Error)?.message ?? String(e),
      });
      res.destroy();
    });
  });
  return listen(server, options.port);
}
