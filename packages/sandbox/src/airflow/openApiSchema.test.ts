/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import Ajv from 'ajv';
import {
  openApiComponentSchemas,
  openApiToJsonSchema,
} from '../testing/openApiSchema';

/** A validator of `schema` (OpenAPI) with `components` registered as the document `spec`. */
function validator(schema: unknown, schemas: Record<string, unknown> = {}) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(
    openApiComponentSchemas({ components: { schemas } }, 'spec'),
    'spec',
  );
  return ajv.compile(
    openApiToJsonSchema(schema, { refBase: 'spec' }) as object,
  );
}

const Pet = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' } },
};

describe('openApiToJsonSchema', () => {
  it('should let OpenAPI 3.0 nullable with a type also accept null, and nothing else', () => {
    const v = validator({ type: 'integer', nullable: true });
    expect([v(1), v(null), v('1')]).toEqual([true, true, false]);
  });

  it('should add null to the enum of a nullable enum', () => {
    const v = validator({ type: 'string', enum: ['a', 'b'], nullable: true });
    expect([v('a'), v(null), v('c')]).toEqual([true, true, false]);
    expect(
      openApiToJsonSchema({
        type: 'string',
        enum: ['a', null],
        nullable: true,
      }),
    ).toEqual({ type: ['string', 'null'], enum: ['a', null] });
  });

  it('should let a nullable $ref or allOf accept null while still checking the referenced schema', () => {
    for (const schema of [
      { $ref: '#/components/schemas/Pet', nullable: true },
      { allOf: [{ $ref: '#/components/schemas/Pet' }], nullable: true },
      {
        type: 'object',
        allOf: [{ $ref: '#/components/schemas/Pet' }],
        nullable: true,
      },
    ]) {
      const v = validator(schema, { Pet });
      expect([v({ name: 'rex' }), v(null), v({ name: 5 }), v('rex')]).toEqual([
        true,
        true,
        false,
        false,
      ]);
    }
  });

  it('should refuse null without nullable, and with nullable: false', () => {
    expect(validator({ $ref: '#/components/schemas/Pet' }, { Pet })(null)).toBe(
      false,
    );
    expect(validator({ type: 'string', nullable: false })(null)).toBe(false);
  });

  it('should pass OpenAPI 3.1 null unions through unchanged', () => {
    const schema = {
      anyOf: [{ type: 'string' }, { type: 'null' }],
      properties: { n: { type: ['integer', 'null'] } },
    };
    expect(openApiToJsonSchema(schema)).toEqual(schema);
    const v = validator({ type: ['integer', 'null'] });
    expect([v(1), v(null), v('1')]).toEqual([true, true, false]);
  });

  it('should convert nested schemas, point local refs at the registered document, and leave names and literals alone', () => {
    expect(
      openApiToJsonSchema(
        {
          type: 'object',
          example: { nullable: true },
          properties: {
            nullable: { type: 'string', nullable: true, example: 'x' },
            list: { type: 'array', items: { $ref: '#/components/schemas/P' } },
          },
          additionalProperties: { type: 'number', nullable: true },
          default: { nullable: true },
        },
        { refBase: 'spec' },
      ),
    ).toEqual({
      type: 'object',
      properties: {
        nullable: { type: ['string', 'null'] },
        list: {
          type: 'array',
          items: { $ref: 'spec#/components/schemas/P' },
        },
      },
      additionalProperties: { type: ['number', 'null'] },
      default: { nullable: true },
    });
  });
});
