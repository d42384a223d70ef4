import type { FailedLoginPolicy, FailedLoginState, LockoutStatus } from '@api-token-auth/token-policy';
import { describe, expect, test } from 'vitest';
import { createLockoutStatusCache, type FailedLoginCounter } from './lockout-status-cache.js';

const policy: FailedLoginPolicy = { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 15 };
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A store whose answers the test sets, counting its reads. */
function fakeStore() {
  const locked = new Set<string>();
  let reads = 0;
  let beforeAnswer: (() => void) | undefined;
  const store: FailedLoginCounter = {
    status(keys) {
      reads++;
      const hit = keys.some((key) => locked.has(key));
      const status: LockoutStatus = hit ? { locked: true, until: new Date(T0 + 60_000) } : { locked: false };
      beforeAnswer?.();
      return Promise.resolve(status);
    },
    recordFailure(key) {
      locked.add(key);
      const state: FailedLoginState = {
        failures: 3,
        windowStartedAt: new Date(T0),
        lastFailureAt: new Date(T0),
        lockedUntil: new Date(T0 + 60_000),
      };
      return Promise.resolve(state);
    },
    recordSuccess: () => Promise.resolve(),
  };
  return {
    store,
    locked,
    reads: () => reads,
    onRead(callback: () => void) {
      beforeAnswer = callback;
    },
  };
}

describe('createLockoutStatusCache', () => {
  test('"not locked" is reused for ttlMs per key, then read again', async () => {
    let now = T0;
    const fake = fakeStore();
    const cache = createLockoutStatusCache({ failedLogins: fake.store, now: () => now });
    const keys = ['ip:10.0.0.7', 'user:alice'];
    await expect(cache.status(keys, new Date(now), policy)).resolves.toEqual({ locked: false });
    await expect(cache.status(keys, new Date(now), policy)).resolves.toEqual({ locked: false });
    await cache.status(['ip:10.0.0.7'], new Date(now), policy);
    expect(fake.reads()).toBe(1);
    // A key never read goes to storage.
    await cache.status(['ip:10.0.0.7', 'user:bob'], new Date(now), policy);
    expect(fake.reads()).toBe(2);
    now = T0 + 1_000;
    await cache.status(keys, new Date(now), policy);
    expect(fake.reads()).toBe(3);
  });

  test('a failure counted here drops the key at once: the lock it set is seen by the next request', async () => {
    const fake = fakeStore();
    const cache = createLockoutStatusCache({ failedLogins: fake.store, now: () => T0 });
    await cache.status(['ip:10.0.0.7'], new Date(T0), policy);
    await cache.recordFailure('ip:10.0.0.7', new Date(T0), policy);
    await expect(cache.status(['ip:10.0.0.7'], new Date(T0), policy)).resolves.toMatchObject({
      locked: true,
    });
  });

  test('a lock is never cached: a reset is seen by the next request', async () => {
    const fake = fakeStore();
    fake.locked.add('user:carol');
    const cache = createLockoutStatusCache({ failedLogins: fake.store, now: () => T0 });
    await expect(cache.status(['user:carol'], new Date(T0), policy)).resolves.toMatchObject({ locked: true });
    fake.locked.delete('user:carol');
    await expect(cache.status(['user:carol'], new Date(T0), policy)).resolves.toEqual({ locked: false });
  });

  test('an answer read while a failure was being counted is not cached', async () => {
    const fake = fakeStore();
    const cache = createLockoutStatusCache({ failedLogins: fake.store, now: () => T0 });
    // The read races a failure that locks the key: its "not locked" must not be remembered.
    fake.onRead(() => {
      fake.onRead(() => {});
      void cache.recordFailure('ip:10.0.0.7', new Date(T0), policy);
    });
    await expect(cache.status(['ip:10.0.0.7'], new Date(T0), policy)).resolves.toEqual({ locked: false });
    await expect(cache.status(['ip:10.0.0.7'], new Date(T0), policy)).resolves.toMatchObject({
      locked: true,
    });
  });

  test('ttlMs 0 turns the cache off; a clock set back does not extend an entry', async () => {
    const fake = fakeStore();
    const off = createLockoutStatusCache({ failedLogins: fake.store, now: () => T0, ttlMs: 0 });
    await off.status(['ip:10.0.0.7'], new Date(T0), policy);
    await off.status(['ip:10.0.0.7'], new Date(T0), policy);
    expect(fake.reads()).toBe(2);

    let now = T0;
    const cache = createLockoutStatusCache({ failedLogins: fake.store, now: () => now });
    await cache.status(['ip:10.0.0.7'], new Date(now), policy);
    now = T0 - 5_000;
    await cache.status(['ip:10.0.0.7'], new Date(now), policy);
    expect(fake.reads()).toBe(4);
  });
});
