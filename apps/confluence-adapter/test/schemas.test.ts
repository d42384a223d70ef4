/**
 * The zod schemas of `src/schemas.ts` against the official Confluence DC 10.0.3 contract: every field
 * we read must exist there with a compatible type. The contract's known defects
 * (tools/sandbox/contracts/README.md) are bridged by narrow patches, each justified here by the
 * contract's own embedded examples where it has them; a patch that is no longer needed fails the
 * test. The msw fixtures are validated against the same contract.
 */
import { findContractMismatches, type ContractPatch } from '@api-token-auth/product-port';
import { readOpenApiContract } from '@api-token-auth/product-port/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  confluenceCurrentUserSchema,
  confluenceGroupPageSchema,
  confluenceRestErrorSchema,
  confluenceUserSchema,
} from '../src/schemas.js';
import { anonymous, groupPage, knownAdmin, userWithStatus } from './fixtures.js';

/** Paths include `/rest/api`; the document's server URL has the context path. */
const contract = readOpenApiContract(
  new URL('../../../tools/sandbox/contracts/confluence-dc-10.0.3-openapi.json', import.meta.url),
);
const { document } = contract;

/** Every JSON example embedded in the document's descriptions (```javascript … ``` blocks). */
function embeddedExamples(): unknown[] {
  const examples: unknown[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const parts = value.split('```');
      for (let index = 1; index < parts.length; index += 2) {
        try {
          examples.push(JSON.parse((parts[index] ?? '').replace(/^\s*[a-z]*\s*\n/, '')));
        } catch {
          // Shell snippets and prose: not examples of an answer.
        }
      }
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(visit);
    }
  };
  visit(document);
  return examples;
}

/** All objects with a `type` of `known`/`anonymous` (users) inside the embedded examples. */
function exampleUsers(): Array<Record<string, unknown>> {
  const users: Array<Record<string, unknown>> = [];
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    if (object.type === 'known' || object.type === 'anonymous') users.push(object);
    Object.values(object).forEach(visit);
  };
  embeddedExamples().forEach(visit);
  return users;
}

/** Known defect: `Person` lists only `type`, `displayName`, `profilePicture`; known users also carry these. */
const personPatches: Record<string, ContractPatch> = {
  username: {
    reason: 'Person lists only a few fields; the embedded examples show username',
    schema: { type: 'string' },
  },
  userKey: {
    reason: 'Person lists only a few fields; the embedded examples show userKey',
    schema: { type: 'string' },
  },
};

/** Same defect: the `status` expansion (listed under `_expandable` in the embedded example). */
const statusPatch: ContractPatch = {
  reason: 'Person lists only a few fields; the embedded example lists status under _expandable',
  schema: { type: 'string' },
};

/** Known defect: `user/memberof` types its results as `Person` although they are groups, and `Group` is empty. */
const memberOfResultsPatch: ContractPatch = {
  reason: 'memberof results are typed Person although they are groups; Group has no properties',
  schema: { type: 'object', properties: { type: { type: 'string' }, name: { type: 'string' } } },
};

describe('zod schemas read only what the Confluence contract promises', () => {
  it('GET /rest/api/user/current → Person, with username/userKey patched in', () => {
    expect(contract.okSchema('/rest/api/user/current')).toEqual({ $ref: '#/components/schemas/Person' });
    expect(contract.mismatches(confluenceCurrentUserSchema, '/rest/api/user/current', personPatches)).toEqual(
      [],
    );
  });

  it('GET /rest/api/user → Person, with username/userKey/status patched in', () => {
    expect(
      contract.mismatches(confluenceUserSchema, '/rest/api/user', { ...personPatches, status: statusPatch }),
    ).toEqual([]);
  });

  it('an error answer → RestError (its message names a missing permission)', () => {
    expect(
      findContractMismatches(confluenceRestErrorSchema, {
        document,
        contract: { $ref: '#/components/schemas/RestError' },
      }),
    ).toEqual([]);
  });

  it('GET /rest/api/user/memberof → the paged answer, with its results patched to groups', () => {
    expect(
      contract.mismatches(confluenceGroupPageSchema, '/rest/api/user/memberof', {
        'results[]': memberOfResultsPatch,
      }),
    ).toEqual([]);
  });

  it('the patches rest on the contract itself: its examples and its defects', () => {
    const users = exampleUsers();
    expect(
      users.some(
        (user) =>
          user.type === 'known' && typeof user.username === 'string' && typeof user.userKey === 'string',
      ),
    ).toBe(true);
    expect(
      users.some(
        (user) =>
          typeof user._expandable === 'object' && user._expandable !== null && 'status' in user._expandable,
      ),
    ).toBe(true);
    expect(users.some((user) => user.type === 'anonymous' && !('username' in user))).toBe(true);
    expect(Object.keys(document.components.schemas.Person?.properties ?? {}).sort()).toEqual([
      'displayName',
      'profilePicture',
      'type',
    ]);
    expect(document.components.schemas.Group?.properties).toBeUndefined();
  });

  it('fails for a schema that reads what the contract does not promise', () => {
    const wrong = z.object({
      type: z.number(),
      displayName: z.string(),
      email: z.string(),
      profilePicture: z.object({ width: z.string() }),
    });
    expect(contract.mismatches(wrong, '/rest/api/user')).toEqual([
      'type: we read number, the contract says string',
      'email: not in the contract',
      'profilePicture.width: we read string, the contract says integer',
    ]);
  });
});

describe('the msw fixtures follow the Confluence contract', () => {
  it('the user fixtures are copies of the contract examples', () => {
    const users = exampleUsers();
    expect(users).toContainEqual(knownAdmin);
    expect(users).toContainEqual(anonymous);
  });

  it.each([
    ['known user', knownAdmin, '/rest/api/user/current'],
    ['anonymous', anonymous, '/rest/api/user/current'],
    ['user with status', userWithStatus('deactivated'), '/rest/api/user'],
    ['memberof page', groupPage(['confluence-administrators'], 0, 200, true), '/rest/api/user/memberof'],
  ])('%s', (_label, fixture, path) => {
    expect(contract.validate(fixture, path)).toBe('valid');
  });

  it('rejects a fixture of the wrong shape', () => {
    expect(
      contract.validate({ ...groupPage([], 0, 200, false), size: 'zero' }, '/rest/api/user/memberof'),
    ).toContain('must be number');
  });

  it('every fixture also parses with our schemas', () => {
    expect(confluenceCurrentUserSchema.parse(anonymous).type).toBe('anonymous');
    expect(confluenceUserSchema.parse(userWithStatus('current'))).toMatchObject({
      username: 'admin',
      status: 'current',
    });
    expect(confluenceGroupPageSchema.parse(groupPage(['a', 'b'], 0, 2, true)).results).toHaveLength(2);
  });
});
