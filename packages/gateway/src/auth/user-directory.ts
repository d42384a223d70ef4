/**
 * Product user look-ups (active flag, groups) with a short cache, so a warm token costs no product
 * call, while a deactivation or a group change still takes effect within DESIGN §2's 60 seconds
 * (entries live at most `ttlMs`, default 30 s). Concurrent look-ups of one user share one call.
 */
import type { Product, ProductUser } from '@api-token-auth/product-port';
import { createSingleFlight } from './single-flight.js';

/** A user as the gateway's policy sees them. */
export interface DirectoryUser {
  user: ProductUser;
  /** Member of one of the admin groups. */
  isAdmin: boolean;
}

export interface UserDirectory {
  /** `null` = the product has no such user. Throws what the product throws (unreachable etc.). */
  lookUp(username: string): Promise<DirectoryUser | null>;
  /** What `lookUp` would answer from its cache, or `undefined` when it would ask the product. */
  lookUpFromMemory(username: string): DirectoryUser | null | undefined;
  /** Forget one user (e.g. after an admin action concerning them). */
  invalidate(username: string): void;
  clear(): void;
}

/** Options of {@link createUserDirectory}. */
export interface UserDirectoryOptions {
  product: Pick<Product, 'lookUpUser'>;
  adminGroups: readonly string[];
  /** Epoch milliseconds. */
  now: () => number;
  ttlMs?: number;
  maxEntries?: number;
}

/**
 * Whether `groups` contains one of `adminGroups` (group names compare case-insensitively, as in the
 * products).
 *
 * @example
 * ```ts
 * isMemberOfAny(['Jira-Administrators'], ['jira-administrators']); // true
 * ```
 */
export function isMemberOfAny(groups: readonly string[], adminGroups: readonly string[]): boolean {
  const wanted = new Set(adminGroups.map((group) => group.toLowerCase()));
  return groups.some((group) => wanted.has(group.toLowerCase()));
}

/**
 * @example
 * ```ts
 * const users = createUserDirectory({ product, adminGroups: ['jira-administrators'], now: Date.now });
 * const alice = await users.lookUp('alice'); // { user, isAdmin: false } or null
 * ```
 */
export function createUserDirectory(options: UserDirectoryOptions): UserDirectory {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { value: DirectoryUser | null; at: number }>();
  const flights = createSingleFlight<DirectoryUser | null>();

  function fromMemory(key: string): DirectoryUser | null | undefined {
    const cached = cache.get(key);
    return cached !== undefined && options.now() - cached.at < ttlMs ? cached.value : undefined;
  }

  return {
    lookUpFromMemory: (username) => fromMemory(username.toLowerCase()),
    async lookUp(username) {
      const key = username.toLowerCase();
      const cached = fromMemory(key);
      if (cached !== undefined) return cached;
      return flights.run(key, async () => {
        const user = await options.product.lookUpUser(username);
        const value =
          user === null ? null : { user, isAdmin: isMemberOfAny(user.groups, options.adminGroups) };
        cache.delete(key);
        if (cache.size >= maxEntries) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
        cache.set(key, { value, at: options.now() });
        return value;
      });
    },
    invalidate(username) {
      cache.delete(username.toLowerCase());
    },
    clear() {
      cache.clear();
    },
  };
}
