/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import http from 'node:http';
import YAML from 'yaml';
import { badRequest } from '../errors';
import { KubeStoreApi } from '../storeApi';

/** One authenticated request to the Kubernetes API and what the handlers need to answer it. */
export interface KubeRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  method: string;
  /** The authenticated user. */
  user: string;
  /** The raw request body. */
  body: Buffer;
  kube: KubeStoreApi;
  /** Fields of the request's log line (verb, resource, namespace, ...), filled in by the handlers. */
  meta: Record<string, unknown>;
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** A request body as JSON, or YAML when the content type says so; 400 when empty or undecodable. */
export function parseBody(raw: Buffer, contentType: string): any {
  if (!raw.length) throw badRequest('the request body is empty');
  const text = raw.toString('utf8');
  try {
    return contentType.includes('yaml') ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `the request body could not be decoded: ${(e as Error).message}`,
    );
  }
}

/** The request's body, decoded with its content type. */
export function requestBody(r: KubeRequest): any {
  return parseBody(r.body, contentTypeOf(r));
}

export function contentTypeOf(r: KubeRequest): string {
  return String(r.req.headers['content-type'] ?? '');
}
