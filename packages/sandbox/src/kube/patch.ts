/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { badRequest, conflict, KubeApiError } from './errors';
import { clone, KubeObject, KubeResource } from './types';

/** RFC 7386 JSON merge patch. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return clone(patch);
  }
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) {
      delete result[k];
    } else {
      result[k] = jsonMergePatch(result[k], v);
    }
  }
  return result;
}

/** Splits an RFC 6901 JSON pointer into its unescaped tokens. */
function pointerTokens(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw badRequest(`invalid JSON pointer ${p}`);
  return p
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A document being edited by JSON patch operations. */
class PatchDocument {
  constructor(public doc: any) {}

  private parentOf(tokens: string[]): any {
    let cur: any = this.doc;
    for (const t of tokens.slice(0, -1)) {
      cur = cur?.[Array.isArray(cur) ? Number(t) : t];
      if (cur === undefined || cur === null)
        throw badRequest(`the path ${tokens.join('/')} does not exist`);
    }
    return cur;
  }

  get(tokens: string[]): unknown {
    return tokens.reduce(
      (cur: any, t) =>
        cur === undefined ? undefined : cur[Array.isArray(cur) ? Number(t) : t],
      this.doc,
    );
  }

  remove(tokens: string[]): void {
    const parent = this.parentOf(tokens);
    const last = tokens[tokens.length - 1];
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else {
      if (!(last in parent))
        throw badRequest(`unable to remove nonexistent key: ${last}`);
      delete parent[last];
    }
  }

  add(tokens: string[], value: unknown): void {
    if (tokens.length === 0) {
      this.doc = clone(value);
      return;
    }
    const parent = this.parentOf(tokens);
    const last = tokens[tokens.length - 1];
    if (Array.isArray(parent)) {
      if (last === '-') parent.push(clone(value));
      else parent.splice(Number(last), 0, clone(value));
    } else parent[last] = clone(value);
  }
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw badRequest('the JSON patch must be an array of operations');
  }
  const doc = new PatchDocument(clone(target));
  for (const op of ops as Array<Record<string, any>>) {
    const tokens = pointerTokens(String(op.path ?? ''));
    switch (op.op) {
      case 'add':
        doc.add(tokens, op.value);
        break;
      case 'remove':
        doc.remove(tokens);
        break;
      case 'replace':
        if (doc.get(tokens) === undefined)
          throw badRequest(
            `replace operation does not apply: doc is missing key: ${op.path}`,
          );
        doc.remove(tokens);
        doc.add(tokens, op.value);
        break;
      case 'move': {
        const from = pointerTokens(String(op.from ?? ''));
        const v = doc.get(from);
        doc.remove(from);
        doc.add(tokens, v);
        break;
      }
      case 'copy':
        doc.add(tokens, doc.get(pointerTokens(String(op.from ?? ''))));
        break;
      case 'test':
        if (JSON.stringify(doc.get(tokens)) !== JSON.stringify(op.value))
          throw new KubeApiError(
            422,
            'Invalid',
            `testing value ${op.path} failed`,
          );
        break;
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc.doc;
}

/** The patch types of `PATCH` requests, by their content type. */
export type KubePatchType = 'apply' | 'json' | 'merge' | 'strategic';

/** The patch type a `PATCH` request's content type names; throws 415 for others. */
export function patchTypeOf(contentType: string): KubePatchType {
  if (contentType.startsWith('application/apply-patch+yaml')) return 'apply';
  if (contentType.startsWith('application/json-patch+json')) return 'json';
  if (contentType.startsWith('application/merge-patch+json')) return 'merge';
  if (contentType.startsWith('application/strategic-merge-patch+json'))
    return 'strategic';
  throw new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
  );
}

/**
 * A merge patch applied to the stored object: a JSON object is required, and a `metadata.resourceVersion` in the
 * patch must match the stored one (409 Conflict). Strategic merge patches take this path too: the sandbox does not
 * merge lists by key.
 */
export function mergePatched(
  resource: KubeResource,
  name: string,
  existing: KubeObject,
  patch: unknown,
): KubeObject {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw badRequest('the merge patch must be a JSON object');
  }
  const merged = jsonMergePatch(clone(existing), patch) as KubeObject;
  const rv = (patch as any).metadata?.resourceVersion;
  if (rv && rv !== existing.metadata.resourceVersion) {
    throw conflict(resource, name);
  }
  return merged;
}

/** Rejects a body whose `metadata.name` differs from the name on the URL. */
export function checkBodyName(
  body: KubeObject | undefined,
  name: string,
): void {
  if (body?.metadata?.name && body.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
}

/** Server-side apply, simplified: the object to create when none exists yet. */
export function applyCreateBody(body: KubeObject, name: string): KubeObject {
  return { ...body, metadata: { ...(body?.metadata ?? {}), name } };
}

/**
 * Server-side apply, simplified: the merge patch for an existing object. Its `metadata.resourceVersion` is ignored,
 * so an apply never conflicts.
 */
export function applyMergePatch(body: KubeObject): KubeObject {
  const { resourceVersion: _ignored, ...metadata } =
    body.metadata ?? ({} as KubeObject['metadata']);
  return { ...body, metadata } as KubeObject;
}
