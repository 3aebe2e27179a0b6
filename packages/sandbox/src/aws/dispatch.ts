/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import type { AwsWorld } from './AwsWorld';
import { codebuildModule } from './codebuild/handlers';
import { codecommitModule } from './codecommit/handlers';
import { ec2Module } from './ec2/handlers';
import { ecrModule } from './ecr/handlers';
import { eksModule } from './eks/handlers';
import { eventsModule } from './events/handlers';
import { AwsServiceError } from './errors';
import { iamModule } from './iam/handlers';
import { decodeJsonBody, parseTarget } from './protocol/awsJson';
import { unknownAction } from './protocol/awsQuery';
import { unknownEc2Action } from './protocol/ec2Query';
import { matchRoute, unknownRoute } from './protocol/restJson';
import {
  AwsCall,
  AwsHandler,
  AwsServiceModule,
  RequestContext,
} from './protocol/types';
import { stsModule } from './sts/handlers';

/** A request as first recognised (before its signature is checked). */
export interface RecognisedRequest {
  module?: AwsServiceModule;
  /** awsJson1_1: the whole `X-Amz-Target`. */
  target?: string;
  /** awsQuery / EC2: the form parameters. */
  params: URLSearchParams;
}

/**
 * The dispatch table: service + operation → handler, with how each service is reached (awsJson1_1 target prefix,
 * restJson1 path prefix and routes, query actions).
 */
export class DispatchTable {
  private readonly modules = new Map<string, AwsServiceModule>();

  constructor(modules: AwsServiceModule[]) {
    for (const m of modules) this.modules.set(m.service, m);
  }

  /** The handler of an operation (own entries only, so `constructor` or `toString` name no operation). */
  handler(
    module: AwsServiceModule | undefined,
    operation: string,
  ): AwsHandler | undefined {
    return module && Object.hasOwn(module.operations, operation)
      ? module.operations[operation]
      : undefined;
  }

  /** The XML namespace of a query service; STS's for anything else (errors of unknown query actions). */
  xmlNamespace(service: string): string | undefined {
    return (
      this.modules.get(service)?.xmlNamespace ??
      this.modules.get('sts')?.xmlNamespace
    );
  }

  /** Works out protocol, service and (where the request names it) operation; fills them into `ctx`. */
  recognise(
    req: http.IncomingMessage,
    url: URL,
    body: Buffer,
    ctx: RequestContext,
  ): RecognisedRequest {
    const target = req.headers['x-amz-target'];
    const contentType = String(req.headers['content-type'] ?? '');
    const modules = [...this.modules.values()];
    if (typeof target === 'string') {
      const { prefix, operation } = parseTarget(target);
      const module = modules.find(m => m.targetPrefix === prefix);
      Object.assign(ctx, {
        protocol: 'awsJson1_1',
        service: module?.service ?? 'unknown',
        operation,
      });
      return { module, target, params: new URLSearchParams() };
    }
    const rest = modules.find(
      m => m.pathPrefix && url.pathname.startsWith(m.pathPrefix),
    );
    if (rest) {
      Object.assign(ctx, { protocol: 'restJson1', service: rest.service });
      return { module: rest, params: new URLSearchParams() };
    }
    if (
      contentType.startsWith('application/x-www-form-urlencoded') ||
      url.searchParams.has('Action')
    ) {
      const params = new URLSearchParams(
        body.length ? body.toString('utf8') : url.search,
      );
      const operation = params.get('Action') ?? 'Unknown';
      const module =
        modules.find(
          m =>
            (m.protocol === 'awsQuery' || m.protocol === 'ec2Query') &&
            this.handler(m, operation),
        ) ?? this.modules.get('sts')!;
      Object.assign(ctx, {
        protocol: module.protocol,
        service: module.service,
        operation,
      });
      return { module, params };
    }
    ctx.protocol = 'restJson1';
    throw new AwsServiceError(
      'UnknownOperationException',
      `No AWS operation is served at ${req.method} ${url.pathname}`,
      404,
    );
  }

  /** Decodes the input the protocol's way, finds the handler and runs it; unknown operations are the protocol's error. */
  async call(
    request: RecognisedRequest,
    method: string,
    url: URL,
    body: Buffer,
    ctx: RequestContext,
  ): Promise<unknown> {
    const { module, params } = request;
    const call: AwsCall = {
      input: undefined,
      params,
      labels: {},
      query: url.searchParams,
      ctx,
    };
    if (ctx.protocol === 'awsJson1_1') {
      const handler = this.handler(module, ctx.operation);
      if (!handler) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `The operation ${String(
            request.target,
          )} is not served by the sandbox.`,
        );
      }
      call.input = decodeJsonBody(body, 'SerializationException') ?? {};
      return handler(call);
    }
    if (ctx.protocol === 'restJson1') {
      call.input = decodeJsonBody(body, 'BadRequestException');
      const route = matchRoute(module?.routes ?? [], method, url.pathname);
      const handler = route && this.handler(module, route.operation);
      if (!route || !handler) {
        ctx.operation = 'Unknown';
        throw unknownRoute(method, url.pathname);
      }
      ctx.operation = route.operation;
      call.labels = route.labels;
      return handler(call);
    }
    const handler = this.handler(module, ctx.operation);
    if (!handler) {
      throw ctx.protocol === 'ec2Query'
        ? unknownEc2Action(ctx.operation)
        : unknownAction(ctx.operation, params);
    }
    return handler(call);
  }
}

/** The dispatch table of a world's services. */
export function awsDispatchTable(world: AwsWorld): DispatchTable {
  return new DispatchTable([
    codecommitModule(world.codecommit),
    ecrModule(world.ecr, world.accountId),
    eksModule(world.eks),
    iamModule(world.iam),
    stsModule(world.sts),
    ec2Module(world.ec2, world.accountId),
    codebuildModule(world.builds, world),
    eventsModule(world.eventBridge),
  ]);
}
