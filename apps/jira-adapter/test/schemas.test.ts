/**
 * The zod schemas of `src/schemas.ts` against the official Jira Software DC 10.3 contract: every
 * field we read must exist there with a compatible type. Known defects of the generated document
 * (tools/sandbox/contracts/README.md) are bridged by narrow patches, each with its reason; a patch
 * that is no longer needed fails the test. The msw fixtures are validated against the same contract.
 */
import { readFileSync } from 'node:fs';
import { findContractMismatches } from '@api-token-auth/gateway';
import type { ContractPatch } from '@api-token-auth/gateway';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jiraMyselfSchema, jiraServerInfoSchema, jiraUserSchema } from '../src/schemas.js';
import { myselfFred, serverInfo, userWithGroups } from './fixtures.js';

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }
    >
  >;
}

const document = JSON.parse(
  readFileSync(
    new URL('../../../tools/sandbox/contracts/jira-software-dc-10.3-openapi.json', import.meta.url),
    'utf8',
  ),
) as OpenApiDocument;

/** The 200 JSON schema of an operation. The document's server URL ends in `/rest`, so paths start `/api/2`. */
function okSchema(path: string, method = 'get'): Record<string, unknown> {
  const schema = document.paths[path]?.[method]?.responses['200']?.content?.['application/json']?.schema;
  if (schema === undefined)
    throw new Error(`the contract has no 200 JSON answer for ${method.toUpperCase()} ${path}`);
  return schema;
}

/** Known defect: `SimpleListWrapperGroupJsonBean` lacks `items`; Jira sends a list of `GroupJsonBean`. */
const groupsItemsPatch: ContractPatch = {
  reason: 'SimpleListWrapperGroupJsonBean is generated without its items list',
  schema: { type: 'array', items: { $ref: '#/components/schemas/GroupJsonBean' } },
};

/**
 * Defect of the same family: `ServerInfoBean` is generated as a bare `{type: object}`. Jira's REST
 * reference documents `version` (string) and `versionNumbers` (int array) on it.
 */
const serverInfoPatches: Record<string, ContractPatch> = {
  version: { reason: 'ServerInfoBean is generated without properties', schema: { type: 'string' } },
  versionNumbers: {
    reason: 'ServerInfoBean is generated without properties',
    schema: { type: 'array', items: { type: 'integer' } },
  },
};

describe('zod schemas read only what the Jira contract promises', () => {
  it('GET /rest/api/2/myself → UserBean', () => {
    expect(okSchema('/api/2/myself')).toEqual({ $ref: '#/components/schemas/UserBean' });
    expect(
      findContractMismatches(jiraMyselfSchema, { document, contract: okSchema('/api/2/myself') }),
    ).toEqual([]);
  });

  it('GET /rest/api/2/user?expand=groups → UserBean, with groups.items patched in', () => {
    expect(
      findContractMismatches(jiraUserSchema, {
        document,
        contract: okSchema('/api/2/user'),
        patches: { 'groups.items': groupsItemsPatch },
      }),
    ).toEqual([]);
  });

  it('GET /rest/api/2/serverInfo → ServerInfoBean, with its documented fields patched in', () => {
    expect(
      findContractMismatches(jiraServerInfoSchema, {
        document,
        contract: okSchema('/api/2/serverInfo'),
        patches: serverInfoPatches,
      }),
    ).toEqual([]);
  });

  it('the known defects are still there (otherwise the patches must go)', () => {
    const components = (
      document as unknown as { components: { schemas: Record<string, { properties?: object }> } }
    ).components.schemas;
    expect(Object.keys(components.SimpleListWrapperGroupJsonBean?.properties ?? {})).not.toContain('items');
    expect(components.ServerInfoBean?.properties).toBeUndefined();
  });

  it('fails for a schema that reads what the contract does not promise', () => {
    const wrong = z.object({
      name: z.number(),
      active: z.boolean(),
      emailAddres: z.string(),
      groups: z.object({ items: z.array(z.object({ name: z.string() })) }),
    });
    expect(findContractMismatches(wrong, { document, contract: okSchema('/api/2/user') })).toEqual([
      'name: we read number, the contract says string',
      'emailAddres: not in the contract',
      'groups.items: not in the contract',
    ]);
  });
});

describe('the msw fixtures follow the Jira contract', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; under NodeNext its default export is the module object.
  (ajvFormats as unknown as { default: (a: Ajv) => void }).default(ajv);
  ajv.addSchema(document as object, 'jira');

  function validate(fixture: unknown, path: string): string {
    const ref = okSchema(path).$ref as string;
    const check = ajv.getSchema(`jira${ref}`);
    if (check === undefined) throw new Error(`no schema ${ref}`);
    return check(fixture) ? 'valid' : ajv.errorsText(check.errors);
  }

  it.each([
    ['myself', myselfFred, '/api/2/myself'],
    ['user with groups', userWithGroups(), '/api/2/user'],
    ['inactive user', userWithGroups({ active: false, groups: [] }), '/api/2/user'],
    ['serverInfo 9.12.2', serverInfo('9.12.2'), '/api/2/serverInfo'],
  ])('%s', (_label, fixture, path) => {
    expect(validate(fixture, path)).toBe('valid');
  });

  it('rejects a fixture of the wrong shape', () => {
    expect(validate({ ...myselfFred, active: 'yes' }, '/api/2/myself')).toContain('must be boolean');
  });

  it('every fixture also parses with our schemas', () => {
    expect(jiraMyselfSchema.parse(myselfFred).name).toBe('fred');
    expect(jiraUserSchema.parse(userWithGroups()).groups.items).toHaveLength(2);
    expect(jiraServerInfoSchema.parse(serverInfo('10.3.24')).versionNumbers).toEqual([10, 3, 24]);
  });
});
