/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  openApiComponentSchemas,
  openApiToJsonSchema,
} from '@crawler-platform/sandbox/src/testing/openApiSchema';

type Json = Record<string, any>;

/** Finds the workspace root (the folder whose package.json declares workspaces). */
export function findRepoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.workspaces) {
        return dir;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`No workspace root above ${start}`);
    }
    dir = parent;
  }
}

/** Paths of the official Airflow specs, relative to the repo root as the project rules say. */
export function airflowSpecPaths() {
  const root = findRepoRoot();
  return {
    v1: path.resolve(root, '../shared/specs/airflow/v1-2.10.0.yaml'),
    v2: path.resolve(root, '../shared/specs/airflow/v2-3.2.1.yaml'),
  };
}

interface Operation {
  template: string;
  regex: RegExp;
  names: string[];
  op: Json;
  params: Json[];
}

/** Validates requests and responses against one OpenAPI 3.0 document. */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly spec: Json;
  private readonly operations: Array<Operation & { method: string }> = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(file: string, private readonly pathPrefix: string) {
    this.spec = YAML.parse(fs.readFileSync(file, 'utf8'));
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    // The v1 spec also writes date-times as `format: datetime`.
    this.ajv.addFormat(
      'datetime',
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i,
    );
    this.ajv.addSchema(openApiComponentSchemas(this.spec, 'spec'), 'spec');
    for (const [template, item] of Object.entries<Json>(this.spec.paths)) {
      const names: string[] = [];
      // Airflow path templates hold only letters, digits, '/', '_', '-', '~' and {params}.
      const regex = new RegExp(
        `^${template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        })}$`,
      );
      for (const method of ['get', 'post', 'patch', 'put', 'delete']) {
        if (item[method]) {
          const params = [
            ...(item.parameters ?? []),
            ...(item[method].parameters ?? []),
          ].map(p => this.deref(p));
          this.operations.push({
            method: method.toUpperCase(),
            template,
            regex,
            names,
            op: item[method],
            params,
          });
        }
      }
    }
  }

  private deref(node: Json): Json {
    let current = node;
    while (current && typeof current.$ref === 'string') {
      const parts = current.$ref.replace(/^#\//, '').split('/');
      current = parts.reduce((acc: Json, p: string) => acc[p], this.spec);
    }
    return current;
  }

  private validator(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile(
        openApiToJsonSchema(schema, { refBase: 'spec' }) as object,
      );
      this.validators.set(key, v);
    }
    return v;
  }

  private check(schema: unknown, value: unknown, what: string): string[] {
    const v = this.validator(schema);
    return v(value)
      ? []
      : (v.errors ?? []).map(e => `${what}${e.instancePath} ${e.message}`);
  }

  /** Finds the operation of a request; undefined if the spec has none. */
  find(method: string, pathname: string) {
    if (!pathname.startsWith(this.pathPrefix)) {
      return undefined;
    }
    const local = pathname.slice(this.pathPrefix.length);
    // Literal paths (e.g. /dags/~/dagRuns/list) win over templated ones.
    const candidates = this.operations.filter(
      o => o.method === method && o.regex.test(local),
    );
    candidates.sort((a, b) => a.names.length - b.names.length);
    const found = candidates[0];
    if (!found) {
      return undefined;
    }
    const match = found.regex.exec(local)!;
    const pathValues = Object.fromEntries(
      found.names.map((n, i) => [n, decodeURIComponent(match[i + 1])]),
    );
    return { ...found, pathValues };
  }

  private coerce(schema: Json, raw: string): unknown {
    const type = this.deref(schema).type;
    if (type === 'integer' || type === 'number') {
      return raw.trim() === '' ? raw : Number(raw);
    }
    if (type === 'boolean') {
      if (raw === 'true' || raw === 'false') {
        return raw === 'true';
      }
      return raw;
    }
    return raw;
  }

  /** Checks method, path, path parameters, query parameters and JSON body of a request. */
  validateRequest(request: {
    method: string;
    url: URL;
    body: unknown;
  }): string[] {
    const found = this.find(request.method, request.url.pathname);
    if (!found) {
      return [
        `${request.method} ${request.url.pathname} is not an operation of the spec`,
      ];
    }
    const errors: string[] = [];
    const where = `${request.method} ${found.template}`;
    for (const p of found.params.filter(x => x.in === 'path')) {
      errors.push(
        ...this.check(
          p.schema,
          this.coerce(p.schema, found.pathValues[p.name]),
          `${where} path ${p.name}`,
        ),
      );
    }
    const queryParams = found.params.filter(x => x.in === 'query');
    for (const key of new Set(request.url.searchParams.keys())) {
      const p = queryParams.find(x => x.name === key);
      if (!p) {
        errors.push(`${where} has no query parameter ${key}`);
        continue;
      }
      const schema = this.deref(p.schema);
      const values = request.url.searchParams.getAll(key);
      let value: unknown;
      if (schema.type === 'array') {
        const explode = p.explode ?? (p.style ?? 'form') === 'form';
        if (!explode && values.length > 1) {
          errors.push(
            `${where} query ${key} must be sent once, comma-separated (explode: false)`,
          );
        }
        const items = explode ? values : values.flatMap(v => v.split(','));
        value = items.map(v => this.coerce(schema.items ?? {}, v));
      } else {
        if (values.length > 1) {
          errors.push(
            `${where} query ${key} is not an array but was sent ${values.length} times`,
          );
        }
        value = this.coerce(schema, values[0]);
      }
      errors.push(...this.check(p.schema, value, `${where} query ${key}`));
    }
    for (const p of queryParams.filter(x => x.required)) {
      if (!request.url.searchParams.has(p.name)) {
        errors.push(`${where} misses required query ${p.name}`);
      }
    }
    const requestBody = found.op.requestBody
      ? this.deref(found.op.requestBody)
      : undefined;
    if (request.body !== undefined) {
      const schema = requestBody?.content?.['application/json']?.schema;
      if (!schema) {
        errors.push(`${where} takes no JSON body`);
      } else {
        errors.push(...this.check(schema, request.body, `${where} body`));
      }
    } else if (requestBody?.required) {
      errors.push(`${where} requires a body`);
    }
    return errors;
  }

  /** Checks a JSON response body against the spec's schema for that operation and status. */
  validateResponse(response: {
    method: string;
    pathname: string;
    status: number;
    body: unknown;
  }): string[] {
    const found = this.find(response.method, response.pathname);
    if (!found) {
      return [
        `${response.method} ${response.pathname} is not an operation of the spec`,
      ];
    }
    const declared =
      found.op.responses?.[String(response.status)] ??
      found.op.responses?.default;
    if (!declared) {
      return [
        `${response.method} ${found.template} declares no ${response.status} response`,
      ];
    }
    const schema = this.deref(declared).content?.['application/json']?.schema;
    if (!schema) {
      return [
        `${response.method} ${found.template} ${response.status} has no JSON schema`,
      ];
    }
    return this.check(
      schema,
      response.body,
      `${response.method} ${found.template} ${response.status}`,
    );
  }
}
