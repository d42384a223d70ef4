import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findContractMismatches } from './contract-mismatches.js';

/** A miniature OpenAPI document with the usual generator habits (no `type` beside `properties`). */
const document = {
  components: {
    schemas: {
      User: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          active: { type: 'boolean' },
          count: { type: 'integer', format: 'int32' },
          ratio: { type: 'number' },
          groups: { $ref: '#/components/schemas/GroupList' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
      GroupList: { properties: { size: { type: 'integer' } } },
      Group: { properties: { name: { type: 'string' } } },
      Bare: { type: 'object' },
    },
  },
};
const user = { $ref: '#/components/schemas/User' };

describe('findContractMismatches', () => {
  it('accepts a schema that reads only promised fields', () => {
    const schema = z.object({
      name: z.string(),
      active: z.boolean().optional(),
      count: z.number(), // a number reader accepts the contract's integers
      tags: z.array(z.string()).nullable(),
      groups: z.looseObject({ size: z.number().int() }),
    });
    expect(findContractMismatches(schema, { document, contract: user })).toEqual([]);
  });

  it('reports absent fields, wrong types and untyped items', () => {
    const schema = z.object({
      nmae: z.string(),
      active: z.string(),
      ratio: z.number().int(),
      tags: z.array(z.number()),
      groups: z.object({ items: z.array(z.object({ name: z.string() })) }),
    });
    expect(findContractMismatches(schema, { document, contract: user })).toEqual([
      'nmae: not in the contract',
      'active: we read string, the contract says boolean',
      'ratio: we read integer, the contract says number',
      'tags[]: we read number, the contract says string',
      'groups.items: not in the contract',
    ]);
  });

  it('applies a patch where the contract is known to be wrong, and checks through it', () => {
    const schema = z.object({
      groups: z.object({ items: z.array(z.object({ name: z.string(), id: z.string() })) }),
    });
    const patches = {
      'groups.items': {
        reason: 'missing from GroupList',
        schema: { type: 'array', items: { $ref: '#/components/schemas/Group' } },
      },
    };
    expect(findContractMismatches(schema, { document, contract: user, patches })).toEqual([
      'groups.items[].id: not in the contract',
    ]);
  });

  it('reports a patch that is not used, or not needed', () => {
    const schema = z.object({ name: z.string() });
    const patches = {
      name: { reason: 'believed missing', schema: { type: 'string' } },
      other: { reason: 'never reached', schema: { type: 'string' } },
    };
    expect(findContractMismatches(schema, { document, contract: user, patches })).toEqual([
      'name: patch not needed, the contract already fits (believed missing)',
      'other: patch not needed (never reached)',
    ]);
  });

  it('reports a bare contract object and an unresolvable reference', () => {
    expect(
      findContractMismatches(z.object({ version: z.string() }), {
        document,
        contract: { $ref: '#/components/schemas/Bare' },
      }),
    ).toEqual(['version: not in the contract']);
    expect(
      findContractMismatches(z.object({ a: z.string() }), {
        document,
        contract: { $ref: '#/components/schemas/Nope' },
      }),
    ).toEqual([
      '(root): contract reference #/components/schemas/Nope points nowhere',
      '(root): no contract schema',
    ]);
  });
});
