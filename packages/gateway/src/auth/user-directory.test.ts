import { expect, test } from 'vitest';
import type { ProductUser } from '@api-token-auth/product-port';
import { createUserDirectory, isMemberOfAny } from './user-directory.js';

test('look-ups are cached for the TTL, shared while in flight, and admin is group membership', async () => {
  let now = 0;
  let calls = 0;
  const users: Record<string, ProductUser> = {
    alice: { username: 'alice', displayName: 'Alice', active: true, groups: ['Jira-Administrators'] },
  };
  const directory = createUserDirectory({
    product: {
      async lookUpUser(username) {
        calls += 1;
        return users[username.toLowerCase()] ?? null;
      },
    },
    adminGroups: ['jira-administrators'],
    now: () => now,
    ttlMs: 30_000,
  });
  const [a, b] = await Promise.all([directory.lookUp('alice'), directory.lookUp('ALICE')]);
  expect(a?.isAdmin).toBe(true);
  expect(b).toBe(a);
  expect(calls).toBe(1);
  expect(await directory.lookUp('nobody')).toBeNull();
  now = 29_999;
  await directory.lookUp('alice');
  expect(calls).toBe(2);
  now = 30_000;
  users.alice = { ...users.alice!, active: false };
  expect((await directory.lookUp('alice'))?.user.active).toBe(false);
  expect(calls).toBe(3);
});

test('isMemberOfAny', () => {
  expect(isMemberOfAny(['a', 'B'], ['b'])).toBe(true);
  expect(isMemberOfAny(['a'], ['b'])).toBe(false);
  expect(isMemberOfAny([], [])).toBe(false);
});
