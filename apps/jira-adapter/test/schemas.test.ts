/**
 * The zod schemas of `src/schemas.ts` against the official Jira Software DC 10.3 contract: every
 * field we read must exist there with a compatible type. Known defects of the generated document
 * (tools/sandbox/contracts/README.md) are bridged by narrow patches, each with its reason; a patch
 * that is no longer needed fails the test. The msw fixtures are validated against the same contract.
 */
import type { ContractPatch } from '@api-token-auth/product-port';
import { readOpenApiContract } from '@api-token-auth/product-port/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jiraMyselfSchema, jiraServerInfoSchema, jiraUserSchema } from '../src/schemas.js';
import { myselfFred, serverInfo, userWithGroups } from './fixtures.js';

/** The document's server URL ends in `/rest`, so its paths start `/api/2`. */
const contract = readOpenApiContract(
  new URL('../../../tools/sandbox/contracts/jira-software-dc-10.3-openapi.json', import.meta.url),
);
const { document } = contract;

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
    expect(contract.okSchema('/api/2/myself')).toEqual({ $ref: '#/components/schemas/UserBean' });
    expect(contract.mismatches(jiraMyselfSchema, '/api/2/myself')).toEqual([]);
  });

  it('GET /rest/api/2/user?expand=groups → UserBean, with groups.items patched in', () => {
    expect(contract.mismatches(jiraUserSchema, '/api/2/user', { 'groups.items': groupsItemsPatch })).toEqual(
      [],
    );
  });

  it('GET /rest/api/2/serverInfo → ServerInfoBean, with its documented fields patched in', () => {
    expect(contract.mismatches(jiraServerInfoSchema, '/api/2/serverInfo', serverInfoPatches)).toEqual([]);
  });

  it('the known defects are still there (otherwise the patches must go)', () => {
    const components = document.components.schemas;
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
    expect(contract.mismatches(wrong, '/api/2/user')).toEqual([
      'name: we read number, the contract says string',
      'emailAddres: not in the contract',
      'groups.items: not in the contract',
    ]);
  });
});

describe('the msw fixtures follow the Jira contract', () => {
  it.each([
    ['myself', myselfFred, '/api/2/myself'],
    ['user with groups', userWithGroups(), '/api/2/user'],
    ['inactive user', userWithGroups({ active: false, groups: [] }), '/api/2/user'],
    ['serverInfo 9.12.2', serverInfo('9.12.2'), '/api/2/serverInfo'],
  ])('%s', (_label, fixture, path) => {
    expect(contract.validate(fixture, path)).toBe('valid');
  });

  it('rejects a fixture of the wrong shape', () => {
    expect(contract.validate({ ...myselfFred, active: 'yes' }, '/api/2/myself')).toContain('must be boolean');
  });

  it('every fixture also parses with our schemas', () => {
    expect(jiraMyselfSchema.parse(myselfFred).name).toBe('fred');
    expect(jiraUserSchema.parse(userWithGroups()).groups.items).toHaveLength(2);
    expect(jiraServerInfoSchema.parse(serverInfo('10.3.24')).versionNumbers).toEqual([10, 3, 24]);
  });
});
