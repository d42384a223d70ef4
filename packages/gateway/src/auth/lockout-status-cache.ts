/**
 * A short-lived "not locked" cache in front of the failed-login store (issue 6: without it, every
 * token and password request reads SQLite for its lockout status, even a warm token's).
 *
 * Only the negative answer is cached, per key, for at most `ttlMs` (1 s): a lock is always read from
 * storage, so an admin's reset takes effect at once. Every failure this process counts drops its key
 * first, and an answer read while a failure was being counted is not cached, so this process never
 * serves a stale "not locked" after its own failures. A lock set by another gateway instance on the
 * same database is seen within `ttlMs`. Nothing survives a restart: a new process reads storage.
 */
import type { LockoutStatus } from '@api-token-auth/token-policy';
import type { FailedLoginRepository } from '../store/store.js';

/** The part of the failed-login store the pipeline uses. */
export type FailedLoginCounter = Pick<FailedLoginRepository, 'status' | 'recordFailure' | 'recordSuccess'> & {
  /**
   * The status `status` would answer without a storage read, or `undefined` when it must read
   * storage. Lets a warm request be decided without waiting for anything (issue 6).
   */
  statusFromMemory?(keys: readonly string[]): LockoutStatus | undefined;
};

/** Options of {@link createLockoutStatusCache}. */
export interface LockoutStatusCacheOptions {
  failedLogins: FailedLoginCounter;
  /** Epoch milliseconds (the gateway's clock). */
  now: () => number;
  /** How long a "not locked" answer is reused (default 1000 ms; 0 turns the cache off). */
  ttlMs?: number;
  /** Keys remembered at most; the cache is emptied when full (default 100,000). */
  maxEntries?: number;
}

/**
 * Wraps a failed-login store; `status` answers "not locked" from memory when every key was read as
 * not locked within `ttlMs` and this process has counted no failure for it since.
 *
 * @example
 * ```ts
 * const failedLogins = createLockoutStatusCache({ failedLogins: store.failedLogins, now: Date.now });
 * await failedLogins.status(['ip:10.0.0.7'], new Date(), policy); // storage read
 * await failedLogins.status(['ip:10.0.0.7'], new Date(), policy); // from memory for 1 s
 * ```
 */
export function createLockoutStatusCache(options: LockoutStatusCacheOptions): FailedLoginCounter {
  const { failedLogins } = options;
  const ttlMs = options.ttlMs ?? 1_000;
  const maxEntries = options.maxEntries ?? 100_000;
  /** Key → when storage last said "not locked". */
  const notLockedAt = new Map<string, number>();
  /** Bumped whenever this process counts a failure: an answer read across a bump is not cached. */
  let epoch = 0;
  const NOT_LOCKED = Object.freeze({ locked: false as const });

  function fresh(key: string, now: number): boolean {
    const at = notLockedAt.get(key);
    return at !== undefined && now >= at && now - at < ttlMs;
  }

  function allFresh(keys: readonly string[], now: number): boolean {
    if (ttlMs <= 0 || keys.length === 0) return false;
    for (const key of keys) if (!fresh(key, now)) return false;
    return true;
  }

  return {
    statusFromMemory(keys) {
      return allFresh(keys, options.now()) ? NOT_LOCKED : undefined;
    },
    async status(keys, now, policy) {
      const started = options.now();
      if (allFresh(keys, started)) return NOT_LOCKED;
      const seen = epoch;
      const status = await failedLogins.status(keys, now, policy);
      if (ttlMs > 0 && !status.locked && seen === epoch) {
        if (notLockedAt.size + keys.length > maxEntries) notLockedAt.clear();
        for (const key of keys) notLockedAt.set(key, started);
      }
      return status;
    },
    async recordFailure(key, now, policy) {
      epoch++;
      notLockedAt.delete(key);
      try {
        return await failedLogins.recordFailure(key, now, policy);
      } finally {
        epoch++;
        notLockedAt.delete(key);
      }
    },
    recordSuccess: (key) => failedLogins.recordSuccess(key),
  };
}
