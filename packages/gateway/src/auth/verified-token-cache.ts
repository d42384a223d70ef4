/**
 * The verified-token cache (issue 3): a token whose secret matched its bcrypt hash is remembered for a
 * short time under a keyed digest of the presented token, so a warm token costs no bcrypt compare and
 * no storage read. Entries are indexed by token id and by owner so that a deletion or an owner change
 * drops them at once.
 */
import type { TokenFacts } from '@api-token-auth/token-policy';

/** What a cache hit knows: the token's policy facts and when its secret was verified. */
export interface VerifiedToken extends TokenFacts {
  /** Epoch milliseconds of the successful compare (or of the row read that renewed it). */
  verifiedAt: number;
  /** The stored bcrypt hash the secret matched: a renewal checks that the row still has it. */
  secretHash: string;
}

/** Options of {@link createVerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** Lifetime of an entry (default 60 s). */
  ttlMs?: number;
  /** Upper bound on entries; the oldest are evicted first (default 100,000). */
  maxEntries?: number;
  /** Epoch milliseconds (the gateway's clock). */
  now: () => number;
}

export interface VerifiedTokenCache {
  get(key: string): VerifiedToken | undefined;
  set(key: string, value: VerifiedToken): void;
  /** Drops one entry. */
  delete(key: string): void;
  /** Drops every entry of this token id. */
  invalidateToken(tokenId: string): void;
  /** Drops every entry of tokens owned by `owner` (case-insensitive). */
  invalidateOwner(owner: string): void;
  clear(): void;
  readonly size: number;
}

/**
 * @example
 * ```ts
 * const cache = createVerifiedTokenCache({ now: Date.now });
 * cache.set(digest, { id, owner: 'alice', createdAt, expiresAt: null, verifiedAt: Date.now() });
 * cache.invalidateOwner('ALICE'); // gone
 * ```
 */
export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions): VerifiedTokenCache {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, VerifiedToken>();
  const byToken = new Map<string, Set<string>>();
  const byOwner = new Map<string, Set<string>>();

  function index(map: Map<string, Set<string>>, name: string, key: string): void {
    let keys = map.get(name);
    if (keys === undefined) {
      keys = new Set();
      map.set(name, keys);
    }
    keys.add(key);
  }

  function unindex(map: Map<string, Set<string>>, name: string, key: string): void {
    const keys = map.get(name);
    if (keys === undefined) return;
    keys.delete(key);
    if (keys.size === 0) map.delete(name);
  }

  function remove(key: string): void {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    unindex(byToken, entry.id, key);
    unindex(byOwner, entry.owner.toLowerCase(), key);
  }

  function removeAll(keys: Set<string> | undefined): void {
    if (keys === undefined) return;
    for (const key of [...keys]) remove(key);
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (options.now() - entry.verifiedAt >= ttlMs) {
        remove(key);
        return undefined;
      }
      return entry;
    },
    set(key, value) {
      remove(key);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        remove(oldest.value);
      }
      entries.set(key, value);
      index(byToken, value.id, key);
      index(byOwner, value.owner.toLowerCase(), key);
    },
    delete: remove,
    invalidateToken(tokenId) {
      removeAll(byToken.get(tokenId));
    },
    invalidateOwner(owner) {
      removeAll(byOwner.get(owner.toLowerCase()));
    },
    clear() {
      entries.clear();
      byToken.clear();
      byOwner.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
