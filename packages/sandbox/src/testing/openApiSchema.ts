/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The one OpenAPI → JSON Schema converter of the contract tests (the sandbox's and crawlers-node's), for Ajv.
 *
 * - OpenAPI 3.0 `nullable: true` lets the value also be null: next to a `type` the type becomes `[type, 'null']`
 *   (and an `enum` gains `null`); next to `$ref`, `allOf`, `anyOf` or `oneOf` — where adding to `type` would not
 *   help, the referenced or combined schemas still refuse null — the schema becomes `anyOf: [schema, {type: 'null'}]`.
 *   `nullable: false` is dropped.
 * - OpenAPI 3.1 schemas are JSON Schema already: `type: [x, 'null']` and `anyOf: [..., {type: 'null'}]` pass through.
 * - OpenAPI-only keywords without a JSON Schema meaning (`discriminator`, `xml`, `externalDocs`, `example`) are
 *   dropped; annotations JSON Schema knows (`readOnly`, `deprecated`, …) stay.
 * - Local `$ref`s (`#/components/schemas/X`) can be pointed at the document registered in Ajv under `refBase`
 *   (`spec#/components/schemas/X`).
 *
 * The walk knows where schemas are (`properties`, `items`, `allOf`, …), so property names and literal values
 * (`enum`, `default`, `const`) are never mistaken for keywords.
 */

type Json = Record<string, unknown>;

/** Options of {@link openApiToJsonSchema}. */
export type OpenApiSchemaOptions = {
  /** Prefix for local `$ref`s: `spec` turns `#/components/schemas/X` into `spec#/components/schemas/X`. */
  refBase?: string;
};

/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'contentSchema',
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set([
  'allOf',
  'anyOf',
  'oneOf',
  'prefixItems',
]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  '$defs',
  'definitions',
]);
/** OpenAPI keywords that JSON Schema does not have (`nullable` is handled on its own). */
const DROPPED_KEYWORDS = new Set([
  'nullable',
  'discriminator',
  'xml',
  'externalDocs',
  'example',
]);
/** Keywords next to which `nullable` cannot be expressed by widening `type`. */
const COMBINING_KEYWORDS = ['$ref', 'allOf', 'anyOf', 'oneOf'];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}

/** Lets a converted schema also accept null (OpenAPI 3.0 `nullable: true`). */
function allowNull(schema: Json): Json {
  const combined = COMBINING_KEYWORDS.some(k => k in schema);
  if (!combined && schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const out: Json = {
      ...schema,
      type: types.includes('null') ? types : [...types, 'null'],
    };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) {
      out.enum = [...schema.enum, null];
    }
    return out;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

/** Converts one OpenAPI 3.0 or 3.1 Schema Object (with the schemas inside it) into JSON Schema. */
export function openApiToJsonSchema(
  schema: unknown,
  options: OpenApiSchemaOptions = {},
): unknown {
  if (!isObject(schema)) return schema; // `true`/`false` schemas, or not a schema at all
  const convert = (s: unknown) => openApiToJsonSchema(s, options);
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = Array.isArray(value) ? value.map(convert) : convert(value);
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map(convert);
    } else if (SCHEMA_MAP_KEYWORDS.has(key)) {
      out[key] = mapValues(value, convert);
    } else if (
      key === '$ref' &&
      typeof value === 'string' &&
      value.startsWith('#') &&
      options.refBase
    ) {
      out[key] = `${options.refBase}${value}`;
    } else {
      out[key] = value;
    }
  }
  return schema.nullable === true ? allowNull(out) : out;
}

/**
 * The component schemas of an OpenAPI document, converted, as a document to register in Ajv under `refBase`
 * (`ajv.addSchema(openApiComponentSchemas(spec, 'spec'), 'spec')`) so that converted `$ref`s resolve.
 */
export function openApiComponentSchemas(
  spec: { components?: { schemas?: Record<string, unknown> } },
  refBase: string,
): { components: { schemas: Record<string, unknown> } } {
  const schemas = spec.components?.schemas ?? {};
  return {
    components: {
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, s]) => [
          name,
          openApiToJsonSchema(s, { refBase }),
        ]),
      ),
    },
  };
}
