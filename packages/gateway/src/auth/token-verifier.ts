/**
 * Token verification for the `token` stage of the decision: the stored record plus "does the
 * presented secret match its hash". Cost model (issue 3, issue 6): a warm token is one keyed SHA-256 and one
 * map look-up; a cold token is one storage read and exactly one bcrypt compare per (token, process)
 * within the cache lifetime, however many requests present it at once.
 */
import type { ParsedToken, TokenFacts } from '@api-token-auth/token-policy';
import { constantTimeEqual } from '../crypto/keyed-digest.js';
import type { TokenRepository, TokenRow } from '../store/store.js';
import { createSingleFlight } from './single-flight.js';
import type { VerifiedToken, VerifiedTokenCache } from './verified-token-cache.js';

/** What the decision's `token` stage needs. */
export interface TokenCheck {
  record: TokenFacts | null;
  secretMatches: boolean;
}

/** The bcrypt side, run off the event loop by the worker pool. */
export interface SecretComparer {
  compare(secret: string, hash: string): Promise<boolean>;
}

export interface TokenVerifier {
  /**
   * The token's cache key: the keyed digest of the presented token. `verify` and `cached` work it out
   * when not given; a caller that reads the same token again (a connection's next request) passes the
   * key it kept.
   */
  keyOf(token: ParsedToken): string;
  verify(token: ParsedToken, key?: string): Promise<TokenCheck>;
  /** The answer when the token is warm (no storage read, no bcrypt); `undefined` when `verify` would do work. */
  cached(token: ParsedToken, key?: string): TokenCheck | undefined;
  /** Drop cached facts of a token (deleted, or its row changed). */
  invalidateToken(tokenId: string): void;
  /** Drop cached facts of every token of an owner (delete-all, owner changed). */
  invalidateOwner(owner: string): void;
}

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  tokens: Pick<TokenRepository, 'findById'>;
  hasher: SecretComparer;
  cache: VerifiedTokenCache;
  /** Keyed digest (SHA-256 over a per-process key and the text) of the whole presented token: the cache key. */
  digest: (text: string) => string;
  /** Epoch milliseconds. */
  now: () => number;
  /** How long a stored row (or its absence) is reused for cold checks; default 5 s. */
  rowTtlMs?: number;
  /**
   * Age (ms) after which a cache hit renews its entry in the background (default 45 s, for the 60 s
   * cache). See `cached`.
   */
  renewAfterMs?: number;
  /** Metrics hooks. */
  onCacheHit?: () => void;
  onCacheMiss?: () => void;
}

function factsOf(row: TokenRow): TokenFacts {
  return { id: row.id, owner: row.owner, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

/**
 * @example
 * ```ts
 * const verifier = createTokenVerifier({ tokens: store.tokens, hasher, cache, digest, now: Date.now });
 * const check = await verifier.verify(parseToken(presented)!); // { record, secretMatches }
 * ```
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const rowTtlMs = options.rowTtlMs ?? 5_000;
  const renewAfterMs = options.renewAfterMs ?? 45_000;
  /** Cache keys being renewed now. */
  const renewing = new Set<string>();
  const rows = new Map<string, { row: TokenRow | null; at: number }>();
  const compares = createSingleFlight<TokenCheck>();
  const reads = createSingleFlight<TokenRow | null>();

  async function findRow(id: string): Promise<TokenRow | null> {
    const cached = rows.get(id);
    if (cached !== undefined && options.now() - cached.at < rowTtlMs) return cached.row;
    return reads.run(id, async () => {
      const row = await options.tokens.findById(id);
      if (rows.size >= 10_000) rows.clear();
      rows.set(id, { row, at: options.now() });
      return row;
    });
  }

  /**
   * A busy token's entry is renewed before it expires, by one storage read and no bcrypt compare: the
   * secret matched the stored hash, so while the row still holds that very hash it still matches.
   * Without this, every 60 s each busy token's requests waited for a fresh compare (about 100 ms of
   * bcrypt). A row that is gone or changed ends the entry, so a deletion by another instance still
   * takes effect within the cache lifetime. A renewal that fails leaves the entry to expire.
   */
  function renew(key: string, hit: VerifiedToken): void {
    if (renewing.has(key)) return;
    renewing.add(key);
    options.tokens
      .findById(hit.id)
      .then(
        (row) => {
          // Invalidated meanwhile (a deletion through this process): nothing to renew.
          if (options.cache.get(key) !== hit) return;
          // Constant-time like every comparison of secret material, though both sides are stored hashes.
          if (row === null || !constantTimeEqual(row.secretHash, hit.secretHash)) {
            options.cache.delete(key);
            return;
          }
          rows.set(row.id, { row, at: options.now() });
          options.cache.set(key, { ...factsOf(row), secretHash: row.secretHash, verifiedAt: options.now() });
        },
        () => undefined,
      )
      .finally(() => renewing.delete(key));
  }

  function keyOf(token: ParsedToken): string {
    return options.digest(`${token.id}:${token.secret}`);
  }

  return {
    keyOf,
    cached(token, key = keyOf(token)) {
      const hit = options.cache.get(key);
      if (hit === undefined) return undefined;
      options.onCacheHit?.();
      if (options.now() - hit.verifiedAt >= renewAfterMs) renew(key, hit);
      return { record: hit, secretMatches: true };
    },
    async verify(token, key = keyOf(token)) {
      const hit = options.cache.get(key);
      if (hit !== undefined) {
        options.onCacheHit?.();
        return { record: hit, secretMatches: true };
      }
      options.onCacheMiss?.();
      return compares.run(key, async () => {
        const row = await findRow(token.id);
        if (row === null) return { record: null, secretMatches: false };
        const matches = await options.hasher.compare(token.secret, row.secretHash);
        // A row deleted while bcrypt ran must not be cached as valid.
        if (matches && rows.get(token.id)?.row === row) {
          options.cache.set(key, { ...factsOf(row), secretHash: row.secretHash, verifiedAt: options.now() });
        }
        return { record: factsOf(row), secretMatches: matches };
      });
    },
    invalidateToken(tokenId) {
      rows.delete(tokenId);
      options.cache.invalidateToken(tokenId);
    },
    invalidateOwner(owner) {
      const lower = owner.toLowerCase();
      for (const [id, entry] of rows) if (entry.row?.owner.toLowerCase() === lower) rows.delete(id);
      options.cache.invalidateOwner(owner);
    },
  };
}
