/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CallerIdentity } from '../sts/service';

/**
 * The wire protocols the AWS stand-in speaks: awsJson1_1 (CodeCommit, ECR), restJson1 (EKS), awsQuery (STS, IAM)
 * and EC2's own query dialect.
 */
export type Protocol = 'awsJson1_1' | 'restJson1' | 'awsQuery' | 'ec2Query';

/** What the server knows about a request; filled in as the request is recognised, and logged at the end. */
export interface RequestContext {
  protocol: Protocol;
  service: string;
  operation: string;
  requestId: string;
  /** Who signed the request, once its signature is checked. */
  caller?: CallerIdentity;
}

/** A decoded request as an operation handler sees it. */
export interface AwsCall {
  /** The JSON body (awsJson1_1: `{}` when empty; restJson1: undefined when empty). */
  input: any;
  /** Form parameters (awsQuery, EC2 query). */
  params: URLSearchParams;
  /** Path labels of a restJson1 route, e.g. `{ name: 'crawlers-sandbox' }`. */
  labels: Record<string, string>;
  /** The URL's query string (restJson1). */
  query: URLSearchParams;
  ctx: RequestContext;
}

/**
 * One operation of a service. It returns the response payload: a JSON value for awsJson1_1 and restJson1, the XML
 * inside the `<Operation>Result>` (awsQuery) or `<Operation>Response>` (EC2) element for the query protocols.
 */
export type AwsHandler = (call: AwsCall) => unknown;

/** A restJson1 HTTP binding: `path` segments in braces are labels (`/clusters/{name}`). */
export interface RestRoute {
  method: string;
  path: string;
  operation: string;
}

/** A service as the dispatch table knows it: how requests reach it and its operations. */
export interface AwsServiceModule {
  /** The name used in logs and the dispatch table (`codecommit`, `ecr`, `eks`, `iam`, `sts`, `ec2`). */
  service: string;
  protocol: Protocol;
  /** awsJson1_1: the `X-Amz-Target` prefix before the dot. */
  targetPrefix?: string;
  /** restJson1: the path prefix of the service's routes, and the routes. */
  pathPrefix?: string;
  routes?: RestRoute[];
  /** awsQuery / EC2: the XML namespace of responses. */
  xmlNamespace?: string;
  operations: Record<string, AwsHandler>;
}

/** An HTTP answer before it is written. */
export interface Reply {
  status: number;
  /** A string is sent as it is, anything else as JSON. */
  body: unknown;
  headers?: Record<string, string>;
}
