import type { SandboxUser } from '../types.js';

/** The seed every sandbox starts with; groups and keys differ per product. */
export interface UserSeed {
  adminGroups: string[];
  userGroup: string;
  extraAdminGroups: string[];
  keys: { admin: string; alice: string; bob: string };
}

/** Builds the seeded users, keyed by lower-cased username. */
export function seedUsers(seed: UserSeed): Map<string, SandboxUser> {
  const users: SandboxUser[] = [
    {
      username: 'admin',
      password: 'admin',
      displayName: 'Administrator',
      active: true,
      groups: [...seed.adminGroups, seed.userGroup, ...seed.extraAdminGroups],
      key: seed.keys.admin,
      email: 'admin@example.com',
    },
    {
      username: 'alice',
      password: 'alice',
      displayName: 'Alice Example',
      active: true,
      groups: [seed.userGroup],
      key: seed.keys.alice,
      email: 'alice@example.com',
    },
    {
      username: 'bob',
      password: 'bob',
      displayName: 'Bob Example',
      active: false,
      groups: [seed.userGroup],
      key: seed.keys.bob,
      email: 'bob@example.com',
    },
  ];
  return new Map(users.map((user) => [user.username.toLowerCase(), user]));
}

/**
 * Usernames compare case-insensitively, as in Jira and Confluence. Tests may add users under keys of any
 * case, so a miss on the lower-cased key falls back to comparing each user's own name.
 */
export function findUser(users: Map<string, SandboxUser>, username: string): SandboxUser | undefined {
  const wanted = username.toLowerCase();
  const direct = users.get(wanted);
  if (direct) return direct;
  for (const user of users.values()) if (user.username.toLowerCase() === wanted) return user;
  return undefined;
}

export function findUserByKey(users: Map<string, SandboxUser>, key: string): SandboxUser | undefined {
  for (const user of users.values()) if (user.key === key) return user;
  return undefined;
}

export function isMemberOfAny(user: SandboxUser, groups: readonly string[]): boolean {
  const wanted = new Set(groups.map((group) => group.toLowerCase()));
  return user.groups.some((group) => wanted.has(group.toLowerCase()));
}
