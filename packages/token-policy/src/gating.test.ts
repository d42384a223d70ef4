import { describe, expect, test } from 'vitest';
import { mayAdminister, mayCreateToken, mayDeleteToken, mayUseToken } from './gating.js';
import type { Actor, OwnerFacts } from './types.js';

const admin: Actor = { username: 'admin', isAdmin: true };
const alice: Actor = { username: 'alice', isAdmin: false };

describe('mayCreateToken', () => {
  test.each<[string, Actor, string, boolean, ReturnType<typeof mayCreateToken>]>([
    ['a user for themselves', alice, 'alice', false, { allowed: true }],
    ['a user for themselves, other case', alice, 'ALICE', false, { allowed: true }],
    [
      'a user for themselves while only admins may',
      alice,
      'alice',
      true,
      { allowed: false, code: 'ADMIN_ONLY' },
    ],
    ['a user for someone else', alice, 'bob', false, { allowed: false, code: 'NOT_ADMIN' }],
    [
      'a user for someone else while only admins may',
      alice,
      'bob',
      true,
      { allowed: false, code: 'NOT_ADMIN' },
    ],
    ['an admin for themselves', admin, 'admin', false, { allowed: true }],
    ['an admin for themselves while only admins may', admin, 'admin', true, { allowed: true }],
    ['an admin on behalf of a user', admin, 'alice', false, { allowed: true }],
    ['an admin on behalf of a user while only admins may', admin, 'alice', true, { allowed: true }],
  ])('%s', (_name, actor, subjectUsername, adminOnly, expected) => {
    expect(mayCreateToken({ actor, subjectUsername, settings: { adminOnly } })).toEqual(expected);
  });
});

describe('mayDeleteToken', () => {
  test.each<[string, Actor, string, ReturnType<typeof mayDeleteToken>]>([
    ['the owner', alice, 'alice', { allowed: true }],
    ['the owner, other case', alice, 'Alice', { allowed: true }],
    ['another user', alice, 'bob', { allowed: false, code: 'NOT_ADMIN' }],
    ['an admin', admin, 'bob', { allowed: true }],
  ])('%s', (_name, actor, tokenOwner, expected) => {
    expect(mayDeleteToken({ actor, tokenOwner })).toEqual(expected);
  });
});

describe('mayUseToken', () => {
  test.each<[string, OwnerFacts | null, boolean, ReturnType<typeof mayUseToken>]>([
    ['an active user', { active: true, isAdmin: false }, false, { allowed: true }],
    [
      'an active user while only admins may',
      { active: true, isAdmin: false },
      true,
      { allowed: false, code: 'ADMIN_ONLY' },
    ],
    ['an active admin while only admins may', { active: true, isAdmin: true }, true, { allowed: true }],
    [
      'a deactivated user',
      { active: false, isAdmin: false },
      false,
      { allowed: false, code: 'OWNER_INACTIVE' },
    ],
    [
      'a deactivated admin while only admins may',
      { active: false, isAdmin: true },
      true,
      { allowed: false, code: 'OWNER_INACTIVE' },
    ],
    ['a user who no longer exists', null, false, { allowed: false, code: 'OWNER_INACTIVE' }],
  ])('%s', (_name, owner, adminOnly, expected) => {
    expect(mayUseToken({ owner, settings: { adminOnly } })).toEqual(expected);
  });
});

describe('mayAdminister', () => {
  test.each<[Actor, ReturnType<typeof mayAdminister>]>([
    [admin, { allowed: true }],
    [alice, { allowed: false, code: 'NOT_ADMIN' }],
  ])('%o', (actor, expected) => {
    expect(mayAdminister(actor)).toEqual(expected);
  });
});
